/** Out-of-band edits, one per kind, the way a person in the console makes them (Update* replaces the spec). */
import {
  DescribeGatewayRouteCommand,
  DescribeMeshCommand,
  DescribeRouteCommand,
  DescribeVirtualGatewayCommand,
  DescribeVirtualNodeCommand,
  DescribeVirtualRouterCommand,
  DescribeVirtualServiceCommand,
  type GatewayRouteSpec,
  type MeshSpec,
  type RouteSpec,
  UpdateGatewayRouteCommand,
  UpdateMeshCommand,
  UpdateRouteCommand,
  UpdateVirtualGatewayCommand,
  UpdateVirtualNodeCommand,
  UpdateVirtualRouterCommand,
  UpdateVirtualServiceCommand,
  type VirtualGatewaySpec,
  type VirtualNodeSpec,
  type VirtualRouterSpec,
  type VirtualServiceSpec,
} from '@aws-sdk/client-app-mesh';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../src/aws/clients';
import type { KindName } from '../../scripts/gen-schemas';

function copy<T>(v: T | undefined): T {
  return JSON.parse(JSON.stringify(v ?? {})) as T;
}

/** The resource of each kind that `mutateOutOfBand` changes, by id. */
export const MUTATED: Record<KindName, string> = {
  Mesh: 'Mesh/shop',
  VirtualNode: 'VirtualNode/shop/front',
  VirtualRouter: 'VirtualRouter/shop/service-a',
  Route: 'Route/shop/service-a/canary-weighted',
  VirtualService: 'VirtualService/shop/front.shop.local',
  VirtualGateway: 'VirtualGateway/shop/ingress-gw',
  GatewayRoute: 'GatewayRoute/shop/ingress-gw/to-front',
  EcsService: 'EcsService/shop/front',
};

export async function mutateOutOfBand(c: AwsClients, kind: KindName): Promise<void> {
  const m = c.appMesh;
  const meshName = 'shop';
  switch (kind) {
    case 'Mesh': {
      const spec = copy<MeshSpec>((await m.send(new DescribeMeshCommand({ meshName }))).mesh?.spec);
      spec.egressFilter = { type: 'ALLOW_ALL' };
      await m.send(new UpdateMeshCommand({ meshName, spec }));
      return;
    }
    case 'VirtualNode': {
      const q = { meshName, virtualNodeName: 'front' };
      const spec = copy<VirtualNodeSpec>((await m.send(new DescribeVirtualNodeCommand(q))).virtualNode?.spec);
      const hc = spec.listeners?.[0]?.healthCheck;
      if (hc) hc.path = '/changed';
      await m.send(new UpdateVirtualNodeCommand({ ...q, spec }));
      return;
    }
    case 'VirtualRouter': {
      const q = { meshName, virtualRouterName: 'service-a' };
      const spec = copy<VirtualRouterSpec>((await m.send(new DescribeVirtualRouterCommand(q))).virtualRouter?.spec);
      const l = spec.listeners?.[0];
      if (l?.portMapping) l.portMapping.port = 9090;
      await m.send(new UpdateVirtualRouterCommand({ ...q, spec }));
      return;
    }
    case 'Route': {
      const q = { meshName, virtualRouterName: 'service-a', routeName: 'canary-weighted' };
      const spec = copy<RouteSpec>((await m.send(new DescribeRouteCommand(q))).route?.spec);
      for (const t of spec.httpRoute?.action?.weightedTargets ?? []) t.weight = 50;
      await m.send(new UpdateRouteCommand({ ...q, spec }));
      return;
    }
    case 'VirtualService': {
      const q = { meshName, virtualServiceName: 'front.shop.local' };
      const spec = copy<VirtualServiceSpec>((await m.send(new DescribeVirtualServiceCommand(q))).virtualService?.spec);
      spec.provider = { virtualRouter: { virtualRouterName: 'service-a' } };
      await m.send(new UpdateVirtualServiceCommand({ ...q, spec }));
      return;
    }
    case 'VirtualGateway': {
      const q = { meshName, virtualGatewayName: 'ingress-gw' };
      const spec = copy<VirtualGatewaySpec>((await m.send(new DescribeVirtualGatewayCommand(q))).virtualGateway?.spec);
      const pool = spec.listeners?.[0]?.connectionPool?.http;
      if (pool) pool.maxConnections = 1;
      await m.send(new UpdateVirtualGatewayCommand({ ...q, spec }));
      return;
    }
    case 'GatewayRoute': {
      const q = { meshName, virtualGatewayName: 'ingress-gw', gatewayRouteName: 'to-front' };
      const spec = copy<GatewayRouteSpec>((await m.send(new DescribeGatewayRouteCommand(q))).gatewayRoute?.spec);
      spec.priority = 999;
      await m.send(new UpdateGatewayRouteCommand({ ...q, spec }));
      return;
    }
    case 'EcsService':
      await c.ecs.send(new UpdateServiceCommand({ cluster: 'shop', service: 'front', desiredCount: 7 }));
      return;
  }
}
