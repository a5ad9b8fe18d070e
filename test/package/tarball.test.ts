/**
 * The package as a user gets it: `npm pack` (its prepack builds dist/), then `npm install --omit=dev <tarball>` into
 * an empty project, then the bin from node_modules/.bin, in a real process (so Node.js and SDK warnings on stderr
 * are seen as a user sees them). Nothing here imports src/: a file missing from the tarball fails these tests.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
/** Bounds the install: the registry is reachable, but a hung network must fail the test, not stall CI. */
const INSTALL_TIMEOUT_MS = 180_000;

interface PackEntry {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let work = '';
let project = '';
let pack: PackEntry;

/** The user's environment, minus what the test runner sets: jest.config.js silences the SDK warning itself. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true' };
  for (const key of ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'AWS_ENDPOINT_URL', 'AWS_PROFILE']) {
    delete env[key];
  }
  for (const key of Object.keys(env)) if (key.startsWith('MESHWARD_') || key.startsWith('npm_')) delete env[key];
  return env;
}

async function meshward(args: string[], timeout = 60_000): Promise<Result> {
  const bin = path.join(project, 'node_modules', '.bin', 'meshward');
  try {
    const { stdout, stderr } = await run(bin, args, { cwd: project, env: userEnv(), timeout });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(
  async () => {
    work = mkdtempSync(path.join(tmpdir(), 'meshward-pack-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 32 * 1024 * 1024,
    });
    // prepack's build may print before the JSON document.
    const parsed = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as PackEntry[];
    const entry = parsed[0];
    if (entry === undefined) throw new Error(`npm pack printed no entry: ${packed.stdout}`);
    pack = entry;
    project = path.join(work, 'project');
    cpSync(path.join(ROOT, 'manifests'), path.join(project, 'manifests'), { recursive: true });
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    await run(
      'npm',
      ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, pack.filename)],
      { cwd: project, env: userEnv(), timeout: INSTALL_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 },
    );
  },
  2 * INSTALL_TIMEOUT_MS + 30_000,
);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the compiled CLI and the data it reads, not sources or tests', () => {
    const files = pack.files.map((f) => f.path);
    expect(files).toContain('bin/meshward.js');
    expect(files).toContain('dist/src/cli/main.js');
    expect(files).toContain('dist/src/cli/commands/validate.js');
    expect(files).toContain('schemas/meshward.schema.json');
    expect(files).toContain('aws-models/appmesh-2019-01-25.json');
    expect(files.filter((f) => /\.ts$|\.map$|^(src|test|infra|lambda|scripts|bench)\//.test(f))).toEqual([]);
    // A budget, so that shipping node_modules, fixtures or maps by mistake fails here (measured: ~0.32 MB).
    expect(pack.size).toBeLessThan(1024 * 1024);
  });

  it('installs with production dependencies only', () => {
    const installed = path.join(project, 'node_modules');
    for (const runtime of ['yaml', 'ajv', 's3rver', '@aws-sdk/client-app-mesh', '@aws-sdk/client-ecs']) {
      expect(existsSync(path.join(installed, runtime, 'package.json'))).toBe(true);
    }
    for (const dev of ['tsx', 'typescript', 'jest', 'ts-jest', 'esbuild', 'aws-cdk-lib']) {
      expect(existsSync(path.join(installed, dev))).toBe(false);
    }
    const manifest = JSON.parse(readFileSync(path.join(installed, 'meshward', 'package.json'), 'utf8')) as {
      private?: boolean;
    };
    expect(manifest.private).toBeUndefined();
  });
});

describe('meshward installed from the tarball', () => {
  it('prints its version', async () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const result = await meshward(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`meshward ${version}`);
  });

  it('validates the manifests of the project it is installed in (schemas found in the package)', async () => {
    const result = await meshward(['validate', 'manifests/']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ \d+ documents in \d+ files valid/);
  });

  it('plans, applies and plans again against the embedded local AWS, without SDK warnings', async () => {
    const first = await meshward(['plan', '--local', '-o', 'json']);
    expect(first.stderr).not.toMatch(/NodeVersionSupportWarning|Warning:/);
    expect(first.code).toBe(0);
    const planned = JSON.parse(first.stdout) as { exitCode: number; summary: { byAction: { create: number } } };
    expect(planned.summary.byAction.create).toBeGreaterThan(0);
    // The report states the code the process exited with.
    expect(planned.exitCode).toBe(first.code);

    const applied = await meshward(['apply', '--local', '--auto-approve']);
    expect(applied.stderr).not.toMatch(/NodeVersionSupportWarning|Warning:/);
    expect(applied.code).toBe(0);

    const again = await meshward(['plan', '--local', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 to create');

    const help = await meshward(['--help']);
    if (/^ {2}destroy /m.test(help.stdout)) {
      // The example mesh is annotated meshward.dev/deletion-protection: destroy keeps it (exit 4) and deletes the rest.
      const destroyed = await meshward(['destroy', '--local', '--auto-approve']);
      expect(destroyed.code).toBe(4);
      expect(destroyed.stdout).toContain('Mesh/shop');
      const after = await meshward(['plan', '--local', '-o', 'json']);
      const replanned = JSON.parse(after.stdout) as { summary: { byAction: { create: number } } };
      expect(replanned.summary.byAction.create).toBe(planned.summary.byAction.create - 1);
    }
  }, 120_000);

  it('reconcile --local logs strictly one JSON object per line on stderr', async () => {
    const published = await meshward([
      'publish',
      'manifests/',
      '--to',
      's3://meshward-local/meshward/default',
      '--local',
    ]);
    expect(published.code).toBe(0);
    const event = {
      version: '0',
      id: 'schedule-1',
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      account: '111122223333',
      region: 'us-east-1',
      time: '2026-11-25T17:00:00Z',
      resources: [],
      detail: {},
    };
    writeFileSync(path.join(project, 'event.json'), JSON.stringify(event));
    const result = await meshward(['reconcile', '--local', '--event', 'event.json']);
    expect([0, 2, 3]).toContain(result.code);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const parsed: unknown = JSON.parse(line);
      expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
    }
    // A usage error is a log line too, not free text.
    const wrong = await meshward(['reconcile', '--evnt', 'event.json']);
    expect(wrong.code).toBe(1);
    const [only, ...rest] = wrong.stderr.split('\n').filter((l) => l !== '');
    expect(rest).toEqual([]);
    expect(JSON.parse(only ?? '')).toMatchObject({ level: 'error', msg: expect.stringContaining('--event') });
  }, 120_000);

  it('validates and plans what publish --local uploaded, with one --local setup', async () => {
    const uri = 's3://meshward-local/meshward/default';
    expect((await meshward(['publish', 'manifests/', '--to', uri, '--local'])).code).toBe(0);
    const validated = await meshward(['validate', 's3://meshward-local/meshward/default', '--local']);
    expect(validated.code).toBe(0);
    const planned = await meshward(['plan', 's3://meshward-local/meshward/default', '--local']);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('Summary:');
    const missing = await meshward(['plan', 's3://meshward-local/meshward/nothing-here', '--local']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('manifests could not be read');
    expect(missing.stderr).not.toContain('invalid');
  }, 120_000);
});
