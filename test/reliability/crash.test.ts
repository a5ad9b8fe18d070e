/**
 * Reliability: crash anywhere. The apply is killed after its k-th AWS call (every later call fails, and nothing the
 * process would have done after its death reaches the state store: the intents it saved before each stage while it
 * was alive do), for kill points over the whole plan; then a fresh run must converge to the desired state, create
 * nothing twice and delete nothing. Done for a first apply and for an update (route weights, node timeouts, a new
 * container image).
 */
import type { StackState, StateStore } from '../../src/core/model';
import { prng } from '../../src/core/prng';
import type { ManifestDocument } from '../../src/core/types';
import { MemoryStateStore } from '../../src/engine/state-store';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import {
  deletesBy,
  duplicateCreates,
  generatedDocs,
  meshwardClients,
  MESHWARD_KEY,
  pendingChanges,
  runApply,
  seedAccount,
} from './helpers';

/**
 * Kill points per phase. Every call cannot be one (a first apply makes ~70 calls and each crash costs a setup, the
 * crashed run, a re-run and a check, ~1-2 s of CPU): the points are the start of every stage (just before its first
 * write, its intents saved, and just after it), the observe's first call, and seeded samples spread evenly over the
 * rest. Each loop stays well under a minute on an idle 2-core machine.
 */
const CRASH_POINTS = { create: 22, update: 24 };

let emulator: Emulator;
const counts = { crashes: 0, callsRefused: 0, reruns: 0, intentSaves: 0, cpuMs: 0 };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});

afterAll(async () => {
  await emulator.stop();
  console.log(
    `crash: ${counts.crashes} crashes simulated (${counts.callsRefused} calls refused after them, ` +
      `${counts.intentSaves} intent saves made before them), ${counts.reruns} re-runs converged, ` +
      `nothing created twice, nothing deleted (${Math.round(counts.cpuMs / 1000)} s of CPU)`,
  );
});

/**
 * The crashed process's view of the store: it reads the last state; what it saves while alive (the intents before
 * each stage) is saved, what it would save after its k-th call is not: it is dead by then.
 */
function crashedStore(real: StateStore, alive: () => boolean): StateStore {
  return {
    load: (stack: string): Promise<StackState> => real.load(stack),
    save: async (state: StackState): Promise<void> => {
      if (!alive()) return;
      counts.intentSaves += 1;
      await real.save(state);
    },
    describe: () => 'crashed',
  };
}

/** Calls the emulator has served so far (refused ones included). */
function callsServed(): number {
  return emulator.stats.snapshot().totals.calls;
}

function changedDocs(docs: readonly ManifestDocument[]): ManifestDocument[] {
  return docs.map((d) => {
    const copy = structuredClone(d);
    if (d.kind === 'Route' && d.metadata.name === 'canary-weighted') {
      const action = (copy.spec['httpRoute'] as { action: { weightedTargets: { weight: number }[] } }).action;
      action.weightedTargets.forEach((t) => (t.weight = 50));
      return copy;
    }
    if (d.kind === 'VirtualNode' && d.metadata.name.startsWith('svc-')) {
      const listener = (copy.spec['listeners'] as { timeout?: { http?: { perRequest?: string } } }[])[0];
      if (listener?.timeout?.http) listener.timeout.http.perRequest = '42s';
      return copy;
    }
    if (d.kind === 'EcsService' && !d.metadata.name.startsWith('ingress')) {
      const td = copy.spec['taskDefinition'] as { containerDefinitions: { image: string }[] };
      const app = td.containerDefinitions[0];
      if (app) app.image = `${app.image.split(':')[0] ?? app.image}:9.9.9`;
      return copy;
    }
    return d;
  });
}

async function freshAccount(docs: readonly ManifestDocument[]): Promise<void> {
  emulator.reset();
  emulator.faults.clear();
  await seedAccount(emulator, docs);
}

/**
 * An uninterrupted apply of `target` after `before` was applied: its calls, and the call count at the start of each
 * stage (when it saves the stage's intents, before the stage's first write).
 */
async function uninterruptedApply(
  before: readonly ManifestDocument[] | undefined,
  target: readonly ManifestDocument[],
): Promise<{ total: number; stageStarts: number[] }> {
  await freshAccount(target);
  const store = new MemoryStateStore();
  const clients = meshwardClients(emulator, 1);
  try {
    if (before) await runApply(clients, store, before);
    const t0 = callsServed();
    const saves: number[] = [];
    const watched: StateStore = {
      load: (stack) => store.load(stack),
      save: async (state) => {
        saves.push(callsServed() - t0);
        await store.save(state);
      },
      describe: () => 'watched',
    };
    await runApply(clients, watched, target);
    // The last save is the record stage's, after the last call.
    return { total: callsServed() - t0, stageStarts: saves.slice(0, -1) };
  } finally {
    clients.destroy();
  }
}

/**
 * Kill points (the number of calls the doomed run gets): 0, each stage's start and its first write, then seeded
 * samples, one per equal slice of the calls left over, until there are `count` (or every call is one).
 */
