/**
 * The referential checks App Mesh makes on write and the in-use checks on delete.
 * On write (configurable with `checkReferences`, on by default): a virtual service's provider node/router, a
 * route's weighted-target nodes and a gateway route's target virtual service must exist in the mesh
 * (NotFoundException). Backends are not checked: nodes and services reference each other, so AWS cannot demand
 * that the backend exist first. A route and a gateway route must name exactly one route type (BadRequest).
 * On delete (ResourceInUseException): a mesh with members, a router with routes, a gateway with gateway routes,
 * a node or router that is a virtual service's provider.
 */
import { badRequest, notFound, resourceInUse } from './errors';
import type { KindName } from './kinds';
import type { AppMeshStore, StoredResource } from './store';

type Json = Record<string, unknown>;

const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'];
const GATEWAY_ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute'];

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function present(spec: Json, names: string[]): string[] {
  return names.filter((n) => spec[n] !== undefined && spec[n] !== null);
}

export function routeTypeOf(spec: Json, kind: 'route' | 'gatewayRoute'): string {
  const names = kind === 'route' ? ROUTE_TYPES : GATEWAY_ROUTE_TYPES;
  const set = present(spec, names);
  if (set.length !== 1) {
    throw badRequest(
      `${kind === 'route' ? 'Route' : 'GatewayRoute'} spec must specify exactly one of ${names.join(', ')}.`,
    );
  }
  return set[0] ?? '';
}

export function weightedTargetsOf(spec: Json): Json[] {
  for (const type of ROUTE_TYPES) {
    const targets = obj(obj(obj(spec[type])?.action))?.weightedTargets;
    if (Array.isArray(targets)) return targets.filter((t): t is Json => obj(t) !== undefined);
  }
  return [];
}

function requireExists(store: AppMeshStore, kind: KindName, meshName: string, name: string, display: string): void {
  if (!store.get({ kind, meshName, name })) {
    throw notFound(`${display} with name ${name} is not present under mesh ${meshName}.`);
  }
}

export function checkSpecReferences(
  store: AppMeshStore,
  kind: KindName,
  meshName: string,
  spec: Json,
  check: boolean,
): void {
  if (kind === 'route') routeTypeOf(spec, 'route');
  if (kind === 'gatewayRoute') routeTypeOf(spec, 'gatewayRoute');
  if (!check) return;
  if (kind === 'virtualService') {
    const provider = obj(spec.provider);
    const node = obj(provider?.virtualNode)?.virtualNodeName;
    const router = obj(provider?.virtualRouter)?.virtualRouterName;
    if (typeof node === 'string') requireExists(store, 'virtualNode', meshName, node, 'VirtualNode');
    if (typeof router === 'string') requireExists(store, 'virtualRouter', meshName, router, 'VirtualRouter');
  } else if (kind === 'route') {
    for (const target of weightedTargetsOf(spec)) {
      if (typeof target.virtualNode === 'string')
        requireExists(store, 'virtualNode', meshName, target.virtualNode, 'VirtualNode');
    }
  } else if (kind === 'gatewayRoute') {
    const type = routeTypeOf(spec, 'gatewayRoute');
    const name = obj(obj(obj(obj(obj(spec[type])?.action)?.target)?.virtualService))?.virtualServiceName;
    if (typeof name === 'string') requireExists(store, 'virtualService', meshName, name, 'VirtualService');
  }
}

function providerUsers(store: AppMeshStore, r: StoredResource): StoredResource[] {
  return store.list('virtualService', r.meshName).filter((vs) => {
    const provider = obj(vs.spec.provider);
    if (r.kind === 'virtualNode') return obj(provider?.virtualNode)?.virtualNodeName === r.name;
    if (r.kind === 'virtualRouter') return obj(provider?.virtualRouter)?.virtualRouterName === r.name;
    return false;
  });
}

export function checkDeletable(store: AppMeshStore, r: StoredResource): void {
  switch (r.kind) {
    case 'mesh':
      if (store.members(r.meshName).length > 0) {
        throw resourceInUse(`Mesh ${r.meshName} has resources in it; delete them before deleting the mesh.`);
      }
      return;
    case 'virtualRouter':
      if (store.list('route', r.meshName, r.name).length > 0) {
        throw resourceInUse(`VirtualRouter ${r.name} has routes; delete them before deleting the virtual router.`);
      }
      break;
    case 'virtualGateway':
      if (store.list('gatewayRoute', r.meshName, r.name).length > 0) {
        throw resourceInUse(
          `VirtualGateway ${r.name} has gateway routes; delete them before deleting the virtual gateway.`,
        );
      }
      return;
    default:
      break;
  }
  if (r.kind === 'virtualNode' || r.kind === 'virtualRouter') {
    const users = providerUsers(store, r);
    if (users.length > 0) {
      throw resourceInUse(
        `${r.kind === 'virtualNode' ? 'VirtualNode' : 'VirtualRouter'} ${r.name} is the provider of VirtualService ${users[0]?.name ?? ''}.`,
      );
    }
  }
}
