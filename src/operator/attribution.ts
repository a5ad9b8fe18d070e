/**
 * Who changed a drifted resource, from CloudTrail and nothing else. A field is attributed only to a successful
 * write call (WRITE_EVENT_NAMES) that names that resource (its request parameters or CloudTrail's resources list)
 * and came after meshward's own last write to it: an earlier change that meshward already reverted is history, not
 * the cause of today's difference, and a call that names no meshward resource (an ECS agent in another cluster)
 * explains nothing.
 *
 * A triggering EventBridge event only says which resources to look up first: its identity is what the event
 * claims, so it is shown only as CloudTrail LookupEvents returns it (a crafted event names whom it likes). Lookups
 * go one resource at a time, paced under CloudTrail's 2 requests/s limit and bounded per run.
 */
import { LookupEventsCommand, type CloudTrailClient, type Event } from '@aws-sdk/client-cloudtrail';
import type { Attribution } from '../notify/report-view';
import { isOwnIdentity, isWatchedWrite, resourceIdsOfCall, type Trigger } from './events';

export interface LookupOptions {
  ownRoleArn?: string;
  /** Oldest event considered, for resources without an entry in sinceById. */
  since: Date;
  /** Per resource: meshward's last write to it (the state's appliedAt); older events are not looked at. */
  sinceById?: ReadonlyMap<string, Date>;
  /** At most this many LookupEvents calls per run, so attribution never dominates a reconcile. */
  maxLookups?: number;
  /** Pause between calls: 2 requests/s is CloudTrail's limit for LookupEvents. */
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Distinct outside writes listed per resource, newest first. */
  maxPerResource?: number;
  /** This run's own writes (it reverted drift before attributing it): skipped, not taken as the boundary. */
  thisRun?: ThisRun;
}

export interface ThisRun {
  startedAt: Date;
  /** Resources this run wrote. */
  wrote: ReadonlySet<string>;
}

/**
 * The drifted resources the triggering call names, to be looked up first. A call that names none of them (or
 * names nothing meshward manages) puts nothing first and blames nobody.
 */
export function triggerHints(trigger: Trigger, driftedIds: readonly string[]): string[] {
  if (trigger.kind !== 'api-call') return [];
  const named = new Set(trigger.resourceIds);
  return driftedIds.filter((id) => named.has(id));
}

interface CloudTrailRecord {
  eventName?: string;
  eventSource?: string;
  eventTime?: string;
  sourceIPAddress?: string;
  userIdentity?: { arn?: string; principalId?: string; type?: string };
  requestParameters?: unknown;
  resources?: { ARN?: string }[];
  errorCode?: string;
}

function strings(value: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 8) return out;
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out, depth + 1);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) strings(v, out, depth + 1);
  return out;
}

/** Whether the call names this resource: by its meshward id in the request parameters, or by its ARN. */
export function callNamesResource(
  record: CloudTrailRecord,
  event: Pick<Event, 'Resources'> | undefined,
  id: string,
  arn: string,
): boolean {
  const params =
    typeof record.requestParameters === 'object' && record.requestParameters !== null
      ? (record.requestParameters as Record<string, unknown>)
      : {};
  if (resourceIdsOfCall(record.eventSource ?? '', params, record.eventName ?? '').includes(id)) return true;
  if (strings(params, new Set()).has(arn)) return true;
  if ((record.resources ?? []).some((r) => r.ARN === arn)) return true;
  return (event?.Resources ?? []).some((r) => r.ResourceName === arn);
}

function parseRecord(event: Event): CloudTrailRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(event.CloudTrailEvent ?? '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as CloudTrailRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outside writes that explain a resource's current state, newest first: successful watched writes naming it,
 * up to meshward's own newest write to it (exclusive), which reverted or superseded everything before it.
 */
export function outsideWritesSinceOwn(
  events: readonly Event[],
  id: string,
  arn: string,
  ownRoleArn: string | undefined,
  max: number,
  thisRun?: ThisRun,
): Attribution[] {
  // CloudTrail times have whole seconds: a write of this run can carry the second the run started in.
  const runSecond = thisRun ? Math.floor(thisRun.startedAt.getTime() / 1000) * 1000 : Infinity;
  const who: Attribution[] = [];
  const sorted = [...events].sort((a, b) => (b.EventTime?.getTime() ?? 0) - (a.EventTime?.getTime() ?? 0));
  for (const event of sorted) {
    const record = parseRecord(event);
    if (!record) continue;
    const name = record.eventName ?? event.EventName ?? '';
    const source = record.eventSource ?? event.EventSource ?? '';
    if (!isWatchedWrite(source, name) || record.errorCode) continue;
    if (!callNamesResource(record, event, id, arn)) continue;
    if (isOwnIdentity(record.userIdentity, ownRoleArn)) {
      const at = event.EventTime?.getTime() ?? Date.parse(record.eventTime ?? '');
      if (thisRun?.wrote.has(id) && at >= runSecond) continue;
      break;
    }
    const identityArn = record.userIdentity?.arn ?? record.userIdentity?.principalId ?? event.Username ?? 'unknown';
    const eventTime = record.eventTime ?? event.EventTime?.toISOString() ?? '';
    if (who.some((w) => w.identityArn === identityArn && w.eventName === name)) continue;
    who.push({
      identityArn,
      eventName: name,
      eventTime,
      ...(record.sourceIPAddress ? { sourceIp: record.sourceIPAddress } : {}),
    });
    if (who.length >= max) break;
  }
  return who;
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
          StartTime: options.sinceById?.get(id) ?? options.since,
          MaxResults: 50,
        }),
      );
      const who = outsideWritesSinceOwn(
        out.Events ?? [],
        id,
        arn,
        options.ownRoleArn,
        options.maxPerResource ?? 3,
        options.thisRun,
      );
      if (who.length > 0) found.set(id, who);
    } catch (err) {
      errors.push(`${id}: ${(err as Error).name}`);
    }
  }
  return { found, calls, errors };
}
