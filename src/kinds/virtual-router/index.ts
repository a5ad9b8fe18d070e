import {
  CreateVirtualRouterCommand,
  DeleteVirtualRouterCommand,
  DescribeVirtualRouterCommand,
  ListVirtualRoutersCommand,
  UpdateVirtualRouterCommand,
  type VirtualRouterSpec,
} from '@aws-sdk/client-app-mesh';
import type { Kind } from '../kind';
import { type AppMeshListItem, appMeshTopology, createAppMeshKind, meshRef, parentMesh } from '../shared/app-mesh-kind';

export const virtualRouterKind: Kind = createAppMeshKind({
  kind: 'VirtualRouter',
  parentKind: 'Mesh',
  nameParam: 'virtualRouterName',
  exportFile: 'virtual-routers.yaml',
  topology: appMeshTopology('router'),
  defaults: [],
  lists: [],
  dependencies: meshRef,
  ops: {
    async list(client, parent, nextToken) {
      const out = await client.send(
        new ListVirtualRoutersCommand({ meshName: parentMesh(parent), limit: 100, nextToken }),
      );
      const items: AppMeshListItem[] = (out.virtualRouters ?? []).map((r) => ({
        ref: { kind: 'VirtualRouter', name: r.virtualRouterName ?? '', mesh: r.meshName ?? '' },
        arn: r.arn ?? '',
        version: r.version ?? 0,
        ...(r.lastUpdatedAt ? { lastUpdatedAt: r.lastUpdatedAt } : {}),
      }));
      return out.nextToken ? { items, nextToken: out.nextToken } : { items };
    },
    async describe(client, ref) {
      const out = await client.send(
        new DescribeVirtualRouterCommand({ meshName: ref.mesh, virtualRouterName: ref.name }),
      );
      return out.virtualRouter ?? {};
    },
    async create(client, ref, spec, tags, clientToken) {
      const out = await client.send(
        new CreateVirtualRouterCommand({
          meshName: ref.mesh,
          virtualRouterName: ref.name,
          spec: spec as VirtualRouterSpec,
          tags,
          clientToken,
        }),
      );
      return out.virtualRouter ?? {};
    },
    async update(client, ref, spec, clientToken) {
      const out = await client.send(
        new UpdateVirtualRouterCommand({
          meshName: ref.mesh,
          virtualRouterName: ref.name,
          spec: spec as VirtualRouterSpec,
          clientToken,
        }),
      );
      return out.virtualRouter ?? {};
    },
    async delete(client, ref) {
      await client.send(new DeleteVirtualRouterCommand({ meshName: ref.mesh, virtualRouterName: ref.name }));
    },
  },
});
