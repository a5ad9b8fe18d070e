/**
 * The nine VPC Lattice kinds share one life cycle (DESIGN.md "Kinds by backend"): list (pages followed), read a
 * resource again only when its list item's `lastUpdatedAt` moved since the cached read (Lattice lists carry no
 * version), tags read with it and again once older than `cacheMaxAgeMillis`, create with ownership tags and a
 * deterministic client token, wait for ACTIVE (services, target groups, associations are asynchronous) before the
 * dependents, update what the delta touches, delete and wait until gone. Each kind supplies its SDK calls and its
 * identity as data (`LatticeKindConfig`).
 *
 * Names, not ids: manifests name target groups, services and networks; the API wants ids or ARNs. Observed specs are
 * turned back into names (`targetGroupNames`), and names are resolved at apply (`targetGroupArn`).
 */
import {
  ListTagsForResourceCommand,
  ListServiceNetworksCommand,
  ListServicesCommand,
  ListTargetGroupsCommand,
  type ServiceNetworkSummary,
  type ServiceSummary,
  TagResourceCommand,
  type TargetGroupSummary,
  UntagResourceCommand,
} from '@aws-sdk/client-vpc-lattice';
import { clientToken } from '../../aws/client-token';
import { mapLimit } from '../../aws/concurrency';
import { classifyAwsError, isNotFound, toMeshwardError } from '../../aws/errors';
import { ownershipOf, ownershipTags, tagChanges, userTags } from '../../aws/ownership';
import { MeshwardError } from '../../core/errors';
import type { ActualResource, DesiredResource, FieldChange } from '../../core/model';
import { declaredTags } from '../../core/ownership';
import { API_VERSION, type KindName, type ManifestDocument, type ResourceRef, resourceId } from '../../core/types';
import type { TopologyRole } from '../../core/topology';
import type {
  Kind,
  KindContext,
  ObserveScope,
  SemanticChecker,
  SpecReference,
  TopologyStyle,
  WriteResult,
} from '../kind';
import { bulkCovers, tagsNow } from './bulk-tags';
import { LATTICE_DOCUMENT_SCHEMAS } from './lattice-schemas';
import { isRecord, stripEmpty } from './spec-utils';

export const LATTICE_EVENT_SOURCE = 'vpc-lattice.amazonaws.com';

/** One resource as its list answers it. */
export interface LatticeItem {
  ref: ResourceRef;
  arn: string;
  /** The Lattice id (`svc-...`). */
  awsId: string;
  /** ISO; absent where the list item has none (service associations): then only the age bounds the cache. */
  lastUpdatedAt?: string;
  status?: string;
  /** The list item itself, for kinds whose spec it already holds. */
  summary: Record<string, unknown>;
}

export interface LatticeOps {
  /** Every item under `parent` (or in the Region), pages followed; `wanted` narrows top-level lists. */
  list(ctx: KindContext, parent: ActualResource | undefined, scope: ObserveScope): Promise<LatticeItem[]>;
  /** The manifest-shaped spec (names, not ids) of an item: a Get*, or the summary. */
  read(ctx: KindContext, item: LatticeItem): Promise<unknown>;
  create(
    ctx: KindContext,
    desired: DesiredResource,
    tags: Record<string, string>,
    token: string,
  ): Promise<{ arn: string; awsId: string }>;
  /** Sends what `delta` touches (under /spec). */
  update(
    ctx: KindContext,
    desired: DesiredResource,
    actual: ActualResource,
    delta: readonly FieldChange[],
  ): Promise<void>;
  delete(ctx: KindContext, actual: ActualResource): Promise<void>;
  /** Asynchronous kinds: the current status (undefined: gone). */
  status?(ctx: KindContext, arn: string): Promise<string | undefined>;
}

/** How a metadata field builds the ref: `name`, `parent` or `mesh` (the id is kind/mesh/parent/name). */
export interface LatticeIdentityField {
  field: string;
  /** Where it lives: metadata (default) or spec. */
  in?: 'metadata' | 'spec';
  slot: 'name' | 'parent' | 'mesh';
  /** The kind it names (a structural parent): referenced, holds. */
  target?: KindName;
  /** `meshward graph` relation of that reference. */
  relation?: 'contains';
}

