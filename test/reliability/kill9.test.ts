/**
 * Reliability: kill -9. A real meshward process (reconcile-process.ts) applies to the emulator with a file state
 * and is sent SIGKILL from inside the emulator while it serves the process's k-th call (k seeded): the call may
 * commit with nobody left to read the answer, and the process dies wherever it was (mid state save included).
 * After each kill a fresh run must find the state file whole, converge, create nothing twice, and keep every
 * history record of the runs that finished. Rounds alternate a first apply / an update of routes and nodes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { prng } from '../../src/core/prng';
import type { ManifestDocument } from '../../src/core/types';
import { FileStateStore } from '../../src/engine/state-store';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import {
  committedWrites,
  deletesBy,
  duplicateCreates,
  generatedDocs,
  MESHWARD_KEY,
  meshwardClients,
  pendingChanges,
  runApply,
  seedAccount,
} from './helpers';

const ROUNDS = 8;
/** A child that neither finished nor was killed by then is killed anyway (and the round fails). */
const CHILD_TIMEOUT_MS = 60_000;

let emulator: Emulator;
let dir: string;
const figures = {
  rounds: 0,
  kills: 0,
  finishedBeforeKill: 0,
  lostRecords: 0,
  corruptStates: 0,
  duplicates: 0,
  revisions: 0,
  families: 0,
};

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'meshward-kill9-'));
});

afterAll(async () => {
  emulator.faults.setHook(undefined);
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  console.log(
    `kill -9: ${figures.rounds} rounds, ${figures.kills} processes killed mid-apply ` +
      `(${figures.finishedBeforeKill} finished first), ${figures.corruptStates} corrupt states, ` +
      `${figures.lostRecords} lost records, ${figures.duplicates} duplicate resources, ` +
      `${figures.revisions} task definition revisions for ${figures.families} families`,
  );
});

const docs = generatedDocs(40, 11, 'kill');

/** Round r's target: odd rounds move every route's weights and every node's timeout (no new revision). */
function target(round: number): ManifestDocument[] {
  if (round % 2 === 0) return docs;
  return docs.map((d) => {
    const copy = structuredClone(d);
    if (d.kind === 'Route') {
      const action = (copy.spec['httpRoute'] as { action?: { weightedTargets?: { weight: number }[] } } | undefined)
        ?.action;
      action?.weightedTargets?.forEach((t, i) => (t.weight = i === 0 ? 10 + round : 1));
    }
    if (d.kind === 'VirtualNode') {
      const listener = (copy.spec['listeners'] as { timeout?: { http?: { perRequest?: string } } }[] | undefined)?.[0];
      if (listener?.timeout?.http) listener.timeout.http.perRequest = `${20 + round}s`;
    }
    return copy;
  });
}

/**
 * Starts a reconcile process on `docsPath` and kills it with SIGKILL while the emulator serves its k-th call.
 * Resolves when it is gone: 'killed', or 'finished' when it answered before its k-th call.
 */
async function applyAndKill(statePath: string, docsPath: string, k: number): Promise<'killed' | 'finished'> {
  const args = { endpoint: emulator.endpoint, accessKeyId: MESHWARD_KEY, statePath, stack: 'reliability' };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'reconcile-process.ts'), JSON.stringify(args)],
    { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  let finished = false;
  const gone = new Promise<void>((resolve) => child.on('close', () => resolve()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') {
      let calls = 0;
      emulator.faults.setHook(() => {
        calls += 1;
        if (calls === k) child.kill('SIGKILL');
        return undefined;
      });
      child.stdin.write(`${docsPath}\n`);
    } else if (line.startsWith('RESULT ')) {
      finished = true;
      child.stdin.end();
    }
  });
  await gone;
  clearTimeout(timer);
  emulator.faults.setHook(undefined);
  return finished ? 'finished' : 'killed';
}

it(`${ROUNDS} rounds of a process killed with SIGKILL mid-apply: state whole, converged, nothing twice, no record lost`, async () => {
  await seedAccount(emulator, docs);
  const statePath = path.join(dir, 'state.json');
  const random = prng(9);
  let recorded = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const want = target(round);
    const docsPath = path.join(dir, `docs-${round}.json`);
    await writeFile(docsPath, JSON.stringify(want));
    // A first apply makes ~70 calls, an update ~50: k anywhere in them (a k past the end lets the run finish).
    const k = 1 + Math.floor(random() * (round === 0 ? 70 : 50));
    const how = await applyAndKill(statePath, docsPath, k);
    figures.rounds += 1;
    if (how === 'killed') figures.kills += 1;
    else {
      figures.finishedBeforeKill += 1;
      recorded += 1;
    }

    // The next run: the state file loads (a kill mid-save leaves the old file or the new one, never half of one).
    const store = new FileStateStore(statePath);
    const loaded = await store.load('reliability').catch((err: unknown) => err);
    if (loaded instanceof Error) figures.corruptStates += 1;
    expect({ round, k, corrupt: loaded instanceof Error }).toEqual({ round, k, corrupt: false });
    const clients = meshwardClients(emulator);
    try {
      const out = await runApply(clients, store, want);
      recorded += 1;
      const bad = out.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked');
      expect({ round, k, bad }).toEqual({ round, k, bad: [] });
      const check = await runApply(clients, new FileStateStore(statePath), want, { mode: 'plan' });
      expect({ round, k, pending: pendingChanges(check) }).toEqual({ round, k, pending: [] });
    } finally {
      clients.destroy();
    }
    const history = (await new FileStateStore(statePath).load('reliability')).history.length;
    figures.lostRecords = recorded - history;
    expect({ round, k, lost: recorded - history }).toEqual({ round, k, lost: 0 });
  }
  const writes = emulator.servedWrites();
  figures.duplicates = duplicateCreates(writes).length;
  expect(duplicateCreates(writes)).toEqual([]);
  // No round changes a task definition: one revision per family, however often a registration was cut off.
  const registered = committedWrites(writes, 'RegisterTaskDefinition');
  figures.revisions = registered.length;
  figures.families = new Set(registered.map((w) => String(w.requestParameters['family']))).size;
  expect(figures.revisions).toBe(figures.families);
  expect(deletesBy(writes)).toEqual([]);
  expect(writes.every((w) => w.accessKeyId === MESHWARD_KEY || w.eventName.startsWith('Create'))).toBe(true);
  // Most rounds must really have killed a process mid-apply, or this proves nothing.
  expect(figures.kills).toBeGreaterThanOrEqual(ROUNDS / 2);
}, 240_000);
