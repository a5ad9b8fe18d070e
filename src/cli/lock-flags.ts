/**
 * `--lock-timeout DURATION` and the stack lock around a command that writes state (apply; destroy when it exists).
 * Like terraform: the default is 0s, fail at once with the holder named; a duration waits and retries.
 */
import { hasLocker, releaseAllLocks, withStackLock, type HeldLock } from '../engine/lock';
import type { StateStore } from '../core/model';
import { UsageError } from './output';

export const LOCK_OPTIONS = {
  'lock-timeout': { type: 'string' },
} as const;

export const LOCK_HELP = `  --lock-timeout DURATION  wait this long for another run's lock on the state (e.g. 30s, 5m; default 0s:
                           fail at once, naming the holder)`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "0s", "30s", "5m", "1h", "500ms" -> milliseconds; a bare number is seconds. */
export function parseLockTimeout(value: string | undefined): number {
  if (value === undefined) return 0;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m?.[1]) throw new UsageError(`--lock-timeout takes a duration such as 0s, 30s or 5m, got "${value}"`);
  const ms = Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
  if (!Number.isFinite(ms) || ms > 24 * 3_600_000)
    throw new UsageError(`--lock-timeout is at most 24h, got "${value}"`);
  return Math.round(ms);
}

let signalsInstalled = false;

/** Ctrl-C (or a CI cancel) must not leave the lock behind for its whole expiry. */
function releaseOnSignals(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      void releaseAllLocks().finally(() => process.exit(code));
    });
  }
}

/** Runs `fn` holding the state's lock (when the store has one). */
export async function withCliLock<T>(
  store: StateStore,
  command: string,
  timeoutMs: number,
  fn: (lock: HeldLock | undefined) => Promise<T>,
): Promise<T> {
  if (!hasLocker(store)) return fn(undefined);
  releaseOnSignals();
  return withStackLock(store.locker(), { command, timeoutMs }, fn);
}
