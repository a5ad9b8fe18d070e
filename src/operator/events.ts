/**
 * Classifies an EventBridge event into a reason to reconcile, or a reason to ignore it. Everything the handler
 * receives passes through here first: foreign, unknown, malformed or oversized events never reach the engine.
 */
import type { Attribution } from '../notify/report-view';
import type { OperatorConfig } from './config';
import { keyUnder } from './s3-uri';
import type { Kind } from '../kinds/kind';
import { defaultRegistry } from '../kinds/registry';

/** EventBridge's own limit for one event; anything larger did not come from EventBridge. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * The CloudTrail write calls (eventName) that change what meshward manages, per eventSource: the union of every
 * registered kind's `writeCalls`. Nothing else starts a reconcile or is blamed for a change: not the ECS agent
 * (RegisterContainerInstance, Submit*StateChange), not task starts and stops, not the target and instance
 * registrations ECS makes itself (Lattice RegisterTargets, Cloud Map RegisterInstance). The infra rule forwards
 * exactly these.
 */
export const WRITE_EVENT_NAMES: Readonly<Record<string, readonly string[]>> = writeEventNames(defaultRegistry.kinds);

function writeEventNames(kinds: readonly Kind[]): Record<string, readonly string[]> {
  const bySource = new Map<string, Set<string>>();
  for (const kind of kinds) {
    for (const [source, names] of Object.entries(kind.writeCalls ?? {})) {
      const set = bySource.get(source) ?? new Set<string>();
      for (const name of names) set.add(name);
      bySource.set(source, set);
    }
  }
  return Object.fromEntries([...bySource].map(([source, names]) => [source, [...names]]));
}

/** CloudTrail eventSource -> the EventBridge `source` its events arrive with. */
export const WATCHED_SOURCES: Readonly<Record<string, string>> = Object.fromEntries(
  // `ecs.amazonaws.com` -> `aws.ecs`, `vpc-lattice.amazonaws.com` -> `aws.vpc-lattice`.
  Object.keys(WRITE_EVENT_NAMES).map((source) => [source, `aws.${source.replace(/\.amazonaws\.com$/, '')}`]),
);
/** A call that changes something meshward manages (see WRITE_EVENT_NAMES). */
export function isWatchedWrite(eventSource: string, eventName: string): boolean {
  return Object.hasOwn(WRITE_EVENT_NAMES, eventSource) && (WRITE_EVENT_NAMES[eventSource] ?? []).includes(eventName);
}

