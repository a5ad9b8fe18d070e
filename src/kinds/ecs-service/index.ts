/**
 * EcsService, the ECS core: an ECS service with its task definition, and the Cloud Map service its tasks register
 * in. The spec meshward diffs is `{service, taskDefinition, cloudMap}`. What ties the service to a mesh (App Mesh's
 * Envoy today) is an attachment (./attachments), called at fixed points; this file knows none of them.
 */
import {
  type CreateServiceCommandInput,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type RegisterTaskDefinitionCommandOutput,
  type Service,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { clientToken } from '../../aws/client-token';
import { mapLimit } from '../../aws/concurrency';
import { UnansweredWrite, sendOnce } from '../../aws/send-once';
import { classifyAwsError, errorName, isNotFound, toMeshwardError } from '../../aws/errors';
import { fromTagList, ownershipOf, ownershipTags, tagChanges, toTagList, userTags } from '../../aws/ownership';
import { MeshwardError } from '../../core/errors';
import { ignoredPointers, withoutPointer } from '../../core/diff';
import { type ActualResource, type DesiredResource, type FieldChange, REDEPLOY_PATH } from '../../core/model';
import { parsePointer } from '../../core/pointer';
import { declaredTags } from '../../core/ownership';
import { API_VERSION, type ManifestDocument, type ResourceRef, resourceId } from '../../core/types';
import type { ConvertContext, Kind, KindContext, KindIdentity, ObserveScope, WriteResult } from '../kind';
import { clone, deepEqual, getPath, getString, isRecord, stripEmpty } from '../shared/spec-utils';
import type { EcsAttachment, EcsComparable } from './attachment';
import { ECS_ATTACHMENTS } from './attachments';
import { corePrerequisites } from './prerequisites';
import {
  CLOUD_MAP_CLEANUP_PREFIX,
  cloudMapCleanup,
  cloudMapNameOf,
  deleteOwnedCloudMapService,
  ensureCloudMapService,
} from './cloud-map';
import { pruneToModel, withoutUndeclared } from './compare';
import { SERVICE_FIELDS } from './service-fields';
import {
  TASK_DEFINITION_FIELDS,
  normalizeService,
  normalizeTaskDefinition,
  pick,
  stripServiceDefaults,
  stripTaskDefinitionDefaults,
} from './normalize';
import { waitForServiceDeployment } from './wait';
import { deploymentHolds, deploymentSignal } from './deployment-state';
import { crudCalls } from '../shared/write-calls';
import { changeServiceConnectTimeout } from './console-change';

const KIND = 'EcsService';
const DESCRIBE_BATCH = 10;

export type { EcsComparable } from './attachment';

function asComparable(spec: unknown): EcsComparable {
  const s = isRecord(spec) ? spec : {};
  const out: EcsComparable = {
    service: isRecord(s['service']) ? s['service'] : {},
    taskDefinition: isRecord(s['taskDefinition']) ? s['taskDefinition'] : {},
  };
  const cm = s['cloudMap'];
  if (isRecord(cm) && typeof cm['namespaceName'] === 'string' && typeof cm['serviceName'] === 'string') {
    out.cloudMap = { namespaceName: cm['namespaceName'], serviceName: cm['serviceName'] };
  }
  return out;
}

/** The attachments a manifest spec sets. */
function attachmentsOf(spec: unknown): EcsAttachment[] {
  return ECS_ATTACHMENTS.filter((a) => isRecord(spec) && spec[a.member] !== undefined);
}

function normalize(spec: unknown): unknown {
  const c = asComparable(spec);
  let out: EcsComparable = {
    service: normalizeService(c.service),
    taskDefinition: normalizeTaskDefinition(c.taskDefinition),
  };
  if (c.cloudMap) {
    out.cloudMap = c.cloudMap;
    // One registry per service: the Cloud Map binding is it, named instead of by ARN.
    delete out.service['serviceRegistries'];
  }
  for (const attachment of ECS_ATTACHMENTS) if (attachment.normalize) out = attachment.normalize(out);
  return out;
}

function toApi(doc: ManifestDocument, ctx: ConvertContext): unknown {
  const spec = doc.spec;
  const out: EcsComparable = {
    service: pick(spec, SERVICE_FIELDS),
    taskDefinition: clone(spec['taskDefinition'] ?? {}) as Record<string, unknown>,
  };
  for (const attachment of attachmentsOf(spec)) attachment.toApi?.(spec, out, ctx);
  return out;
}

/** Observed data -> a manifest: every attachment takes back what it added (export). */
function fromApi(ref: ResourceRef, spec: unknown, tags: Record<string, string>): ManifestDocument {
  let c = asComparable(normalize(spec));
  const members: Record<string, unknown> = {};
  for (const attachment of ECS_ATTACHMENTS) {
    const back = attachment.fromApi?.(c);
    if (!back) continue;
    c = back.comparable;
    members[attachment.member] = back.member;
  }
  const metadata: ManifestDocument['metadata'] = { name: ref.name };
  const user = userTags(tags);
  if (Object.keys(user).length > 0) metadata.tags = user;
  const service = stripServiceDefaults(c.service);
  // A Cloud Map binding no attachment claimed is the service's own registry, by name as ECS cannot take it.
  const manifestSpec = stripEmpty({
    cluster: ref.parent,
    ...service,
    taskDefinition: stripTaskDefinitionDefaults(c.taskDefinition),
    ...members,
  }) as Record<string, unknown>;
  return { apiVersion: API_VERSION, kind: KIND, metadata, spec: manifestSpec };
}

function dependencies(doc: ManifestDocument): ResourceRef[] {
  return attachmentsOf(doc.spec).flatMap((a) => a.dependencies?.(doc.spec) ?? []);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Members ECS fills with its own values when a manifest leaves them out (autoscaling owns a missing desiredCount). */
const AWS_DEFAULTED = ['/service/desiredCount', '/service/deploymentConfiguration'];

function subtree(value: unknown, segments: readonly string[]): unknown {
  return segments.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);
}

function withSubtree(value: unknown, segments: readonly string[], next: unknown): unknown {
  if (segments.length === 0 || !isRecord(value)) return value;
  const [head = '', ...rest] = segments;
  const out = { ...value };
  if (rest.length === 0) {
    if (next === undefined) delete out[head];
    else out[head] = next;
  } else out[head] = withSubtree(out[head], rest, next);
  return out;
}

/** The two sides as compared: under AWS-defaulted members, the actual keeps only what the manifest declares. */
function compareView(desired: DesiredResource, actualSpec: unknown): { desired: unknown; actual: unknown } {
  let actual = actualSpec;
  const pointers = [...AWS_DEFAULTED, ...ECS_ATTACHMENTS.flatMap((a) => a.awsDefaulted ?? [])];
  for (const pointer of pointers) {
    const segments = parsePointer(pointer);
    const wanted = subtree(desired.spec, segments);
    const have = subtree(actual, segments);
    if (have === undefined) continue;
    actual = withSubtree(actual, segments, wanted === undefined ? undefined : withoutUndeclared(have, wanted));
  }
  return { desired: desired.spec, actual };
}

/** Identity: `EcsService/<cluster>/<name>`, the cluster ECS calls `default` when none is given. */

/** `arn:aws:ecs:region:account:service/cluster/name` -> `EcsService/cluster/name`. */
function idOfServiceArn(arn: string): string | undefined {
  const parts = /^arn:[^:]+:ecs:[^:]*:\d*:service\/([^/]+)\/([^/]+)$/.exec(arn);
  return parts ? `${KIND}/${parts[1]}/${parts[2]}` : undefined;
}
const identity: KindIdentity = {
  kind: KIND,
  refOf(doc) {
    const name = str(getPath(doc.metadata, 'name'));
    if (name === undefined) return undefined;
    return { kind: KIND, name, parent: str(getPath(doc.spec, 'cluster')) ?? 'default' };
  },
  refOfId(id) {
    const parts = id.split('/');
    if (parts.length !== 3 || parts[0] !== KIND || !parts[1] || !parts[2]) return undefined;
    return { kind: KIND, parent: parts[1], name: parts[2] };
  },
  scopeKeys: (ref) => (ref.parent === undefined ? [] : [['cluster', ref.parent]]),
  topology: { role: 'task', groupBy: 'cluster' },
  references: (ref, spec) =>
    isRecord(spec) ? attachmentsOf(spec).flatMap((a) => a.references?.(ref, spec) ?? []) : [],
  check(checker) {
    // meshward binds the service's Cloud Map registry by name (the registry ECS reports back is an ARN, the same
    // thing in another form), so a hand-written ARN would show as a change on every plan.
    if (getPath(checker.loaded.doc.spec, 'serviceRegistries') !== undefined) {
      checker.report(
        '/spec/serviceRegistries',
        'SERVICE_REGISTRIES',
        "is set by meshward: name the Cloud Map service in the virtual node's serviceDiscovery.awsCloudMap (or, for a gateway, in appMesh.cloudMapService) instead",
      );
    }
    for (const attachment of attachmentsOf(checker.loaded.doc.spec)) attachment.check?.(checker);
  },
  infrastructure: (doc) => [
    { type: 'ecs-cluster', name: str(getPath(doc.spec, 'cluster')) ?? 'default' },
    ...attachmentsOf(doc.spec).flatMap((a) => a.infrastructure?.(doc) ?? []),
  ],
  prerequisites: (doc) => [
    ...corePrerequisites(doc),
    ...attachmentsOf(doc.spec).flatMap((a) => a.prerequisites?.(doc) ?? []),
  ],
  inExport: (_ref, doc, scopes) =>
    attachmentsOf(doc.spec).some((a) => {
      const member = doc.spec[a.member];
      // A member is an object (appMesh) or a list (vpcLatticeConfigurations).
      return (
        (isRecord(member) || Array.isArray(member)) &&
        (a.inExport?.(member as Record<string, unknown>, scopes) ?? false)
      );
    }),
  exportFile: 'ecs-services.yaml',
  compareView,
  specPointer(pointer) {
    const [, spec, member, ...rest] = pointer.split('/');
    if (spec !== 'spec' || member === undefined || !(SERVICE_FIELDS as readonly string[]).includes(member)) {
      return pointer;
    }
    return ['', 'spec', 'service', member, ...rest].join('/');
  },
  replaceReason(desired, actual, changes) {
    const d = asComparable(desired.spec);
    const a = asComparable(actual.spec);
    for (const attachment of ECS_ATTACHMENTS) {
      const reason = attachment.replaceReason?.(d, a, changes);
      if (reason !== undefined) return reason;
    }
    return undefined;
  },
  channels(_ref, spec) {
    const c = asComparable(spec);
    const offers: string[] = [];
    const uses: string[] = [];
    for (const attachment of ECS_ATTACHMENTS) {
      const ch = attachment.channels?.(c);
      offers.push(...(ch?.offers ?? []));
      uses.push(...(ch?.uses ?? []));
    }
    return { offers, uses };
  },
  redeploysUsers(change) {
    if (!change.desired) return undefined;
    const c = asComparable(change.desired.spec);
    for (const attachment of ECS_ATTACHMENTS) {
      const reason = attachment.redeploysUsers?.(change, c);
      if (reason !== undefined) return reason;
    }
    return undefined;
  },
  idsOfCall(eventSource, p) {
    if (eventSource !== 'ecs.amazonaws.com') return [];
    const service = p['service'] ?? p['serviceName'];
    if (!service) return [];
    const last = (v: string): string => v.slice(v.lastIndexOf('/') + 1);
    return [idOfServiceArn(service) ?? `${KIND}/${last(p['cluster'] ?? 'default')}/${last(service)}`];
  },
  idOfArn: idOfServiceArn,
  writeCalls: {
    'ecs.amazonaws.com': crudCalls('Service'),
    // The Cloud Map services meshward registers the ECS services in (service registries).
    'servicediscovery.amazonaws.com': crudCalls('Service'),
  },
};

/** The task definition ARN each observed service runs (not part of the compared spec). */
const runningTaskDefinition = new WeakMap<ActualResource, string>();
/** The Cloud Map registry each observed service registers in (deleted with it when meshward made it). */
const registryOf = new WeakMap<ActualResource, string>();
/** Per reconcile (keyed by its cache): registry ARN -> the observed services still registering in it. */
const registryUsers = new WeakMap<object, Map<string, Set<string>>>();

function usersOf(ctx: KindContext, registryArn: string): Set<string> {
  let byArn = registryUsers.get(ctx.cache);
  if (!byArn) registryUsers.set(ctx.cache, (byArn = new Map()));
  let users = byArn.get(registryArn);
  if (!users) byArn.set(registryArn, (users = new Set()));
  return users;
}

async function describeTaskDefinition(ctx: KindContext, arn: string): Promise<Record<string, unknown>> {
  // Revisions are immutable: one describe per ARN, ever.
  const hit = ctx.cache[arn];
  if (hit && isRecord(hit.data)) return hit.data;
  const out = await ctx.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  const data = pick(stripEmpty(JSON.parse(JSON.stringify(out.taskDefinition ?? {}))), TASK_DEFINITION_FIELDS);
  ctx.cache[arn] = { version: out.taskDefinition?.revision ?? 0, data };
  return data;
}

export async function observedService(ctx: KindContext, cluster: string, svc: Service): Promise<ActualResource> {
  const tdArn = svc.taskDefinition ?? '';
  const td = tdArn ? await describeTaskDefinition(ctx, tdArn) : {};
  const raw = JSON.parse(JSON.stringify(svc)) as Record<string, unknown>;
  let spec: EcsComparable = {
    service: pruneToModel(pick(raw, SERVICE_FIELDS), 'EcsServiceSpec'),
    taskDefinition: pruneToModel(td, 'EcsTaskDefinitionSpec'),
  };
  for (const attachment of ECS_ATTACHMENTS) {
    if (attachment.readBack) spec = await attachment.readBack(ctx, raw, spec);
  }
  const moving = deploymentSignal(raw, `${KIND}/${cluster}/${svc.serviceName ?? ''}`);
  if (moving) ctx.signal?.(moving);
  if (isRecord(spec.service)) spec.service = pruneToModel(spec.service, 'EcsServiceSpec');
  const registryArn = getString(svc.serviceRegistries?.[0], 'registryArn');
  if (registryArn) {
    const name = await cloudMapNameOf(ctx, registryArn);
    if (name) spec.cloudMap = name;
  }
  const tags = fromTagList(svc.tags);
  const ref: ResourceRef = { kind: KIND, name: svc.serviceName ?? '', parent: cluster };
  const revision = Number(tdArn.split(':').pop());
  const actual: ActualResource = {
    id: resourceId(ref),
    ref,
    arn: svc.serviceArn ?? '',
    ...(Number.isFinite(revision) ? { version: revision } : {}),
    spec: normalize(spec),
    tags,
    ownership: ownershipOf(tags),
  };
  if (svc.createdAt) actual.lastUpdatedAt = new Date(svc.createdAt).toISOString();
  runningTaskDefinition.set(actual, tdArn);
  if (registryArn) {
    registryOf.set(actual, registryArn);
    usersOf(ctx, registryArn).add(actual.id);
  }
  return actual;
}

async function listServiceNames(ctx: KindContext, cluster: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const out = await ctx.clients.ecs.send(new ListServicesCommand({ cluster, maxResults: 100, nextToken }));
      for (const arn of out.serviceArns ?? []) names.push(arn.split('/').pop() ?? arn);
      nextToken = out.nextToken;
    } while (nextToken);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw toMeshwardError(err, `list ECS services of ${cluster}`);
  }
  return names;
}

