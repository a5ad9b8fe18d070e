import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteCommand,
  ListRoutesCommand,
  type RouteSpec,
  UpdateRouteCommand,
} from '@aws-sdk/client-app-mesh';
import type { ManifestDocument, ResourceRef } from '../../core/types';
import type { Kind } from '../kind';
import { type AppMeshListItem, createAppMeshKind, meshRef } from '../shared/app-mesh-kind';
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

export const routeKind: Kind = createAppMeshKind({
  kind: 'Route',
  parentKind: 'VirtualRouter',
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
