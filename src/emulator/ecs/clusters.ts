import type { CallContext } from '../contracts';
import { clusterArn, clusterNameOf } from './arns';
import { ecsErrors } from './errors';
import type { CloudMapRegistry } from '../servicediscovery/ecs-registry';
import { clone, optNumber, optObject, optString, stringList, type JsonObject } from './input';
import { paginate } from './paging';
import type { ClusterRecord, EcsState } from './state';
import { mergeTags, readTags } from './tags';

const CLUSTER_NAME_RE = /^[a-zA-Z0-9_-]{1,255}$/;

export function createCluster(
  state: EcsState,
  input: JsonObject,
  ctx: CallContext,
  registry?: CloudMapRegistry,
): JsonObject {
  const name = optString(input, 'clusterName') ?? 'default';
  if (!CLUSTER_NAME_RE.test(name)) {
    throw ecsErrors.invalidParameter(
      'Cluster name can only contain letters, numbers, hyphens and underscores, and be up to 255 characters long.',
    );
  }
  // CreateCluster is idempotent: an existing name returns the existing cluster.
  const existing = state.clusters[name];
  if (existing) return { cluster: clusterView(state, existing, true) };
  const request = clone(input);
  delete request['clusterName'];
  delete request['tags'];
  const defaults = optObject(request, 'serviceConnectDefaults');
  const namespace = defaults && optString(defaults, 'namespace');
  if (registry && defaults && namespace) {
    // A default namespace Cloud Map does not have is created, as an HTTP namespace (the CreateCluster API
    // reference; aws-cdk #25616 shows ECS doing it), and the cluster shows its ARN.
    const ns = registry.findNamespace(namespace) ?? registry.createHttpNamespace(namespace, ctx);
    defaults['namespace'] = ns.arn;
  }
  const record: ClusterRecord = {
    clusterArn: clusterArn(ctx, name),
    clusterName: name,
    request,
    tags: mergeTags([], readTags(input)),
    createdAt: ctx.now,
  };
  state.clusters[name] = record;
  return { cluster: clusterView(state, record, true) };
}

/**
 * Resolves a cluster reference (name or ARN; absent means `default`) or throws ClusterNotFoundException. A name that
 * cannot be a cluster name is InvalidParameterException "Cluster must match ^[a-zA-Z0-9\-_]{1,255}$, but was X"
 * (ECS's wording, quoted in awslabs/amazon-ecs-nodejs-microservices#18).
 */
export function requireCluster(state: EcsState, ref: string | undefined): ClusterRecord {
  const name = clusterNameOf(ref);
  if (!CLUSTER_NAME_RE.test(name)) {
    throw ecsErrors.invalidParameter(`Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was ${name}`);
  }
  const cluster = state.clusters[name];
  if (!cluster) throw ecsErrors.clusterNotFound();
  return cluster;
}

export function clusterView(state: EcsState, c: ClusterRecord, withTags: boolean): JsonObject {
  const services = Object.values(state.services).filter((s) => s.clusterName === c.clusterName);
  const active = services.filter((s) => s.status === 'ACTIVE');
  const running = services.reduce((n, s) => n + s.deployments.reduce((m, d) => m + d.runningCount, 0), 0);
  return {
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: 0,
    activeServicesCount: active.length,
    statistics: [],
    tags: withTags ? c.tags : [],
    settings: c.request['settings'] ?? [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: c.request['capacityProviders'] ?? [],
    defaultCapacityProviderStrategy: c.request['defaultCapacityProviderStrategy'] ?? [],
    ...(c.request['configuration'] ? { configuration: c.request['configuration'] } : {}),
    ...(c.request['serviceConnectDefaults'] ? { serviceConnectDefaults: c.request['serviceConnectDefaults'] } : {}),
  };
}

export function describeClusters(state: EcsState, input: JsonObject, ctx: CallContext): JsonObject {
  const refs = stringList(input, 'clusters');
  const withTags = stringList(input, 'include').includes('TAGS');
  const clusters: JsonObject[] = [];
  const failures: JsonObject[] = [];
  for (const ref of refs.length > 0 ? refs : ['default']) {
    const name = clusterNameOf(ref);
    const c = state.clusters[name];
    if (c) clusters.push(clusterView(state, c, withTags));
    else failures.push({ arn: clusterArn(ctx, name), reason: 'MISSING' });
  }
  return { clusters, failures };
}

export function listClusters(state: EcsState, input: JsonObject): JsonObject {
  const maxResults = optNumber(input, 'maxResults') ?? 100;
  if (maxResults < 1 || maxResults > 100) {
    throw ecsErrors.invalidParameter('maxResults can be between 1 and 100.');
  }
  const arns = Object.values(state.clusters)
    .sort((a, b) => a.createdAt - b.createdAt || a.clusterName.localeCompare(b.clusterName))
    .map((c) => c.clusterArn);
  const page = paginate(arns, maxResults, optString(input, 'nextToken'), 'clusters');
  return { clusterArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
