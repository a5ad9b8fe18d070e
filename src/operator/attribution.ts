/**
 * Who changed a drifted resource. The triggering CloudTrail event says it directly; for drift found on a schedule
 * (or by an event about another resource) CloudTrail LookupEvents is asked, one resource at a time and paced under
 * its 2 requests/s limit, for the newest write on that resource that meshward did not make itself.
 */
import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Attribution } from '../notify/report-view';
import { isOwnIdentity, type Trigger, WRITE_EVENT_PREFIXES } from './events';

export interface LookupOptions {
  ownRoleArn?: string;
  /** Oldest event considered. */
  since: Date;
  /** At most this many LookupEvents calls per run, so attribution never dominates a reconcile. */
  maxLookups?: number;
  /** Pause between calls: 2 requests/s is CloudTrail's limit for LookupEvents. */
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The triggering call's identity, for the drifted resources that call touched (all of them if unknown). */
export function attributionFromTrigger(trigger: Trigger, driftedIds: readonly string[]): Map<string, Attribution[]> {
  const out = new Map<string, Attribution[]>();
  if (trigger.kind !== 'api-call') return out;
  const touched = trigger.resourceIds.length > 0 ? new Set(trigger.resourceIds) : undefined;
  for (const id of driftedIds) {
    if (!touched || touched.has(id)) out.set(id, [trigger.attribution]);
  }
  return out;
}

interface CloudTrailRecord {
  eventName?: string;
  eventTime?: string;
  sourceIPAddress?: string;
  userIdentity?: { arn?: string; principalId?: string; type?: string };
  readOnly?: boolean;
  errorCode?: string;
}

export async function lookupAttribution(
  client: CloudTrailClient,
  arnById: ReadonlyMap<string, string>,
  ids: readonly string[],
  options: LookupOptions,
): Promise<{ found: Map<string, Attribution[]>; calls: number; errors: string[] }> {
  const found = new Map<string, Attribution[]>();
  const errors: string[] = [];
  const max = options.maxLookups ?? 10;
  const interval = options.intervalMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let calls = 0;
  for (const id of ids) {
    const arn = arnById.get(id);
    if (!arn) continue;
    if (calls >= max) break;
    if (calls > 0) await sleep(interval);
    calls += 1;
    try {
      const out = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: arn }],
          StartTime: options.since,
          MaxResults: 20,
        }),
      );
      const who: Attribution[] = [];
      for (const event of out.Events ?? []) {
        let record: CloudTrailRecord = {};
        try {
          record = JSON.parse(event.CloudTrailEvent ?? '{}') as CloudTrailRecord;
        } catch {
          continue;
        }
        const name = record.eventName ?? event.EventName ?? '';
        if (!WRITE_EVENT_PREFIXES.some((p) => name.startsWith(p)) || record.errorCode) continue;
        if (isOwnIdentity(record.userIdentity, options.ownRoleArn)) continue;
        who.push({
          identityArn: record.userIdentity?.arn ?? record.userIdentity?.principalId ?? event.Username ?? 'unknown',
          eventName: name,
          eventTime: record.eventTime ?? event.EventTime?.toISOString(),
          ...(record.sourceIPAddress ? { sourceIp: record.sourceIPAddress } : {}),
        });
        // Newest first: the most recent outside write is the one that explains the current value.
        if (who.length >= 1) break;
      }
      if (who.length > 0) found.set(id, who);
    } catch (err) {
      errors.push(`${id}: ${(err as Error).name}`);
    }
  }
  return { found, calls, errors };
}
