/**
 * Reliability: throttling and 5xx. With 30% of calls throttled and 5% failing with a 5xx (seeded), a reconcile of a
 * 200-resource mesh converges within its retries or on the next run, creates nothing twice, loses no change, and
 * its report says exactly what AWS served. Then a change to the manifests is applied under the same faults.
 */
import { MemoryStateStore } from '../../src/engine/state-store';
import type { ReconcileOutcome } from '../../src/engine/reconcile';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import type { ManifestDocument } from '../../src/core/types';
import {
  CONSOLE_KEY,
  consoleClients,
  createdIdentity,
  deletesBy,
  duplicateCreates,
  generatedDocs,
  MESHWARD_KEY,
  meshwardClients,
  ownershipViolations,
  pendingChanges,
  runApply,
  seedAccount,
  withFastBackoff,
} from './helpers';
import { CreateVirtualNodeCommand } from '@aws-sdk/client-app-mesh';

const SEED = 20261125;
const FAULTS = {
  seed: SEED,
  throttle: { rate: 0.3 },
  serverError: { rate: 0.05, status: 503 as const },
};
const MAX_RUNS = 4;

let emulator: Emulator;
const counts = { runs: 0, callsServed: 0, throttled: 0, serverErrors: 0, resources: 0 };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});

afterAll(async () => {
  await emulator.stop();
  console.log(
    `faults: ${counts.resources} resources, ${counts.runs} reconciles under faults, ${counts.callsServed} calls ` +
      `answered, ${counts.throttled} throttled and ${counts.serverErrors} 5xx injected`,
  );
});

function record(): void {
  const t = emulator.stats.snapshot().totals;
  counts.callsServed = t.calls;
  counts.throttled = t.throttled;
  counts.serverErrors = t.errors - t.throttled;
}

/** Every outcome the report claims is backed by a served write in this run, and every failure by none. */
function expectAccurateReport(outcome: ReconcileOutcome, writesBefore: number): void {
  const served = emulator
    .servedWrites()
    .slice(writesBefore)
    .filter((w) => w.accessKeyId === MESHWARD_KEY);
  const created = new Set(served.map(createdIdentity).filter((id): id is string => id !== undefined));
  for (const r of outcome.results) {
    if (r.outcome === 'created' && !r.id.startsWith('EcsService/')) expect(created.has(r.id)).toBe(true);
    if ((r.outcome === 'failed' || r.outcome === 'blocked') && r.action === 'create')
      expect(created.has(r.id)).toBe(false);
  }
  const failed = outcome.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked');
  expect(outcome.report.summary).toBeDefined();
  // A run that failed somewhere says so in its exit code.
  if (failed.length > 0) expect(outcome.report.exitCode).not.toBe(0);
}

async function convergeUnderFaults(docs: readonly ManifestDocument[], store: MemoryStateStore): Promise<number> {
  const clients = withFastBackoff(meshwardClients(emulator));
  try {
    for (let run = 1; run <= MAX_RUNS; run++) {
      const writesBefore = emulator.servedWrites().length;
      const outcome = await runApply(clients, store, docs, { prune: true });
      counts.runs += 1;
      expectAccurateReport(outcome, writesBefore);
      const bad = outcome.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked');
      if (bad.length === 0 && outcome.report.errors.length === 0) return run;
    }
    throw new Error(`did not converge in ${MAX_RUNS} runs under faults`);
  } finally {
    clients.destroy();
  }
}

it('a 200-resource mesh converges under 30% throttling and 5% 5xx, nothing twice, nothing lost', async () => {
  const docs = generatedDocs(200, 11, 'flt');
  counts.resources = docs.length;
  await seedAccount(emulator, docs);
  // Someone else's node in the same mesh: meshward must leave it alone (prune is on below).
  const person = consoleClients(emulator);
  const mesh = docs.find((d) => d.kind === 'Mesh')?.metadata.name ?? '';
  const store = new MemoryStateStore();

  emulator.faults.set(FAULTS);
  const runs = await convergeUnderFaults(docs, store);
  record();
  emulator.faults.clear();
  expect(runs).toBeLessThanOrEqual(MAX_RUNS);

  // Out-of-band resource, created while no fault is on; then a change to the manifests, applied under faults.
  await person.appMesh.send(
    new CreateVirtualNodeCommand({
      meshName: mesh,
      virtualNodeName: 'not-ours',
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    }),
  );
  const changed = docs.map((d) => {
    if (d.kind !== 'Route' || d.metadata.name !== 'canary-weighted') return d;
    const copy = structuredClone(d);
    const targets = (copy.spec['httpRoute'] as { action: { weightedTargets: { weight: number }[] } }).action
      .weightedTargets;
    targets.forEach((t, i) => (t.weight = i === 0 ? 50 : 50));
    return copy;
  });
  const changedIds = changed.filter((d, i) => d !== docs[i]).length;
  expect(changedIds).toBeGreaterThan(0);
  emulator.faults.set({ ...FAULTS, seed: SEED + 1 });
  await convergeUnderFaults(changed, store);
  record();
  emulator.faults.clear();

  // Converged: nothing left to do, with faults off and a fresh process (empty cache).
  const clients = meshwardClients(emulator);
  try {
    const check = await runApply(clients, new MemoryStateStore(), changed, { mode: 'plan' });
    expect(pendingChanges(check)).toEqual([]);
  } finally {
    clients.destroy();
    person.destroy();
  }
  const writes = emulator.servedWrites();
  expect(duplicateCreates(writes)).toEqual([]);
  expect(deletesBy(writes)).toEqual([]);
  expect(ownershipViolations(writes, new Set([`VirtualNode/${mesh}/not-ours`]))).toEqual([]);
  expect(writes.some((w) => w.accessKeyId === CONSOLE_KEY)).toBe(true);
  expect(counts.throttled).toBeGreaterThan(50);
}, 110_000);
