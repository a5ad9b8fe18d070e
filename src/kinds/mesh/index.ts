import {
  CreateMeshCommand,
  DeleteMeshCommand,
  DescribeMeshCommand,
  ListMeshesCommand,
  type MeshSpec,
  UpdateMeshCommand,
} from '@aws-sdk/client-app-mesh';
import type { Kind } from '../kind';
import { type AppMeshListItem, createAppMeshKind } from '../shared/app-mesh-kind';

const LIST_LIMIT = 100;

export const meshKind: Kind = createAppMeshKind({
  kind: 'Mesh',
  nameParam: 'meshName',
  exportFile: 'mesh.yaml',
  // A mesh created without an egress filter denies egress outside the mesh; write that down so both sides agree.
  defaults: [{ path: '/egressFilter', value: { type: 'DROP_ALL' } }],
  lists: [],
  dependencies: () => [],
  ops: {
    async list(client, _parent, nextToken) {
      const out = await client.send(new ListMeshesCommand({ limit: LIST_LIMIT, nextToken }));
      const items: AppMeshListItem[] = (out.meshes ?? []).map((m) => ({
        ref: { kind: 'Mesh', name: m.meshName ?? '' },
        arn: m.arn ?? '',
        version: m.version ?? 0,
        ...(m.lastUpdatedAt ? { lastUpdatedAt: m.lastUpdatedAt } : {}),
      }));
      return out.nextToken ? { items, nextToken: out.nextToken } : { items };
    },
    async describe(client, ref) {
      return (await client.send(new DescribeMeshCommand({ meshName: ref.name }))).mesh ?? {};
    },
    async create(client, ref, spec, tags, clientToken) {
      const out = await client.send(
        new CreateMeshCommand({ meshName: ref.name, spec: spec as MeshSpec, tags, clientToken }),
      );
      return out.mesh ?? {};
    },
    async update(client, ref, spec, clientToken) {
      const out = await client.send(new UpdateMeshCommand({ meshName: ref.name, spec: spec as MeshSpec, clientToken }));
      return out.mesh ?? {};
    },
    async delete(client, ref) {
      await client.send(new DeleteMeshCommand({ meshName: ref.name }));
    },
  },
});
