/**
 * Peak RSS of meshward as it ships, one process per run: the compiled CLI (dist/, what `npm install meshward` runs)
 * and the bundled Lambda handler (dist/lambda/handler.js, what infra/ deploys), each on a fresh local AWS holding
 * the generated set's account infrastructure (the size is `--shipped N`, 1,000 by default).
 *
 * Why beside the scenario worker's figures: the worker runs every scenario in one process under tsx (about 30 MiB of
 * loader), with the benchmark's own set, drift picker and result records, so its high-water mark is the benchmark's,
 * cumulative over six scenarios. A user sees one `meshward apply` process, or one Lambda container kept warm across
 * scheduled invocations. Both are measured here with nothing but meshward in the process.
 *
 * CLI: first apply, plan, drift, a cold apply (--refresh) and a warm no-op apply, each a fresh `node` process with
 * the environment a user's shell gives it (MALLOC_ARENA_MAX unset: meshward does not set it for the CLI).
 * Lambda: one container (bench/lambda-invoke.js) sent a first scheduled event in enforce mode (the first apply),
 * then `RUNS_PER_HOUR` more (an hour on the 15-minute schedule), with the function's own environment
 * (infra/operator-base.ts RUNTIME_ENVIRONMENT) and its timeout as the remaining-time clock.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { RUNTIME_ENVIRONMENT } from '../infra/operator-base';
import { createAwsClients } from '../src/aws/clients';
import { seedLocalInfrastructure } from '../src/engine/session';
import { publishManifests } from '../src/operator/publish';
import { benchConditions, spawnEmulator, type EmulatorProcess } from './emulator-control';
import { generateManifestSet, writeManifestSet, type GeneratedSet } from './generate';

export interface ShippedOptions {
  size: number;
  seed: number;
  latencyMs: number;
  rateLimits: boolean;
  progress?: (line: string) => void;
}

export interface ShippedRun {
  runtime: 'cli' | 'lambda';
  /** What ran: the CLI command, or the Lambda invocation. */
  step: string;
  exitCode: number | undefined;
  wallMs: number;
  /** The process's RSS high-water mark when the run ended (for the Lambda: the container's, so far). */
  peakRssMiB: number | undefined;
}

export interface ShippedResult {
  size: number;
  resources: number;
  latencyMs: number;
  rateLimits: boolean;
  runs: ShippedRun[];
}

const ROOT = path.join(__dirname, '..');
export const CLI_ENTRY = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const LAMBDA_BUNDLE = path.join(ROOT, 'dist', 'lambda', 'handler.js');
const STACK = 'bench';
const BUCKET = 'meshward-bench';
/** infra/meshward-stack.ts: the function's default timeout (5 minutes). */
const LAMBDA_TIMEOUT_MS = 5 * 60 * 1000;
const RUNS_PER_HOUR = 4;
/** A run that takes longer than this is a hung process, not a measurement. */
const RUN_TIMEOUT_MS = 20 * 60 * 1000;
const PEAK_LINE = /^MESHWARD_BENCH_PEAK_RSS_MIB (\d+)$/m;

const CREDENTIALS = { accessKeyId: 'meshward-bench', secretAccessKey: 'bench' };

function awsEnvironment(endpoint: string): NodeJS.ProcessEnv {
  const { MALLOC_ARENA_MAX: _unset, ...rest } = process.env;
  return {
    ...rest,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    // bin/meshward.js sets this before loading dist/ (the SDK's Node.js < 22 notice); the bench starts dist/ itself.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_NO_WARNINGS: '1',
  };
}

/** Runs a node process to its end; resolves with its exit code, wall time, stdout and stderr. */
function runNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ exitCode: number | undefined; wallMs: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        exitCode: code ?? undefined,
        wallMs: Math.round(performance.now() - started),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

