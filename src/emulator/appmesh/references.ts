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
import type { ResourceAddress } from './arns';
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

export type MissingReferenceError = 'NotFoundException' | 'BadRequestException';

export interface ReferenceCheckOptions {
  check: boolean;
  missingError: MissingReferenceError;
  accountId: string;
}

function requireExists(
  store: AppMeshStore,
  kind: KindName,
  meshName: string,
  name: string,
  display: string,
  opts: ReferenceCheckOptions,
): void {
  if (store.get({ kind, meshName, name })) return;
  const message = `${display} with name ${name} is not present under mesh ${meshName} for account ${opts.accountId}`;
  throw opts.missingError === 'BadRequestException' ? badRequest(message) : notFound(message);
}

/** The `match.port` of a route, whatever its type (tcpRoute's match is optional). */
function routeMatchPort(spec: Json): unknown {
  for (const type of ROUTE_TYPES) {
    const route = obj(spec[type]);
    if (route) return obj(route.match)?.port;
  }
  return undefined;
}

function listenerCount(spec: Json): number {
  return Array.isArray(spec.listeners) ? spec.listeners.length : 0;
}

/**
 * Multiple listeners on a router make a route's listener ambiguous, so App Mesh demands a port match. Verbatim from
 * App Mesh (aws/aws-app-mesh-controller-for-k8s#715): "Route must define a port match criteria if the Virtual Router
 * has multiple listeners"; adding a listener under routes without one fails with "All Routes for this Virtual
 * Router m..." (hashicorp/terraform-provider-aws#35294, cut there; the rest of that message is inferred).
 */
function checkPortMatches(store: AppMeshStore, kind: KindName, a: ResourceAddress, spec: Json): void {
  if (kind === 'route') {
    const router = store.get({ kind: 'virtualRouter', meshName: a.meshName, name: a.parentName ?? '' });
    if (router && listenerCount(router.spec) > 1 && routeMatchPort(spec) === undefined) {
      throw badRequest('Route must define a port match criteria if the Virtual Router has multiple listeners');
    }
  } else if (kind === 'virtualRouter' && listenerCount(spec) > 1) {
    const routes = store.list('route', a.meshName, a.name);
    if (routes.some((r) => routeMatchPort(r.spec) === undefined)) {
      throw badRequest(
        'All Routes for this Virtual Router must define a port match criteria if the Virtual Router has multiple listeners',
      );
    }
  }
}

export function checkSpecReferences(
  store: AppMeshStore,
  kind: KindName,
  a: ResourceAddress,
  spec: Json,
  opts: ReferenceCheckOptions,
): void {
  const meshName = a.meshName;
  if (kind === 'route') routeTypeOf(spec, 'route');
  if (kind === 'gatewayRoute') routeTypeOf(spec, 'gatewayRoute');
  checkPortMatches(store, kind, a, spec);
  if (!opts.check) return;
  if (kind === 'virtualService') {
    const provider = obj(spec.provider);
    const node = obj(provider?.virtualNode)?.virtualNodeName;
    const router = obj(provider?.virtualRouter)?.virtualRouterName;
    if (typeof node === 'string') requireExists(store, 'virtualNode', meshName, node, 'VirtualNode', opts);
    if (typeof router === 'string') requireExists(store, 'virtualRouter', meshName, router, 'VirtualRouter', opts);
  } else if (kind === 'route') {
    for (const target of weightedTargetsOf(spec)) {
      if (typeof target.virtualNode === 'string')
        requireExists(store, 'virtualNode', meshName, target.virtualNode, 'VirtualNode', opts);
    }
  } else if (kind === 'gatewayRoute') {
    const type = routeTypeOf(spec, 'gatewayRoute');
    const target = obj(obj(obj(spec[type])?.action)?.target);
    const name = obj(target?.virtualService)?.virtualServiceName;
    if (typeof name === 'string') {
      requireExists(store, 'virtualService', meshName, name, 'VirtualService', opts);
      checkGatewayTargetPort(store, meshName, name, target);
    }
  }
}

/**
 * App Mesh user guide, gateway routes (quoted in hashicorp/terraform-provider-aws#29063): "Virtual service provider
 * port is required when the provider (router or node) of the selected virtual service has multiple listeners."
 * The error's wording is not published; BadRequestException with that sentence is inferred.
 */
function checkGatewayTargetPort(
  store: AppMeshStore,
  meshName: string,
  service: string,
  target: Json | undefined,
): void {
  if (target?.port !== undefined) return;
  const provider = obj(store.get({ kind: 'virtualService', meshName, name: service })?.spec.provider);
  const node = obj(provider?.virtualNode)?.virtualNodeName;
  const router = obj(provider?.virtualRouter)?.virtualRouterName;
  const providerResource =
    typeof node === 'string'
      ? store.get({ kind: 'virtualNode', meshName, name: node })
      : typeof router === 'string'
        ? store.get({ kind: 'virtualRouter', meshName, name: router })
        : undefined;
  if (providerResource && listenerCount(providerResource.spec) > 1) {
    throw badRequest(
      'Virtual service provider port is required when the provider of the selected virtual service has multiple listeners',
    );
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
