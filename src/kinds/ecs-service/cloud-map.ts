/**
 * The Cloud Map side of an EcsService: the service its tasks register in. Names are what manifests use; ECS speaks
 * registry ARNs. The ARN <-> name mapping never changes for a given Cloud Map service, so it is cached forever.
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  GetNamespaceCommand,
  GetServiceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import { MeshwardError } from '../../core/errors';
import { errorName, isNotFound } from '../../aws/errors';
import { isOwnedBy, ownershipOf, ownershipTags } from '../../aws/ownership';
import type { KindContext } from '../kind';
import { isRecord } from '../shared/spec-utils';
import type { CloudMapName } from './attachment';

export type { CloudMapName };

const NAMESPACE_CACHE_PREFIX = 'servicediscovery:namespace:';
const NAMESPACE_ID_CACHE_PREFIX = 'servicediscovery:namespace-id:';

/**
 * One call per key at a time: services observed or applied in parallel often share a namespace or a Cloud Map
 * service (two versions of one app), and each would otherwise make the same call.
 */
const inFlight = new WeakMap<object, Map<string, Promise<unknown>>>();

function once<T>(ctx: KindContext, key: string, fn: () => Promise<T>): Promise<T> {
  let calls = inFlight.get(ctx.cache);
  if (!calls) {
    calls = new Map();
    inFlight.set(ctx.cache, calls);
  }
  const running = calls.get(key);
  if (running) return running as Promise<T>;
  const started = fn().finally(() => calls?.delete(key));
  calls.set(key, started);
  return started;
}

/** A namespace id -> name mapping learnt elsewhere (a write's answer): it never changes, so it is cached for ever. */
export function rememberNamespaceName(ctx: KindContext, id: string, name: string): void {
  ctx.cache[`${NAMESPACE_ID_CACHE_PREFIX}${id}`] = { version: 0, data: name };
}

export async function namespaceName(ctx: KindContext, id: string): Promise<string | undefined> {
  const key = `${NAMESPACE_ID_CACHE_PREFIX}${id}`;
  const hit = ctx.cache[key];
  if (hit && typeof hit.data === 'string') return hit.data;
  // One listing maps every namespace the run meets (a page holds 100), where a GetNamespace per id would cost one
  // call per namespace; a namespace the listing does not show (shared from another account) is read by id.
  await once(ctx, 'namespaces', () => listNamespaces(ctx));
  const listed = ctx.cache[key];
  if (listed && typeof listed.data === 'string') return listed.data;
  return once(ctx, key, async () => {
    const ns = (await ctx.clients.cloudMap.send(new GetNamespaceCommand({ Id: id }))).Namespace;
    if (ns?.Name) ctx.cache[key] = { version: 0, data: ns.Name };
    return ns?.Name;
  });
}

function isCloudMapName(v: unknown): v is CloudMapName {
  return isRecord(v) && typeof v['namespaceName'] === 'string' && typeof v['serviceName'] === 'string';
}

/** registry ARN -> names (GetService + GetNamespace once per ARN, then cached). */
export async function cloudMapNameOf(ctx: KindContext, registryArn: string): Promise<CloudMapName | undefined> {
  const hit = ctx.cache[registryArn];
  if (hit && isCloudMapName(hit.data)) return hit.data;
  return once(ctx, `name:${registryArn}`, async () => {
    const id = registryArn.split('/').pop() ?? registryArn;
    try {
      const svc = (await ctx.clients.cloudMap.send(new GetServiceCommand({ Id: id }))).Service;
      if (!svc?.NamespaceId || !svc.Name) return undefined;
      const nsName = await namespaceName(ctx, svc.NamespaceId);
      if (!nsName) return undefined;
      const name = { namespaceName: nsName, serviceName: svc.Name };
      ctx.cache[registryArn] = { version: 0, data: name };
      return name;
    } catch {
      // A registry we cannot read stays out of the compared spec: a visible diff, not a crash.
      return undefined;
    }
  });
}

async function namespaceId(ctx: KindContext, name: string): Promise<string> {
  const key = `${NAMESPACE_CACHE_PREFIX}${name}`;
  const hit = ctx.cache[key];
  if (hit && typeof hit.data === 'string') return hit.data;
  // One listing for every namespace the run needs (they resolve in parallel): all it shows is remembered.
  await once(ctx, 'namespaces', () => listNamespaces(ctx));
  const found = ctx.cache[key];
  if (found && typeof found.data === 'string') return found.data;
  // Namespaces need a VPC and take minutes to create: they are infrastructure, not something meshward invents.
  throw new MeshwardError('AWS_TERMINAL', `Cloud Map namespace "${name}" does not exist; create it first`);
}

async function listNamespaces(ctx: KindContext): Promise<void> {
  let nextToken: string | undefined;
  do {
    const out = await ctx.clients.cloudMap.send(new ListNamespacesCommand({ NextToken: nextToken }));
    for (const ns of out.Namespaces ?? []) {
      if (ns.Id && ns.Name) {
        ctx.cache[`${NAMESPACE_CACHE_PREFIX}${ns.Name}`] = { version: 0, data: ns.Id };
        rememberNamespaceName(ctx, ns.Id, ns.Name);
      }
    }
    nextToken = out.NextToken;
  } while (nextToken);
}

/** Finds or creates the Cloud Map service; returns its ARN. */
export function ensureCloudMapService(ctx: KindContext, name: CloudMapName): Promise<string> {
  return once(ctx, `ensure:${name.namespaceName}/${name.serviceName}`, () => findOrCreateService(ctx, name));
}

