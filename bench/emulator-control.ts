/**
 * Starts bench/emulator-process.ts as a child process and drives it through the emulator's HTTP control plane
 * (/_emulator/stats, /_emulator/faults, /_emulator/writes), the same way any client outside the process would.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { ServedWrite } from '../src/emulator/contracts';
import type { FaultConfig } from '../src/emulator/faults';
import type { StatsSnapshot } from '../src/emulator/stats';

export interface EmulatorProcess {
  endpoint: string;
  setFaults(config: FaultConfig): Promise<void>;
  stats(): Promise<StatsSnapshot>;
  resetStats(): Promise<void>;
  writes(): Promise<ServedWrite[]>;
  /** Stops the process; resolves with its peak RSS in MiB. */
  stop(): Promise<number | undefined>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/** The conditions every benchmark run is measured under: fixed latency per call (0: none) and AWS-like limits. */
export function benchConditions(options: { seed: number; latencyMs: number; rateLimits: boolean }): FaultConfig {
  return {
    seed: options.seed,
    ...(options.latencyMs > 0 ? { latency: { fixedMs: options.latencyMs } } : {}),
    rateLimits: { enabled: options.rateLimits },
  };
}

/** `s3`: also serve S3 (the Lambda reads its manifests and state there). */
export async function spawnEmulator(options: { s3?: boolean } = {}): Promise<EmulatorProcess> {
  const script = path.join(__dirname, 'emulator-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(options.s3 ? ['--s3'] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiters: ((line: string | undefined) => void)[] = [];
  lines.on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  lines.on('close', () => {
    for (const w of waiters.splice(0)) w(undefined);
  });
  const nextLine = (timeoutMs: number): Promise<string | undefined> =>
    new Promise((resolve) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      waiters.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });

  const first = await nextLine(STARTUP_TIMEOUT_MS);
  if (first === undefined) {
    child.kill('SIGKILL');
    throw new Error('the emulator process did not start');
  }
  const { endpoint } = JSON.parse(first) as { endpoint: string };

  const control = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const request = (): Promise<Response> =>
      fetch(`${endpoint}/_emulator/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    // A keep-alive socket left idle through a long scenario can be closed by the server just as fetch reuses it
    // ("fetch failed"): the control calls are idempotent reads and resets, so one retry on a fresh socket is safe.
    const res = await request().catch(() => request());
    if (!res.ok) throw new Error(`emulator control ${method} ${route}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };

  return {
    endpoint,
    setFaults: async (config) => {
      await control('POST', 'faults', config);
    },
    stats: async () => (await control('GET', 'stats')) as StatsSnapshot,
    resetStats: async () => {
      await control('POST', 'stats/reset');
    },
    writes: async () => ((await control('GET', 'writes')) as { servedWrites: ServedWrite[] }).servedWrites,
    stop: async () => {
      child.stdin.end();
      const last = await nextLine(10_000);
      if (child.exitCode === null) child.kill('SIGKILL');
      try {
        return last ? (JSON.parse(last) as { peakRssMiB?: number }).peakRssMiB : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
