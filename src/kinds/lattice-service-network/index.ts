/** LatticeServiceNetwork: a VPC Lattice service network, by name (unique in the Region). */
import {
  CreateServiceNetworkCommand,
  DeleteServiceNetworkCommand,
  GetServiceNetworkCommand,
  UpdateServiceNetworkCommand,
} from '@aws-sdk/client-vpc-lattice';
import type { Kind } from '../kind';
import { DEFAULT_AUTH_TYPE } from '../shared/lattice-defaults';
import { READ_TIME, createLatticeKind, latticeNetworks, isoTime, latticeTopology } from '../shared/lattice-kind';
import { getString, isRecord } from '../shared/spec-utils';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeServiceNetwork';

export const latticeServiceNetworkKind: Kind = createLatticeKind({
  kind: KIND,
  writeCalls: crudCalls('ServiceNetwork'),
  fields: [{ field: 'name', slot: 'name' }],
  exportFile: 'lattice-service-networks.yaml',
  topology: latticeTopology('entry', 'service network'),
  scopeKey: (ref) => [['serviceNetwork', ref.name]],
  inExport: (ref, _doc, scopes) => (scopes['serviceNetwork'] ?? []).includes(ref.name),
  idsOfCall: (p) => (p['name'] ? [`${KIND}/${p['name']}`] : []),
  normalize(spec) {
    const s = isRecord(spec) ? spec : {};
    const out: Record<string, unknown> = { authType: getString(s, 'authType') ?? DEFAULT_AUTH_TYPE };
    // Sharing off is the same as no sharing configuration.
    if (isRecord(s['sharingConfig']) && s['sharingConfig']['enabled'] === true)
      out['sharingConfig'] = { enabled: true };
    return out;
  },
  strip(spec) {
    const s = { ...(spec as Record<string, unknown>) };
    if (s['authType'] === DEFAULT_AUTH_TYPE) delete s['authType'];
    return s;
  },
  ops: {
    async list(ctx) {
      return (await latticeNetworks(ctx)).map((i) => ({
        ref: { kind: KIND, name: i.name ?? '' },
        arn: i.arn ?? '',
        awsId: i.id ?? '',
        ...(i.lastUpdatedAt ? { lastUpdatedAt: isoTime(i.lastUpdatedAt) as string } : {}),
        summary: {},
      }));
    },
    async read(ctx, item) {
      const out = await ctx.clients.lattice.send(new GetServiceNetworkCommand({ serviceNetworkIdentifier: item.arn }));
      return { authType: out.authType, sharingConfig: out.sharingConfig, [READ_TIME]: out.lastUpdatedAt };
    },
    async create(ctx, desired, tags, clientToken) {
      const spec = desired.spec as Record<string, unknown>;
      const out = await ctx.clients.lattice.send(
        new CreateServiceNetworkCommand({
          name: desired.ref.name,
          authType: getString(spec, 'authType') as 'NONE' | 'AWS_IAM',
          ...(isRecord(spec['sharingConfig']) ? { sharingConfig: spec['sharingConfig'] } : {}),
          tags,
          clientToken,
        }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    async update(ctx, desired, actual) {
      await ctx.clients.lattice.send(
        new UpdateServiceNetworkCommand({
          serviceNetworkIdentifier: actual.arn,
          authType: getString(desired.spec, 'authType') as 'NONE' | 'AWS_IAM',
        }),
      );
    },
    async delete(ctx, actual) {
      await ctx.clients.lattice.send(new DeleteServiceNetworkCommand({ serviceNetworkIdentifier: actual.arn }));
    },
  },
  // sharingConfig is set at creation only (UpdateServiceNetwork takes authType).
  immutablePaths: ['/spec/sharingConfig'],
});
