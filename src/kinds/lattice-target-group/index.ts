/**
 * LatticeTargetGroup: a VPC Lattice target group, by name (unique in the Region). ECS services register their task
 * IPs in it (EcsService.spec.vpcLatticeConfigurations); meshward manages the group, never its targets.
 */
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  GetTargetGroupCommand,
  type HealthCheckConfig,
  type TargetGroupConfig,
  UpdateTargetGroupCommand,
} from '@aws-sdk/client-vpc-lattice';
import { errorMessage, errorName } from '../../aws/errors';
import { MeshwardError } from '../../core/errors';
import type { Kind } from '../kind';
import { normalizeHealthCheck } from '../shared/lattice-defaults';
import {
  READ_STATUS,
  READ_TIME,
  createLatticeKind,
  isoTime,
  latticeTopology,
  targetGroups,
  statusOrGone,
} from '../shared/lattice-kind';
import { clone, getString, isRecord } from '../shared/spec-utils';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeTargetGroup';

function normalize(spec: unknown): unknown {
  const s = isRecord(spec) ? clone(spec) : {};
  const type = getString(s, 'type');
  const config = isRecord(s['config']) ? s['config'] : undefined;
  if (!config) return s;
  const protocol = getString(config, 'protocol');
  const tcp = protocol === 'TCP';
  const version = getString(config, 'protocolVersion') ?? (tcp ? undefined : 'HTTP1');
  const out: Record<string, unknown> = { ...config };
  if (version !== undefined) out['protocolVersion'] = version;
  if (type === 'IP' && out['ipAddressType'] === undefined) out['ipAddressType'] = 'IPV4';
  if (type !== 'LAMBDA') out['healthCheck'] = normalizeHealthCheck(config['healthCheck'], protocol, version);
  s['config'] = out;
  return s;
}

function strip(spec: unknown): unknown {
  const s = clone(spec) as Record<string, unknown>;
  const config = s['config'];
  if (!isRecord(config)) return s;
  const bare = normalize({ type: s['type'], config: { ...config, healthCheck: undefined } }) as Record<string, unknown>;
  const defaults = isRecord(bare['config']) ? bare['config'] : {};
  const hc = isRecord(config['healthCheck']) ? { ...config['healthCheck'] } : undefined;
  const hcDefaults = isRecord(defaults['healthCheck']) ? defaults['healthCheck'] : {};
  if (hc) {
    for (const [k, v] of Object.entries(hcDefaults)) if (JSON.stringify(hc[k]) === JSON.stringify(v)) delete hc[k];
    if (Object.keys(hc).length === 0) delete config['healthCheck'];
    else config['healthCheck'] = hc;
  }
  if (config['ipAddressType'] === 'IPV4') delete config['ipAddressType'];
  if (config['protocolVersion'] === 'HTTP1') delete config['protocolVersion'];
  return s;
}

export const latticeTargetGroupKind: Kind = createLatticeKind({
  kind: KIND,
  writeCalls: crudCalls('TargetGroup'),
  fields: [{ field: 'name', slot: 'name' }],
  exportFile: 'lattice-target-groups.yaml',
  topology: latticeTopology('workload', 'target group'),
  idsOfCall: (p) => (p['name'] ? [`${KIND}/${p['name']}`] : []),
  normalize,
  strip,
  // UpdateTargetGroup changes the health check only.
  immutablePaths: [
    '/spec/type',
    '/spec/config/port',
    '/spec/config/protocol',
    '/spec/config/protocolVersion',
    '/spec/config/vpcIdentifier',
    '/spec/config/ipAddressType',
    '/spec/config/lambdaEventStructureVersion',
  ],
  ops: {
    async list(ctx) {
      return (await targetGroups(ctx)).map((t) => ({
        ref: { kind: KIND, name: t.name ?? '' },
        arn: t.arn ?? '',
        awsId: t.id ?? '',
        ...(t.lastUpdatedAt ? { lastUpdatedAt: isoTime(t.lastUpdatedAt) as string } : {}),
        ...(t.status ? { status: t.status } : {}),
        summary: {},
      }));
    },
    async read(ctx, item) {
      const out = await ctx.clients.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: item.arn }));
      return {
        type: out.type,
        [READ_TIME]: out.lastUpdatedAt,
        [READ_STATUS]: out.status,
        ...(out.config ? { config: JSON.parse(JSON.stringify(out.config)) as unknown } : {}),
      };
    },
    async create(ctx, desired, tags, clientToken) {
      const spec = desired.spec as Record<string, unknown>;
      const out = await ctx.clients.lattice.send(
        new CreateTargetGroupCommand({
          name: desired.ref.name,
          type: getString(spec, 'type') as 'IP',
          ...(isRecord(spec['config']) ? { config: spec['config'] as TargetGroupConfig } : {}),
          tags,
          clientToken,
        }),
      );
      return { arn: out.arn ?? '', awsId: out.id ?? '' };
    },
    async update(ctx, desired, actual) {
      const hc = (desired.spec as { config?: { healthCheck?: HealthCheckConfig } }).config?.healthCheck;
      if (!hc) return;
      await ctx.clients.lattice.send(
        new UpdateTargetGroupCommand({ targetGroupIdentifier: actual.arn, healthCheck: hc }),
      );
    },
    async delete(ctx, actual) {
      // An ECS service that let go of the group (its update or delete came first in the plan) still has tasks
      // registered until they drain: Lattice answers ConflictException meanwhile. Wait for that with --wait, else
      // say that the next reconcile deletes it.
      const deadline = Date.now() + ctx.waitTimeoutMillis;
      for (;;) {
        try {
          await ctx.clients.lattice.send(new DeleteTargetGroupCommand({ targetGroupIdentifier: actual.arn }));
          return;
        } catch (err) {
          const inUseByEcs = errorName(err) === 'ConflictException' && /ECS service/.test(errorMessage(err));
          if (!inUseByEcs) throw err;
          if (!ctx.wait || Date.now() > deadline) {
            throw new MeshwardError(
              'AWS_RETRYABLE',
              `${actual.id}: ECS tasks are still registered (draining after their service let go); it is deleted once they are gone (re-run, or apply with --wait)`,
              { cause: err },
            );
          }
          ctx.progress(`${actual.id}: waiting for ECS tasks to leave the target group`);
          await new Promise((r) => setTimeout(r, Math.min(ctx.pollMillis, 2000)));
        }
      }
    },
    status: (ctx, arn) =>
      statusOrGone(() => ctx.clients.lattice.send(new GetTargetGroupCommand({ targetGroupIdentifier: arn }))),
  },
});
