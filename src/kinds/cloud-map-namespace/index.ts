/**
 * CloudMapNamespace: a Cloud Map namespace, HTTP or private DNS (DESIGN.md "Kinds by backend"), the home of
 * Service Connect services. `metadata.name` is the namespace name; `spec.type` is HTTP or DNS_PRIVATE, then the
 * members of CreateHttpNamespace / CreatePrivateDnsNamespace (description; vpc and properties for DNS_PRIVATE).
 * Cloud Map answers neither a namespace's VPC nor anything to update it by, so `vpc` and `type` are create-only:
 * a change is a replace (which Cloud Map refuses while services live in the namespace: the in-use guard).
 */
import {
  CreateHttpNamespaceCommand,
  CreatePrivateDnsNamespaceCommand,
  DeleteNamespaceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  type NamespaceSummary,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateHttpNamespaceCommand,
  UpdatePrivateDnsNamespaceCommand,
} from '@aws-sdk/client-servicediscovery';
import { clientToken } from '../../aws/client-token';
import { classifyAwsError, isNotFound, toMeshwardError } from '../../aws/errors';
import { ownershipOf, ownershipTags, tagChanges, userTags } from '../../aws/ownership';
import { MeshwardError } from '../../core/errors';
import type { ActualResource, DesiredResource, FieldChange } from '../../core/model';
import { declaredTags } from '../../core/ownership';
import { pointerTouches } from '../../core/pointer';
import { API_VERSION, type ManifestDocument, type ResourceRef, resourceId } from '../../core/types';
import type { Kind, KindContext, ObserveScope, WriteResult } from '../kind';
import { getPath, getString, isRecord, stripEmpty } from '../shared/spec-utils';
import { documentSchema } from './schema';
import { crudCalls } from '../shared/write-calls';

const KIND = 'CloudMapNamespace';
/** Cloud Map's SOA TTL when none is given (seconds). */
const DEFAULT_SOA_TTL = 15;
const OPERATION_POLLS = 30;

