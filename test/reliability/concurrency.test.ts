/**
 * Reliability: two reconciles of the same stack at once (two CLI runs, or a CLI run beside the Lambda), sharing one
 * state file. Neither may create what the other created, the state file must stay readable, and a later run must
 * converge. Ownership: a same-named resource someone else created is a conflict, never updated or deleted.
 */
import { CreateVirtualServiceCommand } from '@aws-sdk/client-app-mesh';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { API_VERSION, type ManifestDocument } from '../../src/core/types';
import { FileStateStore } from '../../src/engine/state-store';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import {
  consoleClients,
  deletesBy,
  duplicateCreates,
  generatedDocs,
  MESHWARD_KEY,
  meshwardClients,
  ownershipViolations,
  pendingChanges,
  runApply,
  seedAccount,
} from './helpers';

/** A child that has not finished by then is killed (its result is then "no result", failing the test). */
const CHILD_TIMEOUT_MS = 45_000;

let emulator: Emulator;
let dir: string;
const counts = { concurrentPairs: 0, runs: 0, conflictsReported: 0 };
const taskDefinitionDuplicates: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'meshward-concurrency-'));
});

afterAll(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  console.log(
    `concurrency: ${counts.concurrentPairs} pairs of simultaneous reconciles, ${counts.runs} reconciles in all, ` +
      `${counts.conflictsReported} ownership conflicts reported and left alone, ` +
      `${taskDefinitionDuplicates.length} duplicate task definition revisions (timing-dependent, not asserted)`,
  );
});

const docs = generatedDocs(60, 9, 'conc');
const mesh = docs.find((d) => d.kind === 'Mesh')?.metadata.name ?? '';
// Declared in the manifests, but someone else already created it, untagged: a conflict meshward must not touch.
const taken: ManifestDocument = {
  apiVersion: API_VERSION,
  kind: 'VirtualService',
  metadata: { name: `taken.${mesh}.local`, mesh },
  spec: {},
};
const all = [...docs, taken];
const takenId = `VirtualService/${mesh}/${taken.metadata.name}`;

interface ChildResult {
  thrown?: string;
  errors?: { code: string; message: string }[];
  outcomes?: { id: string; outcome: string }[];
  conflicts?: string[];
}

/** A reconcile process: started once (tsx start-up is slow on a busy machine), then asked to apply set after set. */
interface Child {
  apply(docsPath: string): Promise<ChildResult>;
  stop(): void;
}

async function startChild(statePath: string): Promise<Child> {
  const args = { endpoint: emulator.endpoint, accessKeyId: MESHWARD_KEY, statePath, stack: 'reliability' };
  const script = path.join(__dirname, 'reconcile-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const waiting: ((r: ChildResult) => void)[] = [];
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') ready();
    else if (line.startsWith('RESULT ')) waiting.shift()?.(JSON.parse(line.slice(7)) as ChildResult);
  });
  child.on('close', () => {
    ready();
    for (const w of waiting.splice(0)) w({ thrown: 'the reconcile process exited' });
  });
  await isReady;
  return {
    apply: (docsPath) =>
      new Promise<ChildResult>((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${docsPath}\n`);
      }),
    stop: () => {
      clearTimeout(timer);
      child.stdin.end();
    },
  };
}

async function pair(children: readonly Child[], target: readonly ManifestDocument[], statePath: string): Promise<void> {
  const docsPath = path.join(dir, `docs-${counts.concurrentPairs}.json`);
  await writeFile(docsPath, JSON.stringify(target));
  // Both released at once: each reads the same state and the same AWS, then races the other.
  const outcomes = await Promise.all(children.map((c) => c.apply(docsPath)));
  counts.concurrentPairs += 1;
  counts.runs += 2;
  for (const o of outcomes) {
    // Losing a race is allowed (a failed create, retried next run), crashing or a broken state file is not.
    expect(o.thrown).toBeUndefined();
    expect(o.errors).toEqual([]);
    if (o.conflicts?.includes(takenId)) counts.conflictsReported += 1;
  }
  // The state file is whole: it loads, and no temporary file was left beside it.
  await expect(new FileStateStore(statePath).load('reliability')).resolves.toMatchObject({ stack: 'reliability' });
  expect((await readdir(path.dirname(statePath))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

async function converge(target: readonly ManifestDocument[], statePath: string): Promise<void> {
  const clients = meshwardClients(emulator);
  try {
    const out = await runApply(clients, new FileStateStore(statePath), target);
    counts.runs += 1;
    const bad = out.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked');
    expect(bad).toEqual([]);
    const check = await runApply(clients, new FileStateStore(statePath), target, { mode: 'plan' });
    counts.runs += 1;
    expect(pendingChanges(check)).toEqual([`conflict ${takenId}`]);
  } finally {
    clients.destroy();
  }
}

it('two simultaneous first applies and two simultaneous updates create nothing twice and keep the state whole', async () => {
  await seedAccount(emulator, all);
  const statePath = path.join(dir, 'state.json');
  // The mesh first (meshward's), so that someone else can have created a member of it before the race.
  const setup = meshwardClients(emulator);
  await runApply(
    setup,
    new FileStateStore(statePath),
    all.filter((d) => d.kind === 'Mesh'),
  );
  setup.destroy();
  const person = consoleClients(emulator);
  await person.appMesh.send(
    new CreateVirtualServiceCommand({ meshName: mesh, virtualServiceName: taken.metadata.name, spec: {} }),
  );
  person.destroy();

  const children = await Promise.all([startChild(statePath), startChild(statePath)]);
  try {
    // Simultaneous first applies of every member.
    await pair(children, all, statePath);
    await converge(all, statePath);

    // Simultaneous updates of the same resources (last writer wins with the same spec), with prune on.
    const changed = all.map((d) =>
      d.kind === 'VirtualNode' && d.metadata.name.startsWith('svc-')
        ? { ...d, metadata: { ...d.metadata, tags: { ...(d.metadata.tags ?? {}), release: '2' } } }
        : d,
    );
    await pair(children, changed, statePath);
    await converge(changed, statePath);
  } finally {
    for (const c of children) c.stop();
  }

  const writes = emulator.servedWrites();
  const duplicates = duplicateCreates(writes);
  taskDefinitionDuplicates.push(...duplicates.filter((d) => d.startsWith('TaskDefinitionFamily/')));
  expect(duplicates.filter((d) => !d.startsWith('TaskDefinitionFamily/'))).toEqual([]);
  expect(deletesBy(writes)).toEqual([]);
  expect(ownershipViolations(writes, new Set([takenId]))).toEqual([]);
  expect(counts.conflictsReported).toBeGreaterThan(0);
}, 100_000);

// Not asserted: two simultaneous creates of one ECS service may both register its task definition (each looks for
// an identical latest revision, finds none, registers), leaving a second identical revision. It depends on timing;
// the count is printed above. The Lambda avoids it with reserved concurrency 1; the CLI has no lock.
