import { AwsApiError, type CallContext, type EmulatorEnv, type ServedWrite } from '../contracts';
import { canonicalJson, objectList, optNumber, optString, type JsonObject } from '../ecs/input';
import { paginate } from '../ecs/paging';
import { lookupEvent, lookupResources } from './events';
import { identityFromArn } from './identity';

const DEFAULT_MAX_RESULTS = 50;
const RETENTION_MS = 90 * 24 * 3600 * 1000;

/** CloudTrail's json 1.1 timestamps arrive as epoch seconds; accept ISO strings too. */
function timeMs(input: JsonObject, key: string): number | undefined {
  const value = input[key];
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const n = Number(value);
    if (!Number.isNaN(n)) return n * 1000;
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return undefined;
}

function matches(write: ServedWrite, key: string, value: string): boolean {
  switch (key) {
    case 'EventId':
      return write.eventId === value;
    case 'EventName':
      return write.eventName === value;
    case 'ReadOnly':
      // Only writes are recorded, so ReadOnly=true never matches.
      return value === 'false';
    case 'Username':
      return identityFromArn(write.userIdentityArn).username === value;
    case 'ResourceType':
      return lookupResources(write).some((r) => r.ResourceType === value);
    case 'ResourceName':
      return lookupResources(write).some((r) => r.ResourceName === value);
    case 'EventSource':
      return write.eventSource === value;
    case 'AccessKeyId':
      return write.accessKeyId === value;
    default:
      return false;
  }
}

/**
 * Positions of the writes naming each resource ARN, kept per log array and extended as writes are appended: the
 * ResourceName lookup (drift attribution asks it once per drifted resource) reads only the writes of that resource
 * instead of parsing every write's resources on every call, which grew with the square of the account's size.
 */
interface ResourceIndex {
  indexed: number;
  byName: Map<string, number[]>;
}
const resourceIndexes = new WeakMap<readonly ServedWrite[], ResourceIndex>();

function writesNaming(writes: readonly ServedWrite[], name: string): ServedWrite[] {
  let index = resourceIndexes.get(writes);
  if (!index) {
    index = { indexed: 0, byName: new Map() };
    resourceIndexes.set(writes, index);
  }
  for (; index.indexed < writes.length; index.indexed++) {
    const write = writes[index.indexed];
    if (!write) continue;
    // The names lookupResources answers as ResourceName: the ARNs the write touched (no type parsing needed).
    for (const r of new Set(write.resources.flatMap((x) => (x.ARN === undefined ? [] : [x.ARN])))) {
      const at = index.byName.get(r) ?? [];
      at.push(index.indexed);
      index.byName.set(r, at);
    }
  }
  return (index.byName.get(name) ?? []).flatMap((i) => (writes[i] ? [writes[i]] : []));
}

export function lookupEvents(env: EmulatorEnv, input: JsonObject, ctx: CallContext): JsonObject {
  const attributes = objectList(input, 'LookupAttributes');
  if (attributes.length > 1) {
    throw new AwsApiError(
      'InvalidLookupAttributesException',
      400,
      'You can specify only one lookup attribute in a LookupEvents request.',
    );
  }
  const attribute = attributes[0];
  const start = timeMs(input, 'StartTime');
  const end = timeMs(input, 'EndTime');
  if (start !== undefined && end !== undefined && start > end) {
    throw new AwsApiError('InvalidTimeRangeException', 400, 'Start time must be earlier than end time.');
  }
  const maxResults = optNumber(input, 'MaxResults') ?? DEFAULT_MAX_RESULTS;
  if (maxResults < 1 || maxResults > 50) {
    throw new AwsApiError('InvalidMaxResultsException', 400, 'MaxResults must be between 1 and 50.');
  }
  if (optString(input, 'EventCategory') === 'insight') return { Events: [] };

  const oldest = ctx.now - RETENTION_MS;
  const key = attribute ? (optString(attribute, 'AttributeKey') ?? '') : undefined;
  const value = attribute ? (optString(attribute, 'AttributeValue') ?? '') : undefined;
  const writes = env.servedWrites();
  const candidates = key === 'ResourceName' && value !== undefined ? writesNaming(writes, value) : writes;
  const selected = candidates
    .filter((w) => w.eventTime >= oldest)
    .filter((w) => start === undefined || w.eventTime >= start)
    .filter((w) => end === undefined || w.eventTime <= end)
    .filter((w) => key === undefined || value === undefined || matches(w, key, value))
    // Newest first, as CloudTrail returns them; ties keep the reverse order in which they were served.
    .map((w, index) => ({ w, index }))
    .sort((a, b) => b.w.eventTime - a.w.eventTime || b.index - a.index)
    .map(({ w }) => w);
  // The token pins the query's filters (and, through the newest event's id, the result set's head) so a replay
  // with other parameters fails like CloudTrail's InvalidNextTokenException.
  const fingerprint = canonicalJson({ attributes, start, end });
  const page = paginate(selected, maxResults, optString(input, 'NextToken'), fingerprint, () => {
    return new AwsApiError('InvalidNextTokenException', 400, 'Invalid NextToken.');
  });
  return {
    Events: page.items.map((w) => lookupEvent(w, ctx.region, ctx.accountId)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
