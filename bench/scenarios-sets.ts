/**
 * The benchmark scenarios for the sets without App Mesh (Service Connect, VPC Lattice), run like scenarios.ts runs
 * the App Mesh ones: an emulator in its own process with per-call latency and AWS-like rate limits, a file state
 * store, calls counted by the emulator. Scenarios: (a) validate only, (b) first apply, (c) warm no-op, (d) cold
 * no-op (the state's cache emptied), each against its minimum-calls model (minimum-sets.ts) and, for the no-ops,
 * against a describe-everything refresh. After them, a plan must show no changes (`converged`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAwsClients } from '../src/aws/clients';
import type { ManifestDocument } from '../src/core/types';
import { type ReconcileOutcome, reconcile } from '../src/engine/reconcile';
import { seedLocalInfrastructure } from '../src/engine/session';
import { FileStateStore } from '../src/engine/state-store';
import { validateManifests } from '../src/manifest/validate';
import { benchConditions, spawnEmulator } from './emulator-control';
import { type GeneratedFile, writeManifestSet } from './generate';
import { type LatticeCounts, generateLatticeSet, latticeQuotaViolations } from './generate-lattice';
import { type ServiceConnectCounts, generateServiceConnectSet } from './generate-service-connect';
import { type CallCounts, total } from './minimum';
import {
  latticeColdNoOpMinimum,
  latticeDescribeEverything,
  latticeFirstApplyMinimum,
  latticeWarmNoOpMinimum,
  scColdNoOpMinimum,
  scDescribeEverything,
  scFirstApplyMinimum,
  scWarmNoOpMinimum,
} from './minimum-sets';
import { type ScenarioResult, fromReconcile, measure } from './scenarios';

export type SetFamily = 'service-connect' | 'lattice';

export interface SetSizeOptions {
  family: SetFamily;
  /** Service Connect: ECS services; Lattice: Lattice resources. */
  size: number;
  latencyMs: number;
  rateLimits: boolean;
  seed: number;
  progress?: (line: string) => void;
}

export interface SetResult {
  family: SetFamily;
  size: number;
  latencyMs: number;
  rateLimits: boolean;
  counts: ServiceConnectCounts | LatticeCounts;
  /** Resources meshward manages in the set, ECS services included. */
  resources: number;
  ecsServices: number;
  scenarios: ScenarioResult[];
  peakRssMiB: number;
  emulatorPeakRssMiB?: number;
  converged: boolean;
  /** Resources the converged check still saw changes on, if any. */
  unconverged: string[];
}

interface Models {
  first: CallCounts;
  warm: CallCounts;
  cold: CallCounts;
  everything: CallCounts;
}

function setOf(options: SetSizeOptions): {
  docs: ManifestDocument[];
  files: GeneratedFile[];
  counts: ServiceConnectCounts | LatticeCounts;
  resources: number;
  ecsServices: number;
  models: Models;
} {
  if (options.family === 'service-connect') {
    const set = generateServiceConnectSet({ services: options.size, seed: options.seed });
    const c = set.counts;
    return {
      ...set,
      resources: c.resources,
      ecsServices: c.ecsServices,
      models: {
        first: scFirstApplyMinimum(c),
        warm: scWarmNoOpMinimum(c),
        cold: scColdNoOpMinimum(c),
        everything: scDescribeEverything(c),
      },
    };
  }
  const set = generateLatticeSet({ resources: options.size, seed: options.seed });
  const violations = latticeQuotaViolations(set.counts);
  if (violations.length > 0) throw new Error(`generated set exceeds Lattice quotas: ${violations.join('; ')}`);
  const c = set.counts;
  return {
    ...set,
    resources: c.documents,
    ecsServices: c.ecsServices,
    models: {
      first: latticeFirstApplyMinimum(c),
      warm: latticeWarmNoOpMinimum(c),
      cold: latticeColdNoOpMinimum(c),
      everything: latticeDescribeEverything(c),
    },
  };
}

const STACK = 'bench-sets';

export async function runSetSize(options: SetSizeOptions): Promise<SetResult> {
  const log = options.progress ?? (() => undefined);
  const label = `${options.family} ${options.size}`;
  const set = setOf(options);
  const dir = await mkdtemp(path.join(tmpdir(), `meshward-bench-${options.family}-${options.size}-`));
  const emulator = await spawnEmulator();
  const clients = createAwsClients({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'meshward-bench', secretAccessKey: 'bench' },
    disableRateLimit: !options.rateLimits,
  });
  const scenarios: ScenarioResult[] = [];
  let result: SetResult;
  let emulatorRss: number | undefined;
  try {
    const manifests = await writeManifestSet(
      { docs: set.docs, files: set.files } as Parameters<typeof writeManifestSet>[0],
      path.join(dir, 'manifests'),
    );
    const store = new FileStateStore(path.join(dir, 'state.json'));
    const run = (): Promise<ReconcileOutcome> =>
      reconcile({ mode: 'apply', stack: STACK, store, clients, paths: [manifests], validate: { cwd: dir } });
    // The account's clusters exist before meshward runs; the Service Connect namespaces are meshward's.
    await seedLocalInfrastructure(clients, set.docs);
    await emulator.setFaults(benchConditions(options));

    log(`${label}: validate`);
    const v = await measure(emulator, () => validateManifests([manifests], { cwd: dir }));
    scenarios.push({
      name: 'validate',
      wallMs: v.wallMs,
      cpuMs: v.cpuMs,
      calls: v.calls,
      totalCalls: total(v.calls),
      writes: 0,
      errors: v.errors,
      throttled: v.throttled,
      throttledBy: v.throttledBy,
      minimum: {},
      minimumTotal: 0,
      ...(total(v.calls) === 0 ? { ratio: 1 } : {}),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      changes: {},
      outcomes: {},
      notes: v.value.valid ? [] : [`${v.value.issues.length} validation issues`],
    });

    log(`${label}: first apply`);
    const first = await measure(emulator, run);
    scenarios.push(fromReconcile('first-apply', first, set.models.first, undefined));
    const refresh = total(set.models.everything);

    log(`${label}: warm no-op`);
    const warm = await measure(emulator, run);
    scenarios.push(fromReconcile('warm-noop', warm, set.models.warm, refresh));

    log(`${label}: cold no-op`);
    const cold = await store.load(STACK);
    await store.save({ ...cold, versionCache: {} });
    const coldRun = await measure(emulator, run);
    scenarios.push(fromReconcile('cold-noop', coldRun, set.models.cold, refresh));

    const after = await reconcile({ mode: 'plan', stack: STACK, store, clients, documents: set.docs });
    const unconverged = after.changes.filter((c) => c.action !== 'unchanged').map((c) => c.id);
    for (const s of scenarios) {
      const changed = Object.entries(s.changes).filter(([action]) => action !== 'unchanged');
      if (s.name !== 'first-apply' && s.name !== 'validate' && changed.length > 0)
        s.notes.push(`changes on a no-op: ${changed.map(([a, n]) => `${a} ${n}`).join(', ')}`);
    }
    result = {
      family: options.family,
      size: options.size,
      latencyMs: options.latencyMs,
      rateLimits: options.rateLimits,
      counts: set.counts,
      resources: set.resources,
      ecsServices: set.ecsServices,
      scenarios,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      converged: unconverged.length === 0 && first.value.report.errors.length === 0,
      unconverged,
    };
  } finally {
    clients.destroy();
    emulatorRss = await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return emulatorRss === undefined ? result : { ...result, emulatorPeakRssMiB: emulatorRss };
}
