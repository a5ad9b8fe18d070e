/**
 * Every reconcile publishes its outcome to EventBridge (source `meshward`), so paging, ticketing and dashboards
 * can subscribe with ordinary rules instead of parsing Slack.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { MeshwardError } from '../core/errors';
import type { ReportView } from '../notify/report-view';

export const OUTCOME_SOURCE = 'meshward';
export type OutcomeDetailType = 'Drift Detected' | 'Reconcile Succeeded' | 'Reconcile Failed';

export interface OutcomeDetail {
  stack: string;
  revision?: string;
  mode: 'enforce' | 'detect';
  status: ReportView['status'];
  trigger?: string;
  at: string;
  counts: Readonly<Record<string, number>>;
  /** Drifted resources (first 50), with what meshward did about each. */
  drifted: { id: string; outcome: string; fields: string[]; changedBy?: string }[];
  /** Validation issues or the failure, shortened. */
  errors: string[];
  eventId?: string;
}

export function outcomeDetailType(view: ReportView): OutcomeDetailType {
  if (view.status === 'failed' || view.status === 'invalid') return 'Reconcile Failed';
  if (view.resources.some((r) => r.drifted)) return 'Drift Detected';
  return 'Reconcile Succeeded';
}

export function outcomeDetail(view: ReportView, eventId?: string): OutcomeDetail {
  const drifted = view.resources.filter((r) => r.drifted);
  return {
    stack: view.stack,
    ...(view.revision ? { revision: view.revision } : {}),
    mode: view.mode,
    status: view.status,
    ...(view.trigger ? { trigger: view.trigger } : {}),
    at: view.at,
    counts: view.counts,
    drifted: drifted.slice(0, 50).map((r) => ({
      id: r.id,
      outcome: r.outcome,
      fields: r.changes.slice(0, 20).map((c) => c.path),
      ...(r.attribution?.[0] ? { changedBy: r.attribution[0].identityArn } : {}),
    })),
    errors: [...(view.issues ?? []), ...(view.error ? [view.error] : [])].slice(0, 20).map((e) => e.slice(0, 500)),
    ...(eventId ? { eventId } : {}),
  };
}

export async function publishOutcome(
  client: EventBridgeClient,
  eventBus: string,
  view: ReportView,
  eventId?: string,
): Promise<OutcomeDetailType> {
  const detailType = outcomeDetailType(view);
  const out = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: OUTCOME_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(outcomeDetail(view, eventId)),
          EventBusName: eventBus,
          Time: new Date(view.at),
        },
      ],
    }),
  );
  if ((out.FailedEntryCount ?? 0) > 0) {
    const entry = out.Entries?.[0];
    throw new MeshwardError('AWS_RETRYABLE', `PutEvents rejected the outcome: ${entry?.ErrorCode ?? 'unknown'}`);
  }
  return detailType;
}
