/** LatticeService: a VPC Lattice service, by name (unique in the Region). Its listeners and rules are kinds of their own. */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  GetServiceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-vpc-lattice';
import type { Kind } from '../kind';
import { DEFAULT_AUTH_TYPE, DEFAULT_IDLE_TIMEOUT_SECONDS } from '../shared/lattice-defaults';
import {
  READ_STATUS,
  READ_TIME,
  createLatticeKind,
  latticeServices,
  isoTime,
  latticeTopology,
  statusOrGone,
} from '../shared/lattice-kind';
import { getString, isRecord } from '../shared/spec-utils';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeService';

export const latticeServiceKind: Kind = createLatticeKind({
  kind: KIND,
  writeCalls: crudCalls('Service'),
  fields: [{ field: 'name', slot: 'name' }],
  exportFile: 'lattice-services.yaml',
  topology: latticeTopology('service', 'service'),
  idsOfCall: (p) => (p['name'] ? [`${KIND}/${p['name']}`] : []),
  normalize(spec) {
    const s = isRecord(spec) ? { ...spec } : {};
    s['authType'] = getString(s, 'authType') ?? DEFAULT_AUTH_TYPE;
    if (typeof s['idleTimeoutSeconds'] !== 'number') s['idleTimeoutSeconds'] = DEFAULT_IDLE_TIMEOUT_SECONDS;
    return s;
  },
  strip(spec) {
    const s = { ...(spec as Record<string, unknown>) };
    if (s['authType'] === DEFAULT_AUTH_TYPE) delete s['authType'];
    if (s['idleTimeoutSeconds'] === DEFAULT_IDLE_TIMEOUT_SECONDS) delete s['idleTimeoutSeconds'];
    return s;
  },
  // A custom domain is chosen at creation only.
  immutablePaths: ['/spec/customDomainName'],
  ops: {
    async list(ctx) {
      return (await latticeServices(ctx)).map((i) => ({
        ref: { kind: KIND, name: i.name ?? '' },
        arn: i.arn ?? '',
        awsId: i.id ?? '',
        ...(i.lastUpdatedAt ? { lastUpdatedAt: isoTime(i.lastUpdatedAt) as string } : {}),
        summary: {},
      }));
    },
    async read(ctx, item) {
      const out = await ctx.clients.lattice.send(new GetServiceCommand({ serviceIdentifier: item.arn }));
      const raw = out as unknown as Record<string, unknown>;
      return {
        authType: out.authType,
        certificateArn: out.certificateArn,
        customDomainName: out.customDomainName,
        idleTimeoutSeconds: raw['idleTimeoutSeconds'],
        [READ_TIME]: out.lastUpdatedAt,
        [READ_STATUS]: out.status,
      };
    },
    async create(ctx, desired, tags, clientToken) {
      const spec = desired.spec as Record<string, unknown>;
      const out = await ctx.clients.lattice.send(
        new CreateServiceCommand({ ...(spec as object), name: desired.ref.name, tags, clientToken }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    async update(ctx, desired, actual) {
      const spec = desired.spec as Record<string, unknown>;
      await ctx.clients.lattice.send(
        new UpdateServiceCommand({
          serviceIdentifier: actual.arn,
          authType: getString(spec, 'authType') as 'NONE' | 'AWS_IAM',
          ...(getString(spec, 'certificateArn') ? { certificateArn: getString(spec, 'certificateArn') } : {}),
          ...({ idleTimeoutSeconds: spec['idleTimeoutSeconds'] } as object),
        }),
      );
    },
    async delete(ctx, actual) {
      await ctx.clients.lattice.send(new DeleteServiceCommand({ serviceIdentifier: actual.arn }));
    },
    status: (ctx, arn) =>
      statusOrGone(() => ctx.clients.lattice.send(new GetServiceCommand({ serviceIdentifier: arn }))),
  },
});