export interface EventEnvelope {
  id: string;
  source: string;
  detailType: string;
  account?: string;
  region?: string;
  time?: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export type Trigger =
  | { kind: 'schedule'; id: string; time?: string }
  | { kind: 'manifests'; id: string; bucket: string; key: string; time?: string }
  | {
      kind: 'api-call';
      id: string;
      /** CloudTrail's own eventID of the call (detail.eventID). */
      cloudTrailEventId?: string;
      eventName: string;
      eventSource: string;
      attribution: Attribution;
      /**
       * meshward resource ids the call names in its parameters; empty when it names none. The attribution is
       * what the event claims: it is shown only once CloudTrail confirms it (attribution.ts).
       */
      resourceIds: string[];
    }
  | { kind: 'deployment'; id: string; eventName?: string; resources: string[] }
  | { kind: 'manual'; id: string };

export type Classification =
  { action: 'reconcile'; trigger: Trigger } | { action: 'ignore'; id?: string; reason: IgnoreReason; detail: string };

export type IgnoreReason =
  | 'malformed'
  | 'oversized'
  | 'unknown'
  | 'foreign-account'
  | 'foreign-bucket'
  | 'foreign-prefix'
  | 'not-pointer'
  | 'own-call'
  | 'read-only'
  | 'not-watched'
  | 'failed-call';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Validates the envelope fields every EventBridge event has. */
export function parseEnvelope(raw: unknown): EventEnvelope | { error: string } {
  if (!isRecord(raw)) return { error: 'event is not a JSON object' };
  const id = str(raw.id);
  const source = str(raw.source);
  const detailType = str(raw['detail-type']);
  if (!id) return { error: 'event has no id' };
  if (!source) return { error: 'event has no source' };
  if (!detailType) return { error: 'event has no detail-type' };
  const detail = raw.detail === undefined ? {} : raw.detail;
  if (!isRecord(detail)) return { error: 'event detail is not an object' };
  const resources = Array.isArray(raw.resources) ? raw.resources.filter((r): r is string => typeof r === 'string') : [];
  return {
    id,
    source,
    detailType,
    account: str(raw.account),
    region: str(raw.region),
    time: str(raw.time),
    resources,
    detail,
  };
}

/** Calls made by the operator's own role are the reconcile itself, never drift. */
export function isOwnIdentity(userIdentity: unknown, ownRoleArn: string | undefined): boolean {
  if (!ownRoleArn || !isRecord(userIdentity)) return false;
  const issuer = isRecord(userIdentity.sessionContext) ? userIdentity.sessionContext.sessionIssuer : undefined;
  if (isRecord(issuer) && str(issuer.arn) === ownRoleArn) return true;
  const arn = str(userIdentity.arn);
  if (!arn) return false;
  if (arn === ownRoleArn) return true;
  // arn:aws:iam::123:role/path/Name -> arn:aws:sts::123:assumed-role/Name/<session>
  const role = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(ownRoleArn);
  if (!role) return false;
  return arn.startsWith(`arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/`);
}

/** meshward resource id an ARN names (`.../mesh/m/virtualNode/n` -> `VirtualNode/m/n`), when a kind knows it. */
export function resourceIdOfArn(arn: string): string | undefined {
  for (const kind of defaultRegistry.kinds) {
    const id = kind.idOfArn?.(arn);
    if (id !== undefined) return id;
  }
  return undefined;
}

/**
 * Best effort: which meshward resources a CloudTrail write call touched, from its request parameters. Only the kinds
 * the call writes answer (UpdateRoute names its router and mesh too, but changes only the route).
 */
export function resourceIdsOfCall(eventSource: string, params: Record<string, unknown>, eventName: string): string[] {
  const p: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(params)) if (typeof value === 'string') p[key] = value;
  const ids = new Set<string>();
  const fromArn = p['resourceArn'] === undefined ? undefined : resourceIdOfArn(p['resourceArn']);
  if (fromArn) ids.add(fromArn);
  for (const kind of defaultRegistry.kinds) {
    if (!kind.writeCalls?.[eventSource]?.includes(eventName)) continue;
    for (const id of kind.idsOfCall?.(eventSource, p) ?? []) ids.add(id);
  }
  return [...ids];
}

function classifyApiCall(env: EventEnvelope, config: OperatorConfig): Classification {
  const d = env.detail;
  const eventName = str(d.eventName);
  const eventSource = str(d.eventSource);
  if (!eventName || !eventSource) {
    return {
      action: 'ignore',
      id: env.id,
      reason: 'malformed',
      detail: 'CloudTrail event without eventName/eventSource',
    };
  }
  if (WATCHED_SOURCES[eventSource] !== env.source) {
    return { action: 'ignore', id: env.id, reason: 'unknown', detail: `CloudTrail event from ${eventSource}` };
  }
  if (d.readOnly === true) {
    return { action: 'ignore', id: env.id, reason: 'read-only', detail: `${eventName} changes nothing` };
  }
  if (!isWatchedWrite(eventSource, eventName)) {
    return {
      action: 'ignore',
      id: env.id,
      reason: 'not-watched',
      detail: `${eventName} changes nothing meshward manages`,
    };
  }
  if (str(d.errorCode)) {
    return {
      action: 'ignore',
      id: env.id,
      reason: 'failed-call',
      detail: `${eventName} failed (${String(d.errorCode)})`,
    };
  }
  if (isOwnIdentity(d.userIdentity, config.ownRoleArn)) {
    return { action: 'ignore', id: env.id, reason: 'own-call', detail: `${eventName} was made by meshward itself` };
  }
  const identity = isRecord(d.userIdentity) ? d.userIdentity : {};
  const identityArn =
    str(identity.arn) ?? str(identity.principalId) ?? str(identity.invokedBy) ?? str(identity.type) ?? 'unknown';
  const params = isRecord(d.requestParameters) ? d.requestParameters : {};
  return {
    action: 'reconcile',
    trigger: {
      kind: 'api-call',
      id: env.id,
      ...(str(d.eventID) ? { cloudTrailEventId: str(d.eventID) } : {}),
      eventName,
      eventSource,
      attribution: {
        identityArn,
        eventName,
        eventTime: str(d.eventTime) ?? env.time,
        sourceIp: str(d.sourceIPAddress),
      },
      resourceIds: resourceIdsOfCall(eventSource, params, eventName),
    },
  };
}

