/** The demo's console change for a VPC Lattice listener: its weighted default forward set to an even split. */
import {
  GetListenerCommand,
  ListListenersCommand,
  ListServicesCommand,
  UpdateListenerCommand,
  VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import type { ManifestDocument } from '../../core/types';
import type { ConsoleUser } from '../kind';

export async function changeListenerWeights(
  user: ConsoleUser,
  docs: readonly ManifestDocument[],
): Promise<string | undefined> {
  const listeners = docs
    .filter((d) => d.kind === 'LatticeListener' && typeof d.metadata['service'] === 'string')
    .map((d) => ({ service: String(d.metadata['service']), name: d.metadata.name }));
  if (listeners.length === 0) return undefined;
  const lattice = new VPCLatticeClient(user);
  try {
    const services = (await lattice.send(new ListServicesCommand({}))).items ?? [];
    for (const l of listeners) {
      const service = services.find((s) => s.name === l.service);
      if (!service?.id) continue;
      const listener = (
        (await lattice.send(new ListListenersCommand({ serviceIdentifier: service.id }))).items ?? []
      ).find((x) => x.name === l.name);
      if (!listener?.id) continue;
      const got = await lattice.send(
        new GetListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id }),
      );
      const groups = got.defaultAction?.forward?.targetGroups ?? [];
      if (groups.length < 2 || !got.defaultAction) continue;
      const before = groups.map((g) => g.weight ?? 1).join('/');
      const even = Math.floor(100 / groups.length);
      for (const g of groups) g.weight = even;
      await lattice.send(
        new UpdateListenerCommand({
          serviceIdentifier: service.id,
          listenerIdentifier: listener.id,
          defaultAction: got.defaultAction,
        }),
      );
      return `LatticeListener ${l.service}/${l.name}: default forward weights set to ${groups.map(() => even).join('/')} (the manifests say ${before})`;
    }
    return undefined;
  } finally {
    lattice.destroy();
  }
}