async function observe(ctx: KindContext, scope: ObserveScope): Promise<ActualResource[]> {
  const byCluster = new Map<string, Set<string>>();
  for (const cluster of scope.scopes['cluster'] ?? []) byCluster.set(cluster, new Set());
  for (const id of scope.ids) {
    const [kind, cluster, name] = id.split('/');
    if (kind !== KIND || cluster === undefined || name === undefined) continue;
    const set = byCluster.get(cluster) ?? new Set<string>();
    set.add(name);
    byCluster.set(cluster, set);
  }
  const out: ActualResource[] = [];
  for (const [cluster, wanted] of byCluster) {
    const names = scope.all ? await listServiceNames(ctx, cluster) : [...wanted].sort();
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += DESCRIBE_BATCH) batches.push(names.slice(i, i + DESCRIBE_BATCH));
    const described = await mapLimit(batches, ctx.concurrency, async (batch) => {
      try {
        const res = await ctx.clients.ecs.send(
          new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] }),
        );
        // INACTIVE services stay describable for a while; DRAINING ones are on their way out. Neither exists for us.
        return (res.services ?? []).filter((s) => s.status === 'ACTIVE');
      } catch (err) {
        if (isNotFound(err)) return [];
        throw toMeshwardError(err, `describe ECS services in ${cluster}`);
      }
    });
    const services = described.flat();
    out.push(...(await mapLimit(services, ctx.concurrency, (s) => observedService(ctx, cluster, s))));
  }
  return out;
}

