/**
 * The generated sets without App Mesh (bench/generate-service-connect.ts, bench/generate-lattice.ts) are inputs of
 * the benchmark and of these properties, through the real SDK against the emulator: every size validates with zero
 * issues and fits the quotas; a random small set applies, then plans to 0 changes; and a console change made
 * through the SDK with another identity is reported as drift naming the resource and the field.
 * Bounded: a few runs each, small sets, fixed seeds.
 */
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import * as vl from '@aws-sdk/client-vpc-lattice';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeManifestSet } from '../../bench/generate';
import { generateLatticeSet, latticeQuotaViolations } from '../../bench/generate-lattice';
import { generateServiceConnectSet } from '../../bench/generate-service-connect';
import type { CallCounts } from '../../bench/minimum';
import { latticeFirstApplyMinimum, latticeWarmNoOpMinimum, scWarmNoOpMinimum } from '../../bench/minimum-sets';
import { type AwsClients, LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import type { ManifestDocument } from '../../src/core/types';
import { reconcile } from '../../src/engine/reconcile';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { MemoryStateStore } from '../../src/engine/state-store';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { validateManifests } from '../../src/manifest/validate';
import { type Harness, changedIds, startHarness } from '../engine/harness';

async function validate(set: { files: { name: string; text: string }[] }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'meshward-generated-'));
  try {
    await writeManifestSet(set as Parameters<typeof writeManifestSet>[0], dir);
    return await validateManifests([dir], { cwd: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('generated sets without App Mesh are valid', () => {
  it.each([1, 8, 100])('%i Service Connect services: valid, one namespace per 50', async (size) => {
    const set = generateServiceConnectSet({ services: size });
    expect(set.counts.ecsServices).toBe(size);
    expect(set.counts.namespaces).toHaveLength(Math.ceil(size / 50));
    const result = await validate(set);
    expect(result.issues).toEqual([]);
    expect(result.documents).toHaveLength(set.counts.documents);
  });

  it('covers every Service Connect shape the issue names at 100 services', () => {
    const { counts, docs } = generateServiceConnectSet({ services: 100 });
    const roles = counts.namespaces.reduce((a, n) => a + n.roles.client, 0);
    expect(roles).toBeGreaterThan(0);
    expect(Object.keys(counts.strategies).sort()).toEqual(['BLUE_GREEN', 'CANARY', 'LINEAR', 'ROLLING']);
    expect(counts.autoscaled).toBeGreaterThan(0);
    const json = JSON.stringify(docs);
    for (const s of ['"appProtocol":"grpc"', '"tls":', '"accessLogConfiguration":', '"idleTimeoutSeconds"'])
      expect(json).toContain(s);
  });

  it.each([3, 12, 100, 1000])('%i Lattice resources: valid, within quotas, exact size', async (size) => {
    const set = generateLatticeSet({ resources: size });
    expect(set.counts.latticeResources).toBe(size);
    expect(latticeQuotaViolations(set.counts)).toEqual([]);
    const result = await validate(set);
    expect(result.issues).toEqual([]);
    expect(result.documents).toHaveLength(set.counts.documents);
  });

  it('the 1,000 Lattice set has every kind and attaches ECS services', () => {
    const { counts } = generateLatticeSet({ resources: 1000 });
    for (const [kind, n] of Object.entries(counts.byKind)) expect([kind, n > 0]).toEqual([kind, true]);
  });

  it('is deterministic for a seed and varies with it', () => {
    expect(generateLatticeSet({ resources: 60, seed: 4 }).files).toEqual(
      generateLatticeSet({ resources: 60, seed: 4 }).files,
    );
    expect(generateLatticeSet({ resources: 60, seed: 5 }).files).not.toEqual(
      generateLatticeSet({ resources: 60, seed: 4 }).files,
    );
    expect(generateServiceConnectSet({ services: 9, seed: 4 }).files).toEqual(
      generateServiceConnectSet({ services: 9, seed: 4 }).files,
    );
    expect(generateServiceConnectSet({ services: 9, seed: 5 }).files).not.toEqual(
      generateServiceConnectSet({ services: 9, seed: 4 }).files,
    );
  });
});

describe('apply, plan 0 and drift on random small sets', () => {
  let h: Harness;
  let console_: AwsClients;
  beforeAll(async () => {
    h = await startHarness();
    console_ = h.consoleClients();
  });
  afterAll(async () => h.close());

  async function applyAndPlanZero(docs: ManifestDocument[]): Promise<void> {
    await h.reset();
    await seedLocalInfrastructure(h.clients, docs);
    const applied = await h.run('apply', docs);
    expect(applied.report.errors).toEqual([]);
    expect(applied.results.filter((r) => r.outcome !== 'created').map((r) => [r.id, r.outcome])).toEqual([]);
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
  }

  /** The report's `service:Operation` keys as the models' `service.Operation`. */
  function calls(report: { apiCalls?: Record<string, number> }): CallCounts {
    return Object.fromEntries(Object.entries(report.apiCalls ?? {}).map(([k, n]) => [k.replace(':', '.'), n]));
  }

  it('the warm no-op right after a first apply spends exactly the minimum-calls model', async () => {
    const lattice = generateLatticeSet({ resources: 80, seed: 7 });
    await h.reset();
    await seedLocalInfrastructure(h.clients, lattice.docs);
    const first = await h.run('apply', lattice.docs);
    expect(first.report.errors).toEqual([]);
    // The three Region lists, one Create and one Get per Lattice resource (its wait and its cache entry): the model.
    const latticeOnly = (c: CallCounts) =>
      Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith('vpc-lattice.')));
    expect(latticeOnly(calls(first.report))).toEqual(latticeOnly(latticeFirstApplyMinimum(lattice.counts)));
    expect(calls((await h.run('plan', lattice.docs)).report)).toEqual(latticeWarmNoOpMinimum(lattice.counts));

    const sc = generateServiceConnectSet({ services: 12, seed: 7, perNamespace: 6 });
    await h.reset();
    await seedLocalInfrastructure(h.clients, sc.docs);
    expect((await h.run('apply', sc.docs)).report.errors).toEqual([]);
    expect(calls((await h.run('plan', sc.docs)).report)).toEqual(scWarmNoOpMinimum(sc.counts));
  }, 30000);

  it('Service Connect: apply then plan is 0; a console change of a per-request timeout is drift on it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 7 }),
        fc.nat(),
        fc.integer({ min: 61, max: 120 }),
        async (seed, services, which, timeout) => {
          const set = generateServiceConnectSet({ services, seed, perNamespace: 4 });
          await applyAndPlanZero(set.docs);
          // Every namespace's first service is an HTTP server with a per-request timeout (2..60 s).
          const servers = set.docs.filter(
            (d) =>
              d.kind === 'EcsService' &&
              JSON.stringify(d.spec['serviceConnectConfiguration']).includes('perRequestTimeoutSeconds'),
          );
          const target = servers[which % servers.length] as ManifestDocument;
          const cluster = String(target.spec['cluster']);
          const out = await console_.ecs.send(
            new DescribeServicesCommand({ cluster, services: [target.metadata.name] }),
          );
          const config = structuredClone(
            out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration,
          );
          const entry = config?.services?.[0];
          if (!config || !entry) throw new Error('no Service Connect configuration read back');
          entry.timeout = { ...entry.timeout, perRequestTimeoutSeconds: timeout };
          await console_.ecs.send(
            new UpdateServiceCommand({ cluster, service: target.metadata.name, serviceConnectConfiguration: config }),
          );
          const drift = await h.run('drift', set.docs);
          const drifted = drift.changes.filter((c) => c.action !== 'unchanged');
          expect(drifted.map((c) => [c.id, c.cause])).toEqual([
            [`EcsService/${cluster}/${target.metadata.name}`, 'drift'],
          ]);
          expect(drifted[0]?.changes.map((f) => [f.path, f.before])).toEqual([
            ['/spec/service/serviceConnectConfiguration/services/0/timeout/perRequestTimeoutSeconds', timeout],
          ]);
        },
      ),
      { numRuns: 12, seed: 20261202 },
    );
  }, 60000);

  it('VPC Lattice: apply then plan is 0; a console change of a weight or a health check is drift on it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 7, max: 30 }),
        fc.boolean(),
        fc.nat(),
        async (seed, resources, weight, which) => {
          const set = generateLatticeSet({ resources, seed, unitsPerNetwork: 2, ecsShare: 0.5 });
          await applyAndPlanZero(set.docs);
          const lattice = console_.lattice;
          if (weight) {
            // Someone moves the HTTP listener's split to 50/50.
            const services = set.counts.services;
            const name = services[which % services.length]?.service ?? '';
            const svc = (await lattice.send(new vl.ListServicesCommand({}))).items?.find((s) => s.name === name);
            const listener = (
              await lattice.send(new vl.ListListenersCommand({ serviceIdentifier: svc?.id }))
            ).items?.find((l) => l.name === 'http');
            const got = await lattice.send(
              new vl.GetListenerCommand({ serviceIdentifier: svc?.id, listenerIdentifier: listener?.id }),
            );
            const groups = (got.defaultAction?.forward?.targetGroups ?? []).map((g) => ({ ...g, weight: 50 }));
            await lattice.send(
              new vl.UpdateListenerCommand({
                serviceIdentifier: svc?.id,
                listenerIdentifier: listener?.id,
                defaultAction: { forward: { targetGroups: groups } },
              }),
            );
            const drift = await h.run('drift', set.docs);
            const drifted = drift.changes.filter((c) => c.action !== 'unchanged');
            expect(drifted.map((c) => c.id)).toEqual([`LatticeListener/${name}/http`]);
            const fields = drifted[0]?.changes ?? [];
            expect(fields.length).toBeGreaterThan(0);
            expect(
              fields.every((f) => /^\/spec\/defaultAction\/forward\/targetGroups\/[01]\/weight$/.test(f.path)),
            ).toBe(true);
            expect(fields.every((f) => f.before === 50)).toBe(true);
          } else {
            // Someone loosens a target group's health check.
            const groups = set.docs.filter((d) => d.kind === 'LatticeTargetGroup');
            const tg = groups[which % groups.length] as ManifestDocument;
            const id = (await lattice.send(new vl.ListTargetGroupsCommand({}))).items?.find(
              (t) => t.name === tg.metadata.name,
            )?.id;
            await lattice.send(
              new vl.UpdateTargetGroupCommand({ targetGroupIdentifier: id, healthCheck: { healthyThresholdCount: 9 } }),
            );
            const drift = await h.run('drift', set.docs);
            const drifted = drift.changes.filter((c) => c.action !== 'unchanged');
            expect(drifted.map((c) => [c.id, c.changes.map((f) => [f.path, f.before])])).toEqual([
              [`LatticeTargetGroup/${tg.metadata.name}`, [['/spec/config/healthCheck/healthyThresholdCount', 9]]],
            ]);
          }
        },
      ),
      { numRuns: 12, seed: 20261202 },
    );
  }, 60000);
});

