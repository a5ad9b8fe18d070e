/**
 * A throw-away kind, written only against the Kind contract (src/kinds/README.md) and registered from this test
 * folder: `ProbeService`, a Cloud Map service in a namespace, stored through the emulator's real Cloud Map API.
 * It brings its own identity (`ProbeService/<namespace>/<name>`), its own scope key (`namespace`), a reference
 * to another ProbeService, a rule beyond its schema, the infrastructure it assumes and its own document schema.
 * Nothing in src/ knows it.
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  GetServiceCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-servicediscovery';
import { classifyAwsError } from '../../../src/aws/errors';
import { ownershipOf, ownershipTags } from '../../../src/aws/ownership';
import type { ActualResource, DesiredResource, FieldChange } from '../../../src/core/model';
import { declaredTags } from '../../../src/core/ownership';
import { pointerTouches } from '../../../src/core/pointer';
import { API_VERSION, type ManifestDocument, type ResourceRef, resourceId } from '../../../src/core/types';
import type { Kind, KindContext, ObserveScope, WriteResult } from '../../../src/kinds/kind';

export const PROBE_KIND = 'ProbeService';

function str(value: unknown, key: string): string | undefined {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const documentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: API_VERSION },
    kind: { const: PROBE_KIND },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'namespace'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 127, pattern: '^[a-z0-9-]+$' },
        namespace: { type: 'string', minLength: 1 },
        tags: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        description: { type: 'string', maxLength: 1024 },
        /** Another ProbeService of the namespace that must exist first. */
        upstream: { type: 'string', minLength: 1 },
      },
    },
  },
};

async function namespaceIds(ctx: KindContext, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next: string | undefined;
  do {
    const page = await ctx.clients.cloudMap.send(new ListNamespacesCommand({ NextToken: next }));
    for (const ns of page.Namespaces ?? []) if (ns.Name && ns.Id && names.includes(ns.Name)) out.set(ns.Name, ns.Id);
    next = page.NextToken;
  } while (next);
  return out;
}

function specOf(description: string | undefined, upstream: string | undefined): Record<string, string> {
  return { ...(description ? { description } : {}), ...(upstream ? { upstream } : {}) };
}

const UPSTREAM_TAG = 'probe/upstream';