/** The task definition to register: ARNs expanded from the folded form, ownership tags on. */
function registrationInput(ctx: KindContext, td: Record<string, unknown>): RegisterTaskDefinitionCommandInput {
  let expanded = td;
  for (const attachment of ECS_ATTACHMENTS) {
    if (attachment.expandTaskDefinition) expanded = attachment.expandTaskDefinition(ctx, expanded);
  }
  return {
    ...(expanded as unknown as RegisterTaskDefinitionCommandInput),
    tags: toTagList(ownershipTags(ctx.stack)),
  };
}

/** The family's latest ACTIVE revision when it is the task definition wanted, else undefined (one call). */
async function reusableRevision(ctx: KindContext, desired: EcsComparable): Promise<string | undefined> {
  const family = String(desired.taskDefinition['family'] ?? '');
  if (!family) return undefined;
  try {
    const latest = await ctx.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
    const arn = latest.taskDefinition?.taskDefinitionArn;
    if (!arn || latest.taskDefinition?.status !== 'ACTIVE') return undefined;
    const data = pick(stripEmpty(JSON.parse(JSON.stringify(latest.taskDefinition))), TASK_DEFINITION_FIELDS);
    ctx.cache[arn] = { version: latest.taskDefinition.revision ?? 0, data };
    const comparable = asComparable(normalize({ taskDefinition: pruneToModel(data, 'EcsTaskDefinitionSpec') }));
    return deepEqual(comparable.taskDefinition, desired.taskDefinition) ? arn : undefined;
  } catch (err) {
    if (classifyAwsError(err) === 'retry') throw err;
    return undefined; // a family never registered: nothing to reuse
  }
}