describe('asynchronous Lattice creates (CREATE_IN_PROGRESS first)', () => {
  let emulator: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      lattice: { transitionMs: { service: 60, targetGroup: 60, vpcAssociation: 60, serviceAssociation: 60 } },
    });
    clients = createAwsClients({
      endpoint: emulator.endpoint,
      region: emulator.region,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 2,
      disableRateLimit: true,
    });
  });
  afterAll(async () => {
    clients.destroy();
    await emulator.stop();
  });

  it('waits for ACTIVE before dependents, then plans 0 at the warm minimum', async () => {
    const set = generateLatticeSet({ resources: 40, seed: 11 });
    await seedLocalInfrastructure(clients, set.docs);
    const store = new MemoryStateStore();
    const run = (mode: 'apply' | 'plan') =>
      reconcile({ mode, stack: 'async', store, clients, documents: set.docs, pollMillis: 10 });
    const first = await run('apply');
    expect(first.report.errors).toEqual([]);
    expect(first.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    // A read-back that saw CREATE_IN_PROGRESS waited, then cached the ACTIVE resource: the next plan reads nothing.
    const warm = await run('plan');
    expect(changedIds(warm)).toEqual([]);
    const calls = Object.fromEntries(
      Object.entries(warm.report.apiCalls ?? {}).map(([k, n]) => [k.replace(':', '.'), n]),
    );
    expect(calls).toEqual(latticeWarmNoOpMinimum(set.counts));
  }, 30000);
});