export interface LatticeKindConfig {
  kind: KindName;
  parentKind?: KindName;
  fields: readonly LatticeIdentityField[];
  /** For kinds whose identity is not fields one to one (auth policy, access logs). */
  refOf?(doc: { metadata?: unknown; spec?: unknown }): ResourceRef | undefined;
  /** Metadata of an exported document. */
  metadataOf?(ref: ResourceRef): ManifestDocument['metadata'];
  /** References beyond the identity fields (forward target groups, the resource of a policy). */
  specReferences?(ref: ResourceRef, spec: unknown): SpecReference[];
  check?(checker: SemanticChecker): void;
  normalize(spec: unknown): unknown;
  /** Members at their AWS default dropped (export). */
  strip?(spec: unknown): unknown;
  immutablePaths?: readonly string[];
  exportFile: string;
  topology?: TopologyStyle;
  /** Not taggable (auth policy): ownership is the parent's, read from the cache of its tags. */
  untagged?: boolean;
  /** The id's parts when `refOf` is custom (kind/mesh/parent/name, those used). */
  slots?: readonly ('mesh' | 'parent' | 'name')[];
  /** Observed once, not once per parent (the parent kind only orders the observe after it). */
  listOnce?: boolean;
  /** Scope key the resource contributes (serviceNetwork name), when it has one. */
  scopeKey?(ref: ResourceRef): readonly (readonly [string, string])[];
  inExport?(ref: ResourceRef, doc: ManifestDocument, scopes: Readonly<Record<string, readonly string[]>>): boolean;
  /** Request parameter names in CloudTrail that identify the resource (`name`). */
  idsOfCall?(params: Readonly<Record<string, string | undefined>>): string[];
  /** The CloudTrail eventNames that change this kind (`crudCalls('Rule')`). */
  writeCalls: readonly string[];
  ops: LatticeOps;
  consoleChange?: Kind['consoleChange'];
  /** The fields another controller moves (ECS's deployment weights on a listener or rule). */
  heldBy?: Kind['heldBy'];
}

interface CachedLattice {
  spec: unknown;
  tags: Record<string, string>;
  readAt: number;
  lastUpdatedAt?: string;
}

function isCached(value: unknown): value is CachedLattice {
  return isRecord(value) && isRecord(value['tags']) && 'spec' in value && typeof value['readAt'] === 'number';
}