async function freshAccount(
  set: GeneratedSet,
  options: ShippedOptions,
): Promise<{ emulator: EmulatorProcess; s3: S3Client }> {
  const emulator = await spawnEmulator({ s3: true });
  const clients = createAwsClients({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    disableRateLimit: true,
  });
  try {
    await seedLocalInfrastructure(clients, set.docs);
  } finally {
    clients.destroy();
  }
  const s3 = new S3Client({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await emulator.setFaults(benchConditions(options));
  return { emulator, s3 };
}

async function measureCli(
  set: GeneratedSet,
  dir: string,
  manifests: string,
  options: ShippedOptions,
): Promise<ShippedRun[]> {
  const { emulator, s3 } = await freshAccount(set, options);
  const env = awsEnvironment(emulator.endpoint);
  const common = [manifests, '--stack', STACK, '--state', path.join(dir, 'cli-state.json'), '-o', 'json'];
  const commands: [string, string[]][] = [
    ['apply (first)', ['apply', '--auto-approve']],
    ['plan', ['plan']],
    ['drift', ['drift']],
    ['apply --refresh (cold)', ['apply', '--auto-approve', '--refresh']],
    ['apply (warm no-op)', ['apply', '--auto-approve']],
  ];
  const runs: ShippedRun[] = [];
  try {
    for (const [step, args] of commands) {
      options.progress?.(`shipped CLI ${options.size}: ${step}`);
      const r = await runNode(['--require', path.join(__dirname, 'peak-rss.js'), CLI_ENTRY, ...args, ...common], env);
      const peak = PEAK_LINE.exec(r.stderr)?.[1];
      if (r.exitCode !== 0)
        options.progress?.(`  exit ${r.exitCode}: ${r.stderr.replace(PEAK_LINE, '').trim().slice(-800)}`);
      runs.push({
        runtime: 'cli',
        step,
        exitCode: r.exitCode,
        wallMs: r.wallMs,
        peakRssMiB: peak ? Number(peak) : undefined,
      });
    }
  } finally {
    s3.destroy();
    await emulator.stop();
  }
  return runs;
}

async function measureLambda(set: GeneratedSet, dir: string, options: ShippedOptions): Promise<ShippedRun[]> {
  const { emulator, s3 } = await freshAccount(set, options);
  try {
    const published = await publishManifests({
      paths: ['manifests'],
      to: `s3://${BUCKET}/meshward/${STACK}`,
      revision: 'bench',
      cwd: dir,
      client: s3,
      git: {},
    });
    if (!published.ok) throw new Error(`publishing the ${options.size} set failed`);
    const env: NodeJS.ProcessEnv = {
      ...awsEnvironment(emulator.endpoint),
      ...RUNTIME_ENVIRONMENT,
      MESHWARD_STACK: STACK,
      MESHWARD_MANIFESTS: `s3://${BUCKET}/meshward/${STACK}`,
      MESHWARD_MODE: 'enforce',
    };
    options.progress?.(`shipped Lambda ${options.size}: first apply, then ${RUNS_PER_HOUR} scheduled runs`);
    const invocations = 1 + RUNS_PER_HOUR;
    const r = await runNode(
      [path.join(__dirname, 'lambda-invoke.js'), LAMBDA_BUNDLE, String(invocations), String(LAMBDA_TIMEOUT_MS)],
      env,
    );
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('INVOKE '))
      .map(
        (l) =>
          JSON.parse(l.slice('INVOKE '.length)) as {
            invocation: number;
            wallMs: number;
            status?: string;
            exitCode?: number;
            peakRssMiB: number;
          },
      );
    if (lines.length < invocations)
      options.progress?.(`  the container stopped after ${lines.length} invocations: ${r.stderr.trim().slice(-800)}`);
    return lines.map((l) => ({
      runtime: 'lambda',
      step: l.invocation === 0 ? 'first apply' : `scheduled run ${l.invocation} of ${RUNS_PER_HOUR}`,
      // The operator's exit code (0 done, 2 drift reported, ...); a status other than a reconcile is a failure.
      exitCode: l.status === 'reconciled' ? (l.exitCode ?? 0) : 1,
      wallMs: l.wallMs,
      peakRssMiB: l.peakRssMiB,
    }));
  } finally {
    s3.destroy();
    await emulator.stop();
  }
}

/** Needs `npm run build` and `npm run build:lambda` first (bench/run.ts does both). */
export async function measureShipped(options: ShippedOptions): Promise<ShippedResult> {
  const set = generateManifestSet({ resources: options.size, seed: options.seed });
  const dir = await mkdtemp(path.join(tmpdir(), `meshward-bench-shipped-${options.size}-`));
  const manifests = await writeManifestSet(set, path.join(dir, 'manifests'));
  const cli = await measureCli(set, dir, manifests, options);
  const lambda = await measureLambda(set, dir, options);
  return {
    size: options.size,
    resources: set.docs.length,
    latencyMs: options.latencyMs,
    rateLimits: options.rateLimits,
    runs: [...cli, ...lambda],
  };
}
