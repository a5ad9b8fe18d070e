/**
 * The minimum-calls models of the Service Connect and VPC Lattice sets (bench/README.md explains each term), and
 * what a describe-everything refresh would spend on them. Pure, like minimum.ts; keys are `service.Operation` as the
 * emulator's stats name them.
 */
import type { LatticeCounts } from './generate-lattice';
import type { ServiceConnectCounts } from './generate-service-connect';
import type { CallCounts } from './minimum';

/** Lattice and Cloud Map list pages hold up to 100 items; ECS DescribeServices takes 10 names. */
const PAGE = 100;
const DESCRIBE_SERVICES_BATCH = 10;

function pages(items: number): number {
  return Math.max(1, Math.ceil(items / PAGE));
}

function add(into: CallCounts, key: string, n: number): void {
  if (n > 0) into[key] = (into[key] ?? 0) + n;
}

// ---- Service Connect ----

/**
 * Warm no-op: one DescribeServices batch of 10 per cluster (its PRIMARY deployment carries the Service Connect
 * configuration, the tags and the task definition ARN, whose revision is immutable: cached), and the namespaces'
 * list (ListNamespaces shows every member of a namespace that UpdateHttpNamespace can change, the description).
 * A namespace's tags are not in the list and it has no version: like App Mesh tags, they are cached and read again
 * when the cache expires (hourly), so a warm run spends no ListTagsForResource.
 */
export function scWarmNoOpMinimum(c: ServiceConnectCounts): CallCounts {
  const calls: CallCounts = {};
  add(calls, 'servicediscovery.ListNamespaces', pages(c.namespaces.length));
  for (const n of c.namespaces) {
    const services = Object.values(n.roles).reduce((a, b) => a + b, 0);
    add(calls, 'ecs.DescribeServices', Math.ceil(services / DESCRIBE_SERVICES_BATCH));
  }
  return calls;
}

/** Cold no-op: the warm calls, one DescribeTaskDefinition per ECS service, one ListTagsForResource per namespace. */
export function scColdNoOpMinimum(c: ServiceConnectCounts): CallCounts {
  const calls = scWarmNoOpMinimum(c);
  add(calls, 'ecs.DescribeTaskDefinition', c.ecsServices);
  add(calls, 'servicediscovery.ListTagsForResource', c.namespaces.length);
  return calls;
}

/**
 * First apply into an account without the namespaces: ListNamespaces shows them absent; CreateHttpNamespace each
 * (tags travel with it; it is asynchronous and answers an operation id only), one GetOperation each to learn it
 * finished and its id, one GetNamespace each for its ARN (the state's record of it: an ARN needs the account, which
 * no answer so far names) and creation date; DescribeServices batches show the services absent; one RegisterTaskDefinition and one
 * CreateService per ECS service (CreateService takes the namespace by name, and ECS creates the Cloud Map services of
 * the endpoints itself).
 */
export function scFirstApplyMinimum(c: ServiceConnectCounts): CallCounts {
  const calls: CallCounts = {};
  add(calls, 'servicediscovery.ListNamespaces', 1);
  add(calls, 'servicediscovery.CreateHttpNamespace', c.namespaces.length);
  add(calls, 'servicediscovery.GetOperation', c.namespaces.length);
  add(calls, 'servicediscovery.GetNamespace', c.namespaces.length);
  for (const n of c.namespaces) {
    const services = Object.values(n.roles).reduce((a, b) => a + b, 0);
    add(calls, 'ecs.DescribeServices', Math.ceil(services / DESCRIBE_SERVICES_BATCH));
  }
  add(calls, 'ecs.RegisterTaskDefinition', c.ecsServices);
  add(calls, 'ecs.CreateService', c.ecsServices);
  return calls;
}

