import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteCommand,
  ListRoutesCommand,
  type RouteSpec,
  UpdateRouteCommand,
} from '@aws-sdk/client-app-mesh';
import type { ManifestDocument, ResourceRef } from '../../core/types';
import type { Kind, SemanticChecker, SpecReference } from '../kind';
import { routeDetails } from '../shared/route-details';
import { type AppMeshListItem, appMeshTopology, createAppMeshKind, meshRef } from '../shared/app-mesh-kind';
import { checkRouteOnParent, checkTargetPort, get, list } from '../shared/app-mesh-checks';
import { routeUnorderedLists } from '../shared/route-lists';
import { asArray, getPath, getString } from '../shared/spec-utils';

const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;

export function routeDependencies(doc: ManifestDocument): ResourceRef[] {
  const mesh = doc.metadata.mesh;
  const refs = meshRef(doc);
  if (doc.metadata.virtualRouter !== undefined)
    refs.push({ kind: 'VirtualRouter', name: doc.metadata.virtualRouter, mesh });
  for (const type of ROUTE_TYPES) {
    for (const target of asArray(getPath(doc.spec, type, 'action', 'weightedTargets'))) {
      const node = getString(target, 'virtualNode');
      if (node !== undefined) refs.push({ kind: 'VirtualNode', name: node, mesh });
    }
  }
  return refs;
}

/** Weighted targets: the nodes must exist first, but App Mesh does not hold a node for its routes. */
function routeReferences(ref: ResourceRef, spec: unknown): SpecReference[] {
  const out: SpecReference[] = [];
  if (ref.mesh === undefined) return out;
  for (const type of ROUTE_TYPES) {
    asArray(getPath(spec, type, 'action', 'weightedTargets')).forEach((target, i) => {
      const node = getString(target, 'virtualNode');
      if (node === undefined) return;
      const weight = getPath(target, 'weight');
      out.push({
        pointer: `/spec/${type}/action/weightedTargets/${i}/virtualNode`,
        target: { kind: 'VirtualNode', name: node, mesh: ref.mesh },
        relation: 'weighted',
        ...(typeof weight === 'number' ? { label: String(weight) } : {}),
      });
    });
  }
  return out;
}

function checkRoute(checker: SemanticChecker): void {
  const { doc } = checker.loaded;
  const route = checkRouteOnParent(checker, 'VirtualRouter', 'virtualRouter');
  if (!route) return;
  const { type, mesh } = route;
  const targetsPointer = `/spec/${type}/action/weightedTargets`;
  const targets = list(get(doc.spec, type, 'action', 'weightedTargets'));
  if (targets.length > 0 && targets.every((t) => get(t, 'weight') === 0)) {
    checker.report(
      targetsPointer,
      'WEIGHTS',
      'all weights are 0: at least one target must have a weight above 0 to receive traffic',
    );
  }
  targets.forEach((target, i) => {
    const name = getString(target, 'virtualNode');
    if (!name) return;
    const node = checker.find({ kind: 'VirtualNode', name, mesh });
    if (node) checkTargetPort(checker, `${targetsPointer}/${i}`, get(target, 'port'), 'VirtualNode', node);
  });
}

/** The route's protocol key (httpRoute, tcpRoute...), which must match its router's listener. */
export function routeProtocol(spec: unknown): string | undefined {
  return ROUTE_TYPES.find((type) => getPath(spec, type) !== undefined);
}

export const routeKind: Kind = createAppMeshKind({
  kind: 'Route',
  parentKind: 'VirtualRouter',
  parent: { kind: 'VirtualRouter', field: 'virtualRouter', param: 'virtualRouterName' },
  nameParam: 'routeName',
  exportFile: 'routes.yaml',
  topology: appMeshTopology('route', routeDetails),
  specReferences: routeReferences,
  check: checkRoute,
  parentBound: {
    parentKind: 'VirtualRouter',
    parentPaths: ['/spec/listeners'],
    key: routeProtocol,
    reason: (before, after) =>
      `route protocol changes (${before ?? 'none'} -> ${after ?? 'none'}) with its router's listener: delete and create`,
  },
  defaults: [],
  lists: routeUnorderedLists(ROUTE_TYPES.map((t) => `/${t}`)),
  dependencies: routeDependencies,
  ops: {
    async list(client, parent, nextToken) {
      const out = await client.send(
        new ListRoutesCommand({
          meshName: parent?.ref.mesh,
          virtualRouterName: parent?.ref.name,
          limit: 100,
          nextToken,
        }),
      );
      const items: AppMeshListItem[] = (out.routes ?? []).map((r) => ({
        ref: { kind: 'Route', name: r.routeName ?? '', mesh: r.meshName ?? '', parent: r.virtualRouterName ?? '' },
        arn: r.arn ?? '',
        version: r.version ?? 0,
        ...(r.lastUpdatedAt ? { lastUpdatedAt: r.lastUpdatedAt } : {}),
      }));
      return out.nextToken ? { items, nextToken: out.nextToken } : { items };
    },
    async describe(client, ref) {
      const out = await client.send(
        new DescribeRouteCommand({ meshName: ref.mesh, virtualRouterName: ref.parent, routeName: ref.name }),
      );
      return out.route ?? {};
    },
    async create(client, ref, spec, tags, clientToken) {
      const out = await client.send(
        new CreateRouteCommand({
          meshName: ref.mesh,
          virtualRouterName: ref.parent,
          routeName: ref.name,
          spec: spec as RouteSpec,
          tags,
          clientToken,
        }),
      );
      return out.route ?? {};
    },
    async update(client, ref, spec, clientToken) {
      const out = await client.send(
        new UpdateRouteCommand({
          meshName: ref.mesh,
          virtualRouterName: ref.parent,
          routeName: ref.name,
          spec: spec as RouteSpec,
          clientToken,
        }),
      );
      return out.route ?? {};
    },
    async delete(client, ref) {
      await client.send(
        new DeleteRouteCommand({ meshName: ref.mesh, virtualRouterName: ref.parent, routeName: ref.name }),
      );
    },
  },
});
