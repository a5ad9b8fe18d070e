/**
 * Reliability: concurrent writers of one stack never lose a state record. Every apply appends one history entry,
 * so after N writer loops of K applies the history must hold N*K entries.
 * - file state: N loops of the real CLI (`bin/meshward apply`, one process per apply), racing on one state file;
 * - S3 state: N in-process loops taking the same stack lock as the CLI and the Lambda (S3 lock.json), and, as a
 *   control, the same loops without the lock: the pointer's compare-and-swap refuses the losers (CONFLICT) instead
 *   of letting them overwrite records.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createAwsClients } from '../../src/aws/clients';
import { withStackLock } from '../../src/engine/lock';
import { reconcile } from '../../src/engine/reconcile';
import { FileStateStore } from '../../src/engine/state-store';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { S3StateStore } from '../../src/operator/s3-state-store';
import { validateManifests } from '../../src/manifest/validate';
import { MESH_YAML, nodeYaml } from '../operator/helpers';

const BIN = path.resolve(__dirname, '../../bin/meshward');
const figures: string[] = [];
let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, s3: true });
  dir = await mkdtemp(path.join(tmpdir(), 'meshward-writers-'));
  await mkdir(path.join(dir, 'manifests'));
  await writeFile(path.join(dir, 'manifests', 'mesh.yaml'), `${MESH_YAML}---\n${nodeYaml('15s')}`);
});

afterAll(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  console.log(`concurrent writers: ${figures.join('; ')}`);
});

function cliApply(
  statePath: string,
  started?: (child: ReturnType<typeof spawn>) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [BIN, 'apply', 'manifests', '--auto-approve', '--state', statePath, '--lock-timeout', '120s', '-o', 'json'],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: emulator.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIAWRITERLOOP',
          AWS_SECRET_ACCESS_KEY: 'x',
          NODE_NO_WARNINGS: '1',
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
    started?.(child);
  });
}

it('Ctrl-C during an apply releases the lock file before the CLI exits (130)', async () => {
  const statePath = path.join(dir, 'sigint-state.json');
  const lockPath = `${statePath}.lock`;
  // Slow App Mesh reads keep the apply inside its lock long enough to interrupt it.
  emulator.faults.set({ latency: { fixedMs: 1500, operations: ['appmesh.*'] } });
  try {
    let interrupted = false;
    const out = await cliApply(statePath, (child) => {
      const poll = setInterval(() => {
        if (existsSync(lockPath) && !interrupted) {
          interrupted = true;
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 25);
      child.on('close', () => clearInterval(poll));
    });
    expect(interrupted).toBe(true);
    expect(out.code).toBe(130);
    expect(existsSync(lockPath)).toBe(false);
  } finally {
    emulator.faults.clear();
  }
}, 120_000);

it('N CLI apply loops on one state file lose no history record', async () => {
  const N = 4;
  const K = 2;
  const statePath = path.join(dir, 'state.json');
  const loops = Array.from({ length: N }, async () => {
    const codes: (number | null)[] = [];
    for (let k = 0; k < K; k++) {
      const out = await cliApply(statePath);
      if (out.code !== 0) throw new Error(`apply exited ${String(out.code)}: ${out.stderr}`);
      codes.push(out.code);
    }
    return codes;
  });
  await Promise.all(loops);
  const state = await new FileStateStore(statePath).load('default');
  const lost = N * K - state.history.length;
  figures.push(`file state: ${N} CLI process loops x ${K} applies, ${state.history.length} records, ${lost} lost`);
  expect(state.history).toHaveLength(N * K);
}, 300_000);

describe('S3 state', () => {
  let s3: S3Client;
  let clients: ReturnType<typeof createAwsClients>;
  beforeAll(async () => {
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAWRITERLOOP', secretAccessKey: 'x' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'writers' }));
    clients = createAwsClients({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAWRITERLOOP', secretAccessKey: 'x' },
    });
  });
  afterAll(() => {
    s3.destroy();
    clients.destroy();
  });

  async function loops(prefix: string, n: number, k: number, locked: boolean) {
    const validation = await validateManifests([path.join(dir, 'manifests')]);
    let conflicts = 0;
    let other = 0;
    await Promise.all(
      Array.from({ length: n }, async () => {
        for (let i = 0; i < k; i++) {
          const store = new S3StateStore(s3, { bucket: 'writers', prefix });
          const once = () =>
            reconcile({ mode: 'apply', stack: 'writers', store, clients, documents: validation.documents });
          try {
            if (locked)
              await withStackLock(store.locker(), { command: 'test loop', timeoutMs: 60_000, retryMs: 20 }, once);
            else await once();
          } catch (err) {
            if ((err as { code?: string }).code === 'CONFLICT') conflicts += 1;
            else other += 1;
          }
        }
      }),
    );
    const state = await new S3StateStore(s3, { bucket: 'writers', prefix }).load('writers');
    return { records: state.history.length, conflicts, other };
  }

  it('N locked writer loops lose no record', async () => {
    const N = 6;
    const K = 3;
    const out = await loops('locked', N, K, true);
    figures.push(`S3 state: ${N} locked loops x ${K} applies, ${out.records} records, ${N * K - out.records} lost`);
    expect(out).toEqual({ records: N * K, conflicts: 0, other: 0 });
  }, 120_000);

  it('without the lock, every save that lost the race is refused (CONFLICT): none overwrites a record', async () => {
    const N = 6;
    const K = 3;
    const out = await loops('unlocked', N, K, false);
    figures.push(
      `S3 state without the lock: ${N * K} applies, ${out.records} recorded, ${out.conflicts} refused with CONFLICT, ` +
        `${N * K - out.records - out.conflicts} lost silently`,
    );
    expect(out.other).toBe(0);
    expect(out.conflicts).toBeGreaterThan(0);
    expect(out.records + out.conflicts).toBe(N * K);
  }, 120_000);
});
