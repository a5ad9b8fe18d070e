/**
 * The fewest AWS calls each benchmark scenario needs, computed from a generated set's shape, and the calls a
 * describe-everything-every-time refresh (the way state-file tools refresh) would make. Pure: the benchmark
 * compares meshward's measured calls against these, and the README explains each term.
 *
 * Keys are `service.Operation`, as the emulator's stats name them.
 */
import { DEFAULT_RATE_LIMITS } from '../src/aws/rate-limiter';
import type { SetCounts } from './generate';

export type CallCounts = Record<string, number>;

/** App Mesh list pages hold up to 100 items; ECS DescribeServices takes 10 names; Cloud Map pages hold 100. */
const LIST_PAGE = 100;
const DESCRIBE_SERVICES_BATCH = 10;

function pages(items: number, perPage: number = LIST_PAGE): number {
  // A list answers even when empty: one call at least.
  return Math.max(1, Math.ceil(items / perPage));
}

function add(into: CallCounts, key: string, n: number): void {
  if (n > 0) into[key] = (into[key] ?? 0) + n;
}

export function total(calls: CallCounts): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

const WRITE_PREFIXES = ['Create', 'Update', 'Delete', 'Tag', 'Untag', 'Register', 'Deregister'];

/** True for operations that change AWS (the emulator records these as served writes). */
export function isWrite(key: string): boolean {
  const op = key.slice(key.indexOf('.') + 1);
  return WRITE_PREFIXES.some((p) => op.startsWith(p));
}

export function writesOf(calls: CallCounts): number {
  return Object.entries(calls)
    .filter(([k]) => isWrite(k))
    .reduce((a, [, n]) => a + n, 0);
}

function appMeshTotal(c: SetCounts): number {
  return c.appMeshResources;
}

/**
 * Warm no-op: the state cache holds every resource's spec by version, so only the lists that reveal versions are
 * needed (there is no list of everything in a mesh: a list per kind per mesh, per router, per gateway), plus the
 * batched DescribeServices, whose answer carries the task definition ARN (immutable: cached) and the tags, plus the
 * App Mesh resources' tags as AWS has them now — tags move no version — at their cheapest: the Resource Groups
 * Tagging API's GetResources on the stack tag, 100 resources a page (`withOwnershipRead: false` leaves that read
 * out: the model before issue 14, which trusted cached tags for an hour).
 */
export function warmNoOpMinimum(c: SetCounts, withOwnershipRead = true): CallCounts {
  const calls: CallCounts = {};
  if (withOwnershipRead) add(calls, 'tagging.GetResources', pages(c.appMeshResources));
  add(calls, 'appmesh.ListMeshes', pages(c.meshes.length));
  for (const m of c.meshes) {
    add(calls, 'appmesh.ListVirtualNodes', pages(m.virtualNodes));
    add(calls, 'appmesh.ListVirtualServices', pages(m.virtualServices));
    add(calls, 'appmesh.ListVirtualRouters', pages(m.virtualRouters));
    add(calls, 'appmesh.ListVirtualGateways', pages(m.virtualGateways));
    for (const n of Object.values(m.routesPerRouter)) add(calls, 'appmesh.ListRoutes', pages(n));
    for (const n of Object.values(m.gatewayRoutesPerGateway)) add(calls, 'appmesh.ListGatewayRoutes', pages(n));
    // Names are known from the manifests and the state: describe them in batches, no ListServices needed.
    if (m.ecsServices > 0) add(calls, 'ecs.DescribeServices', Math.ceil(m.ecsServices / DESCRIBE_SERVICES_BATCH));
  }
  return calls;
}

/**
 * Cold no-op: the warm lists and the bulk tag read, plus one Describe per App Mesh resource (Describe does not return
 * tags; the bulk read has them), one DescribeTaskDefinition per running task definition, and the Cloud Map names of the services'
 * registries — cheapest as one ListNamespaces plus one ListServices page per namespace, not a GetService per ARN.
 */
