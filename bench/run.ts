/**
 * `npm run bench [-- --sizes 10,100,1000 --latency 20 --no-rate-limits --seed 1 --plan-repeats 7]`
 *
 * For each size, a fresh worker process (bench/worker.ts) generates the manifest set, starts the emulator in a
 * process of its own and runs the five scenarios (bench/scenarios.ts). This file collects the results, prints them
 * with the minimum-call model's figures, and writes bench/results.json and bench/results.md. Not part of `npm test`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { generateManifestSet } from './generate';
import { generateLatticeSet } from './generate-lattice';
import { generateServiceConnectSet } from './generate-service-connect';
import { clientPacedFloor, firstApplyFloor, isWrite } from './minimum';
import type { ScenarioName, SizeOptions, SizeResult } from './scenarios';
import type { SetFamily, SetResult, SetSizeOptions } from './scenarios-sets';
import { measureShipped, type ShippedResult } from './shipped';
import { buildLambda } from '../lambda/build';

export interface BenchArgs {
  sizes: number[];
  latencyMs: number;
  rateLimits: boolean;
  seed: number;
  planRepeats: number;
  out: string;
  /** ECS services of the Service Connect set (0: none). */
  serviceConnect: number;
  /** Lattice resources of the VPC Lattice set (0: none). */
  lattice: number;
  /** Skip the App Mesh sizes, keeping the previous results.json's App Mesh figures. */
  appMesh: boolean;
  /** App Mesh set size measured as shipped (compiled CLI, bundled Lambda; 0: none, keeping the previous figures). */
  shipped: number;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    sizes: [10, 100, 1000],
    latencyMs: 20,
    rateLimits: true,
    seed: 1,
    planRepeats: 7,
    out: __dirname,
    serviceConnect: 100,
    lattice: 1000,
    appMesh: true,
    shipped: 1000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const [name, inline] = flag.includes('=') ? (flag.split('=', 2) as [string, string]) : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    const positive = (v: string, what: string): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${what}: not a non-negative number: ${v}`);
      return n;
    };
    switch (name) {
      case '--sizes':
        args.sizes = value()
          .split(',')
          .map((s) => Math.floor(positive(s.trim(), '--sizes')))
          .filter((n) => n > 0);
        break;
      case '--latency':
        args.latencyMs = positive(value(), '--latency');
        break;
      case '--no-rate-limits':
        args.rateLimits = false;
        break;
      case '--seed':
        args.seed = Math.floor(positive(value(), '--seed'));
        break;
      case '--plan-repeats':
        args.planRepeats = Math.max(1, Math.floor(positive(value(), '--plan-repeats')));
        break;
      case '--out':
        args.out = path.resolve(value());
        break;
      case '--service-connect':
        args.serviceConnect = Math.floor(positive(value(), '--service-connect'));
        break;
      case '--lattice':
        args.lattice = Math.floor(positive(value(), '--lattice'));
        break;
      case '--no-app-mesh':
        args.appMesh = false;
        break;
      case '--shipped':
        args.shipped = Math.floor(positive(value(), '--shipped'));
        break;
      case '--help':
      case '-h':
        process.stdout.write(
          'npm run bench -- [--sizes 10,100,1000] [--latency MS] [--no-rate-limits] [--seed N] [--plan-repeats N] [--out DIR]\n' +
            '                 [--service-connect N (ECS services, 0: none)] [--lattice N (Lattice resources, 0: none)] [--no-app-mesh]\n' +
            '                 [--shipped N (App Mesh resources run by the compiled CLI and the Lambda bundle, 0: none)]\n',
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown flag ${flag} (try --help)`);
    }
  }
  if (args.sizes.length === 0 && args.appMesh) throw new Error('--sizes: no size given');
  return args;
}

/**
 * Worst case per size, to stop a wedged run: 15 minutes, or three times the first apply's serial rate-limit floor
 * plus 15 minutes for the larger sets (a fixed 15 minutes is below the floor itself from about 3,000 resources).
 */
