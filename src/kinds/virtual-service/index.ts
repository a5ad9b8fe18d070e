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
import { type AppMeshListItem, appMeshTopology, createAppMeshKind, meshRef, parentMesh } from '../shared/app-mesh-kind';
import type { SpecReference } from '../kind';
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

/** The router or node that provides the service: App Mesh deletes neither while the service names it. */
export function virtualServiceProvider(spec: unknown): { kind: string; name: string; pointer: string } | undefined {
  const router = getString(spec, 'provider', 'virtualRouter', 'virtualRouterName');
  if (router) return { kind: 'VirtualRouter', name: router, pointer: '/spec/provider/virtualRouter/virtualRouterName' };
  const node = getString(spec, 'provider', 'virtualNode', 'virtualNodeName');
  return node ? { kind: 'VirtualNode', name: node, pointer: '/spec/provider/virtualNode/virtualNodeName' } : undefined;
}

function serviceReferences(ref: ResourceRef, spec: unknown): SpecReference[] {
  const out: SpecReference[] = [];
  if (ref.mesh === undefined) return out;
  // Both are checked when a document names both (the schema then reports the union too).
  const router = getString(spec, 'provider', 'virtualRouter', 'virtualRouterName');
  const node = getString(spec, 'provider', 'virtualNode', 'virtualNodeName');
  const provider = virtualServiceProvider(spec);
  for (const [kind, name, pointer] of [
    ['VirtualNode', node, '/spec/provider/virtualNode/virtualNodeName'],
    ['VirtualRouter', router, '/spec/provider/virtualRouter/virtualRouterName'],
  ] as const) {
    if (name === undefined) continue;
    const effective = provider?.kind === kind;
    out.push({
      pointer,
      target: { kind, name, mesh: ref.mesh },
      order: effective,
      holds: effective,
      ...(effective ? { relation: 'provides' } : {}),
    });
  }
  return out;
}

export const virtualServiceKind: Kind = createAppMeshKind({
  kind: 'VirtualService',
  parentKind: 'Mesh',
  nameParam: 'virtualServiceName',
  exportFile: 'virtual-services.yaml',
  topology: appMeshTopology('service'),
  specReferences: serviceReferences,
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