/** Every resource read on every run: GetNamespace + tags per namespace; per ECS service its own describes. */
export function scDescribeEverything(c: ServiceConnectCounts): CallCounts {
  const calls: CallCounts = {};
  add(calls, 'servicediscovery.GetNamespace', c.namespaces.length);
  add(calls, 'servicediscovery.ListTagsForResource', c.namespaces.length);
  add(calls, 'ecs.DescribeServices', c.ecsServices);
  add(calls, 'ecs.DescribeTaskDefinition', c.ecsServices);
  return calls;
}

// ---- VPC Lattice ----

const LATTICE_GET: Record<string, string> = {
  LatticeServiceNetwork: 'vpc-lattice.GetServiceNetwork',
  LatticeServiceNetworkVpcAssociation: 'vpc-lattice.GetServiceNetworkVpcAssociation',
  LatticeService: 'vpc-lattice.GetService',
  LatticeListener: 'vpc-lattice.GetListener',
  LatticeRule: 'vpc-lattice.GetRule',
  LatticeTargetGroup: 'vpc-lattice.GetTargetGroup',
  LatticeAccessLogSubscription: 'vpc-lattice.GetAccessLogSubscription',
};

const LATTICE_CREATE: Record<string, string> = {
  LatticeServiceNetwork: 'vpc-lattice.CreateServiceNetwork',
  LatticeServiceNetworkVpcAssociation: 'vpc-lattice.CreateServiceNetworkVpcAssociation',
  LatticeService: 'vpc-lattice.CreateService',
  LatticeServiceNetworkServiceAssociation: 'vpc-lattice.CreateServiceNetworkServiceAssociation',
  LatticeListener: 'vpc-lattice.CreateListener',
  LatticeRule: 'vpc-lattice.CreateRule',
  LatticeTargetGroup: 'vpc-lattice.CreateTargetGroup',
  LatticeAccessLogSubscription: 'vpc-lattice.CreateAccessLogSubscription',
  LatticeAuthPolicy: 'vpc-lattice.PutAuthPolicy',
};

function taggable(c: LatticeCounts): number {
  return c.latticeResources - c.byKind.LatticeAuthPolicy;
}

function ecsBatches(c: LatticeCounts): number {
  return c.ecsServices > 0 ? Math.ceil(c.ecsServices / DESCRIBE_SERVICES_BATCH) : 0;
}

/**
 * Warm no-op: Lattice lists carry no version, but most items carry `lastUpdatedAt`, which moves on every update:
 * a resource is read again only when it moved (tags ride with the cached read, refreshed when it expires, as App
 * Mesh's do). The lists are unavoidable, each at its narrowest scope: ListServiceNetworks, ListServices and
 * ListTargetGroups for the Region (pages of 100); per network ListServiceNetworkVpcAssociations and
 * ListServiceNetworkServiceAssociations (its service associations: fewer calls than one list per service; the item
 * has no lastUpdatedAt but nothing in an association can change, so its createdAt keys the cache); per service
 * ListListeners; per listener ListRules. ListAccessLogSubscriptions per service or network that has a subscription in
 * the manifests or the state. An auth policy has neither list nor timestamp: one GetAuthPolicy each, every run. ECS:
 * DescribeServices batches (the vpcLatticeConfigurations are in its PRIMARY deployment). Tags: one bulk read of the
 * stack's taggable resources (GetResources, pages of 100), no per-resource tag read.
 */
export function latticeWarmNoOpMinimum(c: LatticeCounts): CallCounts {
  const calls: CallCounts = {};
  // Ownership as AWS has it now: the Tagging API's GetResources on the stack tag, 100 resources a page.
  add(calls, 'tagging.GetResources', pages(taggable(c)));
  add(calls, 'vpc-lattice.ListServiceNetworks', pages(c.networks.length));
  add(calls, 'vpc-lattice.ListServices', pages(c.byKind.LatticeService));
  add(calls, 'vpc-lattice.ListTargetGroups', pages(c.byKind.LatticeTargetGroup));
  for (const n of c.networks) {
    add(calls, 'vpc-lattice.ListServiceNetworkVpcAssociations', 1);
    add(calls, 'vpc-lattice.ListServiceNetworkServiceAssociations', pages(n.services));
  }
  for (const s of c.services) {
    add(calls, 'vpc-lattice.ListListeners', 1);
    add(calls, 'vpc-lattice.ListRules', Object.keys(s.rulesPerListener).length);
  }
  const logOwners = c.services.filter((s) => s.accessLogs).length + c.networks.filter((n) => n.accessLogs).length;
  add(calls, 'vpc-lattice.ListAccessLogSubscriptions', logOwners);
  add(calls, 'vpc-lattice.GetAuthPolicy', c.byKind.LatticeAuthPolicy);
  add(calls, 'ecs.DescribeServices', ecsBatches(c));
  return calls;
}