export function workerTimeoutMs(size: number, rateLimits: boolean): number {
  const base = 15 * 60 * 1000;
  if (!rateLimits) return base;
  // Generating a set is cheap (tens of ms at 5,000), and the set's counts are what the floor needs.
  const counts = generateManifestSet({ resources: size }).counts;
  return base + Math.ceil(3 * firstApplyFloor(counts).serial * 1000);
}

function runWorker(options: SizeOptions): Promise<SizeResult> {
  return spawnWorker<SizeResult>(
    'worker.ts',
    options,
    workerTimeoutMs(options.size, options.rateLimits),
    `size ${options.size}`,
  );
}

/**
 * A Service Connect or Lattice set's worst case: 15 minutes, plus three times its task definitions' registration
 * floor (1/s sustained after a burst of 20) when rate limits are on.
 */
export function setWorkerTimeoutMs(ecsServices: number, rateLimits: boolean): number {
  return 15 * 60 * 1000 + (rateLimits ? 3 * Math.max(0, ecsServices - 20) * 1000 : 0);
}

function runSetWorker(options: SetSizeOptions, ecsServices: number): Promise<SetResult> {
  return spawnWorker<SetResult>(
    'worker-sets.ts',
    options,
    setWorkerTimeoutMs(ecsServices, options.rateLimits),
    `${options.family} ${options.size}`,
  );
}

function spawnWorker<T>(file: string, options: unknown, timeoutMs: number, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(__dirname, file), JSON.stringify(options)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        // MALLOC_ARENA_MAX=2: V8's background threads (concurrent compilation and marking) each get a glibc
        // malloc arena, which keeps what they freed; measured, that retained memory was the largest part of the
        // peak RSS beyond the V8 heap (about 25-30 MiB at 1,000 resources). Run meshward the same way (README).
        env: { MALLOC_ARENA_MAX: '2', ...process.env, NODE_NO_WARNINGS: '1' },
      },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let result: T | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice('RESULT '.length)) as T;
      else process.stdout.write(`${line}\n`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`${label}: worker exited with ${signal ?? code} and no result`));
    });
  });
}

const SCENARIO_LABEL: Record<ScenarioName, string> = {
  validate: '(a) validate only',
  'first-apply': '(b) first apply',
  'warm-noop': '(c) no-op, warm cache',
  'cold-noop': '(d) no-op, cold cache',
  drift: '(e) 1% drift',
  hour: '(f) an hour, 15-min schedule',
};

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The calls meshward made beyond the minimum, by operation: where the ratio's excess comes from. */
export function excessOf(calls: Record<string, number>, minimum: Record<string, number> | undefined): string {
  if (!minimum) return '';
  const parts: string[] = [];
  for (const key of [...new Set([...Object.keys(calls), ...Object.keys(minimum)])].sort()) {
    const d = (calls[key] ?? 0) - (minimum[key] ?? 0);
    if (d !== 0) parts.push(`${key.slice(key.indexOf('.') + 1)} ${d > 0 ? '+' : ''}${d}`);
  }
  return parts.join(', ');
}

