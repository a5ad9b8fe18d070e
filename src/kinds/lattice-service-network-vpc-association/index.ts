/**
 * LatticeServiceNetworkVpcAssociation: `spec.vpcIdentifier` associated with `metadata.serviceNetwork` (id
 * LatticeServiceNetworkVpcAssociation/<network>/<vpc>). Asynchronous both ways: created ACTIVE before dependents,
 * deleted until gone before the network's delete.
 */
import {
  CreateServiceNetworkVpcAssociationCommand,
  DeleteServiceNetworkVpcAssociationCommand,
  GetServiceNetworkVpcAssociationCommand,
  ListServiceNetworkVpcAssociationsCommand,
  UpdateServiceNetworkVpcAssociationCommand,
} from '@aws-sdk/client-vpc-lattice';
import type { Kind } from '../kind';
import {
  allPages,
  arnOrFail,
  READ_STATUS,
  READ_TIME,
  createLatticeKind,
  isoTime,
  statusOrGone,
} from '../shared/lattice-kind';
import { asArray, isRecord } from '../shared/spec-utils';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeServiceNetworkVpcAssociation';

export const latticeServiceNetworkVpcAssociationKind: Kind = createLatticeKind({
  kind: KIND,
  writeCalls: crudCalls('ServiceNetworkVpcAssociation'),
  parentKind: 'LatticeServiceNetwork',
  fields: [
    { field: 'serviceNetwork', slot: 'parent', target: 'LatticeServiceNetwork' },
    { field: 'vpcIdentifier', in: 'spec', slot: 'name' },
  ],
  metadataOf: (ref) => ({ serviceNetwork: ref.parent }) as never,
  exportFile: 'lattice-vpc-associations.yaml',
  scopeKey: (ref) => (ref.parent ? [['serviceNetwork', ref.parent]] : []),
  inExport: (ref, _doc, scopes) => (scopes['serviceNetwork'] ?? []).includes(ref.parent ?? ''),
  normalize(spec) {
    const s = isRecord(spec) ? { ...spec } : {};
    const groups = asArray(s['securityGroupIds']).map(String).sort();
    if (groups.length > 0) s['securityGroupIds'] = groups;
    else delete s['securityGroupIds'];
    if (s['privateDnsEnabled'] === false) delete s['privateDnsEnabled'];
    return s;
  },
  // The VPC is the association's identity; DNS options are set at creation.
  immutablePaths: ['/spec/vpcIdentifier', '/spec/dnsOptions', '/spec/privateDnsEnabled'],
  ops: {
    async list(ctx, parent) {
      if (!parent) return [];
      return allPages(async (nextToken) => {
        const out = await ctx.clients.lattice.send(
          new ListServiceNetworkVpcAssociationsCommand({
            serviceNetworkIdentifier: parent.arn,
            nextToken,
            maxResults: 100,
          }),
        );
        return {
          items: (out.items ?? [])
            .filter((i) => i.status !== 'DELETE_IN_PROGRESS')
            .map((i) => ({
              ref: { kind: KIND, parent: parent.ref.name, name: i.vpcId ?? '' },
              arn: i.arn ?? '',
              awsId: i.id ?? '',
              ...(i.lastUpdatedAt ? { lastUpdatedAt: isoTime(i.lastUpdatedAt) as string } : {}),
              summary: {},
            })),
          nextToken: out.nextToken,
        };
      });
    },
    async read(ctx, item) {
      const out = await ctx.clients.lattice.send(
        new GetServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: item.arn }),
      );
      const raw = JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
      return {
        vpcIdentifier: out.vpcId,
        [READ_TIME]: out.lastUpdatedAt,
        [READ_STATUS]: out.status,
        securityGroupIds: out.securityGroupIds,
        ...(raw['privateDnsEnabled'] !== undefined ? { privateDnsEnabled: raw['privateDnsEnabled'] } : {}),
        ...(raw['dnsOptions'] !== undefined ? { dnsOptions: raw['dnsOptions'] } : {}),
      };
    },
    async create(ctx, desired, tags, clientToken) {
      const spec = desired.spec as Record<string, unknown>;
      const out = await ctx.clients.lattice.send(
        new CreateServiceNetworkVpcAssociationCommand({
          ...(spec as object),
          serviceNetworkIdentifier: arnOrFail(ctx, `LatticeServiceNetwork/${desired.ref.parent ?? ''}`),
          vpcIdentifier: desired.ref.name,
          tags,
          clientToken,
        }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    async update(ctx, desired, actual) {
      const groups = asArray((desired.spec as Record<string, unknown>)['securityGroupIds']).map(String);
      await ctx.clients.lattice.send(
        new UpdateServiceNetworkVpcAssociationCommand({
          serviceNetworkVpcAssociationIdentifier: actual.arn,
          securityGroupIds: groups,
        }),
      );
    },
    async delete(ctx, actual) {
      await ctx.clients.lattice.send(
        new DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: actual.arn }),
      );
    },
    status: (ctx, arn) =>
      statusOrGone(() =>
        ctx.clients.lattice.send(
          new GetServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: arn }),
        ),
      ),
  },
});