export function coldNoOpMinimum(c: SetCounts): CallCounts {
  const calls = warmNoOpMinimum(c);
  const describe: Record<string, number> = {
    'appmesh.DescribeMesh': c.byKind.Mesh,
    'appmesh.DescribeVirtualNode': c.byKind.VirtualNode,
    'appmesh.DescribeVirtualService': c.byKind.VirtualService,
    'appmesh.DescribeVirtualRouter': c.byKind.VirtualRouter,
    'appmesh.DescribeRoute': c.byKind.Route,
    'appmesh.DescribeVirtualGateway': c.byKind.VirtualGateway,
    'appmesh.DescribeGatewayRoute': c.byKind.GatewayRoute,
  };
  for (const [k, n] of Object.entries(describe)) add(calls, k, n);
  add(calls, 'ecs.DescribeTaskDefinition', c.ecsServices);
  const withRegistries = c.meshes.filter((m) => m.cloudMapServices > 0);
  if (withRegistries.length > 0) {
    add(calls, 'servicediscovery.ListNamespaces', 1);
    for (const m of withRegistries) add(calls, 'servicediscovery.ListServices', pages(m.cloudMapServices));
  }
  return calls;
}

/**
 * First apply into an empty account: ListMeshes shows no mesh exists (so nothing under it needs listing), one
 * Create per App Mesh resource (tags travel with the create), and per ECS service a task definition, a service
 * and its Cloud Map service (one namespace lookup, one list per namespace, one create per Cloud Map service).
 */
export function firstApplyMinimum(c: SetCounts): CallCounts {
  const calls: CallCounts = {};
  add(calls, 'appmesh.ListMeshes', 1);
  add(calls, 'appmesh.CreateMesh', c.byKind.Mesh);
  add(calls, 'appmesh.CreateVirtualNode', c.byKind.VirtualNode);
  add(calls, 'appmesh.CreateVirtualService', c.byKind.VirtualService);
  add(calls, 'appmesh.CreateVirtualRouter', c.byKind.VirtualRouter);
  add(calls, 'appmesh.CreateRoute', c.byKind.Route);
  add(calls, 'appmesh.CreateVirtualGateway', c.byKind.VirtualGateway);
  add(calls, 'appmesh.CreateGatewayRoute', c.byKind.GatewayRoute);
  for (const m of c.meshes) {
    if (m.ecsServices > 0) add(calls, 'ecs.DescribeServices', Math.ceil(m.ecsServices / DESCRIBE_SERVICES_BATCH));
  }
  add(calls, 'ecs.RegisterTaskDefinition', c.ecsServices);
  add(calls, 'ecs.CreateService', c.ecsServices);
  const withRegistries = c.meshes.filter((m) => m.cloudMapServices > 0);
  if (withRegistries.length > 0) {
    add(calls, 'servicediscovery.ListNamespaces', 1);
    // One list per namespace finds the Cloud Map services that exist already.
    add(calls, 'servicediscovery.ListServices', withRegistries.length);
    add(
      calls,
      'servicediscovery.CreateService',
      withRegistries.reduce((a, m) => a + m.cloudMapServices, 0),
    );
  }
  return calls;
}

export interface DriftedResource {
  kind: string;
  /** App Mesh drift changes the version; ECS drift (desiredCount) is visible in DescribeServices alone. */
  appMesh: boolean;
}

const DESCRIBE_OP: Record<string, string> = {
  Mesh: 'appmesh.DescribeMesh',
  VirtualNode: 'appmesh.DescribeVirtualNode',
  VirtualService: 'appmesh.DescribeVirtualService',
  VirtualRouter: 'appmesh.DescribeVirtualRouter',
  Route: 'appmesh.DescribeRoute',
  VirtualGateway: 'appmesh.DescribeVirtualGateway',
  GatewayRoute: 'appmesh.DescribeGatewayRoute',
};

/**
 * Drift on a warm cache: the warm lists and the bulk tag read, plus a Describe for each App Mesh resource whose
 * version moved (a new version invalidates everything cached for it), and before each reverting write the fresh
 * per-resource ownership read DESIGN.md requires (ListTagsForResource of its service: the bulk read may lag a
 * person's change, so it cannot stand in for it). The writes that revert the drift (one
 * Update per resource) are counted apart, as `writes`.
 */
export function driftMinimum(c: SetCounts, drifted: readonly DriftedResource[]): { reads: CallCounts; writes: number } {
  const reads = warmNoOpMinimum(c);
  for (const d of drifted) {
    add(reads, d.appMesh ? 'appmesh.ListTagsForResource' : 'ecs.ListTagsForResource', 1);
    if (!d.appMesh) continue;
    add(reads, DESCRIBE_OP[d.kind] ?? `appmesh.Describe${d.kind}`, 1);
  }
  return { reads, writes: drifted.length };
}

