/**
 * LatticeServiceNetworkServiceAssociation: `metadata.service` associated with `metadata.serviceNetwork` (id
 * LatticeServiceNetworkServiceAssociation/<network>/<service>). Nothing to configure: the list item is all of it.
 */
import {
  CreateServiceNetworkServiceAssociationCommand,
  DeleteServiceNetworkServiceAssociationCommand,
  GetServiceNetworkServiceAssociationCommand,
  ListServiceNetworkServiceAssociationsCommand,
} from '@aws-sdk/client-vpc-lattice';
import type { Kind } from '../kind';
import { READ_STATUS, READ_TIME, allPages, arnOrFail, createLatticeKind, statusOrGone } from '../shared/lattice-kind';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeServiceNetworkServiceAssociation';

export const latticeServiceNetworkServiceAssociationKind: Kind = createLatticeKind({
  kind: KIND,
  writeCalls: crudCalls('ServiceNetworkServiceAssociation', ['Create', 'Delete']),
  parentKind: 'LatticeServiceNetwork',
  fields: [
    { field: 'serviceNetwork', slot: 'parent', target: 'LatticeServiceNetwork', relation: 'contains' },
    { field: 'service', slot: 'name', target: 'LatticeService' },
  ],
  exportFile: 'lattice-service-associations.yaml',
  // The association is the arrow network -> service in the picture.
  topology: { role: 'service', groupBy: 'lattice', asEdge: 'contains' },
  scopeKey: (ref) => (ref.parent ? [['serviceNetwork', ref.parent]] : []),
  inExport: (ref, _doc, scopes) => (scopes['serviceNetwork'] ?? []).includes(ref.parent ?? ''),
  normalize: () => ({}),
  ops: {
    async list(ctx, parent) {
      if (!parent) return [];
      return allPages(async (nextToken) => {
        const out = await ctx.clients.lattice.send(
          new ListServiceNetworkServiceAssociationsCommand({
            serviceNetworkIdentifier: parent.arn,
            nextToken,
            maxResults: 100,
          }),
        );
        return {
          items: (out.items ?? [])
            .filter((i) => i.status !== 'DELETE_IN_PROGRESS')
            .map((i) => ({
              ref: { kind: KIND, parent: parent.ref.name, name: i.serviceName ?? '' },
              arn: i.arn ?? '',
              awsId: i.id ?? '',
              // No lastUpdatedAt on the item, but nothing in it changes: createdAt keys the cached tags.
              ...(i.createdAt ? { lastUpdatedAt: new Date(i.createdAt).toISOString() } : {}),
              summary: { listed: true },
            })),
          nextToken: out.nextToken,
        };
      });
    },
    // Listed: the item is all of it, no call. Read back after a create: one Get, for the createdAt that keys the
    // cache (the create's answer has none) and the status (the same Get is the wait for ACTIVE).
    async read(ctx, item) {
      if (item.summary['listed'] === true) return {};
      const out = await ctx.clients.lattice.send(
        new GetServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: item.arn }),
      );
      return { [READ_TIME]: out.createdAt, [READ_STATUS]: out.status };
    },
    async create(ctx, desired, tags, clientToken) {
      const out = await ctx.clients.lattice.send(
        new CreateServiceNetworkServiceAssociationCommand({
          serviceNetworkIdentifier: arnOrFail(ctx, `LatticeServiceNetwork/${desired.ref.parent ?? ''}`),
          serviceIdentifier: arnOrFail(ctx, `LatticeService/${desired.ref.name}`),
          tags,
          clientToken,
        }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    update: async () => undefined,
    async delete(ctx, actual) {
      await ctx.clients.lattice.send(
        new DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: actual.arn }),
      );
    },
    status: (ctx, arn) =>
      statusOrGone(() =>
        ctx.clients.lattice.send(
          new GetServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: arn }),
        ),
      ),
  },
});
