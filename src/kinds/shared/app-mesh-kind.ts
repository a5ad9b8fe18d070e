/**
 * The seven App Mesh kinds share one life cycle: list per parent (pages followed), describe only what changed
 * since the cached version, tags from the run's bulk tag read (else read once per version and hourly), create with
 * ownership tags, update spec and tags apart.
 * Each kind supplies its SDK calls (`AppMeshOps`) and its normalization as data.
 */
import {
  type AppMeshClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-app-mesh';
import { clientToken } from '../../aws/client-token';
import { mapLimit } from '../../aws/concurrency';
import { classifyAwsError, isNotFound, toMeshwardError } from '../../aws/errors';
import { fromTagList, ownershipOf, ownershipTags, tagChanges, toTagList, userTags } from '../../aws/ownership';
import { declaredTags } from '../../core/ownership';
import { bulkCovers, tagsNow } from './bulk-tags';
import type { TopologyRole } from '../../core/topology';
import type { ActualResource, DesiredResource } from '../../core/model';
import { API_VERSION, type KindName, type ManifestDocument, type ResourceRef, resourceId } from '../../core/types';
import type {
  ConvertContext,
  Kind,
  KindContext,
  InfrastructureNeed,
  KindIdentity,
  ObserveScope,
  ParentBound,
  SemanticChecker,
  SpecReference,
  TopologyStyle,
  WriteResult,
} from '../kind';
import { crudCalls } from './write-calls';
import {
  type FieldDefault,
  type UnorderedList,
  applyDefaults,
  canonicalDurations,
  deepEqual,
  durationsToApi,
  durationsToManifest,
  isRecord,
  sortLists,
  stripDefaults,
  stripEmpty,
} from './spec-utils';

/** The part of every App Mesh `*Data` shape meshward reads. */
export interface AppMeshData {
  spec?: unknown;
  metadata?: { arn?: string; version?: number; lastUpdatedAt?: Date };
}

export interface AppMeshListItem {
  ref: ResourceRef;
  arn: string;
  version: number;
  lastUpdatedAt?: Date;
}

export interface AppMeshOps {
  /** One page of the list under `parent` (a mesh for mesh members, a router or gateway for routes). */
  list(
    client: AppMeshClient,
    parent: ActualResource | undefined,
    nextToken: string | undefined,
  ): Promise<{ items: AppMeshListItem[]; nextToken?: string }>;
  describe(client: AppMeshClient, ref: ResourceRef): Promise<AppMeshData>;
  create(
    client: AppMeshClient,
    ref: ResourceRef,
    spec: unknown,
    tags: { key: string; value: string }[],
    token: string,
  ): Promise<AppMeshData>;
  update(client: AppMeshClient, ref: ResourceRef, spec: unknown, token: string): Promise<AppMeshData>;
  delete(client: AppMeshClient, ref: ResourceRef): Promise<void>;
}

/** A member's structural parent below the mesh: a route's router, a gateway route's gateway. */
export interface AppMeshParent {
  kind: KindName;
  /** The metadata field naming it (`virtualRouter`). */
  field: string;
  /** Its name in App Mesh request parameters (`virtualRouterName`). */
  param: string;
}

export interface AppMeshKindConfig {
  kind: KindName;
  /** Kind whose observed resources this kind lists under (the mesh, or `parent.kind`). */
  parentKind?: KindName;
  /** Absent for members that sit directly in a mesh. */
  parent?: AppMeshParent;
  /** The kind's name in App Mesh request parameters (`virtualNodeName`). */
  nameParam: string;
  /** References the spec makes, beyond the mesh and the parent. */
  specReferences?(ref: ResourceRef, spec: unknown): SpecReference[];
  check?(checker: SemanticChecker): void;
  infrastructure?(doc: ManifestDocument): InfrastructureNeed[];
  topology?: TopologyStyle;
  parentBound?: ParentBound;
  exportFile: string;
  defaults: readonly FieldDefault[];
  lists: readonly UnorderedList[];
  dependencies(doc: ManifestDocument): ResourceRef[];
  ops: AppMeshOps;
  consoleChange?: Kind['consoleChange'];
}

/** What the describe cache keeps per ARN and version: the raw spec, all tags, and when they were read. */
interface CachedAppMesh {
  spec: unknown;
  tags: Record<string, string>;
  /** ms since epoch; tag changes do not move the version, so tags are re-read once this is older than allowed. */
  readAt?: number;
  /**
   * ISO time of the version cached. An ARN and a version do not name one resource for ever: a resource deleted
   * and re-created (by anyone) is back at version 1 under the same ARN, and its tags (ownership!) may differ.
   */
  lastUpdatedAt?: string;
}

function isCachedAppMesh(value: unknown): value is CachedAppMesh {
  return isRecord(value) && isRecord(value['tags']) && 'spec' in value;
}

function isoTime(value: Date | string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

function metadataFor(ref: ResourceRef, parent: AppMeshParent | undefined): ManifestDocument['metadata'] {
  const md: ManifestDocument['metadata'] = { name: ref.name };
  if (ref.mesh !== undefined) md.mesh = ref.mesh;
  if (parent && ref.parent !== undefined) md[parent.field] = ref.parent;
  return md;
}

function field(record: unknown, key: string): string | undefined {
  const value = isRecord(record) ? record[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export const MESH_KIND = 'Mesh';

/** CloudTrail's eventSource for App Mesh calls. */
const APP_MESH_EVENT_SOURCE = 'appmesh.amazonaws.com';

function lowerFirst(value: string): string {
  return value.charAt(0).toLowerCase() + value.slice(1);
}

/**
 * The Tagging API type of every App Mesh kind: the whole service. Every App Mesh ARN's resource part starts with
 * `mesh/` (`mesh/shop/virtualNode/a`), so `appmesh:mesh` would be the same set; the service alone holds whatever
 * resource type AWS derives for members.
 */
export const APP_MESH_TAGGING_TYPE = 'appmesh';

/**
 * Identity, scope and references of an App Mesh kind: a mesh is its own scope; every other kind lives in
 * `metadata.mesh` (and under `parent` when it has one), which holds it: App Mesh deletes neither while it exists.
 */
export function appMeshIdentity(config: AppMeshKindConfig): KindIdentity {
  const { kind, parent } = config;
  const isMesh = kind === MESH_KIND;
  const identity: KindIdentity = {
    kind,
    refOf(doc) {
      const name = field(doc.metadata, 'name');
      if (name === undefined) return undefined;
      if (isMesh) return { kind, name };
      const mesh = field(doc.metadata, 'mesh');
      const parentName = parent ? field(doc.metadata, parent.field) : undefined;
      return {
        kind,
        name,
        ...(mesh !== undefined ? { mesh } : {}),
        ...(parentName !== undefined ? { parent: parentName } : {}),
      };
    },
    refOfId(id) {
      const parts = id.split('/');
      if (parts[0] !== kind) return undefined;
      const want = isMesh ? 2 : parent ? 4 : 3;
      if (parts.length !== want || parts.some((p) => p === '')) return undefined;
      if (isMesh) return { kind, name: parts[1] as string };
      if (parent) return { kind, mesh: parts[1] as string, parent: parts[2] as string, name: parts[3] as string };
      return { kind, mesh: parts[1] as string, name: parts[2] as string };
    },
    scopeKeys(ref) {
      const mesh = isMesh ? ref.name : ref.mesh;
      return mesh === undefined ? [] : [['mesh', mesh]];
    },
    references(ref, spec) {
      if (isMesh || ref.mesh === undefined) return [];
      const out: SpecReference[] = [
        {
          pointer: '/metadata/mesh',
          target: { kind: MESH_KIND, name: ref.mesh },
          holds: true,
          root: true,
          missingCode: 'UNDECLARED_MESH',
        },
      ];
      if (parent && ref.parent !== undefined) {
        out.push({
          pointer: `/metadata/${parent.field}`,
          target: { kind: parent.kind, name: ref.parent, mesh: ref.mesh },
          holds: true,
          relation: 'contains',
        });
      }
      return [...out, ...(config.specReferences?.(ref, spec) ?? [])];
    },
    describeScope: (ref) => (isMesh ? '' : ` in mesh "${ref.mesh ?? ''}"`),
    inExport: (ref, _doc, scopes) => (scopes['mesh'] ?? []).includes((isMesh ? ref.name : ref.mesh) ?? ''),
    exportFile: config.exportFile,
    idsOfCall(eventSource, p) {
      if (eventSource !== APP_MESH_EVENT_SOURCE) return [];
      const name = p[config.nameParam];
      const mesh = p['meshName'];
      if (!name || (!isMesh && !mesh)) return [];
      if (isMesh) return [`${kind}/${name}`];
      if (parent) {
        const parentName = p[parent.param];
        return parentName ? [`${kind}/${mesh}/${parentName}/${name}`] : [];
      }
      return [`${kind}/${mesh}/${name}`];
    },
    // App Mesh ARNs spell the path in the API's type names: mesh/m/virtualRouter/r/route/x.
    idOfArn(arn) {
      const path = /^arn:[^:]+:appmesh:[^:]*:\d*:mesh\/(.+)$/.exec(arn)?.[1];
      if (!path) return undefined;
      const parts = path.split('/');
      const [mesh, type, name, subType, subName] = parts;
      if (isMesh) return parts.length === 1 ? `${kind}/${mesh}` : undefined;
      if (parent) {
        const matches = parts.length === 5 && type === lowerFirst(parent.kind) && subType === lowerFirst(kind);
        return matches ? `${kind}/${mesh}/${name}/${subName}` : undefined;
      }
      return parts.length === 3 && type === lowerFirst(kind) ? `${kind}/${mesh}/${name}` : undefined;
    },
    writeCalls: {
      [APP_MESH_EVENT_SOURCE]: crudCalls(kind),
    },
  };
  if (config.check) identity.check = config.check;
  if (config.infrastructure) identity.infrastructure = config.infrastructure;
  if (config.topology) Object.assign(identity, { topology: config.topology });
  if (config.parentBound) Object.assign(identity, { parentBound: config.parentBound });
  return identity;
}

async function listTags(client: AppMeshClient, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const out = await client.send(new ListTagsForResourceCommand({ resourceArn: arn, nextToken }));
    Object.assign(tags, fromTagList(out.tags));
    nextToken = out.nextToken;
  } while (nextToken);
  return tags;
}

export function createAppMeshKind(config: AppMeshKindConfig): Kind {
  const { kind, ops } = config;

  // Durations keep the unit they were written in (App Mesh stores and returns the unit it was sent): what is sent
  // is what the user wrote, and an export gives back what AWS holds. Only the comparison spells them one way.
  const normalize = (spec: unknown): unknown => {
    const base = stripEmpty(durationsToApi(isRecord(spec) ? spec : {}));
    return stripEmpty(sortLists(applyDefaults(base, config.defaults), config.lists));
  };
  /** The normalized spec as compared: 2000 ms and 2 s are the same duration (lists re-sorted on the new spelling). */
  const comparable = (spec: unknown): unknown =>
    stripEmpty(sortLists(canonicalDurations(isRecord(spec) ? spec : {}), config.lists));

  const toActual = (item: AppMeshListItem, cached: CachedAppMesh): ActualResource => {
    const actual: ActualResource = {
      id: resourceId(item.ref),
      ref: item.ref,
      arn: item.arn,
      version: item.version,
      spec: normalize(cached.spec),
      tags: cached.tags,
      ownership: ownershipOf(cached.tags),
    };
    if (item.lastUpdatedAt) actual.lastUpdatedAt = new Date(item.lastUpdatedAt).toISOString();
    return actual;
  };

  const listAll = async (ctx: KindContext, parent: ActualResource | undefined): Promise<AppMeshListItem[]> => {
    const items: AppMeshListItem[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await ops.list(ctx.clients.appMesh, parent, nextToken);
        items.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      // A parent deleted between its list and ours has no children.
      if (isNotFound(err)) return [];
      throw toMeshwardError(err, `list ${kind}`);
    }
    return items;
  };

  const read = async (ctx: KindContext, item: AppMeshListItem): Promise<ActualResource | undefined> => {
    const hit = ctx.cache[item.arn];
    // With the run's bulk tag read, tags are current every run and a spec is current while its version and
    // lastUpdatedAt hold (every spec change moves both): no expiry, except 0, a full refresh. Without it, the
    // cached tags are re-read hourly, since tag changes move no version.
    const bulk = bulkCovers(ctx, APP_MESH_TAGGING_TYPE);
    const fresh = (c: CachedAppMesh): boolean =>
      bulk ? ctx.cacheMaxAgeMillis > 0 : Date.now() - (c.readAt ?? 0) <= ctx.cacheMaxAgeMillis;
    const usable = (c: CachedAppMesh): boolean =>
      fresh(c) && c.lastUpdatedAt !== undefined && c.lastUpdatedAt === isoTime(item.lastUpdatedAt);
    const readTagsNow = (cached: Record<string, string> | undefined): Promise<Record<string, string>> =>
      bulk
        ? tagsNow(ctx, APP_MESH_TAGGING_TYPE, item.arn, cached, () => listTags(ctx.clients.appMesh, item.arn))
        : listTags(ctx.clients.appMesh, item.arn);
    if (hit && hit.version === item.version && isCachedAppMesh(hit.data) && usable(hit.data)) {
      if (!bulk) return toActual(item, hit.data);
      try {
        const tags = await readTagsNow(hit.data.tags);
        const cached: CachedAppMesh = { ...hit.data, tags };
        ctx.cache[item.arn] = { version: hit.version, data: cached };
        return toActual(item, cached);
      } catch (err) {
        if (isNotFound(err)) return undefined; // deleted since the list
        throw toMeshwardError(err, `read the tags of ${resourceId(item.ref)}`);
      }
    }
    try {
      const data = await ops.describe(ctx.clients.appMesh, item.ref);
      const version = data.metadata?.version ?? item.version;
      const tags = await readTagsNow(undefined);
      const lastUpdatedAt = isoTime(data.metadata?.lastUpdatedAt ?? item.lastUpdatedAt);
      const cached: CachedAppMesh = {
        spec: data.spec ?? {},
        tags,
        readAt: Date.now(),
        ...(lastUpdatedAt ? { lastUpdatedAt } : {}),
      };
      ctx.cache[item.arn] = { version, data: cached };
      return toActual({ ...item, version }, cached);
    } catch (err) {
      if (isNotFound(err)) return undefined; // deleted since the list
      throw toMeshwardError(err, `describe ${resourceId(item.ref)}`);
    }
  };

  const remember = (ctx: KindContext, data: AppMeshData, tags: Record<string, string>): WriteResult => {
    const arn = data.metadata?.arn ?? '';
    const version = data.metadata?.version;
    const lastUpdatedAt = isoTime(data.metadata?.lastUpdatedAt);
    if (arn && version !== undefined) {
      const cached: CachedAppMesh = { spec: data.spec ?? {}, tags, readAt: Date.now() };
      if (lastUpdatedAt) cached.lastUpdatedAt = lastUpdatedAt;
      ctx.cache[arn] = { version, data: cached };
    }
    return version === undefined ? { arn } : { arn, version };
  };

  return {
    ...appMeshIdentity(config),
    kind,
    apiFamily: 'appmesh',
    taggingResourceType: APP_MESH_TAGGING_TYPE,
    ...(config.consoleChange ? { consoleChange: config.consoleChange } : {}),
    ...(config.parentKind ? { parentKind: config.parentKind } : {}),
    immutablePaths: [],

    toApi(doc: ManifestDocument, _ctx: ConvertContext): unknown {
      return durationsToApi(doc.spec ?? {});
    },

    fromApi(ref: ResourceRef, spec: unknown, tags: Record<string, string>): ManifestDocument {
      const clean = stripEmpty(durationsToManifest(stripDefaults(normalize(spec), config.defaults)));
      const metadata = metadataFor(ref, config.parent);
      const user = userTags(tags);
      if (Object.keys(user).length > 0) metadata.tags = user;
      return { apiVersion: API_VERSION, kind, metadata, spec: (clean ?? {}) as Record<string, unknown> };
    },

    normalize,
    compareView: (desired: DesiredResource, actualSpec: unknown) => ({
      desired: comparable(desired.spec),
      actual: comparable(actualSpec),
    }),
    dependencies: config.dependencies,

    async observe(ctx: KindContext, scope: ObserveScope): Promise<ActualResource[]> {
      let items: AppMeshListItem[];
      if (config.parentKind) {
        const lists = await mapLimit(scope.parents, ctx.concurrency, (p) => listAll(ctx, p));
        items = lists.flat();
      } else {
        const wanted = new Set(scope.scopes['mesh'] ?? []);
        // Manifests of ECS services only: no mesh to look for, so not even one ListMeshes.
        if (wanted.size === 0) return [];
        items = (await listAll(ctx, undefined)).filter((i) => wanted.has(i.ref.name));
      }
      const read_ = await mapLimit(items, ctx.concurrency, (item) => read(ctx, item));
      return read_.filter((a): a is ActualResource => a !== undefined);
    },

    async observeOne(ctx: KindContext, ref: ResourceRef): Promise<ActualResource | undefined> {
      // Describe + ListTagsForResource: the two calls of an event-scoped read, never the list of its parent.
      let data: AppMeshData;
      try {
        data = await ops.describe(ctx.clients.appMesh, ref);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw toMeshwardError(err, `describe ${resourceId(ref)}`);
      }
      const arn = data.metadata?.arn;
      const version = data.metadata?.version;
      if (!arn || version === undefined) return undefined;
      const tags = await listTags(ctx.clients.appMesh, arn);
      const lastUpdatedAt = isoTime(data.metadata?.lastUpdatedAt);
      const cached: CachedAppMesh = {
        spec: data.spec ?? {},
        tags,
        readAt: Date.now(),
        ...(lastUpdatedAt ? { lastUpdatedAt } : {}),
      };
      ctx.cache[arn] = { version, data: cached };
      return toActual(
        { ref, arn, version, ...(data.metadata?.lastUpdatedAt ? { lastUpdatedAt: data.metadata.lastUpdatedAt } : {}) },
        cached,
      );
    },

    async create(ctx: KindContext, desired: DesiredResource): Promise<WriteResult> {
      const tags = { ...declaredTags(desired), ...ownershipTags(ctx.stack) };
      const token = clientToken(ctx.stack, desired.id, desired.digest, `create:${ctx.createGeneration(desired.id)}`);
      const data = await ops.create(ctx.clients.appMesh, desired.ref, desired.spec, toTagList(tags), token);
      return remember(ctx, data, tags);
    },

    async update(ctx: KindContext, desired: DesiredResource, actual: ActualResource): Promise<WriteResult> {
      // App Mesh replaces a spec whole on update, so the delta only tells whether to send one (deepEqual below).
      const tags = { ...declaredTags(desired), ...ownershipTags(ctx.stack) };
      let result: WriteResult =
        actual.version === undefined ? { arn: actual.arn } : { arn: actual.arn, version: actual.version };
      // Drop the cache first: if a call below fails, the next observe must describe again.
      delete ctx.cache[actual.arn];
      let data: AppMeshData | undefined;
      if (!deepEqual(comparable(desired.spec), comparable(actual.spec))) {
        // Re-applying the same spec over drift, or to a re-created resource whose version restarted, must be a
        // new request: App Mesh would answer a known token with the original result and change nothing.
        const generation = `${ctx.updateGeneration(desired.id)}:${actual.version ?? 0}:${actual.lastUpdatedAt ?? ''}`;
        const token = clientToken(ctx.stack, desired.id, desired.digest, `update:${generation}`);
        data = await ops.update(ctx.clients.appMesh, desired.ref, desired.spec, token);
      }
      const changes = tagChanges(tags, actual.tags);
      if (Object.keys(changes.set).length > 0) {
        await ctx.clients.appMesh.send(
          new TagResourceCommand({ resourceArn: actual.arn, tags: toTagList(changes.set) }),
        );
      }
      if (changes.remove.length > 0) {
        await ctx.clients.appMesh.send(new UntagResourceCommand({ resourceArn: actual.arn, tagKeys: changes.remove }));
      }
      if (data) result = remember(ctx, data, tags);
      else if (actual.version !== undefined) {
        // Tags do not move the version: the spec read this run is still the one of this version.
        const cached: CachedAppMesh = { spec: actual.spec, tags, readAt: Date.now() };
        if (actual.lastUpdatedAt) cached.lastUpdatedAt = actual.lastUpdatedAt;
        ctx.cache[actual.arn] = { version: actual.version, data: cached };
      }
      return result;
    },

    async delete(ctx: KindContext, actual: ActualResource): Promise<void> {
      try {
        await ops.delete(ctx.clients.appMesh, actual.ref);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      delete ctx.cache[actual.arn];
    },

    classifyError: classifyAwsError,

    async readTags(ctx: KindContext, actual: ActualResource): Promise<Record<string, string> | undefined> {
      try {
        return await listTags(ctx.clients.appMesh, actual.arn);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw toMeshwardError(err, `read the tags of ${actual.id}`);
      }
    },
  };
}

export function meshRef(doc: ManifestDocument): ResourceRef[] {
  return doc.metadata.mesh !== undefined ? [{ kind: MESH_KIND, name: doc.metadata.mesh }] : [];
}

/** Parent mesh name of a mesh member's list call. */
export function parentMesh(parent: ActualResource | undefined): string {
  return parent?.ref.kind === MESH_KIND ? parent.ref.name : (parent?.ref.mesh ?? '');
}

/** How `meshward graph` draws App Mesh kinds: grouped by mesh. */
/** App Mesh resources are drawn in the frame of their mesh. */
export function appMeshTopology(role: TopologyRole, details?: (spec: unknown) => string[]): TopologyStyle {
  return { role, groupBy: 'mesh', ...(details ? { details } : {}) };
}