/** Attempts of a registration, SDK retries off (send-once.ts): each lost answer is looked for before the next. */
const REGISTER_ATTEMPTS = 6;

/**
 * RegisterTaskDefinition takes no idempotency token, so a retry after an answer lost once AWS committed would be a
 * second identical revision: after any failure but a throttle (refused before the commit), the family's latest
 * revision is compared first and reused when identical. Returns the output, or the ARN of the committed revision.
 */
async function registerOnce(
  ctx: KindContext,
  desired: EcsComparable,
): Promise<RegisterTaskDefinitionCommandOutput | string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce<RegisterTaskDefinitionCommandOutput>(
        ctx.clients.ecs,
        new RegisterTaskDefinitionCommand(registrationInput(ctx, desired.taskDefinition)),
        'RegisterTaskDefinition',
      );
    } catch (err) {
      if (!(err instanceof UnansweredWrite)) throw err;
      const throttled = /Throttl|TooManyRequests/.test(errorName(err.cause));
      if (!throttled) {
        const committed = await reusableRevision(ctx, desired);
        if (committed) return committed;
      }
      if (attempt >= REGISTER_ATTEMPTS || classifyAwsError(err.cause) !== 'retry') throw err.cause;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt * (0.5 + Math.random()))));
    }
  }
}

