/** What every Lattice handler shares: lookups by id or ARN, clientToken idempotency, paging, time, tags. */
import type { CallContext } from '../contracts';
import { arnFor, idOf, newId, type LatticeKind } from './ids';
import { conflict, notFound, quotaExceeded, validation, type ResourceType } from './errors';
import type { ResolvedLatticeOptions } from './options';
import { recordsOf, type Json, type LatticeRecord, type LatticeState } from './state';

export interface LatticeCall {
  state: LatticeState;
  options: ResolvedLatticeOptions;
  ctx: CallContext;
}

export const RESOURCE_TYPE: Record<LatticeKind, ResourceType> = {
  serviceNetwork: 'SERVICE_NETWORK',
  service: 'SERVICE',
  listener: 'LISTENER',
  rule: 'RULE',
  targetGroup: 'TARGET_GROUP',
  vpcAssociation: 'SERVICE_NETWORK_VPC_ASSOCIATION',
  serviceAssociation: 'SERVICE_NETWORK_SERVICE_ASSOCIATION',
  accessLogSubscription: 'ACCESS_LOG_SUBSCRIPTION',
};

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const optNum = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The resource an "ID or ARN" identifier names, of the expected kind; ResourceNotFoundException otherwise. */
export function find(call: LatticeCall, kind: LatticeKind, identifier: unknown): LatticeRecord {
  const raw = str(identifier);
  const id = idOf(raw);
  const r = call.state.resources[id];
  if (!r || r.kind !== kind || (raw.startsWith('arn:') && raw !== r.arn)) throw notFound(RESOURCE_TYPE[kind], raw);
  return r;
}

export function findOptional(call: LatticeCall, kind: LatticeKind, identifier: unknown): LatticeRecord | undefined {
  const r = call.state.resources[idOf(str(identifier))];
  return r && r.kind === kind ? r : undefined;
}

/** A new record; async kinds start CREATE_IN_PROGRESS for transitionMs, or ACTIVE at once when it is 0. */
export function newRecord(
  call: LatticeCall,
  kind: LatticeKind,
  fields: { name?: string; serviceId?: string; listenerId?: string; attrs: Json; tags?: unknown; async?: number },
): LatticeRecord {
  const id = newId(kind);
  const now = call.ctx.now;
  const record: LatticeRecord = {
    kind,
    id,
    arn: arnFor(call.ctx, kind, id, { serviceId: fields.serviceId, listenerId: fields.listenerId }),
    createdAt: now,
    lastUpdatedAt: now,
    attrs: fields.attrs,
    tags: readTags(call, fields.tags),
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.serviceId !== undefined ? { serviceId: fields.serviceId } : {}),
    ...(fields.listenerId !== undefined ? { listenerId: fields.listenerId } : {}),
  };
  if (fields.async !== undefined) {
    record.status = fields.async > 0 ? 'CREATE_IN_PROGRESS' : 'ACTIVE';
    if (fields.async > 0) record.settleAt = now + fields.async;
  }
  call.state.resources[id] = record;
  return record;
}

/** Starts an asynchronous delete: DELETE_IN_PROGRESS for transitionMs, gone at once when it is 0. */
export function beginDelete(call: LatticeCall, r: LatticeRecord, delayMs: number, drop: () => void): void {
  r.status = 'DELETE_IN_PROGRESS';
  r.lastUpdatedAt = call.ctx.now;
  if (delayMs > 0) r.settleAt = call.ctx.now + delayMs;
  else drop();
}

/** Refuses changes to a resource still being created or being deleted ("if the creation is in progress"). */
export function requireSettled(r: LatticeRecord, verb: string): void {
  if (r.status === 'CREATE_IN_PROGRESS' || r.status === 'DELETE_IN_PROGRESS') {
    throw conflict(RESOURCE_TYPE[r.kind], r.id, `Cannot ${verb} ${r.id} while its status is ${r.status}.`);
  }
}

export function readTags(call: LatticeCall, tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isJson(tags)) for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') out[k] = v;
  checkTagCount(call, Object.keys(out).length);
  return out;
}

export function checkTagCount(call: LatticeCall, count: number): void {
  const max = call.options.quotas.tagsPerResource;
  if (count > max) {
    throw validation(`A resource can have at most ${max} tags; the request would leave ${count}.`, [
      { name: 'tags', message: `Member must have at most ${max} entries` },
    ]);
  }
}

export function checkQuota(count: number, limit: number, type: ResourceType, name: string): void {
  if (count >= limit) throw quotaExceeded(type, name, limit);
}

/**
 * A new Region-wide resource (service network, service, target group): its name must be free (ConflictException
 * naming the holder) and the Region's quota for the type not reached (ServiceQuotaExceededException).
 */
export function requireNameAndQuota(
  call: LatticeCall,
  kind: LatticeKind,
  name: string,
  type: ResourceType,
  noun: string,
  quota: { limit: number; name: string },
): void {
  const clash = recordsOf(call.state, kind).find((r) => r.name === name);
  if (clash) throw conflict(type, clash.id, `A ${noun} with the name ${name} already exists.`);
  checkQuota(countOf(call, kind), quota.limit, type, quota.name);
}

export function countOf(
  call: LatticeCall,
  kind: LatticeKind,
  filter: (r: LatticeRecord) => boolean = () => true,
): number {
  return recordsOf(call.state, kind).filter(filter).length;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJson(value)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * clientToken idempotency (CreateX: "If you retry a request that completed successfully using the same client token
 * and parameters, the retry succeeds without performing any actions. If the parameters aren't identical, the retry
 * fails."): the same token and request answer the original result; a different request is a ConflictException.
 */
export function withToken(
  call: LatticeCall,
  input: Json,
  scope: string,
  resourceType: ResourceType,
  run: () => Json,
): Json {
  const token = input.clientToken;
  if (typeof token !== 'string' || token === '') return run();
  const { clientToken: _omit, ...request } = input;
  void _omit;
  const key = [call.ctx.operation, scope, token].join('\u0000');
  const requestText = canonical(request);
  const seen = call.state.tokens[key];
  if (seen) {
    if (seen.request !== requestText) {
      throw conflict(resourceType, token, `The clientToken ${token} was already used with different parameters.`);
    }
    return structuredClone(seen.result) as Json;
  }
  const result = run();
  call.state.tokens[key] = { request: requestText, result: structuredClone(result) };
  return result;
}

/** maxResults (1..100) / nextToken paging; the token carries the list's scope, so it cannot page another list. */
export function paginate<T>(
  call: LatticeCall,
  all: readonly T[],
  scope: string,
  input: Json,
): { items: T[]; nextToken?: string } {
  const size = optNum(input.maxResults) ?? call.options.defaultMaxResults;
  let offset = 0;
  const token = input.nextToken;
  if (typeof token === 'string') {
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
      if (decoded.s !== scope || typeof decoded.o !== 'number' || decoded.o < 0) throw new Error('scope');
      offset = decoded.o;
    } catch {
      throw validation('The nextToken is not valid.', [{ name: 'nextToken', message: 'Invalid pagination token' }]);
    }
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return next < all.length
    ? { items, nextToken: Buffer.from(JSON.stringify({ s: scope, o: next })).toString('base64url') }
    : { items };
}

/** Drops undefined members so answers carry only what is set, as AWS's JSON does. */
export function compact(value: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out;
}