/**
 * A refresh that reads every resource in the state on every run, one call per resource and per attribute source:
 * Describe + ListTagsForResource per App Mesh resource, DescribeServices and DescribeTaskDefinition per ECS service,
 * GetService per Cloud Map registry.
 */
export function describeEverythingReads(c: SetCounts): CallCounts {
  const calls: CallCounts = {};
  for (const [kind, op] of Object.entries(DESCRIBE_OP)) add(calls, op, c.byKind[kind as keyof SetCounts['byKind']]);
  add(calls, 'appmesh.ListTagsForResource', appMeshTotal(c));
  add(calls, 'ecs.DescribeServices', c.ecsServices);
  add(calls, 'ecs.DescribeTaskDefinition', c.ecsServices);
  add(calls, 'servicediscovery.GetService', c.registeredEcsServices);
  return calls;
}

/** Runs of a 15-minute schedule in an hour. */
export const RUNS_PER_HOUR = 4;

/**
 * An hour on a 15-minute schedule with nothing to do: four warm no-ops, and no periodic work beyond them (no
 * describe expires: versions tell changed specs, the bulk read tells tags).
 */
export function hourMinimum(c: SetCounts): CallCounts {
  const one = warmNoOpMinimum(c);
  return Object.fromEntries(Object.entries(one).map(([k, n]) => [k, n * RUNS_PER_HOUR]));
}

/** The emulator's AWS-like token buckets the first apply's writes drain (src/emulator/faults.ts, AWS-FACTS.md). */
const WRITE_BUCKETS = {
  appMeshWrite: { burst: 8, perSecond: 8 },
  registerTaskDefinition: { burst: 20, perSecond: 1 },
  createService: { burst: 50, perSecond: 5 },
  cloudMapWrite: { burst: 5, perSecond: 5 },
} as const;

function drainSeconds(calls: number, bucket: { burst: number; perSecond: number }): number {
  return Math.max(0, calls - bucket.burst) / bucket.perSecond;
}

/**
 * The shortest a first apply can take under AWS's rate limits, seconds: each write bucket drains on its own, so
 * with every bucket busy at once the slowest one sets the floor (`overlapped`); `serial` is the floor of an apply
 * that empties the App Mesh bucket before it starts on ECS (the sum). Latency and dependencies are ignored, so a
 * real apply lands somewhat above `overlapped`.
 */
export function firstApplyFloor(c: SetCounts): { overlapped: number; serial: number } {
  const appMesh = drainSeconds(c.appMeshResources, WRITE_BUCKETS.appMeshWrite);
  const ecs = Math.max(
    drainSeconds(c.ecsServices, WRITE_BUCKETS.registerTaskDefinition),
    drainSeconds(c.ecsServices, WRITE_BUCKETS.createService),
    drainSeconds(
      c.meshes.reduce((a, m) => a + m.cloudMapServices, 0),
      WRITE_BUCKETS.cloudMapWrite,
    ),
  );
  return { overlapped: Math.max(appMesh, ecs), serial: appMesh + ecs };
}

/**
 * The same floor at meshward's own pacing: its client-side token buckets (src/aws/rate-limiter.ts) run 10% under
 * AWS's so that its bursts never trip the server's, so an apply that never waits on anything else lands here.
 */
export function clientPacedFloor(c: SetCounts): number {
  const appMesh = drainSeconds(c.appMeshResources, {
    burst: DEFAULT_RATE_LIMITS.appmesh.write?.burst ?? 0,
    perSecond: DEFAULT_RATE_LIMITS.appmesh.write?.rate ?? 1,
  });
  const ecs = DEFAULT_RATE_LIMITS.ecs;
  const cloudMap = DEFAULT_RATE_LIMITS.servicediscovery.write;
  const bucket = (b: { burst: number; rate: number } | undefined): { burst: number; perSecond: number } => ({
    burst: b?.burst ?? 0,
    perSecond: b?.rate ?? 1,
  });
  return Math.max(
    appMesh,
    drainSeconds(c.ecsServices, bucket(ecs.taskDefinitionWrite)),
    drainSeconds(c.ecsServices, bucket(ecs.serviceWrite)),
    drainSeconds(
      c.meshes.reduce((a, m) => a + m.cloudMapServices, 0),
      bucket(cloudMap),
    ),
  );
}
