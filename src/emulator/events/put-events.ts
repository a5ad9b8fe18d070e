import { createHash } from 'node:crypto';
import { AwsApiError, type CallContext } from '../contracts';
import { isObject, objectList, optString, stringList, type JsonObject } from '../ecs/input';
import type { EventsState, ReceivedEvent } from './state';

/** PutEvents' limit on the summed size of a request's entries (EventBridge's entry-size rules). */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** EventBridge's size of one entry: Time 14 bytes if given, plus the UTF-8 bytes of Source, DetailType, Detail and Resources. */
export function entrySize(entry: JsonObject): number {
  const bytes = (s: string | undefined): number => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));
  return (
    (entry['Time'] !== undefined ? 14 : 0) +
    bytes(optString(entry, 'Source')) +
    bytes(optString(entry, 'DetailType')) +
    bytes(optString(entry, 'Detail')) +
    stringList(entry, 'Resources').reduce((n, r) => n + bytes(r), 0)
  );
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

function missing(field: string): EntryResult {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
  };
}

function parseDetail(detail: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function eventTime(entry: JsonObject, now: number): string {
  const t = entry['Time'];
  const ms =
    typeof t === 'number' ? t * 1000 : typeof t === 'string' && !Number.isNaN(Date.parse(t)) ? Date.parse(t) : now;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function busName(entry: JsonObject): string {
  const given = optString(entry, 'EventBusName') ?? 'default';
  const arnMatch = /:event-bus\/(.+)$/.exec(given);
  return arnMatch?.[1] ?? given;
}

function newEventId(state: EventsState, seed: string): string {
  state.sequence += 1;
  const hex = createHash('sha256').update(`${state.sequence}:${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function putEvents(state: EventsState, input: JsonObject, ctx: CallContext): JsonObject {
  const entries = objectList(input, 'Entries');
  const total = entries.reduce((n, e) => n + entrySize(e), 0);
  if (total > MAX_REQUEST_BYTES) {
    throw new AwsApiError('ValidationException', 400, 'Total size of the entries in the request is over the limit.');
  }
  const results: EntryResult[] = entries.map((entry) => {
    const source = optString(entry, 'Source');
    const detailType = optString(entry, 'DetailType');
    const detail = optString(entry, 'Detail');
    if (!source) return missing('Source');
    if (!detailType) return missing('DetailType');
    if (detail === undefined) return missing('Detail');
    const parsed = parseDetail(detail);
    if (!parsed) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    // Only AWS services may put events with an aws.* source.
    if (source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    const event: ReceivedEvent = {
      version: '0',
      id: newEventId(state, `${source}|${detailType}|${detail}`),
      'detail-type': detailType,
      source,
      account: ctx.accountId,
      time: eventTime(entry, ctx.now),
      region: ctx.region,
      resources: stringList(entry, 'Resources'),
      detail: parsed,
      eventBusName: busName(entry),
      receivedAt: ctx.now,
    };
    state.events.push(event);
    return { EventId: event.id };
  });
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
}
