import {
  CreateVirtualGatewayCommand,
  DeleteVirtualGatewayCommand,
  DescribeVirtualGatewayCommand,
  ListVirtualGatewaysCommand,
  UpdateVirtualGatewayCommand,
  type VirtualGatewaySpec,
} from '@aws-sdk/client-app-mesh';
import type { Kind } from '../kind';
import { listenerHealthCheckPortDefault } from '../shared/app-mesh-defaults';
import { type AppMeshListItem, appMeshTopology, createAppMeshKind, meshRef, parentMesh } from '../shared/app-mesh-kind';
import { checkListenerSettings } from '../shared/app-mesh-checks';

export const virtualGatewayKind: Kind = createAppMeshKind({
  kind: 'VirtualGateway',
  parentKind: 'Mesh',
  nameParam: 'virtualGatewayName',
  exportFile: 'virtual-gateways.yaml',
  topology: appMeshTopology('entry'),
  check: checkListenerSettings,
  defaults: [listenerHealthCheckPortDefault],
  lists: [],
  dependencies: meshRef,
  ops: {
    async list(client, parent, nextToken) {
      const out = await client.send(
        new ListVirtualGatewaysCommand({ meshName: parentMesh(parent), limit: 100, nextToken }),
      );
      const items: AppMeshListItem[] = (out.virtualGateways ?? []).map((r) => ({
        ref: { kind: 'VirtualGateway', name: r.virtualGatewayName ?? '', mesh: r.meshName ?? '' },
        arn: r.arn ?? '',
        version: r.version ?? 0,
        ...(r.lastUpdatedAt ? { lastUpdatedAt: r.lastUpdatedAt } : {}),
      }));
      return out.nextToken ? { items, nextToken: out.nextToken } : { items };
    },
    async describe(client, ref) {
      const out = await client.send(
        new DescribeVirtualGatewayCommand({ meshName: ref.mesh, virtualGatewayName: ref.name }),
      );
      return out.virtualGateway ?? {};
    },
    async create(client, ref, spec, tags, clientToken) {
      const out = await client.send(
        new CreateVirtualGatewayCommand({
          meshName: ref.mesh,
          virtualGatewayName: ref.name,
          spec: spec as VirtualGatewaySpec,
          tags,
          clientToken,
        }),
      );
      return out.virtualGateway ?? {};
    },
    async update(client, ref, spec, clientToken) {
      const out = await client.send(
        new UpdateVirtualGatewayCommand({
          meshName: ref.mesh,
          virtualGatewayName: ref.name,
          spec: spec as VirtualGatewaySpec,
          clientToken,
        }),
      );
      return out.virtualGateway ?? {};
    },
    async delete(client, ref) {
      await client.send(new DeleteVirtualGatewayCommand({ meshName: ref.mesh, virtualGatewayName: ref.name }));
    },
  },
});
