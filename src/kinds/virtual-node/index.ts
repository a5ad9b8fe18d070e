import {
  CreateVirtualNodeCommand,
  DeleteVirtualNodeCommand,
  DescribeVirtualNodeCommand,
  ListVirtualNodesCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import type { Kind } from '../kind';
import { type AppMeshListItem, appMeshTopology, createAppMeshKind, meshRef, parentMesh } from '../shared/app-mesh-kind';
import { checkListenerSettings, get, list, str } from '../shared/app-mesh-checks';
import type { ResourceRef } from '../../core/types';
import type { SemanticChecker, SpecReference } from '../kind';
import { listenerHealthCheckPortDefault } from '../shared/app-mesh-defaults';
import { getString } from '../shared/spec-utils';
import { changeVirtualNodeTimeout } from './console-change';

/**
 * Backends name the services a node calls. They order nothing (App Mesh allows a backend that does not exist yet,
 * which keeps call cycles A -> B -> A plannable), but they must be declared.
 */
function nodeReferences(ref: ResourceRef, spec: unknown): SpecReference[] {
  const out: SpecReference[] = [];
  // A namespace the manifests declare is created first; one they do not is infrastructure (not validated).
  const namespace = str(get(spec, 'serviceDiscovery', 'awsCloudMap', 'namespaceName'));
  if (namespace !== undefined) {
    out.push({
      pointer: '/spec/serviceDiscovery/awsCloudMap/namespaceName',
      target: { kind: 'CloudMapNamespace', name: namespace },
      byName: true,
    });
  }
  list(get(spec, 'backends')).forEach((backend, i) => {
    const name = str(get(backend, 'virtualService', 'virtualServiceName'));
    if (name === undefined || ref.mesh === undefined) return;
    out.push({
      pointer: `/spec/backends/${i}/virtualService/virtualServiceName`,
      target: { kind: 'VirtualService', name, mesh: ref.mesh },
      order: false,
      relation: 'backend',
    });
  });
  return out;
}

/** AWS-FACTS: DNS discovery yields one address, so there is nothing to eject; App Mesh accepts it all the same. */
function checkOutlierDetection(checker: SemanticChecker): void {
  const spec = checker.loaded.doc.spec;
  if (get(spec, 'serviceDiscovery', 'awsCloudMap') !== undefined) return;
  list(get(spec, 'listeners')).forEach((listener, i) => {
    if (get(listener, 'outlierDetection') === undefined) return;
    checker.report(
      `/spec/listeners/${i}/outlierDetection`,
      'OUTLIER_DETECTION_WITHOUT_CLOUD_MAP',
      'has no effect without Cloud Map service discovery (DNS discovery yields a single address)',
      'warning',
    );
  });
}

export const virtualNodeKind: Kind = createAppMeshKind({
  consoleChange: changeVirtualNodeTimeout,
  kind: 'VirtualNode',
  parentKind: 'Mesh',
  nameParam: 'virtualNodeName',
  exportFile: 'virtual-nodes.yaml',
  topology: appMeshTopology('workload'),
  specReferences: nodeReferences,
  check(checker) {
    checkListenerSettings(checker);
    checkOutlierDetection(checker);
  },
  infrastructure(doc) {
    const ns = getString(doc.spec, 'serviceDiscovery', 'awsCloudMap', 'namespaceName');
    return ns ? [{ type: 'cloud-map-namespace', name: ns }] : [];
  },
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