/**
 * A new revision only when the normalized task definition differs from the one running and from the family's
 * latest revision: a re-run after a failure between RegisterTaskDefinition and Create/UpdateService must not
 * register a duplicate (registrations are limited to 1 a second).
 */
async function taskDefinitionFor(
  ctx: KindContext,
  desired: EcsComparable,
  actual: ActualResource | undefined,
): Promise<string> {
  const running = actual ? runningTaskDefinition.get(actual) : undefined;
  if (actual && running && deepEqual(asComparable(actual.spec).taskDefinition, desired.taskDefinition)) return running;
  const family = String(desired.taskDefinition['family'] ?? '');
  const reusable = await reusableRevision(ctx, desired);
  if (reusable) return reusable;
  const out = await registerOnce(ctx, desired);
  if (typeof out === 'string') return out;
  const td = out.taskDefinition;
  const arn = td?.taskDefinitionArn;
  if (!arn) throw new MeshwardError('AWS_TERMINAL', `RegisterTaskDefinition returned no ARN for ${family}`);
  ctx.cache[arn] = {
    version: td.revision ?? 0,
    data: pick(stripEmpty(JSON.parse(JSON.stringify(td))), TASK_DEFINITION_FIELDS),
  };
  return arn;
}

async function registries(ctx: KindContext, spec: EcsComparable): Promise<{ registryArn: string }[] | undefined> {
  if (!spec.cloudMap) return undefined;
  const registryArn = await ensureCloudMapService(ctx, spec.cloudMap);
  // In use again: a cleanup deferred by an earlier prune must not delete it (cloudMapCleanup).
  usersOf(ctx, registryArn).add(`written:${registryArn}`);
  return [{ registryArn }];
}