/**
 * Cold no-op: the warm calls, one Get per resource whose list item does not hold its spec (everything but service
 * associations and auth policies, whose GetAuthPolicy the warm run already makes), one DescribeTaskDefinition per
 * ECS service. No per-resource tag read: the warm run's bulk GetResources already holds every owned resource's tags.
 */
export function latticeColdNoOpMinimum(c: LatticeCounts): CallCounts {
  const calls = latticeWarmNoOpMinimum(c);
  for (const [kind, op] of Object.entries(LATTICE_GET)) add(calls, op, c.byKind[kind as keyof LatticeCounts['byKind']]);
  add(calls, 'ecs.DescribeTaskDefinition', c.ecsServices);
  return calls;
}

/**
 * First apply into an empty account: the three Region lists show nothing exists (so nothing under them is listed),
 * one Create per resource (PutAuthPolicy for policies; tags travel with the create), and one Get per created resource
 * but the auth policies: Lattice's create answers carry no lastUpdatedAt, so without that read the next run would
 * read everything again; for the asynchronous kinds (services, target groups, associations) the same Get is the one
 * that sees ACTIVE before dependents go (the emulator's creates are instant). ECS: DescribeServices batches, one
 * RegisterTaskDefinition and one CreateService per ECS service.
 */
export function latticeFirstApplyMinimum(c: LatticeCounts): CallCounts {
  const calls: CallCounts = {};
  add(calls, 'vpc-lattice.ListServiceNetworks', 1);
  add(calls, 'vpc-lattice.ListServices', 1);
  add(calls, 'vpc-lattice.ListTargetGroups', 1);
  for (const [kind, op] of Object.entries(LATTICE_CREATE))
    add(calls, op, c.byKind[kind as keyof LatticeCounts['byKind']]);
  for (const [kind, op] of Object.entries(LATTICE_GET)) add(calls, op, c.byKind[kind as keyof LatticeCounts['byKind']]);
  add(calls, 'vpc-lattice.GetServiceNetworkServiceAssociation', c.byKind.LatticeServiceNetworkServiceAssociation);
  add(calls, 'ecs.DescribeServices', ecsBatches(c));
  add(calls, 'ecs.RegisterTaskDefinition', c.ecsServices);
  add(calls, 'ecs.CreateService', c.ecsServices);
  return calls;
}

/** Every resource read on every run: Get + ListTagsForResource per resource, GetAuthPolicy, ECS describes. */
export function latticeDescribeEverything(c: LatticeCounts): CallCounts {
  const calls: CallCounts = {};
  for (const [kind, op] of Object.entries(LATTICE_GET)) add(calls, op, c.byKind[kind as keyof LatticeCounts['byKind']]);
  add(calls, 'vpc-lattice.GetServiceNetworkServiceAssociation', c.byKind.LatticeServiceNetworkServiceAssociation);
  add(calls, 'vpc-lattice.GetAuthPolicy', c.byKind.LatticeAuthPolicy);
  add(calls, 'vpc-lattice.ListTagsForResource', taggable(c));
  add(calls, 'ecs.DescribeServices', c.ecsServices);
  add(calls, 'ecs.DescribeTaskDefinition', c.ecsServices);
  return calls;
}