function str(record: unknown, key: string): string | undefined {
  const v = isRecord(record) ? record[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The Tagging API type of every tagged Lattice kind: the whole service (one filter for all of them). */
export const LATTICE_TAGGING_TYPE = 'vpc-lattice';

export function isoTime(value: Date | string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

/** The cached tags of a resource (by ARN), when some kind read them this run or earlier. */
export function cachedTags(ctx: KindContext, arn: string | undefined): Record<string, string> | undefined {
  const hit = arn ? ctx.cache[arn]?.data : undefined;
  return isCached(hit) ? hit.tags : undefined;
}

export async function listTags(ctx: KindContext, arn: string): Promise<Record<string, string>> {
  const out = await ctx.clients.lattice.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return { ...(out.tags ?? {}) };
}

/** Follows `nextToken` (bounded: a server that never ends its pages is a bug, not a loop). */
export async function allPages<T>(
  page: (next: string | undefined) => Promise<{ items: T[]; nextToken?: string | undefined }>,
): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined;
  for (let i = 0; i < 10000; i++) {
    const p = await page(next);
    out.push(...p.items);
    next = p.nextToken;
    if (!next) return out;
  }
  throw new MeshwardError('AWS_TERMINAL', 'VPC Lattice list did not end after 10000 pages');
}

interface Listed<T> {
  promise: Promise<T[]>;
  /** The context's create count when the list was made: older than a create, it may miss what was created. */
  generation: number;
}

const creates = new WeakMap<KindContext, number>();
const targetGroupLists = new WeakMap<KindContext, Listed<TargetGroupSummary>>();
const serviceLists = new WeakMap<KindContext, Listed<ServiceSummary>>();
const networkLists = new WeakMap<KindContext, Listed<ServiceNetworkSummary>>();

function generationOf(ctx: KindContext): number {
  return creates.get(ctx) ?? 0;
}

/**
 * A Region list, made once per reconcile and shared by the kinds. `fresh` (observes) lists again when a create
 * came after it; lookups by name or id take an older list and list again only when it misses (`lookup`), so a
 * create does not cost every later read-back a new list.
 */
function memo<T>(
  store: WeakMap<KindContext, Listed<T>>,
  ctx: KindContext,
  load: () => Promise<T[]>,
  fresh = true,
): Promise<T[]> {
  const hit = store.get(ctx);
  if (hit && (!fresh || hit.generation === generationOf(ctx))) return hit.promise;
  const promise = load();
  store.set(ctx, { promise, generation: generationOf(ctx) });
  promise.catch(() => {
    if (store.get(ctx)?.promise === promise) store.delete(ctx);
  });
  return promise;
}

async function lookup<T>(
  store: WeakMap<KindContext, Listed<T>>,
  ctx: KindContext,
  load: () => Promise<T[]>,
  match: (item: T) => boolean,
): Promise<T | undefined> {
  const found = (await memo(store, ctx, load, false)).find(match);
  if (found) return found;
  // The list made since the last create (the one just searched, another lookup's, or a new one): a miss there is
  // a true miss.
  return (await memo(store, ctx, load)).find(match);
}

const listTargetGroups = (ctx: KindContext) => (): Promise<TargetGroupSummary[]> =>
  allPages(async (nextToken) => {
    const out = await ctx.clients.lattice.send(new ListTargetGroupsCommand({ nextToken, maxResults: 100 }));
    return { items: out.items ?? [], nextToken: out.nextToken };
  });

const listServices = (ctx: KindContext) => (): Promise<ServiceSummary[]> =>
  allPages(async (nextToken) => {
    const out = await ctx.clients.lattice.send(new ListServicesCommand({ nextToken, maxResults: 100 }));
    return { items: out.items ?? [], nextToken: out.nextToken };
  });

const listNetworks = (ctx: KindContext) => (): Promise<ServiceNetworkSummary[]> =>
  allPages(async (nextToken) => {
    const out = await ctx.clients.lattice.send(new ListServiceNetworksCommand({ nextToken, maxResults: 100 }));
    return { items: out.items ?? [], nextToken: out.nextToken };
  });

/** Every target group of the Region, listed once per reconcile (the target group kind and the forwards share it). */
export function targetGroups(ctx: KindContext): Promise<TargetGroupSummary[]> {
  return memo(targetGroupLists, ctx, listTargetGroups(ctx));
}

/** After a delete of a target group: the next lookup lists again. */
export function forgetTargetGroups(ctx: KindContext): void {
  targetGroupLists.delete(ctx);
}

/** Every Lattice service of the Region, listed once per reconcile (the service kind and policies share it). */
export function latticeServices(ctx: KindContext): Promise<ServiceSummary[]> {
  return memo(serviceLists, ctx, listServices(ctx));
}

/** Every service network of the Region, listed once per reconcile. */
export function latticeNetworks(ctx: KindContext): Promise<ServiceNetworkSummary[]> {
  return memo(networkLists, ctx, listNetworks(ctx));
}

/** After a delete: every list is made again. */
export function forgetLatticeLists(ctx: KindContext): void {
  serviceLists.delete(ctx);
  networkLists.delete(ctx);
  targetGroupLists.delete(ctx);
}

/** After a create: observes list again; lookups list again only when the older list misses. */
function noteCreate(ctx: KindContext): void {
  creates.set(ctx, generationOf(ctx) + 1);
}

/** Every service and service network of the Region, as policy and access-log owners (export lists them all). */
export async function everyOwner(ctx: KindContext): Promise<{ type: string; name: string }[]> {
  const services = (await latticeServices(ctx)).map((s) => ({ type: 'service', name: s.name ?? '' }));
  const networks = (await latticeNetworks(ctx)).map((n) => ({ type: 'serviceNetwork', name: n.name ?? '' }));
  return [...services, ...networks].filter((o) => o.name !== '');
}

/** The ARN of a service (`service`) or service network (`serviceNetwork`) by name: known this run, else listed. */
export async function resourceArnByName(ctx: KindContext, type: string, name: string): Promise<string | undefined> {
  const kind = type === 'service' ? 'LatticeService' : 'LatticeServiceNetwork';
  const known = ctx.arnOf(`${kind}/${name}`);
  if (known) return known;
  const found =
    type === 'service'
      ? await lookup(serviceLists, ctx, listServices(ctx), (i) => i.name === name)
      : await lookup(networkLists, ctx, listNetworks(ctx), (i) => i.name === name);
  return found?.arn;
}

/** Target groups created this run, id -> name: a listener's or rule's read-back names them without a list. */
const createdTargetGroups = new WeakMap<KindContext, Map<string, string>>();

/** A forward's target group id (or ARN) as its name; an unknown one stays as AWS answered it. */
export async function targetGroupName(ctx: KindContext, idOrArn: string): Promise<string> {
  const id = idOrArn.slice(idOrArn.lastIndexOf('/') + 1);
  const created = createdTargetGroups.get(ctx)?.get(id);
  if (created !== undefined) return created;
  const found = await lookup(targetGroupLists, ctx, listTargetGroups(ctx), (t) => t.id === id);
  return found?.name ?? idOrArn;
}

/** A target group named in a manifest as the ARN AWS wants: known this run, else listed. */
export async function targetGroupArn(ctx: KindContext, name: string): Promise<string> {
  if (/^(tg-[0-9a-z]{17}|arn:)/.test(name)) return name;
  const known = ctx.arnOf(`LatticeTargetGroup/${name}`);
  if (known) return known;
  const found = await lookup(targetGroupLists, ctx, listTargetGroups(ctx), (t) => t.name === name);
  if (found?.arn) return found.arn;
  throw new MeshwardError('AWS_RETRYABLE', `VPC Lattice target group "${name}" does not exist (yet)`);
}

/** An ARN known this run for a resource id, else a clear retryable error (its create comes first in the plan). */
export function arnOrFail(ctx: KindContext, id: string): string {
  const arn = ctx.arnOf(id);
  if (!arn) throw new MeshwardError('AWS_RETRYABLE', `${id} is not known yet (it is created earlier in the plan)`);
  return arn;
}

/** The Lattice id of an ARN (its last segment). */
export function idOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** A status read for `LatticeOps.status`: the Get call's status, undefined once the resource is gone. */
export async function statusOrGone(get: () => Promise<{ status?: string | undefined }>): Promise<string | undefined> {
  try {
    return (await get()).status;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** Polls an asynchronous create until ACTIVE, a delete until gone (bounded by the wait timeout). */
async function settle(
  ctx: KindContext,
  ops: LatticeOps,
  arn: string,
  what: string,
  until: 'ACTIVE' | 'GONE',
): Promise<void> {
  if (!ops.status) return;
  const deadline = Date.now() + ctx.waitTimeoutMillis;
  for (;;) {
    const status = await ops.status(ctx, arn);
    if (until === 'GONE' ? status === undefined : status === 'ACTIVE') return;
    if (status === 'CREATE_FAILED' || status === 'DELETE_FAILED') {
      throw new MeshwardError('AWS_TERMINAL', `${what}: ${status}`);
    }
    if (Date.now() > deadline) {
      throw new MeshwardError(
        'AWS_RETRYABLE',
        `${what} is still ${status ?? 'in progress'}; the next reconcile picks it up`,
      );
    }
    ctx.progress(`${what}: waiting (${status ?? 'in progress'})`);
    await new Promise((r) => setTimeout(r, Math.min(ctx.pollMillis, 2000)));
  }
}

/** Drawn in the Lattice frame, under Lattice's own word for it (`listener`, not the role's `router`). */
export function latticeTopology(
  role: TopologyRole,
  noun: string,
  details?: (spec: unknown) => string[],
): TopologyStyle {
  return { role, noun, groupBy: 'lattice', ...(details ? { details } : {}) };
}

export function createLatticeKind(config: LatticeKindConfig): Kind {
  const { kind, ops, fields } = config;
  const schema = LATTICE_DOCUMENT_SCHEMAS[kind];
  if (!schema) throw new MeshwardError('INTERNAL', `no generated schema for ${kind}`);
  const topology = config.topology;

  const refOf = (doc: { metadata?: unknown; spec?: unknown }): ResourceRef | undefined => {
    if (config.refOf) return config.refOf(doc);
    const ref: ResourceRef = { kind, name: '' };
    for (const f of fields) {
      const v = str(f.in === 'spec' ? doc.spec : doc.metadata, f.field);
      if (v === undefined) return undefined;
      ref[f.slot] = v;
    }
    return ref;
  };
  const slots = config.slots ?? fields.map((f) => f.slot);
  const order: ('mesh' | 'parent' | 'name')[] = (['mesh', 'parent', 'name'] as const).filter((s) => slots.includes(s));

  const normalize = (spec: unknown): unknown => stripEmpty(config.normalize(isRecord(spec) ? spec : {})) ?? {};

  const toActual = (item: LatticeItem, cached: CachedLattice, ownerTags?: Record<string, string>): ActualResource => {
    const tags = config.untagged ? {} : cached.tags;
    const actual: ActualResource = {
      id: resourceId(item.ref),
      ref: item.ref,
      arn: item.arn,
      spec: normalize(cached.spec),
      tags,
      ownership: ownershipOf(config.untagged ? (ownerTags ?? {}) : cached.tags),
    };
    if (item.lastUpdatedAt) actual.lastUpdatedAt = item.lastUpdatedAt;
    return actual;
  };

  const read = async (ctx: KindContext, item: LatticeItem): Promise<ActualResource | undefined> => {
    const hit = ctx.cache[item.arn];
    const ownerArn = str(item.summary, 'ownerArn');
    // An untagged resource is owned with its owner: the bulk read's view of the owner when it has one.
    const ownerTags = config.untagged
      ? ((ownerArn ? ctx.stackTags?.tagsOf(ownerArn) : undefined) ?? cachedTags(ctx, ownerArn))
      : undefined;
    // With the run's bulk tag read, tags are current every run and the spec is current while lastUpdatedAt holds:
    // no expiry (0 is still a full refresh). Without it, tags are re-read once older than cacheMaxAgeMillis.
    const bulk = !config.untagged && bulkCovers(ctx, LATTICE_TAGGING_TYPE);
    const readTagsNow = (cached: Record<string, string> | undefined): Promise<Record<string, string>> =>
      bulk
        ? tagsNow(ctx, LATTICE_TAGGING_TYPE, item.arn, cached, () => listTags(ctx, item.arn))
        : listTags(ctx, item.arn);
    if (
      hit &&
      isCached(hit.data) &&
      item.lastUpdatedAt !== undefined &&
      hit.data.lastUpdatedAt === item.lastUpdatedAt &&
      (bulk ? ctx.cacheMaxAgeMillis > 0 : Date.now() - hit.data.readAt <= ctx.cacheMaxAgeMillis)
    ) {
      if (!bulk) return toActual(item, hit.data, ownerTags);
      try {
        const cached: CachedLattice = { ...hit.data, tags: await readTagsNow(hit.data.tags) };
        ctx.cache[item.arn] = { version: 0, data: cached };
        return toActual(item, cached, ownerTags);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw toMeshwardError(err, `read the tags of ${resourceId(item.ref)}`);
      }
    }
    try {
      const raw = await ops.read(ctx, item);
      const spec = withoutTime(raw);
      const tags = config.untagged ? {} : await readTagsNow(undefined);
      const cached: CachedLattice = { spec, tags, readAt: Date.now() };
      if (item.lastUpdatedAt) cached.lastUpdatedAt = item.lastUpdatedAt;
      ctx.cache[item.arn] = { version: 0, data: cached };
      return toActual(item, cached, ownerTags);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toMeshwardError(err, `read ${resourceId(item.ref)}`);
    }
  };

  /** After a write: one Get, undefined when it failed (only the cache is missed: the next observe reads it). */
  const readBack = async (ctx: KindContext, desired: DesiredResource, arn: string): Promise<unknown> => {
    try {
      return await ops.read(ctx, { ref: desired.ref, arn, awsId: idOf(arn), summary: {} });
    } catch {
      return undefined;
    }
  };

  /**
   * Caches a read-back under the lastUpdatedAt its list item will carry, so the next observe finds it; without it
   * every plan after an apply would read everything again.
   */
  const cacheReadBack = (ctx: KindContext, arn: string, raw: unknown, tags: Record<string, string>): void => {
    const at = timeOf(raw);
    if (at === undefined) return;
    ctx.cache[arn] = { version: 0, data: { spec: withoutTime(raw), tags, readAt: Date.now(), lastUpdatedAt: at } };
  };

  const remember = async (
    ctx: KindContext,
    desired: DesiredResource,
    arn: string,
    tags: Record<string, string>,
  ): Promise<void> => {
    if (config.untagged) return;
    cacheReadBack(ctx, arn, await readBack(ctx, desired, arn), tags);
  };

  const kindObject: Kind = {
    ...(config.consoleChange ? { consoleChange: config.consoleChange } : {}),
    ...(config.heldBy ? { heldBy: config.heldBy } : {}),
    kind,
    apiFamily: 'vpc-lattice',
    ...(config.untagged ? {} : { taggingResourceType: LATTICE_TAGGING_TYPE }),
    ...(config.parentKind ? { parentKind: config.parentKind } : {}),
    immutablePaths: config.immutablePaths ?? [],
    documentSchema: schema,
    exportFile: config.exportFile,
    ...(config.topology ? { topology: config.topology } : {}),
    ...(config.check ? { check: config.check } : {}),

    refOf,
    refOfId(id) {
      const parts = id.split('/');
      if (parts[0] !== kind || parts.length !== order.length + 1 || parts.some((p) => p === '')) return undefined;
      const ref: ResourceRef = { kind, name: '' };
      order.forEach((slot, i) => {
        ref[slot] = parts[i + 1] as string;
      });
      return ref;
    },
    scopeKeys: (ref) => [...(topology ? [['lattice', 'VPC Lattice'] as const] : []), ...(config.scopeKey?.(ref) ?? [])],
    references(ref, spec) {
      const out: SpecReference[] = [];
      for (const f of fields) {
        if (!f.target) continue;
        const name = ref[f.slot];
        if (name === undefined) continue;
        out.push({
          pointer: `/${f.in ?? 'metadata'}/${f.field}`,
          target:
            f.target === 'LatticeListener' ? { kind: f.target, name, mesh: ref.mesh ?? '' } : { kind: f.target, name },
          holds: true,
          ...(f.relation ? { relation: f.relation } : {}),
        } as SpecReference);
      }
      return [...out, ...(config.specReferences?.(ref, spec) ?? [])];
    },
    describeScope: () => '',
    inExport: (ref, doc, scopes) => config.inExport?.(ref, doc, scopes) ?? true,
    idsOfCall(eventSource, params) {
      if (eventSource !== LATTICE_EVENT_SOURCE) return [];
      return config.idsOfCall?.(params) ?? [];
    },
    writeCalls: { [LATTICE_EVENT_SOURCE]: config.writeCalls },

    toApi: (doc) => doc.spec ?? {},
    normalize,
    fromApi(ref, spec, tags) {
      const clean = stripEmpty(config.strip ? config.strip(normalize(spec)) : normalize(spec));
      const metadata = config.metadataOf ? config.metadataOf(ref) : metadataFromFields(ref, fields);
      const user = userTags(tags);
      if (!config.untagged && Object.keys(user).length > 0) metadata.tags = user;
      return { apiVersion: API_VERSION, kind, metadata, spec: isRecord(clean) ? clean : {} };
    },
    dependencies(doc) {
      const ref = refOf(doc);
      return ref
        ? kindObject
            .references(ref, doc.spec)
            .filter((r) => r.order !== false)
            .map((r) => r.target)
        : [];
    },

    async observe(ctx, scope) {
      // A stack without this kind in its manifests or state spends no list on it (a Service Connect stack reads
      // nothing of Lattice); children are listed per observed parent anyway.
      const listsAll = !config.parentKind || config.listOnce;
      if (listsAll && !scope.all && ![...scope.ids].some((id) => id.startsWith(`${kind}/`))) return [];
      let items: LatticeItem[];
      try {
        if (config.parentKind && !config.listOnce) {
          const lists = await mapLimit(scope.parents, ctx.concurrency, async (p) => {
            try {
              return await ops.list(ctx, p, scope);
            } catch (err) {
              if (isNotFound(err)) return []; // the parent went away since its own list
              throw err;
            }
          });
          items = lists.flat();
        } else {
          items = await ops.list(ctx, undefined, scope);
        }
      } catch (err) {
        throw toMeshwardError(err, `list ${kind}`);
      }
      if (!scope.all && (!config.parentKind || config.listOnce))
        items = items.filter((i) => scope.ids.has(resourceId(i.ref)));
      const got = await mapLimit(items, ctx.concurrency, (i) => read(ctx, i));
      return got.filter((a): a is ActualResource => a !== undefined);
    },

    async create(ctx, desired) {
      const tags = { ...declaredTags(desired), ...ownershipTags(ctx.stack) };
      const token = clientToken(ctx.stack, desired.id, desired.digest, `create:${ctx.createGeneration(desired.id)}`);
      const out = await ops.create(ctx, desired, tags, token);
      if (kind === 'LatticeTargetGroup') {
        const names = createdTargetGroups.get(ctx) ?? new Map<string, string>();
        names.set(out.awsId || idOf(out.arn), desired.ref.name);
        createdTargetGroups.set(ctx, names);
      }
      if (ops.status && !config.untagged) {
        // An asynchronous kind's Get shows its status beside its lastUpdatedAt: when the first read-back is already
        // ACTIVE, it is both the wait and the cache entry (one Get per create, not two).
        const raw = await readBack(ctx, desired, out.arn);
        if (statusOf(raw) !== 'ACTIVE') {
          await settle(ctx, ops, out.arn, `create ${desired.id}`, 'ACTIVE');
          noteCreate(ctx);
          await remember(ctx, desired, out.arn, tags);
          return { arn: out.arn };
        }
        noteCreate(ctx);
        cacheReadBack(ctx, out.arn, raw, tags);
        return { arn: out.arn };
      }
      await settle(ctx, ops, out.arn, `create ${desired.id}`, 'ACTIVE');
      noteCreate(ctx);
      await remember(ctx, desired, out.arn, tags);
      return { arn: out.arn };
    },

    async update(ctx, desired, actual, delta): Promise<WriteResult> {
      delete ctx.cache[actual.arn];
      if (delta.some((c) => c.path.startsWith('/spec'))) await ops.update(ctx, desired, actual, delta);
      const tags = { ...declaredTags(desired), ...ownershipTags(ctx.stack) };
      if (!config.untagged) {
        const changes = tagChanges(tags, actual.tags);
        if (Object.keys(changes.set).length > 0) {
          await ctx.clients.lattice.send(new TagResourceCommand({ resourceArn: actual.arn, tags: changes.set }));
        }
        if (changes.remove.length > 0) {
          await ctx.clients.lattice.send(
            new UntagResourceCommand({ resourceArn: actual.arn, tagKeys: changes.remove }),
          );
        }
      }
      await remember(ctx, desired, actual.arn, tags);
      return { arn: actual.arn };
    },

    async delete(ctx, actual) {
      try {
        await ops.delete(ctx, actual);
        await settle(ctx, ops, actual.arn, `delete ${actual.id}`, 'GONE');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      delete ctx.cache[actual.arn];
      forgetLatticeLists(ctx);
    },

    classifyError: classifyAwsError,
  };
  return kindObject;
}

/** Kinds' reads may add the Get's `lastUpdatedAt` (ISO) under this key; it is not part of the spec. */
export const READ_TIME = '@lastUpdatedAt';

function timeOf(raw: unknown): string | undefined {
  const v = isRecord(raw) ? raw[READ_TIME] : undefined;
  return v instanceof Date || typeof v === 'string' ? isoTime(v) : undefined;
}

/** Asynchronous kinds' reads add the Get's `status` under this key; it is not part of the spec either. */
export const READ_STATUS = '@status';

function statusOf(raw: unknown): string | undefined {
  const v = isRecord(raw) ? raw[READ_STATUS] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function withoutTime(raw: unknown): unknown {
  if (!isRecord(raw) || (!(READ_TIME in raw) && !(READ_STATUS in raw))) return raw;
  const { [READ_TIME]: _drop, [READ_STATUS]: _status, ...rest } = raw;
  return rest;
}

function metadataFromFields(ref: ResourceRef, fields: readonly LatticeIdentityField[]): ManifestDocument['metadata'] {
  const md: Record<string, unknown> = {};
  for (const f of fields)
    if ((f.in ?? 'metadata') === 'metadata' && ref[f.slot] !== undefined) md[f.field] = ref[f.slot];
  return md as ManifestDocument['metadata'];
}