function revisionOf(arn: string): number | undefined {
  const n = Number(arn.split(':').pop());
  return Number.isFinite(n) ? n : undefined;
}

/**
 * After CreateService failed: true when a DRAINING service of that name was the reason and it has since turned
 * INACTIVE (with --wait); a clear retryable error when it is still draining; false when draining was not the cause.
 */
async function waitWhileDraining(ctx: KindContext, cluster: string, name: string, cause: unknown): Promise<boolean> {
  if (errorName(cause) !== 'InvalidParameterException') return false;
  const deadline = Date.now() + ctx.waitTimeoutMillis;
  for (;;) {
    const out = await ctx.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
    const status = out.services?.[0]?.status;
    if (status !== 'DRAINING') return status === 'INACTIVE' && ctx.wait;
    if (!ctx.wait || Date.now() > deadline) {
      throw new MeshwardError(
        'AWS_RETRYABLE',
        `${cluster}/${name}: the deleted service of that name is still DRAINING; ECS lets it be re-created once it is INACTIVE (re-run later, or apply with --wait)`,
        { cause },
      );
    }
    ctx.progress(`${cluster}/${name}: waiting for the old service to finish draining`);
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMillis));
  }
}

async function create(ctx: KindContext, desired: DesiredResource): Promise<WriteResult> {
  const spec = asComparable(desired.spec);
  const cluster = desired.ref.parent ?? 'default';
  const taskDefinition = await taskDefinitionFor(ctx, spec, undefined);
  const serviceRegistries = await registries(ctx, spec);
  const tags = { ...declaredTags(desired), ...ownershipTags(ctx.stack) };
  // A desiredCount the manifest leaves out is autoscaling's; CreateService still needs one for a REPLICA service
  // (the API reference: required unless DAEMON), so the service starts with one task until autoscaling takes over.
  const initialCount =
    spec.service['desiredCount'] === undefined && spec.service['schedulingStrategy'] !== 'DAEMON'
      ? { desiredCount: 1 }
      : {};
  const input: CreateServiceCommandInput = {
    ...initialCount,
    ...((await expandService(ctx, spec.service)) as unknown as CreateServiceCommandInput),
    cluster,
    serviceName: desired.ref.name,
    taskDefinition,
    ...(serviceRegistries ? { serviceRegistries } : {}),
    tags: toTagList(tags),
    clientToken: clientToken(ctx.stack, desired.id, desired.digest, `create:${ctx.createGeneration(desired.id)}`),
  };
  let out;
  try {
    out = await ctx.clients.ecs.send(new CreateServiceCommand(input));
  } catch (err) {
    // A service deleted a moment ago (a replace, or a delete in the console) keeps its name while DRAINING.
    if (!(await waitWhileDraining(ctx, cluster, desired.ref.name, err))) throw err;
    out = await ctx.clients.ecs.send(new CreateServiceCommand(input));
  }
  await rememberWritten(ctx, spec, out.service);
  const arn = out.service?.serviceArn ?? '';
  if (ctx.wait) await waitForServiceDeployment(ctx, cluster, desired.ref.name);
  const version = revisionOf(taskDefinition);
  return version === undefined ? { arn } : { arn, version };
}

