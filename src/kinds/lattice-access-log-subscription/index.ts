/**
 * LatticeAccessLogSubscription: access logs of `metadata.service` or `metadata.serviceNetwork` to
 * `spec.destinationArn`. Lattice allows one subscription per destination type (S3, CloudWatch Logs, Firehose) and
 * resource, so that type is the name: LatticeAccessLogSubscription/<service|serviceNetwork>/<resource>/<s3|logs|firehose>.
 * A new destination of the same type is an update (UpdateAccessLogSubscription).
 */
import {
  CreateAccessLogSubscriptionCommand,
  DeleteAccessLogSubscriptionCommand,
  GetAccessLogSubscriptionCommand,
  ListAccessLogSubscriptionsCommand,
  UpdateAccessLogSubscriptionCommand,
} from '@aws-sdk/client-vpc-lattice';
import { isNotFound } from '../../aws/errors';
import { MeshwardError } from '../../core/errors';
import type { ResourceRef } from '../../core/types';
import type { Kind } from '../kind';
import { allPages, READ_TIME, createLatticeKind, everyOwner, isoTime, resourceArnByName } from '../shared/lattice-kind';
import { getString, isRecord } from '../shared/spec-utils';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeAccessLogSubscription';

/** `arn:aws:s3:::bucket` -> s3, `arn:aws:logs:...` -> logs, `arn:aws:firehose:...` -> firehose. */
export function destinationType(arn: string | undefined): string | undefined {
  const service = arn?.split(':')[2];
  return service === 's3' || service === 'logs' || service === 'firehose' ? service : undefined;
}

export const latticeAccessLogSubscriptionKind: Kind = createLatticeKind({
  kind: KIND,
  writeCalls: crudCalls('AccessLogSubscription'),
  parentKind: 'LatticeListener',
  listOnce: true,
  fields: [],
  slots: ['mesh', 'parent', 'name'],
  refOf(doc) {
    const service = getString(doc.metadata, 'service');
    const network = getString(doc.metadata, 'serviceNetwork');
    const type = destinationType(getString(doc.spec, 'destinationArn'));
    if (type === undefined) return undefined;
    if (service !== undefined) return { kind: KIND, mesh: 'service', parent: service, name: type };
    if (network !== undefined) return { kind: KIND, mesh: 'serviceNetwork', parent: network, name: type };
    return undefined;
  },
  metadataOf: (ref) => ({ [ref.mesh ?? 'service']: ref.parent }) as never,
  specReferences: (ref) => [
    {
      pointer: `/metadata/${ref.mesh ?? 'service'}`,
      target: { kind: ref.mesh === 'service' ? 'LatticeService' : 'LatticeServiceNetwork', name: ref.parent ?? '' },
      holds: true,
    },
  ],
  exportFile: 'lattice-access-logs.yaml',
  normalize(spec) {
    const s = isRecord(spec) ? { ...spec } : {};
    // Logs of a service network are SERVICE logs unless RESOURCE is asked for; a service has only that kind.
    if (s['serviceNetworkLogType'] === 'SERVICE') delete s['serviceNetworkLogType'];
    return s;
  },
  immutablePaths: ['/spec/serviceNetworkLogType'],
  ops: {
    async list(ctx, _parent, scope) {
      const owners = new Map<string, { type: string; name: string }>();
      for (const id of scope.ids) {
        const [k, type, name] = id.split('/');
        if (k === KIND && type && name) owners.set(`${type}/${name}`, { type, name });
      }
      if (scope.all) for (const o of await everyOwner(ctx)) owners.set(`${o.type}/${o.name}`, o);
      const out = [];
      for (const { type, name } of owners.values()) {
        const owner = await resourceArnByName(ctx, type, name);
        if (!owner) continue;
        try {
          const items = await allPages(async (nextToken) => {
            const page = await ctx.clients.lattice.send(
              new ListAccessLogSubscriptionsCommand({ resourceIdentifier: owner, nextToken, maxResults: 100 }),
            );
            return { items: page.items ?? [], nextToken: page.nextToken };
          });
          for (const i of items) {
            const dest = destinationType(i.destinationArn);
            if (!dest) continue;
            out.push({
              ref: { kind: KIND, mesh: type, parent: name, name: dest } as ResourceRef,
              arn: i.arn ?? '',
              awsId: i.id ?? '',
              ...(i.lastUpdatedAt ? { lastUpdatedAt: isoTime(i.lastUpdatedAt) as string } : {}),
              summary: {},
            });
          }
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return out;
    },
    async read(ctx, item) {
      const out = await ctx.clients.lattice.send(
        new GetAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: item.arn }),
      );
      const raw = JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
      return {
        destinationArn: out.destinationArn,
        serviceNetworkLogType: raw['serviceNetworkLogType'],
        [READ_TIME]: out.lastUpdatedAt,
      };
    },
    async create(ctx, desired, tags, clientToken) {
      const owner = await resourceArnByName(ctx, desired.ref.mesh ?? '', desired.ref.parent ?? '');
      if (!owner)
        throw new MeshwardError('AWS_RETRYABLE', `${desired.id}: its ${desired.ref.mesh ?? ''} does not exist yet`);
      const spec = desired.spec as Record<string, unknown>;
      const out = await ctx.clients.lattice.send(
        new CreateAccessLogSubscriptionCommand({
          resourceIdentifier: owner,
          destinationArn: String(spec['destinationArn']),
          ...(spec['serviceNetworkLogType']
            ? { serviceNetworkLogType: spec['serviceNetworkLogType'] as 'RESOURCE' }
            : {}),
          tags,
          clientToken,
        }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    async update(ctx, desired, actual) {
      await ctx.clients.lattice.send(
        new UpdateAccessLogSubscriptionCommand({
          accessLogSubscriptionIdentifier: actual.arn,
          destinationArn: String((desired.spec as Record<string, unknown>)['destinationArn']),
        }),
      );
    },
    async delete(ctx, actual) {
      await ctx.clients.lattice.send(
        new DeleteAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: actual.arn }),
      );
    },
  },
});
