import {
  CreateGatewayRouteCommand,
  DeleteGatewayRouteCommand,
  DescribeGatewayRouteCommand,
  type GatewayRouteSpec,
  ListGatewayRoutesCommand,
  UpdateGatewayRouteCommand,
} from '@aws-sdk/client-app-mesh';
import type { ManifestDocument, ResourceRef } from '../../core/types';
import type { Kind } from '../kind';
import { type AppMeshListItem, createAppMeshKind, meshRef } from '../shared/app-mesh-kind';
import { routeUnorderedLists } from '../shared/route-lists';
import { getString } from '../shared/spec-utils';

const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute'] as const;

export function gatewayRouteDependencies(doc: ManifestDocument): ResourceRef[] {
  const mesh = doc.metadata.mesh;
  const refs = meshRef(doc);
  if (doc.metadata.virtualGateway !== undefined) {
    refs.push({ kind: 'VirtualGateway', name: doc.metadata.virtualGateway, mesh });
  }
  for (const type of ROUTE_TYPES) {
    const service = getString(doc.spec, type, 'action', 'target', 'virtualService', 'virtualServiceName');
    if (service !== undefined) refs.push({ kind: 'VirtualService', name: service, mesh });
  }
  return refs;
}

export const gatewayRouteKind: Kind = createAppMeshKind({
  kind: 'GatewayRoute',
  parentKind: 'VirtualGateway',
  defaults: [],
  lists: routeUnorderedLists(ROUTE_TYPES.map((t) => `/${t}`)),
  dependencies: gatewayRouteDependencies,
  ops: {
    async list(client, parent, nextToken) {
      const out = await client.send(
        new ListGatewayRoutesCommand({
          meshName: parent?.ref.mesh,
          virtualGatewayName: parent?.ref.name,
          limit: 100,
          nextToken,
        }),
      );
      const items: AppMeshListItem[] = (out.gatewayRoutes ?? []).map((r) => ({
        ref: {
          kind: 'GatewayRoute',
          name: r.gatewayRouteName ?? '',
          mesh: r.meshName ?? '',
          parent: r.virtualGatewayName ?? '',
        },
        arn: r.arn ?? '',
        version: r.version ?? 0,
        ...(r.lastUpdatedAt ? { lastUpdatedAt: r.lastUpdatedAt } : {}),
      }));
      return out.nextToken ? { items, nextToken: out.nextToken } : { items };
    },
    async describe(client, ref) {
      const out = await client.send(
        new DescribeGatewayRouteCommand({
          meshName: ref.mesh,
          virtualGatewayName: ref.parent,
          gatewayRouteName: ref.name,
        }),
      );
      return out.gatewayRoute ?? {};
    },
    async create(client, ref, spec, tags, clientToken) {
      const out = await client.send(
        new CreateGatewayRouteCommand({
          meshName: ref.mesh,
          virtualGatewayName: ref.parent,
          gatewayRouteName: ref.name,
          spec: spec as GatewayRouteSpec,
          tags,
          clientToken,
        }),
      );
      return out.gatewayRoute ?? {};
    },
    async update(client, ref, spec, clientToken) {
      const out = await client.send(
        new UpdateGatewayRouteCommand({
          meshName: ref.mesh,
          virtualGatewayName: ref.parent,
          gatewayRouteName: ref.name,
          spec: spec as GatewayRouteSpec,
          clientToken,
        }),
      );
      return out.gatewayRoute ?? {};
    },
    async delete(client, ref) {
      await client.send(
        new DeleteGatewayRouteCommand({
          meshName: ref.mesh,
          virtualGatewayName: ref.parent,
          gatewayRouteName: ref.name,
        }),
      );
    },
  },
});