/** What a write's answer tells the attachments (the namespace ARN of a name), so the next observe need not ask. */
async function rememberWritten(ctx: KindContext, spec: EcsComparable, service: Service | undefined): Promise<void> {
  if (!service) return;
  const raw = JSON.parse(JSON.stringify(service)) as Record<string, unknown>;
  for (const attachment of ECS_ATTACHMENTS) attachment.afterWrite?.(ctx, spec, raw);
}

/** UpdateService cannot change these; they are compared but a change is a replace (immutablePaths). */
const NOT_UPDATABLE = new Set(['launchType', 'schedulingStrategy']);

/**
 * UpdateService leaves a field it is not given as it is, so a field the manifest no longer declares must be sent
 * as its "none" value. Every other service field is always present on both sides once normalized (a default, or
 * required), except capacityProviderStrategy, whose removal changes launchType: a replace.
 */
const CLEARED_BY: Readonly<Record<string, unknown>> = {
  loadBalancers: [],
  healthCheckGracePeriodSeconds: 0,
  // ECS keeps the Lattice attachments unless it is sent `[]` (null is not a removal).
  vpcLatticeConfigurations: [],
};

/** The service members as ECS wants them: every attachment resolves what it names. */
async function expandService(ctx: KindContext, service: Record<string, unknown>): Promise<Record<string, unknown>> {
  let out = service;
  for (const attachment of ECS_ATTACHMENTS)
    if (attachment.expandService) out = await attachment.expandService(ctx, out);
  return out;
}

function updateFields(desired: Record<string, unknown>, current: Record<string, unknown>): Record<string, unknown> {
  const fields = Object.fromEntries(Object.entries(desired).filter(([k]) => !NOT_UPDATABLE.has(k)));
  for (const [k, none] of Object.entries(CLEARED_BY)) {
    if (fields[k] === undefined && current[k] !== undefined) fields[k] = none;
  }
  return fields;
}

