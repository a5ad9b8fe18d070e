import {
  CreateVirtualNodeCommand,
  DeleteVirtualNodeCommand,
  DescribeVirtualNodeCommand,
  ListVirtualNodesCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import type { Kind } from '../kind';
import { type AppMeshListItem, createAppMeshKind, meshRef, parentMesh } from '../shared/app-mesh-kind';
import { listenerHealthCheckPortDefault } from '../shared/app-mesh-defaults';
import { getString } from '../shared/spec-utils';

export const virtualNodeKind: Kind = createAppMeshKind({
  kind: 'VirtualNode',
  parentKind: 'Mesh',
  defaults: [listenerHealthCheckPortDefault],
  lists: [{ path: '/backends', key: (b) => getString(b, 'virtualService', 'virtualServiceName') ?? '' }],
  // Backends may name virtual services that do not exist yet (App Mesh allows it), so they are not dependencies:
  // that keeps call cycles between services (A -> B -> A) plannable.
  dependencies: meshRef,
  ops: {
    async list(client, parent, nextToken) {
      const out = await client.send(
        new ListVirtualNodesCommand({ meshName: parentMesh(parent), limit: 100, nextToken }),
      );
      const items: AppMeshListItem[] = (out.virtualNodes ?? []).map((r) => ({
        ref: { kind: 'VirtualNode', name: r.virtualNodeName ?? '', mesh: r.meshName ?? '' },
        arn: r.arn ?? '',
        version: r.version ?? 0,
        ...(r.lastUpdatedAt ? { lastUpdatedAt: r.lastUpdatedAt } : {}),
      }));
      return out.nextToken ? { items, nextToken: out.nextToken } : { items };
    },
    async describe(client, ref) {
      const out = await client.send(new DescribeVirtualNodeCommand({ meshName: ref.mesh, virtualNodeName: ref.name }));
      return out.virtualNode ?? {};
    },
    async create(client, ref, spec, tags, clientToken) {
      const out = await client.send(
        new CreateVirtualNodeCommand({
          meshName: ref.mesh,
          virtualNodeName: ref.name,
          spec: spec as VirtualNodeSpec,
          tags,
          clientToken,
        }),
      );
      return out.virtualNode ?? {};
    },
    async update(client, ref, spec, clientToken) {
      const out = await client.send(
        new UpdateVirtualNodeCommand({
          meshName: ref.mesh,
          virtualNodeName: ref.name,
          spec: spec as VirtualNodeSpec,
          clientToken,
        }),
      );
      return out.virtualNode ?? {};
    },
    async delete(client, ref) {
      await client.send(new DeleteVirtualNodeCommand({ meshName: ref.mesh, virtualNodeName: ref.name }));
    },
  },
});