function classifyObjectCreated(env: EventEnvelope, config: OperatorConfig): Classification {
  const bucket = isRecord(env.detail.bucket) ? str(env.detail.bucket.name) : undefined;
  const key = isRecord(env.detail.object) ? str(env.detail.object.key) : undefined;
  if (!bucket || !key)
    return { action: 'ignore', id: env.id, reason: 'malformed', detail: 'S3 event without bucket/key' };
  if (bucket !== config.manifests.bucket) {
    return { action: 'ignore', id: env.id, reason: 'foreign-bucket', detail: `object in bucket ${bucket}` };
  }
  const pointer = keyUnder(config.manifests.prefix, 'current.json');
  // S3 event keys are URL-encoded (spaces as '+').
  let decoded: string;
  try {
    decoded = decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return { action: 'ignore', id: env.id, reason: 'malformed', detail: 'S3 object key is not URL-encoded text' };
  }
  if (decoded === pointer) {
    return { action: 'reconcile', trigger: { kind: 'manifests', id: env.id, bucket, key: decoded, time: env.time } };
  }
  const prefix = config.manifests.prefix === '' ? '' : `${config.manifests.prefix}/`;
  if (!decoded.startsWith(prefix)) {
    return { action: 'ignore', id: env.id, reason: 'foreign-prefix', detail: `object ${decoded} outside ${prefix}` };
  }
  // Revision files and state snapshots: the publish is complete only when the pointer is written.
  return { action: 'ignore', id: env.id, reason: 'not-pointer', detail: `object ${decoded} is not ${pointer}` };
}

/**
 * The event's size as EventBridge counts it. JSON.stringify throws on nesting deeper than the stack allows (a
 * few thousand levels, well under 256 kB) and on cycles: such an event is malformed, not a crash.
 */
function serializedSize(raw: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(raw ?? null) ?? '', 'utf8');
  } catch {
    return undefined;
  }
}

/** The one entry point: envelope checks, then per detail-type rules. */
export function classifyEvent(raw: unknown, config: OperatorConfig, rawSize?: number): Classification {
  const size = rawSize ?? serializedSize(raw);
  if (size === undefined) {
    return {
      action: 'ignore',
      reason: 'malformed',
      detail: 'event cannot be serialized (nested too deeply or cyclic)',
    };
  }
  if (size > MAX_EVENT_BYTES) {
    return { action: 'ignore', reason: 'oversized', detail: `event of ${size} bytes exceeds ${MAX_EVENT_BYTES}` };
  }
  const env = parseEnvelope(raw);
  if ('error' in env) return { action: 'ignore', reason: 'malformed', detail: env.error };
  if (config.accountId && env.account && env.account !== config.accountId) {
    return { action: 'ignore', id: env.id, reason: 'foreign-account', detail: `event from account ${env.account}` };
  }
  const type = `${env.source}|${env.detailType}`;
  switch (type) {
    // EventBridge Scheduler's per-stack schedules send this shape themselves (infra: the schedule's input).
    case 'aws.events|Scheduled Event':
    case 'aws.scheduler|Scheduled Event':
      return { action: 'reconcile', trigger: { kind: 'schedule', id: env.id, time: env.time } };
    case 'aws.s3|Object Created':
      return classifyObjectCreated(env, config);
    case 'aws.appmesh|AWS API Call via CloudTrail':
    case 'aws.ecs|AWS API Call via CloudTrail':
    case 'aws.servicediscovery|AWS API Call via CloudTrail':
    case 'aws.vpc-lattice|AWS API Call via CloudTrail':
      return classifyApiCall(env, config);
    case 'aws.ecs|ECS Deployment State Change':
      return {
        action: 'reconcile',
        trigger: { kind: 'deployment', id: env.id, eventName: str(env.detail.eventName), resources: env.resources },
      };
    default:
      return { action: 'ignore', id: env.id, reason: 'unknown', detail: `${env.source} / ${env.detailType}` };
  }
}

/** One line for logs and reports: what started this run. */
export function describeTrigger(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'schedule':
      return 'schedule';
    case 'manifests':
      return 'manifests published';
    case 'api-call':
      return `CloudTrail ${trigger.eventName}`;
    case 'deployment':
      return `ECS deployment ${trigger.eventName ?? 'state change'}`;
    case 'manual':
      return 'manual';
  }
}
