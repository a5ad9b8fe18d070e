/**
 * One writer per stack through the CLI's run(argv) entry points, against the emulator (App Mesh + S3 on one port)
 * with an S3 state: apply takes the lock (and says who holds it when it cannot), --lock-timeout waits, and plan /
 * drift write nothing, so they work with credentials that may only read.
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import * as apply from '../../src/cli/commands/apply';
import * as drift from '../../src/cli/commands/drift';
import * as plan from '../../src/cli/commands/plan';
import { acquireStackLock } from '../../src/engine/lock';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { S3Locker } from '../../src/operator/s3-lock';
import { MESH_YAML, nodeYaml } from '../operator/helpers';
import { captureIo, type CapturedIo } from './helpers';

const BUCKET = 'cli-lock-state';
const STATE = `s3://${BUCKET}/stacks/shop`;
const READER = 'AKIAREADONLYCI';
const WRITER = 'AKIAWRITERCI';

let emulator: Emulator;
let cwd: string;
let s3: S3Client;
const saved: Record<string, string | undefined> = {};

function capture(): CapturedIo {
  return captureIo(cwd);
}

function useKey(accessKeyId: string): void {
  process.env['AWS_ACCESS_KEY_ID'] = accessKeyId;
}

const puts = (): number => emulator.s3?.calls()['PutObject'] ?? 0;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, s3: true, s3Options: { readOnlyAccessKeys: [READER] } });
  for (const k of ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'])
    saved[k] = process.env[k];
  process.env['AWS_ENDPOINT_URL'] = emulator.endpoint;
  process.env['AWS_REGION'] = 'us-east-1';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'x';
  delete process.env['AWS_PROFILE'];
  useKey(WRITER);
  s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  cwd = mkdtempSync(join(tmpdir(), 'meshward-cli-lock-'));
  mkdirSync(join(cwd, 'manifests'));
  writeFileSync(join(cwd, 'manifests', 'mesh.yaml'), `${MESH_YAML}---\n${nodeYaml('15s')}`);
});

afterAll(async () => {
  s3.destroy();
  await emulator.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(cwd, { recursive: true, force: true });
});

it('apply with an S3 state takes the lock and releases it; plan and drift with read-only credentials make no PUT', async () => {
  const a = capture();
  expect(await apply.run(['manifests', '--state', STATE, '--auto-approve'], a.io)).toBe(0);

  // A manifest change, so plan and drift have something to say (pending: exit 2).
  writeFileSync(join(cwd, 'manifests', 'mesh.yaml'), `${MESH_YAML}---\n${nodeYaml('20s')}`);
  useKey(READER);
  try {
    const before = puts();
    const p = capture();
    expect(await plan.run(['manifests', '--state', STATE, '--detailed-exitcode'], p.io)).toBe(2);
    expect(p.out()).toContain('VirtualNode/shop/orders');
    const d = capture();
    expect(await drift.run(['manifests', '--state', STATE], d.io)).toBe(2);
    expect(puts()).toBe(before);

    // The same credentials cannot apply: the lock (a write) is refused before anything changes in AWS.
    const denied = capture();
    expect(await apply.run(['manifests', '--state', STATE, '--auto-approve'], denied.io)).toBe(1);
    expect(denied.err()).toMatch(/lock/);
  } finally {
    useKey(WRITER);
  }
});

it('apply while another run holds the lock exits 1 at once, naming the holder, its command and since when', async () => {
  const other = await acquireStackLock(new S3Locker(s3, { bucket: BUCKET, prefix: 'stacks/shop' }), {
    command: 'lambda: manifests published',
    owner: { who: 'meshward-reconciler', host: 'lambda', pid: 8 },
    autoRenew: false,
  });
  try {
    const a = capture();
    const t0 = Date.now();
    expect(await apply.run(['manifests', '--state', STATE, '--auto-approve'], a.io)).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(a.err()).toContain('LOCKED');
    expect(a.err()).toContain('meshward-reconciler@lambda');
    expect(a.err()).toContain('"lambda: manifests published"');
    expect(a.err()).toContain(`since ${other.record.acquiredAt}`);
    // Nothing was applied: the node still has the old timeout.
    const p = capture();
    expect(await plan.run(['manifests', '--state', STATE, '--detailed-exitcode'], p.io)).toBe(2);
  } finally {
    await other.release();
  }
});

it('--lock-timeout waits for the holder and then applies', async () => {
  const other = await acquireStackLock(new S3Locker(s3, { bucket: BUCKET, prefix: 'stacks/shop' }), {
    command: 'meshward apply',
    autoRenew: false,
  });
  setTimeout(() => void other.release(), 800);
  const a = capture();
  expect(await apply.run(['manifests', '--state', STATE, '--auto-approve', '--lock-timeout', '20s'], a.io)).toBe(0);
  const p = capture();
  expect(await plan.run(['manifests', '--state', STATE, '--detailed-exitcode'], p.io)).toBe(0);
});

it('a malformed --lock-timeout is a usage error', async () => {
  const a = capture();
  expect(await apply.run(['manifests', '--state', STATE, '--auto-approve', '--lock-timeout', 'soon'], a.io)).toBe(1);
  expect(a.err()).toContain('--lock-timeout takes a duration');
});

it('plan and drift on a file state leave the file untouched and take no lock; apply --help documents the lock', async () => {
  const statePath = join(cwd, 'file-state.json');
  const a = capture();
  expect(await apply.run(['manifests', '--state', statePath, '--auto-approve'], a.io)).toBe(0);
  const before = readFileSync(statePath, 'utf8');
  const mtime = statSync(statePath).mtimeMs;
  expect(statSync(statePath).mode & 0o777).toBe(0o600);
  const p = capture();
  expect(await plan.run(['manifests', '--state', statePath], p.io)).toBe(0);
  const d = capture();
  expect(await drift.run(['manifests', '--state', statePath], d.io)).toBe(0);
  expect(readFileSync(statePath, 'utf8')).toBe(before);
  expect(statSync(statePath).mtimeMs).toBe(mtime);
  expect(existsSync(`${statePath}.lock`)).toBe(false);

  const help = capture();
  expect(await apply.run(['--help'], help.io)).toBe(0);
  expect(help.out()).toContain('--lock-timeout DURATION');
  expect(help.out()).toContain('default 0s');
});
