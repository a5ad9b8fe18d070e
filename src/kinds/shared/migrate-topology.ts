/**
 * What the App Mesh kinds' migration rules need to know about each other: which ECS services run a virtual node,
 * which node serves a virtual service (through a router's main route on Service Connect), which services call
 * which (for "servers before clients"), and the successor names every rule must agree on. Pure, memoized per run.
 */
import type { LoadedDocument } from '../../core/types';
import type { MigrationRun } from '../../migrate/model';
import {
  asArray,
  isRecord,
  latticeName,
  num,
  str,
  successorCluster,
  successorServiceName,
  targetSuffix,
} from '../../migrate/values';

export const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

export interface ListenerInfo {
  index: number;
  port: number;
  protocol: string;
}

function memo<T>(run: MigrationRun, key: string, compute: () => T): T {
  if (run.memo.has(key)) return run.memo.get(key) as T;
  const value = compute();
  run.memo.set(key, value);
  return value;
}

export function meshOf(source: LoadedDocument): string {
  return source.doc.metadata.mesh ?? '';
}

export function listenersOf(spec: unknown): ListenerInfo[] {
  if (!isRecord(spec)) return [];
  return asArray(spec['listeners']).flatMap((l, index) => {
    if (!isRecord(l) || !isRecord(l['portMapping'])) return [];
    const port = num(l['portMapping']['port']);
    const protocol = str(l['portMapping']['protocol']);
    return port === undefined || protocol === undefined ? [] : [{ index, port, protocol }];
  });
}

export function routeTypeOf(spec: Record<string, unknown>): RouteType | undefined {
  return ROUTE_TYPES.find((t) => isRecord(spec[t]));
}

/** EcsService documents that run as a virtual node (or gateway) of a mesh. */
export function ecsServicesOf(
  run: MigrationRun,
  mesh: string,
  member: { virtualNode?: string; virtualGateway?: string },
) {
  return run.ofKind('EcsService').filter((d) => {
    const appMesh = d.doc.spec['appMesh'];
    if (!isRecord(appMesh) || appMesh['mesh'] !== mesh) return false;
    if (member.virtualNode !== undefined) return appMesh['virtualNode'] === member.virtualNode;
    return member.virtualGateway !== undefined && appMesh['virtualGateway'] === member.virtualGateway;
  });
}

export function routesOf(run: MigrationRun, mesh: string, router: string): LoadedDocument[] {
  return run
    .ofKind('Route')
    .filter((d) => d.doc.metadata.mesh === mesh && d.doc.metadata.virtualRouter === router)
    .sort((a, b) => routeOrder(a) - routeOrder(b));
}

/** App Mesh evaluates routes by priority (0 first); routes without one come after every prioritized route. */
export function routeOrder(route: LoadedDocument): number {
  return num(route.doc.spec['priority']) ?? 10_000;
}

export function virtualServicesOf(run: MigrationRun, mesh: string): LoadedDocument[] {
  return run.ofKind('VirtualService').filter((d) => d.doc.metadata.mesh === mesh);
}

export interface Provider {
  node?: string;
  router?: string;
}

export function providerOf(vs: LoadedDocument): Provider {
  const provider = vs.doc.spec['provider'];
  if (!isRecord(provider)) return {};
  const node = isRecord(provider['virtualNode']) ? str(provider['virtualNode']['virtualNodeName']) : undefined;
  const router = isRecord(provider['virtualRouter']) ? str(provider['virtualRouter']['virtualRouterName']) : undefined;
  return { node, router };
}

export interface WeightedTarget {
  virtualNode: string;
  weight: number;
  port?: number;
}

export function weightedTargetsOf(route: LoadedDocument): WeightedTarget[] {
  const type = routeTypeOf(route.doc.spec);
  if (!type) return [];
  const body = route.doc.spec[type];
  const action = isRecord(body) ? body['action'] : undefined;
  return asArray(isRecord(action) ? action['weightedTargets'] : undefined).flatMap((t) => {
    if (!isRecord(t)) return [];
    const virtualNode = str(t['virtualNode']);
    const weight = num(t['weight']);
    if (virtualNode === undefined || weight === undefined) return [];
    const port = num(t['port']);
    return [port === undefined ? { virtualNode, weight } : { virtualNode, weight, port }];
  });
}

/** A route whose match takes everything (prefix "/" and nothing else, or no match at all for TCP). */
export function isCatchAll(route: LoadedDocument): boolean {
  const type = routeTypeOf(route.doc.spec);
  if (!type) return false;
  const body = route.doc.spec[type];
  const match = isRecord(body) ? body['match'] : undefined;
  if (match === undefined) return true;
  if (!isRecord(match)) return false;
  const keys = Object.keys(match).filter((k) => k !== 'port');
  if (type === 'grpcRoute') return keys.length === 0;
  return keys.length === 0 || (keys.length === 1 && match['prefix'] === '/');
}

