import {
  CreateVirtualServiceCommand,
  DeleteVirtualServiceCommand,
  DescribeVirtualServiceCommand,
  ListVirtualServicesCommand,
  UpdateVirtualServiceCommand,
  type VirtualServiceSpec,
} from '@aws-sdk/client-app-mesh';
import type { ManifestDocument, ResourceRef } from '../../core/types';
import type { Kind } from '../kind';
import { type AppMeshListItem, createAppMeshKind, meshRef, parentMesh } from '../shared/app-mesh-kind';
import { getString } from '../shared/spec-utils';

export function virtualServiceDependencies(doc: ManifestDocument): ResourceRef[] {
  const mesh = doc.metadata.mesh;
  const refs = meshRef(doc);
  const node = getString(doc.spec, 'provider', 'virtualNode', 'virtualNodeName');
  const router = getString(doc.spec, 'provider', 'virtualRouter', 'virtualRouterName');
  if (node !== undefined) refs.push({ kind: 'VirtualNode', name: node, mesh });
  if (router !== undefined) refs.push({ kind: 'VirtualRouter', name: router, mesh });
  return refs;
}

export const virtualServiceKind: Kind = createAppMeshKind({
  kind: 'VirtualService',
  parentKind: 'Mesh',
  defaults: [],
  lists: [],
  dependencies: virtualServiceDependencies,
  ops: {
    async list(client, parent, nextToken) {
      const out = await client.send(
        new ListVirtualServicesCommand({ meshName: parentMesh(parent), limit: 100, nextToken }),
      );
      const items: AppMeshListItem[] = (out.virtualServices ?? []).map((r) => ({
        ref: { kind: 'VirtualService', name: r.virtualServiceName ?? '', mesh: r.meshName ?? '' },
        arn: r.arn ?? '',
        version: r.version ?? 0,
        ...(r.lastUpdatedAt ? { lastUpdatedAt: r.lastUpdatedAt } : {}),
      }));
      return out.nextToken ? { items, nextToken: out.nextToken } : { items };
    },
    async describe(client, ref) {
      const out = await client.send(
        new DescribeVirtualServiceCommand({ meshName: ref.mesh, virtualServiceName: ref.name }),
      );
      return out.virtualService ?? {};
    },
    async create(client, ref, spec, tags, clientToken) {
      const out = await client.send(
        new CreateVirtualServiceCommand({
          meshName: ref.mesh,
          virtualServiceName: ref.name,
          spec: spec as VirtualServiceSpec,
          tags,
          clientToken,
        }),
      );
      return out.virtualService ?? {};
    },
    async update(client, ref, spec, clientToken) {
      const out = await client.send(
        new UpdateVirtualServiceCommand({
          meshName: ref.mesh,
          virtualServiceName: ref.name,
          spec: spec as VirtualServiceSpec,
          clientToken,
        }),
      );
      return out.virtualService ?? {};
    },
    async delete(client, ref) {
      await client.send(new DeleteVirtualServiceCommand({ meshName: ref.mesh, virtualServiceName: ref.name }));
    },
  },
});