function killPoints(total: number, stageStarts: readonly number[], count: number, seed: number): number[] {
  const points = new Set<number>([0]);
  for (const s of stageStarts) for (const k of [s, s + 1]) if (k < total) points.add(k);
  const random = prng(seed);
  const wanted = Math.min(total, Math.max(count, points.size));
  const slices = wanted - points.size;
  for (let i = 0; i < slices && points.size < wanted; i++) {
    const lo = Math.floor((i * total) / slices);
    const hi = Math.max(lo + 1, Math.floor(((i + 1) * total) / slices));
    const pick = lo + Math.floor(random() * (hi - lo));
    // Taken already (a stage start): the next free call of the slice, if any.
    for (let k = pick; k < pick + (hi - lo); k++) {
      const inSlice = lo + ((k - lo) % (hi - lo));
      if (!points.has(inSlice)) {
        points.add(inSlice);
        break;
      }
    }
  }
  // A slice whose pick was taken already: the lowest free calls fill the count (deterministic).
  for (let k = 0; points.size < wanted; k++) points.add(k);
  return [...points].sort((a, b) => a - b);
}

async function crashAndRecover(
  before: readonly ManifestDocument[] | undefined,
  target: readonly ManifestDocument[],
  k: number,
  firstStage: number,
): Promise<void> {
  await freshAccount(target);
  const store = new MemoryStateStore();
  if (before) {
    const setup = meshwardClients(emulator);
    await runApply(setup, store, before);
    setup.destroy();
  }
  const writesBefore = emulator.servedWrites().length;

  // The crashed run: calls after the k-th fail (no SDK retry, no step retry, no resumed read: the process is gone;
  // a resumed read would only wait out its backoff against a dead process, minutes per crash in observe).
  const doomed = meshwardClients(emulator, 1);
  emulator.faults.set({ failAfterCalls: k });
  const errors0 = emulator.stats.snapshot().totals.errors;
  const armed = callsServed();
  await runApply(
    doomed,
    crashedStore(store, () => callsServed() - armed <= k),
    target,
    { apply: { stepAttempts: 1, retryDelayMillis: 0 }, readBudget: 0 },
  );
  counts.crashes += 1;
  // Killed at or after the first stage's start: its intents were saved while the process was alive.
  const left = await store.load('reliability');
  expect({ k, intents: Object.keys(left.intents ?? {}).length > 0 }).toEqual({ k, intents: k >= firstStage });
  counts.callsRefused += emulator.stats.snapshot().totals.errors - errors0;
  emulator.faults.clear();
  doomed.destroy();

  // A new process: fresh clients, the state as the crashed run found it.
  const clients = meshwardClients(emulator);
  try {
    const rerun = await runApply(clients, store, target);
    const bad = rerun.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked');
    expect({ k, bad }).toEqual({ k, bad: [] });
    const check = await runApply(clients, new MemoryStateStore(), target, { mode: 'plan' });
    expect({ k, pending: pendingChanges(check) }).toEqual({ k, pending: [] });
    counts.reruns += 1;
  } finally {
    clients.destroy();
  }
  const writes = emulator.servedWrites().slice(writesBefore);
  // Task definition revisions included: a re-run after a crash between RegisterTaskDefinition and the service call
  // must reuse the revision the crashed run registered.
  expect({ k, duplicates: duplicateCreates(writes) }).toEqual({ k, duplicates: [] });
  expect({ k, deletes: deletesBy(writes) }).toEqual({ k, deletes: [] });
  expect(writes.every((w) => w.accessKeyId === MESHWARD_KEY)).toBe(true);
}

const docs = generatedDocs(40, 5, 'crash');

/** CPU of a loop (emulator and meshward share this process): what an idle machine's wall time would be. */
function addCpu(since: NodeJS.CpuUsage): void {
  const d = process.cpuUsage(since);
  counts.cpuMs += (d.user + d.system) / 1000;
}

it('a first apply killed after any call converges on the next run', async () => {
  const { total, stageStarts } = await uninterruptedApply(undefined, docs);
  expect(total).toBeGreaterThan(20);
  expect(stageStarts.length).toBeGreaterThan(2);
  const points = killPoints(total, stageStarts, CRASH_POINTS.create, 1);
  const cpu = process.cpuUsage();
  for (const k of points) await crashAndRecover(undefined, docs, k, stageStarts[0] ?? 0);
  addCpu(cpu);
}, 180_000);

it('an update killed after any call converges on the next run', async () => {
  const target = changedDocs(docs);
  const { total, stageStarts } = await uninterruptedApply(docs, target);
  expect(total).toBeGreaterThan(10);
  expect(stageStarts.length).toBeGreaterThan(1);
  const points = killPoints(total, stageStarts, CRASH_POINTS.update, 2);
  const cpu = process.cpuUsage();
  for (const k of points) await crashAndRecover(docs, target, k, stageStarts[0] ?? 0);
  addCpu(cpu);
}, 180_000);
