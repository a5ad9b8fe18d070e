/**
 * PATH may be `s3://bucket/prefix`: the set `meshward publish` uploaded there, read through the real S3 client
 * from the emulator's S3, the way CI or an operator reads it in AWS.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as graph from '../../src/cli/commands/graph';
import * as plan from '../../src/cli/commands/plan';
import * as validate from '../../src/cli/commands/validate';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { ensureBucket } from '../../src/operator/local';
import { publishManifests } from '../../src/operator/publish';
import { LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { validateManifests } from '../../src/manifest/validate';
import { captureIo, type CapturedIo } from './helpers';

const ROOT = resolve(__dirname, '../..');
const BUCKET = 'meshward-s3-source';
const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

let emulator: Emulator;
let cwd: string;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

function capture(): CapturedIo {
  return captureIo(ROOT);
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, s3: true });
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  // The standard SDK environment, as a user would export it from `meshward local`.
  process.env['AWS_ENDPOINT_URL'] = emulator.endpoint;
  process.env['AWS_REGION'] = emulator.region;
  process.env['AWS_ACCESS_KEY_ID'] = 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'local';
  const client = new S3Client({ forcePathStyle: true });
  await ensureBucket(client, BUCKET);
  const published = await publishManifests({
    paths: ['manifests/'],
    to: `s3://${BUCKET}/stacks/shop`,
    cwd: ROOT,
    client,
    revision: 'rev-s3-source',
  });
  expect(published.ok).toBe(true);
  client.destroy();
  cwd = mkdtempSync(join(tmpdir(), 'meshward-s3-source-'));
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await emulator.stop();
  rmSync(cwd, { recursive: true, force: true });
});

it('validate reads the published set from s3://', async () => {
  const c = capture();
  expect(await validate.run([`s3://${BUCKET}/stacks/shop`], c.io)).toBe(0);
  expect(c.out()).toContain('19 documents');
});

it('graph reads the published set from s3://', async () => {
  const c = capture();
  expect(await graph.run([`s3://${BUCKET}/stacks/shop`, '-o', 'mermaid'], c.io)).toBe(0);
  expect(c.out()).toContain('service-a-v2');
});

it('plan reads the published set from s3:// and plans the creates against the account', async () => {
  // The account has the clusters and namespaces the manifests assume (plan's preflight checks them).
  const clients = createAwsClients({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const v = await validateManifests([join(ROOT, 'manifests')]);
  await seedLocalInfrastructure(
    clients,
    v.documents.map((d) => d.doc),
  );
  clients.destroy();
  const c = capture();
  const code = await plan.run(
    [`s3://${BUCKET}/stacks/shop`, '--detailed-exitcode', '--state', join(cwd, 'state.json'), '-o', 'json'],
    c.io,
  );
  expect(c.err()).toBe('');
  expect(code).toBe(2);
  const report = JSON.parse(c.out()) as { summary: { byAction: Record<string, number> } };
  expect(report.summary.byAction['create']).toBe(19);
});

it('a prefix with nothing published is a clear error, not an empty (prune-everything) set', async () => {
  const c = capture();
  expect(await plan.run([`s3://${BUCKET}/stacks/nothing-here`, '--state', join(cwd, 'state.json')], c.io)).toBe(1);
  expect(c.err() + c.out()).toMatch(/nothing-here|not found|no manifests|published/i);
});