async function tagsOf(ctx: KindContext, arn: string): Promise<Record<string, string>> {
  const out = await ctx.clients.cloudMap.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

const toList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const probeServiceKind: Kind = {
  kind: PROBE_KIND,
  apiFamily: 'servicediscovery',
  immutablePaths: ['/spec/upstream'],
  documentSchema,
  exportFile: 'probe-services.yaml',

  refOf(doc) {
    const name = str(doc.metadata, 'name');
    const namespace = str(doc.metadata, 'namespace');
    return name && namespace ? { kind: PROBE_KIND, name, parent: namespace } : undefined;
  },
  refOfId(id) {
    const [kind, parent, name, ...rest] = id.split('/');
    return kind === PROBE_KIND && parent && name && rest.length === 0 ? { kind, parent, name } : undefined;
  },
  scopeKeys: (ref) => (ref.parent ? [['namespace', ref.parent]] : []),
  references(ref, spec) {
    const upstream = str(spec, 'upstream');
    return upstream && ref.parent
      ? [{ pointer: '/spec/upstream', target: { kind: PROBE_KIND, name: upstream, parent: ref.parent } }]
      : [];
  },
  check(checker) {
    if (str(checker.loaded.doc.spec, 'upstream') === checker.ref.name) {
      checker.report('/spec/upstream', 'PROBE_SELF_UPSTREAM', 'a probe service cannot be its own upstream');
    }
  },
  describeScope: (ref) => ` in namespace "${ref.parent ?? ''}"`,
  infrastructure: (doc) => {
    const ns = str(doc.metadata, 'namespace');
    return ns ? [{ type: 'cloud-map-namespace', name: ns }] : [];
  },

  toApi: (doc) => specOf(str(doc.spec, 'description'), str(doc.spec, 'upstream')),
  fromApi(ref: ResourceRef, spec: unknown, tags: Record<string, string>): ManifestDocument {
    const user = Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('meshward.dev/')));
    return {
      apiVersion: API_VERSION,
      kind: PROBE_KIND,
      metadata: { name: ref.name, namespace: ref.parent, ...(Object.keys(user).length > 0 ? { tags: user } : {}) },
      spec: spec as Record<string, unknown>,
    };
  },
  normalize: (spec) => specOf(str(spec, 'description'), str(spec, 'upstream')),
  dependencies: (doc) => {
    const upstream = str(doc.spec, 'upstream');
    const ns = str(doc.metadata, 'namespace');
    return upstream && ns ? [{ kind: PROBE_KIND, name: upstream, parent: ns }] : [];
  },

  async observe(ctx: KindContext, scope: ObserveScope): Promise<ActualResource[]> {
    const wanted = scope.scopes['namespace'] ?? [];
    if (wanted.length === 0) return [];
    const out: ActualResource[] = [];
    for (const [namespace, id] of await namespaceIds(ctx, wanted)) {
      const page = await ctx.clients.cloudMap.send(
        new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [id], Condition: 'EQ' }] }),
      );
      for (const summary of page.Services ?? []) {
        const service = (await ctx.clients.cloudMap.send(new GetServiceCommand({ Id: summary.Id }))).Service;
        if (!service?.Arn || !service.Name) continue;
        const all = await tagsOf(ctx, service.Arn);
        // The upstream is not a Cloud Map field: the kind keeps it in a tag of its own.
        const { [UPSTREAM_TAG]: upstream, ...tags } = all;
        const ref: ResourceRef = { kind: PROBE_KIND, name: service.Name, parent: namespace };
        out.push({
          id: resourceId(ref),
          ref,
          arn: service.Arn,
          spec: specOf(service.Description, upstream),
          tags,
          ownership: ownershipOf(tags),
        });
      }
    }
    return out;
  },

  async create(ctx: KindContext, desired: DesiredResource): Promise<WriteResult> {
    const [, id] = [...(await namespaceIds(ctx, [desired.ref.parent ?? '']))][0] ?? [];
    const upstream = str(desired.spec, 'upstream');
    const tags = {
      ...declaredTags(desired),
      ...ownershipTags(ctx.stack),
      ...(upstream ? { [UPSTREAM_TAG]: upstream } : {}),
    };
    const out = await ctx.clients.cloudMap.send(
      new CreateServiceCommand({
        Name: desired.ref.name,
        NamespaceId: id,
        Description: str(desired.spec, 'description'),
        CreatorRequestId: `${desired.digest.slice(0, 16)}-${ctx.createGeneration(desired.id)}`.slice(0, 64),
        Tags: toList(tags),
      }),
    );
    return { arn: out.Service?.Arn ?? '' };
  },

  async update(
    ctx: KindContext,
    desired: DesiredResource,
    actual: ActualResource,
    delta: readonly FieldChange[],
  ): Promise<WriteResult> {
    // Only what the diff says changed is sent (ACK's delta).
    if (delta.some((c) => pointerTouches('/spec/description', c.path))) {
      const service = (await ctx.clients.cloudMap.send(new ListServicesCommand({}))).Services?.find(
        (s) => s.Arn === actual.arn,
      );
      await ctx.clients.cloudMap.send(
        new UpdateServiceCommand({ Id: service?.Id, Service: { Description: str(desired.spec, 'description') ?? '' } }),
      );
    }
    if (delta.some((c) => c.path.startsWith('/tags'))) {
      const wanted = { ...declaredTags(desired), ...ownershipTags(ctx.stack) };
      const remove = Object.keys(actual.tags).filter((k) => !(k in wanted));
      await ctx.clients.cloudMap.send(new TagResourceCommand({ ResourceARN: actual.arn, Tags: toList(wanted) }));
      if (remove.length > 0) {
        await ctx.clients.cloudMap.send(new UntagResourceCommand({ ResourceARN: actual.arn, TagKeys: remove }));
      }
    }
    return { arn: actual.arn };
  },

  async delete(ctx: KindContext, actual: ActualResource): Promise<void> {
    const service = (await ctx.clients.cloudMap.send(new ListServicesCommand({}))).Services?.find(
      (s) => s.Arn === actual.arn,
    );
    if (service?.Id) await ctx.clients.cloudMap.send(new DeleteServiceCommand({ Id: service.Id }));
  },

  classifyError: classifyAwsError,
};