export interface ScRouterPlan {
  /** The route whose targets decide the endpoint (the catch-all evaluated last, else the last route). */
  main?: LoadedDocument;
  primary?: string;
  canary?: { node: string; percent: number };
  /** A route that sends requests with one exact header to the canary: Service Connect test traffic. */
  testHeader?: { route: LoadedDocument; name: string; exact: string };
}

/**
 * Service Connect has one endpoint per discovery name and no routing between versions: a router becomes its main
 * route's heaviest target, and a second target becomes an ECS canary deployment of that endpoint.
 */
export function scRouterPlan(run: MigrationRun, mesh: string, router: string): ScRouterPlan {
  return memo(run, `sc-router:${mesh}/${router}`, () => {
    const routes = routesOf(run, mesh, router);
    const catchAlls = routes.filter(isCatchAll);
    const main = catchAlls[catchAlls.length - 1] ?? routes[routes.length - 1];
    if (!main) return {};
    const targets = weightedTargetsOf(main)
      .filter((t) => t.weight > 0)
      .sort((a, b) => b.weight - a.weight);
    const [first, second] = targets;
    const plan: ScRouterPlan = { main, primary: first?.virtualNode };
    if (first && second && second.virtualNode !== first.virtualNode) {
      const total = targets.reduce((sum, t) => sum + t.weight, 0);
      const percent = Math.min(100, Math.max(0.1, Math.round((second.weight / total) * 1000) / 10));
      plan.canary = { node: second.virtualNode, percent };
      for (const route of routes) {
        const type = routeTypeOf(route.doc.spec);
        const body = type ? route.doc.spec[type] : undefined;
        const match = isRecord(body) ? body['match'] : undefined;
        const headers = asArray(isRecord(match) ? (match['headers'] ?? match['metadata']) : undefined);
        const only = weightedTargetsOf(route);
        const header = headers[0];
        if (
          headers.length === 1 &&
          isRecord(header) &&
          header['invert'] !== true &&
          isRecord(header['match']) &&
          typeof header['match']['exact'] === 'string' &&
          only.length === 1 &&
          only[0]?.virtualNode === second.virtualNode
        ) {
          plan.testHeader = { route, name: String(header['name']), exact: header['match']['exact'] };
          break;
        }
      }
    }
    return plan;
  });
}

export interface Endpoint {
  virtualService: string;
  /** The node whose ECS services serve the endpoint on Service Connect. */
  node: string;
  port: number;
  protocol: string;
}

/** Service Connect: virtual service -> the node that serves it, by mesh. */
export function scEndpoints(run: MigrationRun, mesh: string): Endpoint[] {
  return memo(run, `sc-endpoints:${mesh}`, () => {
    const out: Endpoint[] = [];
    for (const vs of virtualServicesOf(run, mesh)) {
      const provider = providerOf(vs);
      let node = provider.node;
      let listeners: ListenerInfo[] = [];
      if (provider.router !== undefined) {
        node = scRouterPlan(run, mesh, provider.router).primary;
        listeners = listenersOf(run.lookup({ kind: 'VirtualRouter', mesh, name: provider.router })?.doc.spec);
      }
      if (node === undefined) continue;
      const nodeDoc = run.lookup({ kind: 'VirtualNode', mesh, name: node });
      if (provider.node !== undefined) listeners = listenersOf(nodeDoc?.doc.spec);
      for (const l of listeners)
        out.push({ virtualService: vs.doc.metadata.name, node, port: l.port, protocol: l.protocol });
    }
    return out;
  });
}

/** Nodes that only ever serve as a router's canary: on Service Connect they become a deployment, not a service. */
export function scCanaryOnlyNodes(
  run: MigrationRun,
  mesh: string,
): Map<string, { router: string; primary: string; percent: number }> {
  return memo(run, `sc-canary-only:${mesh}`, () => {
    const servers = new Set(scEndpoints(run, mesh).map((e) => e.node));
    const out = new Map<string, { router: string; primary: string; percent: number }>();
    for (const router of run.ofKind('VirtualRouter').filter((d) => d.doc.metadata.mesh === mesh)) {
      const plan = scRouterPlan(run, mesh, router.doc.metadata.name);
      if (plan.canary && plan.primary && !servers.has(plan.canary.node)) {
        out.set(plan.canary.node, {
          router: router.doc.metadata.name,
          primary: plan.primary,
          percent: plan.canary.percent,
        });
      }
    }
    return out;
  });
}