function name(value: unknown): string | undefined {
  const v = getPath(value, 'name');
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function normalize(spec: unknown): unknown {
  const type = getString(spec, 'type') ?? 'HTTP';
  const out: Record<string, unknown> = { type };
  const description = getString(spec, 'description');
  if (description !== undefined && description !== '') out['description'] = description;
  if (type === 'DNS_PRIVATE') {
    const vpc = getString(spec, 'vpc');
    if (vpc !== undefined) out['vpc'] = vpc;
    const ttl = getPath(spec, 'properties', 'dnsProperties', 'soa', 'ttl');
    out['properties'] = { dnsProperties: { soa: { ttl: typeof ttl === 'number' ? ttl : DEFAULT_SOA_TTL } } };
  }
  return out;
}

const toList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

async function tagsOf(ctx: KindContext, arn: string): Promise<Record<string, string>> {
  const out = await ctx.clients.cloudMap.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

interface CachedTags {
  tags: Record<string, string>;
  readAt: number;
  /** The namespace's CreateDate (ISO): a namespace deleted and created again under the same ARN reads again. */
  createdAt: string;
}

function isCachedTags(v: unknown): v is CachedTags {
  return isRecord(v) && isRecord(v['tags']) && typeof v['readAt'] === 'number' && typeof v['createdAt'] === 'string';
}

function createdAtOf(ns: Pick<NamespaceSummary, 'CreateDate'>): string {
  return ns.CreateDate ? new Date(ns.CreateDate).toISOString() : '';
}

/**
 * A namespace's tags: not in ListNamespaces, and a namespace has no version. Like App Mesh's and Lattice's, they are
 * cached (in the state's describe cache) and read again once older than `cacheMaxAgeMillis`, so a warm run spends
 * only the list; the engine's fresh ownership read before a write goes around the cache.
 */
async function cachedTagsOf(ctx: KindContext, ns: NamespaceSummary & { Arn: string }): Promise<Record<string, string>> {
  const hit = ctx.cache[ns.Arn]?.data;
  if (isCachedTags(hit) && hit.createdAt === createdAtOf(ns) && Date.now() - hit.readAt <= ctx.cacheMaxAgeMillis) {
    return { ...hit.tags };
  }
  const tags = await tagsOf(ctx, ns.Arn);
  rememberTags(ctx, ns.Arn, tags, createdAtOf(ns));
  return tags;
}

function rememberTags(ctx: KindContext, arn: string, tags: Record<string, string>, createdAt: string): void {
  if (createdAt === '') return;
  const data: CachedTags = { tags: { ...tags }, readAt: Date.now(), createdAt };
  ctx.cache[arn] = { version: 0, data };
}

async function listNamespaces(ctx: KindContext): Promise<NamespaceSummary[]> {
  const out: NamespaceSummary[] = [];
  let next: string | undefined;
  try {
    do {
      const page = await ctx.clients.cloudMap.send(new ListNamespacesCommand({ NextToken: next, MaxResults: 100 }));
      out.push(...(page.Namespaces ?? []));
      next = page.NextToken;
    } while (next);
  } catch (err) {
    throw toMeshwardError(err, 'list Cloud Map namespaces');
  }
  return out;
}

function specOf(ns: NamespaceSummary): Record<string, unknown> {
  const type = ns.Type === 'DNS_PRIVATE' ? 'DNS_PRIVATE' : ns.Type === 'HTTP' ? 'HTTP' : String(ns.Type);
  const ttl = ns.Properties?.DnsProperties?.SOA?.TTL;
  return stripEmpty({
    type,
    description: ns.Description,
    ...(type === 'DNS_PRIVATE' ? { properties: { dnsProperties: { soa: { ttl } } } } : {}),
  }) as Record<string, unknown>;
}

/** Namespace writes are asynchronous: wait (bounded) for the operation, return the namespace id. */
async function settle(ctx: KindContext, operationId: string | undefined, what: string): Promise<string | undefined> {
  if (!operationId) return undefined;
  for (let i = 0; i < OPERATION_POLLS; i++) {
    const op = (await ctx.clients.cloudMap.send(new GetOperationCommand({ OperationId: operationId }))).Operation;
    if (op?.Status === 'SUCCESS') return op.Targets?.['NAMESPACE'];
    if (op?.Status === 'FAIL') {
      throw new MeshwardError('AWS_TERMINAL', `${what} failed: ${op.ErrorMessage ?? op.ErrorCode ?? 'unknown'}`);
    }
    await new Promise((r) => setTimeout(r, ctx.pollMillis));
  }
  throw new MeshwardError('AWS_RETRYABLE', `${what} is still in progress; the next reconcile picks it up`);
}

function idOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export const cloudMapNamespaceKind: Kind = {
  kind: KIND,
  apiFamily: 'servicediscovery',
  // Cloud Map changes neither the type nor the VPC of a namespace.
  immutablePaths: ['/spec/type', '/spec/vpc'],
  documentSchema,
  exportFile: 'cloud-map-namespaces.yaml',

  refOf: (doc) => {
    const n = name(doc.metadata);
    return n === undefined ? undefined : { kind: KIND, name: n };
  },
  refOfId(id) {
    const parts = id.split('/');
    return parts.length === 2 && parts[0] === KIND && parts[1] ? { kind: KIND, name: parts[1] } : undefined;
  },
  scopeKeys: (ref) => [['namespace', ref.name]],
  references: () => [],
  describeScope: () => '',
  provides: (ref) => [{ type: 'cloud-map-namespace', name: ref.name }],
  infrastructure: () => [],
  // Cloud Map answers no VPC: what was declared is what was created.
  compareView: (desired, actualSpec) => {
    const vpc = getString(desired.spec, 'vpc');
    return {
      desired: desired.spec,
      actual: vpc !== undefined && isRecord(actualSpec) ? { ...actualSpec, vpc } : actualSpec,
    };
  },
  idsOfCall(eventSource, p) {
    if (eventSource !== 'servicediscovery.amazonaws.com') return [];
    const n = p['Name'];
    return n ? [`${KIND}/${n}`] : [];
  },
  writeCalls: {
    'servicediscovery.amazonaws.com': [
      ...crudCalls('HttpNamespace', ['Create', 'Update']),
      ...crudCalls('PrivateDnsNamespace', ['Create', 'Update']),
      'DeleteNamespace',
    ],
  },

  toApi: (doc) => doc.spec,
  normalize,
  fromApi(ref: ResourceRef, spec: unknown, tags: Record<string, string>): ManifestDocument {
    const user = userTags(tags);
    const clean = normalize(spec) as Record<string, unknown>;
    if (getPath(clean, 'properties', 'dnsProperties', 'soa', 'ttl') === DEFAULT_SOA_TTL) delete clean['properties'];
    return {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: { name: ref.name, ...(Object.keys(user).length > 0 ? { tags: user } : {}) },
      spec: clean,
    };
  },
  dependencies: () => [],

  async observe(ctx: KindContext, scope: ObserveScope): Promise<ActualResource[]> {
    const wanted = new Set([...scope.ids].map((id) => this.refOfId(id)).flatMap((ref) => (ref ? [ref.name] : [])));
    if (wanted.size === 0 && !scope.all) return [];
    const out: ActualResource[] = [];
    for (const ns of await listNamespaces(ctx)) {
      if (!ns.Name || !ns.Arn || (!scope.all && !wanted.has(ns.Name))) continue;
      const tags = await cachedTagsOf(ctx, { ...ns, Arn: ns.Arn });
      const ref: ResourceRef = { kind: KIND, name: ns.Name };
      out.push({
        id: resourceId(ref),
        ref,
        arn: ns.Arn,
        spec: normalize(specOf(ns)),
        tags,
        ownership: ownershipOf(tags),
      });
    }
    return out;
  },

  async create(ctx: KindContext, desired: DesiredResource): Promise<WriteResult> {
    const tags = toList({ ...declaredTags(desired), ...ownershipTags(ctx.stack) });
    const token = clientToken(ctx.stack, desired.id, desired.digest, `create:${ctx.createGeneration(desired.id)}`);
    const spec = desired.spec;
    const description = getString(spec, 'description');
    const out =
      getString(spec, 'type') === 'DNS_PRIVATE'
        ? await ctx.clients.cloudMap.send(
            new CreatePrivateDnsNamespaceCommand({
              Name: desired.ref.name,
              Vpc: getString(spec, 'vpc'),
              Description: description,
              CreatorRequestId: token,
              Tags: tags,
              Properties: {
                DnsProperties: { SOA: { TTL: Number(getPath(spec, 'properties', 'dnsProperties', 'soa', 'ttl')) } },
              },
            }),
          )
        : await ctx.clients.cloudMap.send(
            new CreateHttpNamespaceCommand({
              Name: desired.ref.name,
              Description: description,
              CreatorRequestId: token,
              Tags: tags,
            }),
          );
    const id = await settle(ctx, out.OperationId, `create namespace ${desired.ref.name}`);
    // The create and its operation answer ids only, and the state records the ARN (the tag cache, the creation
    // date): one GetNamespace by id, however many namespaces the account holds (a listing pages through them all).
    const found = id
      ? (await ctx.clients.cloudMap.send(new GetNamespaceCommand({ Id: id }))).Namespace
      : (await listNamespaces(ctx)).find((n) => n.Name === desired.ref.name);
    // The tags it was created with are its tags: the next observe needs no read.
    if (found?.Arn)
      rememberTags(ctx, found.Arn, Object.fromEntries(tags.map((t) => [t.Key, t.Value])), createdAtOf(found));
    return { arn: found?.Arn ?? '' };
  },

  async update(
    ctx: KindContext,
    desired: DesiredResource,
    actual: ActualResource,
    delta: readonly FieldChange[],
  ): Promise<WriteResult> {
    const spec = desired.spec;
    const id = idOfArn(actual.arn);
    const token = clientToken(ctx.stack, desired.id, desired.digest, `update:${ctx.updateGeneration(desired.id)}`);
    const touches = (p: string) => delta.some((c) => pointerTouches(p, c.path));
    if (touches('/spec/description') || touches('/spec/properties')) {
      const description = getString(spec, 'description') ?? '';
      const out =
        getString(spec, 'type') === 'DNS_PRIVATE'
          ? await ctx.clients.cloudMap.send(
              new UpdatePrivateDnsNamespaceCommand({
                Id: id,
                UpdaterRequestId: token,
                Namespace: {
                  Description: description,
                  Properties: {
                    DnsProperties: { SOA: { TTL: Number(getPath(spec, 'properties', 'dnsProperties', 'soa', 'ttl')) } },
                  },
                },
              }),
            )
          : await ctx.clients.cloudMap.send(
              new UpdateHttpNamespaceCommand({
                Id: id,
                UpdaterRequestId: token,
                Namespace: { Description: description },
              }),
            );
      await settle(ctx, out.OperationId, `update namespace ${desired.ref.name}`);
    }
    delete ctx.cache[actual.arn];
    const changes = tagChanges({ ...declaredTags(desired), ...ownershipTags(ctx.stack) }, actual.tags);
    if (Object.keys(changes.set).length > 0) {
      await ctx.clients.cloudMap.send(new TagResourceCommand({ ResourceARN: actual.arn, Tags: toList(changes.set) }));
    }
    if (changes.remove.length > 0) {
      await ctx.clients.cloudMap.send(new UntagResourceCommand({ ResourceARN: actual.arn, TagKeys: changes.remove }));
    }
    return { arn: actual.arn };
  },

  async delete(ctx: KindContext, actual: ActualResource): Promise<void> {
    delete ctx.cache[actual.arn];
    try {
      const out = await ctx.clients.cloudMap.send(new DeleteNamespaceCommand({ Id: idOfArn(actual.arn) }));
      await settle(ctx, out.OperationId, `delete namespace ${actual.ref.name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },

  classifyError: classifyAwsError,
};
