/**
 * The esbuild bundle, not the sources: bundling can break what tests of the sources cannot see (runtime file
 * lookups such as schemas/, dynamic requires). Builds to a temp dir and runs one S3 event through it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { buildLambda } from '../../lambda/build';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import { publishManifests } from '../../src/operator/publish';
import { MESH_YAML, manifestDir, nodeYaml } from '../operator/helpers';

const execFileAsync = promisify(execFile);
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, s3: true });
});
afterAll(async () => {
  await emulator.stop();
});

it('bundles a handler that reconciles an S3 event against the emulator', async () => {
  const out = mkdtempSync(join(tmpdir(), 'meshward-bundle-'));
  const { file, bytes } = await buildLambda(out, null);
  expect(bytes).toBeLessThan(3 * 1024 * 1024);

  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'publisher', secretAccessKey: 'x' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'bundle-bucket' }));
  const published = await publishManifests({
    paths: ['manifests'],
    to: 's3://bundle-bucket/meshward/bundle',
    cwd: manifestDir({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml() }),
    client: s3,
    git: {},
  });
  expect(published.ok).toBe(true);
  s3.destroy();

  // A fresh node process, as Lambda loads it (and outside jest's module registry).
  const event = {
    version: '0',
    id: 'bundle-1',
    source: 'aws.s3',
    'detail-type': 'Object Created',
    account: emulator.accountId,
    region: 'us-east-1',
    time: new Date().toISOString(),
    resources: [],
    detail: { bucket: { name: 'bundle-bucket' }, object: { key: 'meshward/bundle/current.json' } },
  };
  const script = `require(process.argv[1]).handler(JSON.parse(process.argv[2]))
    .then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'))
    .catch((e) => { process.stderr.write(String(e)); process.exit(1); });`;
  const { stdout } = await execFileAsync(process.execPath, ['-e', script, file, JSON.stringify(event)], {
    timeout: 20_000,
    env: {
      PATH: process.env.PATH,
      NODE_NO_WARNINGS: '1',
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'operator',
      AWS_SECRET_ACCESS_KEY: 'x',
      MESHWARD_STACK: 'bundle',
      MESHWARD_MANIFESTS: 's3://bundle-bucket/meshward/bundle',
      MESHWARD_MODE: 'enforce',
    },
  });
  const resultLine = stdout.split('\n').find((line) => line.startsWith('RESULT ')) ?? 'RESULT {}';
  expect(JSON.parse(resultLine.slice('RESULT '.length))).toMatchObject({ status: 'reconciled', exitCode: 0 });
  expect(stdout).toContain('"AppliedCount":2');
  expect(emulator.servedWrites().filter((w) => w.eventName.startsWith('Create'))).toHaveLength(2);
});
