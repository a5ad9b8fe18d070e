/**
 * `npx tsx bench/lambda.ts [runs]`: builds the Lambda bundle, then reports its size (raw and gzip, which tracks the
 * deployment zip) and the cold start as Lambda pays it: a fresh node process that loads handler.js (module load),
 * then the first invocation's init (configuration, SDK clients) on an event that is ignored before any network
 * call. Median of N fresh processes. Not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLambda } from '../lambda/build';

const PROBE = `
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const mod = require(process.argv[1]);
const c1 = process.cpuUsage(c0);
const t1 = process.hrtime.bigint();
mod.handler({ id: 'bench', source: 'bench', 'detail-type': 'Bench' }).then(() => {
  const t2 = process.hrtime.bigint();
  process.stdout.write(JSON.stringify({ load: Number(t1 - t0) / 1e6, init: Number(t2 - t1) / 1e6,
    loadCpu: (c1.user + c1.system) / 1000,
    rss: process.memoryUsage().rss }) + '\\n');
});
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  const { bytes, file } = await buildLambda();
  const gz = gzipSync(readFileSync(file)).byteLength;
  const env = {
    ...process.env,
    MESHWARD_STACK: 'bench',
    MESHWARD_MANIFESTS: 's3://bench-bucket/meshward/bench',
    MESHWARD_MODE: 'detect',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    NODE_NO_WARNINGS: '1',
  };
  const samples: { load: number; loadCpu: number; init: number; rss: number }[] = [];
  for (let i = 0; i < runs; i += 1) {
    const out = execFileSync(process.execPath, ['-e', PROBE, file], { env, encoding: 'utf8' });
    const line = out.trim().split('\n').pop() ?? '{}';
    samples.push(JSON.parse(line) as (typeof samples)[number]);
  }
  const result = {
    bundle: path.relative(process.cwd(), file),
    bytes,
    gzipBytes: gz,
    node: process.version,
    runs,
    moduleLoadMsMedian: Number(median(samples.map((s) => s.load)).toFixed(1)),
    // CPU time is steadier than wall time on a shared machine (load average is printed for context).
    moduleLoadCpuMsMedian: Number(median(samples.map((s) => s.loadCpu)).toFixed(1)),
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    firstInvokeInitMsMedian: Number(median(samples.map((s) => s.init)).toFixed(1)),
    rssMiB: Number((median(samples.map((s) => s.rss)) / 1048576).toFixed(1)),
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