async function update(
  ctx: KindContext,
  desired: DesiredResource,
  actual: ActualResource,
  delta: readonly FieldChange[],
): Promise<WriteResult> {
  // Compared as the diff compares: members AWS defaults and the manifest leaves out, and ignored fields, are not
  // meshward's, so they neither start a deployment nor are written.
  const view = compareView(desired, actual.spec);
  let spec = asComparable(view.desired);
  let current = asComparable(view.actual);
  for (const pointer of ignoredPointers(desired)) {
    const segments = parsePointer(pointer).slice(1);
    spec = asComparable(withoutPointer(spec, segments));
    current = asComparable(withoutPointer(current, segments));
  }
  const cluster = desired.ref.parent ?? 'default';
  const taskDefinition = await taskDefinitionFor(ctx, spec, actual);
  const cloudMapChanged = !deepEqual(spec.cloudMap, current.cloudMap);
  const serviceChanged = !deepEqual(spec.service, current.service) || cloudMapChanged;
  // The plan asks for a new deployment when a Service Connect server this service calls appeared.
  const redeploy = delta.some((c) => c.path === REDEPLOY_PATH);
  const deploys = serviceChanged || redeploy || taskDefinition !== runningTaskDefinition.get(actual);
  if (deploys) {
    // Without a Cloud Map binding, the manifest's own serviceRegistries (in `fields`) stand; only a manifest
    // with neither removes the registry. Observe reads a declared registry ARN back as a binding by name, so
    // "no binding" here does not mean "no registry".
    const declared = spec.service['serviceRegistries'];
    const serviceRegistries = cloudMapChanged
      ? ((await registries(ctx, spec)) ?? (Array.isArray(declared) ? undefined : []))
      : undefined;
    const input: UpdateServiceCommandInput = {
      ...((await expandService(
        ctx,
        updateFields(spec.service, current.service),
      )) as unknown as UpdateServiceCommandInput),
      cluster,
      service: desired.ref.name,
      taskDefinition,
      ...(serviceRegistries ? { serviceRegistries } : {}),
      ...(redeploy && !serviceChanged ? { forceNewDeployment: true } : {}),
    };
    const updated = await ctx.clients.ecs.send(new UpdateServiceCommand(input));
    await rememberWritten(ctx, spec, updated.service);
  }
  const tags = { ...declaredTags(desired), ...ownershipTags(ctx.stack) };
  const changes = tagChanges(tags, actual.tags);
  if (Object.keys(changes.set).length > 0) {
    await ctx.clients.ecs.send(new TagResourceCommand({ resourceArn: actual.arn, tags: toTagList(changes.set) }));
  }
  if (changes.remove.length > 0) {
    await ctx.clients.ecs.send(new UntagResourceCommand({ resourceArn: actual.arn, tagKeys: changes.remove }));
  }
  if (ctx.wait && deploys) await waitForServiceDeployment(ctx, cluster, desired.ref.name);
  const version = revisionOf(taskDefinition);
  return version === undefined ? { arn: actual.arn } : { arn: actual.arn, version };
}

async function remove(ctx: KindContext, actual: ActualResource): Promise<void> {
  try {
    // force: no need to scale to zero first; ECS drains the tasks.
    await ctx.clients.ecs.send(
      new DeleteServiceCommand({ cluster: actual.ref.parent, service: actual.ref.name, force: true }),
    );
  } catch (err) {
    if (!isNotFound(err) && !/ServiceNotActive/.test(String((err as { name?: unknown }).name))) throw err;
  }
  const registry = registryOf.get(actual);
  if (!registry) return;
  // Two services of one app may share a registry: it goes with the last of them.
  const users = usersOf(ctx, registry);
  users.delete(actual.id);
  if (users.size > 0) return;
  const out = await deleteOwnedCloudMapService(ctx, registry);
  ctx.progress(`${actual.id}: ${out.message}`);
  // Tasks drain after the delete: the next apply (cleanup below) deletes it once they are gone.
  if (out.retry) ctx.cache[`${CLOUD_MAP_CLEANUP_PREFIX}${registry}`] = { version: 0, data: ctx.stack };
}

export const ecsServiceKind: Kind = {
  ...identity,
  kind: KIND,
  consoleChange: changeServiceConnectTimeout,
  apiFamily: 'ecs',
  immutablePaths: ['/spec/service/launchType', '/spec/service/schedulingStrategy'],
  toApi,
  fromApi,
  normalize,
  dependencies,
  observe,
  // DescribeServices (with tags) + DescribeTaskDefinition when its revision is new + the Cloud Map name when not
  // cached: at most 3 calls.
  async observeOne(ctx: KindContext, ref: ResourceRef): Promise<ActualResource | undefined> {
    const [found] = await observe(ctx, { scopes: {}, ids: new Set([resourceId(ref)]), parents: [] });
    return found;
  },
  create,
  update,
  delete: remove,
  heldBy: deploymentHolds,
  resolveArns(actual, idOfArn) {
    const c = asComparable(actual.spec);
    for (const attachment of ECS_ATTACHMENTS) attachment.resolveArns?.(c, idOfArn);
  },
  classifyError: classifyAwsError,
  cleanup: (ctx) => cloudMapCleanup(ctx, (arn) => usersOf(ctx, arn).size > 0),
  async readTags(ctx, actual) {
    try {
      const out = await ctx.clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: actual.arn }));
      return fromTagList(out.tags);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toMeshwardError(err, `read the tags of ${actual.id}`);
    }
  },
};