/**
 * The Cloud Map services of a namespace as this run listed them, name -> ARN, with what this run created added:
 * one listing per namespace, not one per service (the services of a namespace are created in parallel).
 */
const listings = new WeakMap<object, Map<string, Promise<Map<string, string>>>>();

function servicesIn(ctx: KindContext, nsId: string): Promise<Map<string, string>> {
  let byNamespace = listings.get(ctx.cache);
  if (!byNamespace) {
    byNamespace = new Map();
    listings.set(ctx.cache, byNamespace);
  }
  let services = byNamespace.get(nsId);
  if (!services) {
    services = listServices(ctx, nsId);
    byNamespace.set(nsId, services);
    // A failed listing is not remembered: the next service of the namespace lists again.
    services.catch(() => byNamespace?.delete(nsId));
  }
  return services;
}

async function listServices(ctx: KindContext, nsId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await ctx.clients.cloudMap.send(
      new ListServicesCommand({
        NextToken: nextToken,
        Filters: [{ Name: 'NAMESPACE_ID', Values: [nsId], Condition: 'EQ' }],
      }),
    );
    for (const s of page.Services ?? []) if (s.Name && s.Arn) out.set(s.Name, s.Arn);
    nextToken = page.NextToken;
  } while (nextToken);
  return out;
}

async function findOrCreateService(ctx: KindContext, name: CloudMapName): Promise<string> {
  const nsId = await namespaceId(ctx, name.namespaceName);
  const services = await servicesIn(ctx, nsId);
  const found = services.get(name.serviceName);
  if (found) {
    ctx.cache[found] = { version: 0, data: name };
    return found;
  }
  // Absent when this run listed the namespace. Someone creating it since makes CreateService fail (a name is
  // unique in a namespace), a visible error; a retry of this run's own create is answered by CreatorRequestId.
  const created = await ctx.clients.cloudMap.send(
    new CreateServiceCommand({
      Name: name.serviceName,
      NamespaceId: nsId,
      // Deterministic: a retry after a crash finds the same request instead of making a second service.
      CreatorRequestId: `meshward-${ctx.stack}-${name.namespaceName}-${name.serviceName}`.slice(0, 64),
      DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 300 }] },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
      Tags: Object.entries(ownershipTags(ctx.stack)).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  const arn = created.Service?.Arn;
  if (!arn) throw new MeshwardError('AWS_TERMINAL', `Cloud Map CreateService returned no ARN for ${name.serviceName}`);
  // What this run created is as fresh as its listing: the next service of that name in the run finds it.
  services.set(name.serviceName, arn);
  ctx.cache[arn] = { version: 0, data: name };
  return arn;
}

/**
 * After its ECS service was deleted: the Cloud Map service meshward created for it goes too, when this stack owns
 * it (tags read now) and no instance is registered in it (another service's tasks, or tasks still draining: then
 * it stays, and the message says so). Returns what was done, for the progress line.
 */
export async function deleteOwnedCloudMapService(
  ctx: KindContext,
  registryArn: string,
): Promise<{ message: string; retry: boolean }> {
  const done = (message: string): { message: string; retry: boolean } => ({ message, retry: false });
  const id = registryArn.split('/').pop() ?? registryArn;
  try {
    const listed = await ctx.clients.cloudMap.send(new ListTagsForResourceCommand({ ResourceARN: registryArn }));
    const tags = Object.fromEntries((listed.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    if (!isOwnedBy(ownershipOf(tags), ctx.stack))
      return done(`Cloud Map service ${id} kept: not created by this stack`);
    const instances = await ctx.clients.cloudMap.send(new ListInstancesCommand({ ServiceId: id, MaxResults: 1 }));
    if ((instances.Instances ?? []).length > 0) {
      return {
        message: `Cloud Map service ${id} kept for now: instances are still registered (draining)`,
        retry: true,
      };
    }
    await ctx.clients.cloudMap.send(new DeleteServiceCommand({ Id: id }));
    delete ctx.cache[registryArn];
    // This run's listings named it: a later create of that name in the run must list again.
    listings.delete(ctx.cache);
    return done(`Cloud Map service ${id} deleted`);
  } catch (err) {
    if (isNotFound(err)) return done(`Cloud Map service ${id} already gone`);
    // Instances registered between the list and the delete: it is in use, so it stays.
    if (errorName(err) === 'ResourceInUse')
      return { message: `Cloud Map service ${id} kept for now: in use`, retry: true };
    throw err;
  }
}

/** Describe-cache keys (kept in the state) of Cloud Map services to delete once their instances are gone. */
export const CLOUD_MAP_CLEANUP_PREFIX = 'meshward:cloudmap-cleanup:';

/**
 * Deletes what a prune left for later (tasks still draining), or remembers it again. A registry an observed
 * service of this run registers in is in use again, and no longer to be deleted.
 */
export async function cloudMapCleanup(ctx: KindContext, inUse: (registryArn: string) => boolean): Promise<void> {
  for (const key of Object.keys(ctx.cache).filter((k) => k.startsWith(CLOUD_MAP_CLEANUP_PREFIX))) {
    const arn = key.slice(CLOUD_MAP_CLEANUP_PREFIX.length);
    if (inUse(arn)) {
      delete ctx.cache[key];
      continue;
    }
    const out = await deleteOwnedCloudMapService(ctx, arn);
    ctx.progress(out.message);
    if (!out.retry) delete ctx.cache[key];
  }
}