export function renderMarkdown(results: readonly SizeResult[], meta: Record<string, string>): string {
  const lines: string[] = [];
  lines.push('# meshward benchmark results', '');
  lines.push(
    Object.entries(meta)
      .map(([k, v]) => `${k}: ${v}`)
      .join(' · '),
    '',
  );
  lines.push(
    '| size (App Mesh + ECS) | scenario | AWS calls | writes | minimum | ratio | describe-everything | throttled | wall | peak RSS | peak heap used |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of results) {
    const size = `${fmt(r.counts.appMeshResources)} + ${fmt(r.counts.ecsServices)}`;
    for (const s of r.scenarios) {
      const drift =
        s.minimumWrites !== undefined ? ` (${fmt(s.minimumTotal - s.minimumWrites)} + ${s.minimumWrites} writes)` : '';
      lines.push(
        `| ${size} | ${SCENARIO_LABEL[s.name]} | ${fmt(s.totalCalls)} | ${fmt(s.writes)} | ${fmt(s.minimumTotal)}${drift} | ` +
          `${s.ratio === undefined ? '—' : s.ratio.toFixed(2)} | ${fmt(s.describeEverything)} | ${fmt(s.throttled)} | ` +
          `${(s.wallMs / 1000).toFixed(2)} s | ${s.peakRssMiB} MiB | ${s.peakHeapMiB === undefined ? '—' : `${s.peakHeapMiB} MiB`} |`,
      );
    }
  }
  lines.push(
    '',
    '| size | plan step CPU (diff + plan) | desired stage CPU (toApi + normalize + digest) | peak RSS | emulator peak RSS | converged |',
  );
  lines.push('|---|---:|---:|---:|---:|---|');
  for (const r of results) {
    lines.push(
      `| ${fmt(r.counts.appMeshResources)} + ${fmt(r.counts.ecsServices)} | ${r.planCpu.diffPlanMs.toFixed(1)} ms | ` +
        `${r.planCpu.desiredMs.toFixed(1)} ms | ${r.peakRssMiB} MiB | ${r.emulatorPeakRssMiB ?? '—'} MiB | ${r.converged ? 'yes' : 'NO'} |`,
    );
  }
  lines.push(
    '',
    '## First apply against the rate-limit floor; CPU per 1,000 resources',
    '',
    'floor: the slowest write bucket drained with every bucket busy at once (`overlapped`); `serial` drains App Mesh ' +
      "first, then ECS (`firstApplyFloor` in minimum.ts); at meshward's pacing: the same with its own client-side " +
      "buckets, 10% under AWS's (`clientPacedFloor`). CPU per 1,000 App Mesh resources shows how each side scales: " +
      'flat is linear.',
    '',
    "| size | first apply wall | floor (overlapped) | wall / floor | floor (serial) | floor at meshward's pacing | wall / that floor | meshward CPU / 1k, apply · cold no-op | emulator CPU / 1k, apply · cold no-op |",
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of results) {
    const floor = firstApplyFloor(r.counts);
    const paced = clientPacedFloor(r.counts);
    const first = r.scenarios.find((s) => s.name === 'first-apply');
    const cold = r.scenarios.find((s) => s.name === 'cold-noop');
    const perK = (ms: number | undefined): string =>
      ms === undefined ? '—' : `${fmt((ms * 1000) / Math.max(1, r.counts.appMeshResources))} ms`;
    const wall = first ? first.wallMs / 1000 : undefined;
    lines.push(
      `| ${fmt(r.counts.appMeshResources)} + ${fmt(r.counts.ecsServices)} | ${wall === undefined ? '—' : `${wall.toFixed(1)} s`} | ` +
        `${floor.overlapped.toFixed(1)} s | ${wall !== undefined && r.rateLimits && floor.overlapped > 0 ? (wall / floor.overlapped).toFixed(2) : '—'} | ` +
        `${floor.serial.toFixed(1)} s | ${paced.toFixed(1)} s | ${wall !== undefined && r.rateLimits && paced > 0 ? (wall / paced).toFixed(2) : '—'} | ${perK(first?.cpuMs)} · ${perK(cold?.cpuMs)} | ${perK(first?.emulatorCpuMs)} · ${perK(cold?.emulatorCpuMs)} |`,
    );
  }
  lines.push('', '## Calls beyond the minimum, by operation', '');
  for (const r of results) {
    for (const s of r.scenarios) {
      // Drift's minimum counts its reverting writes as a number, not by operation: list only the reads beyond it.
      const calls =
        s.minimumWrites === undefined
          ? s.calls
          : Object.fromEntries(Object.entries(s.calls).filter(([k]) => !isWrite(k)));
      const excess = excessOf(calls, s.minimum);
      const throttled = Object.entries(s.throttledBy)
        .map(([k, n]) => `${k.slice(k.indexOf('.') + 1)} ${n}`)
        .join(', ');
      const extra = [excess, throttled ? `throttled: ${throttled}` : '', ...s.notes].filter((x) => x !== '').join('; ');
      if (extra) lines.push(`- ${fmt(r.counts.appMeshResources)} / ${SCENARIO_LABEL[s.name]}: ${extra}`);
    }
  }
  lines.push('', '## Set shapes', '');
  for (const r of results) {
    const k = r.counts.byKind;
    lines.push(
      `- ${fmt(r.counts.appMeshResources)}: ${r.counts.meshes.length} mesh(es); ${k.VirtualNode} nodes, ${k.VirtualService} services, ` +
        `${k.VirtualRouter} routers, ${k.Route} routes, ${k.VirtualGateway} gateways, ${k.GatewayRoute} gateway routes, ` +
        `${k.EcsService} ECS services (${r.counts.registeredEcsServices} in Cloud Map)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The goal the shipped runs are held to (issue 14): a 1,000-resource run's peak RSS under 200 MiB. */
export const SHIPPED_PEAK_GOAL_MIB = 200;

/** Peak RSS of the compiled CLI and the bundled Lambda, one process per run (bench/shipped.ts). */
export function renderShippedMarkdown(shipped: ShippedResult | undefined): string {
  if (!shipped || shipped.runs.length === 0) return '';
  const lines: string[] = [
    '',
    `## Peak RSS as shipped: ${fmt(shipped.resources)} resources, one process per run`,
    '',
    `The compiled CLI (dist/, a fresh \`node\` process per command) and the bundled Lambda handler (one container, ` +
      `the first apply then an hour of 15-minute scheduled runs), each on a fresh local AWS at ${shipped.latencyMs} ms ` +
      `per call, rate limits ${shipped.rateLimits ? 'on' : 'off'} (bench/shipped.ts). Goal: under ` +
      `${SHIPPED_PEAK_GOAL_MIB} MiB. The table above is the benchmark worker's: every scenario in one tsx process.`,
    '',
    '| runtime | run | exit | wall | peak RSS | under the goal |',
    '|---|---|---:|---:|---:|---|',
  ];
  for (const r of shipped.runs) {
    lines.push(
      `| ${r.runtime === 'cli' ? 'CLI' : 'Lambda (one container)'} | ${r.step} | ${r.exitCode ?? '—'} | ` +
        `${(r.wallMs / 1000).toFixed(2)} s | ${r.peakRssMiB === undefined ? '—' : `${r.peakRssMiB} MiB`} | ` +
        `${r.peakRssMiB !== undefined && r.peakRssMiB < SHIPPED_PEAK_GOAL_MIB ? 'yes' : 'NO'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const SET_LABEL: Record<SetFamily, string> = { 'service-connect': 'Service Connect', lattice: 'VPC Lattice' };

/** The Service Connect and Lattice sets' section of results.md (appended after the App Mesh one). */
export function renderSetsMarkdown(sets: readonly SetResult[], meta?: Record<string, string>): string {
  if (sets.length === 0) return '';
  const lines: string[] = ['', '## Service Connect and VPC Lattice sets (no App Mesh)', ''];
  if (meta) {
    lines.push(
      Object.entries(meta)
        .map(([k, v]) => `${k}: ${v}`)
        .join(' · '),
      '',
    );
  }
  lines.push(
    'Minimum-calls models: bench/README.md ("Service Connect" and "VPC Lattice"); `minimum-sets.ts`.',
    '',
    '| set (resources + ECS) | scenario | AWS calls | writes | minimum | ratio | describe-everything | throttled | wall | peak RSS |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of sets) {
    const managed = r.resources - r.ecsServices;
    const size = `${SET_LABEL[r.family]} ${fmt(managed)} + ${fmt(r.ecsServices)}`;
    for (const s of r.scenarios) {
      lines.push(
        `| ${size} | ${SCENARIO_LABEL[s.name]} | ${fmt(s.totalCalls)} | ${fmt(s.writes)} | ${fmt(s.minimumTotal)} | ` +
          `${s.ratio === undefined ? '—' : s.ratio.toFixed(2)} | ${fmt(s.describeEverything)} | ${fmt(s.throttled)} | ` +
          `${(s.wallMs / 1000).toFixed(2)} s | ${s.peakRssMiB} MiB |`,
      );
    }
  }
  lines.push('', '| set | converged | emulator peak RSS |', '|---|---|---:|');
  for (const r of sets) {
    lines.push(
      `| ${SET_LABEL[r.family]} ${fmt(r.size)} | ${r.converged ? 'yes' : `NO (${r.unconverged.slice(0, 5).join(', ')})`} | ` +
        `${r.emulatorPeakRssMiB ?? '—'} MiB |`,
    );
  }
  lines.push('', '### Calls beyond the minimum, by operation', '');
  for (const r of sets) {
    for (const s of r.scenarios) {
      const excess = excessOf(s.calls, s.minimum);
      const extra = [excess, ...s.notes].filter((x) => x !== '').join('; ');
      if (extra) lines.push(`- ${SET_LABEL[r.family]} ${fmt(r.size)} / ${SCENARIO_LABEL[s.name]}: ${extra}`);
    }
  }
  lines.push('', '### Set shapes', '');
  for (const r of sets) {
    if (r.family === 'lattice' && 'byKind' in r.counts) {
      const k = r.counts.byKind;
      lines.push(
        `- VPC Lattice ${fmt(r.size)}: ${k.LatticeServiceNetwork} networks (${k.LatticeServiceNetworkVpcAssociation} VPC associations), ` +
          `${k.LatticeService} services (${k.LatticeServiceNetworkServiceAssociation} associated), ${k.LatticeListener} listeners, ` +
          `${k.LatticeRule} rules, ${k.LatticeTargetGroup} target groups, ${k.LatticeAccessLogSubscription} access log subscriptions, ` +
          `${k.LatticeAuthPolicy} auth policies, ${k.EcsService} ECS services attached`,
      );
    } else if ('namespaces' in r.counts) {
      const c = r.counts;
      const roles = { client: 0, http: 0, grpc: 0, tcp: 0 };
      for (const n of c.namespaces)
        for (const [role, v] of Object.entries(n.roles)) roles[role as keyof typeof roles] += v;
      lines.push(
        `- Service Connect ${fmt(r.size)}: ${c.namespaces.length} HTTP namespaces, ${c.ecsServices} ECS services ` +
          `(${roles.http} HTTP, ${roles.grpc} gRPC, ${roles.tcp} TCP servers, ${roles.client} client-only; ${c.autoscaled} without desiredCount; ` +
          `strategies ${Object.entries(c.strategies)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    latency: `${args.latencyMs} ms per call`,
    'emulator rate limits': args.rateLimits ? 'AWS-like (on)' : 'off',
    'load average at start': (loadavg()[0] ?? 0).toFixed(2),
  };
  process.stdout.write(
    `meshward bench: sizes ${args.sizes.join(', ')}; ${meta.latency}; rate limits ${meta['emulator rate limits']}\n`,
  );
  const results: SizeResult[] = [];
  for (const size of args.appMesh ? args.sizes : []) {
    const t0 = performance.now();
    process.stdout.write(`size ${size}...\n`);
    results.push(
      await runWorker({
        size,
        latencyMs: args.latencyMs,
        rateLimits: args.rateLimits,
        seed: args.seed,
        planRepeats: args.planRepeats,
      }),
    );
    process.stdout.write(`size ${size} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const sets: SetResult[] = [];
  const families: [SetFamily, number][] = [
    ['service-connect', args.serviceConnect],
    ['lattice', args.lattice],
  ];
  for (const [family, size] of families) {
    if (size <= 0) continue;
    const t0 = performance.now();
    process.stdout.write(`${family} ${size}...\n`);
    // Generating is cheap; the set's ECS services set the worker's time bound.
    const ecs =
      family === 'lattice'
        ? generateLatticeSet({ resources: size, seed: args.seed }).counts.ecsServices
        : generateServiceConnectSet({ services: size, seed: args.seed }).counts.ecsServices;
    sets.push(
      await runSetWorker(
        { family, size, latencyMs: args.latencyMs, rateLimits: args.rateLimits, seed: args.seed },
        ecs,
      ),
    );
    process.stdout.write(`${family} ${size} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  let shipped: ShippedResult | undefined;
  if (args.shipped > 0) {
    const t0 = performance.now();
    process.stdout.write(`shipped ${args.shipped}: building dist/ and the Lambda bundle...\n`);
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
    await buildLambda();
    shipped = await measureShipped({
      size: args.shipped,
      seed: args.seed,
      latencyMs: args.latencyMs,
      rateLimits: args.rateLimits,
      progress: (line) => process.stdout.write(`  ${line}\n`),
    });
    process.stdout.write(`shipped ${args.shipped} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const elapsed = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  // --no-app-mesh: the App Mesh figures stay those of the previous run, with that run's metadata.
  // What a partial run keeps of the previous one (read before results.json is rewritten below).
  const previous =
    args.appMesh && args.shipped > 0 ? undefined : await readPrevious(path.join(args.out, 'results.json'));
  let appMeshMeta: Record<string, string> = { ...meta, 'total bench time': elapsed };
  let appMeshResults: readonly SizeResult[] = results;
  let setsMeta: Record<string, string> | undefined;
  if (!args.appMesh) {
    appMeshResults = previous?.results ?? [];
    appMeshMeta = previous?.meta ? previousMeta(previous.meta) : appMeshMeta;
    setsMeta = { ...meta, 'total bench time': elapsed };
  }
  // --shipped 0: the shipped figures stay those of the previous run.
  shipped ??= previous?.shipped;
  const fleet = handWritten(await readFile(path.join(args.out, 'results.md'), 'utf8').catch(() => ''));
  const markdown =
    renderMarkdown(appMeshResults, appMeshMeta) +
    renderShippedMarkdown(shipped) +
    (fleet ? `\n${fleet}` : '') +
    renderSetsMarkdown(sets, setsMeta);
  await mkdir(args.out, { recursive: true });
  await writeFile(
    path.join(args.out, 'results.json'),
    `${JSON.stringify(
      {
        meta: args.appMesh ? { ...meta, elapsed } : appMeshMeta,
        results: appMeshResults,
        ...(setsMeta ? { setsMeta } : {}),
        sets,
        ...(shipped ? { shipped } : {}),
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(path.join(args.out, 'results.md'), markdown);
  process.stdout.write(`\n${markdown}\nwrote ${path.join(args.out, 'results.json')} and results.md (${elapsed})\n`);
  const failed =
    results.some((r) => !r.converged) ||
    sets.some((r) => !r.converged) ||
    (args.shipped > 0 && (shipped?.runs ?? []).some((r) => r.exitCode !== 0 && r.exitCode !== 2));
  if (failed) process.exitCode = 1;
}

/** The hand-written Fleet section of a previous results.md (bench:fleet's figures), kept when regenerating. */
export function handWritten(markdown: string): string {
  const start = markdown.indexOf('\n## Fleet (');
  if (start < 0) return '';
  const end = markdown.indexOf('\n## Service Connect and VPC Lattice sets', start + 1);
  return `${markdown.slice(start + 1, end < 0 ? undefined : end).trimEnd()}\n`;
}

interface PreviousResults {
  meta?: Record<string, string>;
  results?: SizeResult[];
  shipped?: ShippedResult;
}

async function readPrevious(file: string): Promise<PreviousResults | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PreviousResults;
  } catch {
    return undefined;
  }
}

/** The previous run's metadata as renderMarkdown shows it (`elapsed` as `total bench time`). */
function previousMeta(meta: Record<string, string>): Record<string, string> {
  const { elapsed, ...rest } = meta;
  return elapsed === undefined ? rest : { ...rest, 'total bench time': elapsed };
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
