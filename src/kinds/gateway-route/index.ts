import {
  CreateGatewayRouteCommand,
  DeleteGatewayRouteCommand,
  DescribeGatewayRouteCommand,
  type GatewayRouteSpec,
  ListGatewayRoutesCommand,
  UpdateGatewayRouteCommand,
} from '@aws-sdk/client-app-mesh';
import type { ManifestDocument, ResourceRef } from '../../core/types';
import type { Kind, SemanticChecker, SpecReference } from '../kind';
import { routeDetails } from '../shared/route-details';
import { type AppMeshListItem, appMeshTopology, createAppMeshKind, meshRef } from '../shared/app-mesh-kind';
import { checkRouteOnParent, checkTargetPort, get } from '../shared/app-mesh-checks';
import { virtualServiceProvider } from '../virtual-service';
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

function gatewayRouteReferences(ref: ResourceRef, spec: unknown): SpecReference[] {
  if (ref.mesh === undefined) return [];
  for (const type of ROUTE_TYPES) {
    const service = getString(spec, type, 'action', 'target', 'virtualService', 'virtualServiceName');
    if (service === undefined) continue;
    return [
      {
        pointer: `/spec/${type}/action/target/virtualService/virtualServiceName`,
        target: { kind: 'VirtualService', name: service, mesh: ref.mesh },
        relation: 'targets',
      },
    ];
  }
  return [];
}

function checkGatewayRoute(checker: SemanticChecker): void {
  const { doc } = checker.loaded;
  const route = checkRouteOnParent(checker, 'VirtualGateway', 'virtualGateway');
  if (!route) return;
  const { type, mesh } = route;
  const targetPointer = `/spec/${type}/action/target`;
  const service = getString(doc.spec, type, 'action', 'target', 'virtualService', 'virtualServiceName');
  if (!service) return;
  const target = checker.find({ kind: 'VirtualService', name: service, mesh });
  // The port picks a listener of whatever provides the service.
  const provider = target ? virtualServiceProvider(target.doc.spec) : undefined;
  const serving = provider ? checker.find({ kind: provider.kind, name: provider.name, mesh }) : undefined;
  if (provider && serving) {
    checkTargetPort(checker, targetPointer, get(doc.spec, type, 'action', 'target', 'port'), provider.kind, serving);
  }
}

export const gatewayRouteKind: Kind = createAppMeshKind({
  kind: 'GatewayRoute',
  parentKind: 'VirtualGateway',
  parent: { kind: 'VirtualGateway', field: 'virtualGateway', param: 'virtualGatewayName' },
  nameParam: 'gatewayRouteName',
  exportFile: 'gateway-routes.yaml',
  topology: appMeshTopology('entry-route', routeDetails),
  specReferences: gatewayRouteReferences,
  check: checkGatewayRoute,
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
