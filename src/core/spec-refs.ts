/**
 * References App Mesh itself enforces, read from API-shaped specs. They give the dependency graph edges for
 * resources that only exist on the actual side (deletes have no manifest and no `dependsOn`), and the topology
 * its arrows.
 */
import { isPlainObject } from './canonical';
import type { ResourceRef } from './types';
import { resourceId } from './types';

export const ROUTE_PROTOCOLS = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;

export interface WeightedTarget {
  virtualNode: string;
  weight?: number;
}

function get(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The mesh, the router of a route, the gateway of a gateway route: what must exist for the id to make sense. */
export function structuralParents(ref: ResourceRef): string[] {
  if (ref.mesh === undefined || ref.kind === 'Mesh') return [];
  const out = [resourceId({ kind: 'Mesh', name: ref.mesh })];
  if (ref.kind === 'Route' && ref.parent !== undefined) {
    out.push(resourceId({ kind: 'VirtualRouter', name: ref.parent, mesh: ref.mesh }));
  }
  if (ref.kind === 'GatewayRoute' && ref.parent !== undefined) {
    out.push(resourceId({ kind: 'VirtualGateway', name: ref.parent, mesh: ref.mesh }));
  }
  return out;
}

export function routeWeightedTargets(spec: unknown): WeightedTarget[] {
  const out: WeightedTarget[] = [];
  for (const protocol of ROUTE_PROTOCOLS) {
    const targets = get(spec, protocol, 'action', 'weightedTargets');
    if (!Array.isArray(targets)) continue;
    for (const target of targets) {
      const virtualNode = str(get(target, 'virtualNode'));
      const weight = get(target, 'weight');
      if (virtualNode) out.push(typeof weight === 'number' ? { virtualNode, weight } : { virtualNode });
    }
  }
  return out;
}

export function virtualServiceProvider(
  spec: unknown,
): { kind: 'VirtualRouter' | 'VirtualNode'; name: string } | undefined {
  const router = str(get(spec, 'provider', 'virtualRouter', 'virtualRouterName'));
  if (router) return { kind: 'VirtualRouter', name: router };
  const node = str(get(spec, 'provider', 'virtualNode', 'virtualNodeName'));
  return node ? { kind: 'VirtualNode', name: node } : undefined;
}

export function gatewayRouteTarget(spec: unknown): string | undefined {
  for (const protocol of ['httpRoute', 'http2Route', 'grpcRoute'] as const) {
    const name = str(get(spec, protocol, 'action', 'target', 'virtualService', 'virtualServiceName'));
    if (name) return name;
  }
  return undefined;
}

export function nodeBackends(spec: unknown): string[] {
  const backends = get(spec, 'backends');
  if (!Array.isArray(backends)) return [];
  return backends
    .map((backend) => str(get(backend, 'virtualService', 'virtualServiceName')))
    .filter((name): name is string => name !== undefined);
}

/** The route's protocol key (httpRoute, tcpRoute, ...), which must match its router's listener. */
export function routeProtocol(spec: unknown): string | undefined {
  return ROUTE_PROTOCOLS.find((protocol) => get(spec, protocol) !== undefined);
}

/**
 * Resources this one names and cannot exist without (App Mesh answers ResourceInUse when deleting them first).
 * Node backends are left out on purpose: services and nodes legitimately call each other in cycles.
 */
export function hardReferences(ref: ResourceRef, spec: unknown): string[] {
  const mesh = ref.mesh;
  if (mesh === undefined) return [];
  switch (ref.kind) {
    case 'Route':
      return routeWeightedTargets(spec).map((t) => resourceId({ kind: 'VirtualNode', name: t.virtualNode, mesh }));
    case 'VirtualService': {
      const provider = virtualServiceProvider(spec);
      return provider ? [resourceId({ kind: provider.kind, name: provider.name, mesh })] : [];
    }
    case 'GatewayRoute': {
      const target = gatewayRouteTarget(spec);
      return target ? [resourceId({ kind: 'VirtualService', name: target, mesh })] : [];
    }
    default:
      return [];
  }
}

/**
 * The node or gateway an ECS service's Envoy sidecar runs as (`appMesh.virtualNode | virtualGateway`, with an
 * optional `appMesh.mesh`). The ECS service's id carries no mesh, so the caller resolves the name.
 */
export function ecsMeshMember(
  spec: unknown,
): { kind: 'VirtualNode' | 'VirtualGateway'; name: string; mesh?: string } | undefined {
  const mesh = str(get(spec, 'appMesh', 'mesh'));
  const node = str(get(spec, 'appMesh', 'virtualNode'));
  const gateway = str(get(spec, 'appMesh', 'virtualGateway'));
  const found = node
    ? { kind: 'VirtualNode' as const, name: node }
    : gateway
      ? { kind: 'VirtualGateway' as const, name: gateway }
      : undefined;
  return found && mesh ? { ...found, mesh } : found;
}
