/** The demo's console change for an App Mesh virtual node: its first HTTP listener's per-request timeout to 30s. */
import {
  AppMeshClient,
  DescribeVirtualNodeCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import type { ManifestDocument } from '../../core/types';
import type { ConsoleUser } from '../kind';

export async function changeVirtualNodeTimeout(
  user: ConsoleUser,
  docs: readonly ManifestDocument[],
): Promise<string | undefined> {
  const nodes = docs
    .filter((d) => d.kind === 'VirtualNode' && typeof d.metadata.mesh === 'string')
    .map((d) => ({ mesh: String(d.metadata.mesh), name: d.metadata.name }));
  if (nodes.length === 0) return undefined;
  const client = new AppMeshClient(user);
  try {
    for (const node of nodes) {
      const out = await client.send(
        new DescribeVirtualNodeCommand({ meshName: node.mesh, virtualNodeName: node.name }),
      );
      const spec = structuredClone(out.virtualNode?.spec ?? {}) as VirtualNodeSpec;
      const http = spec.listeners?.[0]?.timeout?.http;
      if (!http) continue;
      const was = http.perRequest ? `${http.perRequest.value}${http.perRequest.unit}` : '(none)';
      http.perRequest = { unit: 's', value: http.perRequest?.value === 30 ? 45 : 30 };
      await client.send(new UpdateVirtualNodeCommand({ meshName: node.mesh, virtualNodeName: node.name, spec }));
      // Worded without an arrow: meshward's arrows all read "value in AWS now -> value after apply".
      return `VirtualNode ${node.mesh}/${node.name}: per-request timeout set to ${http.perRequest.value}s (the manifests say ${was})`;
    }
    return undefined;
  } finally {
    client.destroy();
  }
}