/** The nodes serving a virtual service, on either target (Lattice keeps every weighted target). */
export function serverNodesOf(run: MigrationRun, mesh: string, vsName: string): string[] {
  const vs = run.lookup({ kind: 'VirtualService', mesh, name: vsName });
  if (!vs) return [];
  const provider = providerOf(vs);
  if (provider.node !== undefined) return [provider.node];
  if (provider.router === undefined) return [];
  if (run.target === 'service-connect') {
    const primary = scRouterPlan(run, mesh, provider.router).primary;
    return primary === undefined ? [] : [primary];
  }
  return [
    ...new Set(routesOf(run, mesh, provider.router).flatMap((r) => weightedTargetsOf(r).map((t) => t.virtualNode))),
  ];
}

export function backendsOf(node: LoadedDocument | undefined): string[] {
  if (!node) return [];
  return asArray(node.doc.spec['backends']).flatMap((b) => {
    const name =
      isRecord(b) && isRecord(b['virtualService']) ? str(b['virtualService']['virtualServiceName']) : undefined;
    return name === undefined ? [] : [name];
  });
}

/** Deploy wave of a node: 0 for nodes that call nothing, else one more than the servers they call (cycles cut). */
export function waveOf(run: MigrationRun, mesh: string, node: string): number {
  const waves = memo(run, `waves:${mesh}`, () => new Map<string, number>());
  const visit = (name: string, stack: string[]): number => {
    const known = waves.get(name);
    if (known !== undefined) return known;
    if (stack.includes(name)) return 0;
    const nodeDoc = run.lookup({ kind: 'VirtualNode', mesh, name });
    let wave = 0;
    for (const vs of backendsOf(nodeDoc)) {
      for (const server of serverNodesOf(run, mesh, vs)) {
        if (server !== name) wave = Math.max(wave, visit(server, [...stack, name]) + 1);
      }
    }
    waves.set(name, wave);
    return wave;
  };
  return visit(node, []);
}

// --- successor names -------------------------------------------------------------------------------------------

export function successorId(source: LoadedDocument, run: MigrationRun): { cluster: string; name: string } {
  const cluster = str(source.doc.spec['cluster']) ?? 'default';
  return { cluster: successorCluster(cluster, run), name: successorServiceName(source.doc.metadata.name, run) };
}

/** The Service Connect namespace of a mesh's successor services: a new HTTP namespace, beside the App Mesh one. */
export function scNamespaceName(mesh: string, run: MigrationRun): string {
  return `${mesh}${targetSuffix(run.target)}`;
}

export function latticeNetworkName(mesh: string): string {
  return latticeName(mesh, 63);
}

export function latticeServiceName(vsName: string): string {
  return latticeName(vsName, 40, 'svc-');
}

export function latticeListenerName(port: number): string {
  return `port-${port}`;
}

export function latticeTargetGroupName(mesh: string, node: string, port: number): string {
  return latticeName(`${mesh}-${node}-${port}`, 128, 'tg-');
}

/** Lattice target groups and listeners speak HTTP for every App Mesh HTTP-family protocol; TCP has no Lattice form. */
export function latticeProtocolVersion(protocol: string): 'HTTP1' | 'HTTP2' | 'GRPC' | undefined {
  if (protocol === 'http') return 'HTTP1';
  if (protocol === 'http2') return 'HTTP2';
  if (protocol === 'grpc') return 'GRPC';
  return undefined;
}

/** `EcsService/<cluster>/<successor>` of the first ECS service running a node, or undefined when none runs it. */
export function successorOfNode(run: MigrationRun, mesh: string, node: string): string | undefined {
  const first = ecsServicesOf(run, mesh, { virtualNode: node })[0];
  if (!first) return undefined;
  const id = successorId(first, run);
  return `EcsService/${id.cluster}/${id.name}`;
}

/** Where a node listener's Service Connect settings land: its entry in `serviceConnectConfiguration.services`. */
export function scServicePointer(listenerIndex: number, rest = ''): string {
  return `/spec/serviceConnectConfiguration/services/${listenerIndex}${rest}`;
}

export function latticeTargetGroupId(mesh: string, node: string, port: number): string {
  return `LatticeTargetGroup/${latticeTargetGroupName(mesh, node, port)}`;
}

/**
 * The one virtual service whose name becomes the client alias of a node's listener on Service Connect (at most one
 * alias per endpoint port, and alias + port unique in the namespace): the first declared that reaches it.
 */
export function scAliasOf(run: MigrationRun, mesh: string, node: string, listener: ListenerInfo): Endpoint | undefined {
  const nodeDoc = run.lookup({ kind: 'VirtualNode', mesh, name: node });
  const single = listenersOf(nodeDoc?.doc.spec).length === 1;
  const endpoints = scEndpoints(run, mesh).filter((e) => e.node === node);
  return endpoints.find((e) => e.port === listener.port) ?? (single ? endpoints[0] : undefined);
}

/** Only the first ECS service running a node carries its client aliases (two would claim the same alias). */
export function isFirstServiceOfNode(run: MigrationRun, mesh: string, node: string, service: LoadedDocument): boolean {
  return ecsServicesOf(run, mesh, { virtualNode: node })[0] === service;
}
