/**
 * Reliability: faults after the commit. A third of meshward's writes lose their answer once AWS has committed them
 * (a 500, or a dropped connection), with the SDK's retries off so that every retry is the engine's own: the step
 * retry and the next run must send the same request (client tokens) or look first (RegisterTaskDefinition has no
 * token). Then the emulator itself is restarted mid-apply (its state persisted, as AWS's is). Audited from what
 * the emulator served: 0 duplicate resources or revisions, 0 lost state records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStateStore } from '../../src/engine/state-store';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import {
  committedWrites,
  deletesBy,
  duplicateCreates,
  generatedDocs,
  lostAnswerLoop,
  lostAnswerViolations,
  meshwardClients,
  pendingChanges,
  runApply,
  seedAccount,
} from './helpers';

const figures: string[] = [];
afterAll(() => console.log(figures.join('\n')));

describe('lost answers (write done, answer lost)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('3 sets x up to 6 runs at 30% lost answers: converged, 0 duplicates, 0 extra revisions, 0 lost records', async () => {
    for (const seed of [1, 2, 3]) {
      const docs = generatedDocs(40, 100 + seed, `lost${seed}`);
      // One account per set: the audits read the whole write log.
      emulator.reset();
      await seedAccount(emulator, docs);
      const f = await lostAnswerLoop(emulator, docs, { rate: 0.3, maxRuns: 6, seed: 900 + seed });
      figures.push(
        `lost answers, set ${seed}: ${docs.length} resources, ${f.runs} runs, ${f.lostAnswers} answers lost, ` +
          `${f.duplicates.length} duplicates, ${f.revisions} revisions / ${f.families} families, ` +
          `${f.runs - f.historyRecords} lost records`,
      );
      expect(f.lostAnswers).toBeGreaterThan(5);
      expect(lostAnswerViolations(f, docs.length)).toEqual([]);
      expect(deletesBy(emulator.servedWrites())).toEqual([]);
    }
  }, 120_000);
});

describe('emulator restarts mid-apply', () => {
  it('AWS going away and coming back (state persisted) at 3 points: converged, nothing twice, no record lost', async () => {
    // Call points inside the first apply (it makes ~75 calls): a point past its end would restart nothing (and
    // leave that emulator running: it once held jest open), so each run must have been stopped.
    for (const stopAfter of [15, 40, 65]) {
      const dataDir = mkdtempSync(join(tmpdir(), 'meshward-restart-'));
      try {
        let emulator = await startEmulator({ port: 0, dataDir });
        const docs = generatedDocs(40, 7, `rst${stopAfter}`);
        await seedAccount(emulator, docs);
        const store = new MemoryStateStore();
        let calls = 0;
        let stopping: Promise<void> | undefined;
        const first = emulator;
        first.faults.setHook(() => {
          calls += 1;
          if (calls === stopAfter) stopping = first.stop();
          return undefined;
        });
        const dying = meshwardClients(first, 2);
        const interrupted = await runApply(dying, store, docs, { prune: true }).catch((e: unknown) => e);
        dying.destroy();
        const restarted = stopping !== undefined;
        await (stopping ?? first.stop());
        expect({ stopAfter, restarted }).toEqual({ stopAfter, restarted: true });
        const served = [...first.servedWrites()];
        emulator = await startEmulator({ port: 0, dataDir });
        const clients = meshwardClients(emulator);
        let runs = 1;
        try {
          for (; runs <= 4; runs++) {
            const out = await runApply(clients, store, docs, { prune: true });
            if (!out.results.some((r) => r.outcome === 'failed' || r.outcome === 'blocked')) break;
          }
          expect(pendingChanges(await runApply(clients, store, docs, { mode: 'plan', cacheMaxAgeMillis: 0 }))).toEqual(
            [],
          );
          // The restarted emulator kept its write log: it holds the first emulator's writes and the new ones.
          const writes = emulator.servedWrites();
          expect(writes.length).toBeGreaterThanOrEqual(served.length);
          expect(duplicateCreates(writes)).toEqual([]);
          const registered = committedWrites(writes, 'RegisterTaskDefinition');
          expect(registered.length).toBe(new Set(registered.map((w) => String(w.requestParameters['family']))).size);
          const state = await store.load('reliability');
          expect(Object.keys(state.applied)).toHaveLength(docs.length);
          // The interrupted run saved its record (history) unless it died first; every later run recorded one.
          const interruptedRecorded = interrupted instanceof Error ? 0 : 1;
          expect(state.history).toHaveLength(runs + interruptedRecorded);
          figures.push(
            `restart after call ${stopAfter}: ${runs} run(s) to converge, ${duplicateCreates(writes).length} duplicates, ` +
              `${runs + interruptedRecorded - state.history.length} lost records`,
          );
        } finally {
          clients.destroy();
          await emulator.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }, 120_000);
});
