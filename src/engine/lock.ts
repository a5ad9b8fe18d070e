/**
 * One writer per stack (DESIGN.md "Ownership and safety"): every command that writes state (apply, the Lambda)
 * holds the stack's lock from loading the state to saving it. A lock is a small JSON record naming its holder,
 * with an expiry, so a holder that died (kill -9, a Lambda timeout) stops blocking once the expiry passed; a live
 * holder renews it. Backends: an O_EXCL lock file beside a file state (here) and an S3 object written with
 * `If-None-Match: *` beside an S3 state (src/operator/s3-lock.ts). plan and drift take no lock and write nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { MeshwardError } from '../core/errors';

export interface LockOwner {
  /** Who: the OS user (CLI) or the function name (Lambda). */
  who: string;
  host: string;
  pid: number;
  /** Unique per run: tells this run's lock from an older one of the same process. */
  runId: string;
  /** e.g. "meshward apply" or "lambda: schedule". */
  command: string;
}

export interface LockRecord {
  formatVersion: 1;
  /** What is locked, for the message (a state path or s3:// URI). */
  resource: string;
  owner: LockOwner;
  acquiredAt: string;
  expiresAt: string;
}

export interface HeldLock {
  readonly record: LockRecord;
  /** Pushes the expiry out by the lock's time-to-live (a long apply keeps its lock). */
  renew(): Promise<void>;
  /** Removes the lock if it is still this run's (never another run's that took over an expired one). */
  release(): Promise<void>;
}

/** One attempt: the lock, or the record of whoever holds it (after taking over an expired one when possible). */
export interface StackLocker {
  describe(): string;
  tryAcquire(record: LockRecord, now: Date): Promise<{ held: HeldLock } | { holder: LockRecord | undefined }>;
}

export interface LockingStateStore {
  locker(): StackLocker;
}

export function hasLocker(store: object): store is LockingStateStore {
  return typeof (store as Partial<LockingStateStore>).locker === 'function';
}

export class StackLockedError extends MeshwardError {
  override readonly name = 'StackLockedError';
  constructor(
    readonly resource: string,
    readonly holder: LockRecord | undefined,
    waitedMs: number,
  ) {
    super('LOCKED', lockedMessage(resource, holder, waitedMs));
  }
}

function lockedMessage(resource: string, holder: LockRecord | undefined, waitedMs: number): string {
  const waited = waitedMs >= 1000 ? ` after waiting ${Math.round(waitedMs / 1000)}s` : '';
  if (!holder) return `LOCKED: state ${resource} is locked by another run${waited} (raise --lock-timeout to wait)`;
  const o = holder.owner;
  return (
    `LOCKED: state ${resource} is locked${waited}: held by ${o.who}@${o.host} (pid ${o.pid}, run ${o.runId}) running ` +
    `"${o.command}" since ${holder.acquiredAt}, expires ${holder.expiresAt}. Wait for it to finish, raise ` +
    `--lock-timeout to wait longer, or, if that run is gone, wait for the expiry.`
  );
}

export interface AcquireOptions {
  command: string;
  /** How long to wait for a held lock (0 = fail at once, like terraform's default). */
  timeoutMs?: number;
  /** Lock lifetime without renewal; a live holder renews at a third of it. */
  ttlMs?: number;
  retryMs?: number;
  owner?: Partial<LockOwner>;
  now?: () => Date;
  /** Renew in the background (default true); the Lambda sets a ttl that outlives its own timeout instead. */
  autoRenew?: boolean;
}

export const DEFAULT_LOCK_TTL_MS = 10 * 60 * 1000;

export function defaultOwner(command: string): LockOwner {
  let who = process.env['USER'] ?? 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep $USER.
  }
  return { who, host: hostname(), pid: process.pid, runId: randomUUID(), command };
}

/** Every lock this process holds, so a signal releases them before exiting. */
const heldByProcess = new Set<HeldLock>();

/** Attempts in flight: a signal that arrives while a lock is being created must still release it. */
const acquiring = new Set<Promise<unknown>>();

export function locksHeld(): readonly HeldLock[] {
  return [...heldByProcess];
}

/** Every lock this process holds or is acquiring, released (the CLI's signal handlers). */
export async function releaseAllLocks(): Promise<void> {
  await Promise.allSettled([...acquiring]);
  await Promise.allSettled([...heldByProcess].map((l) => l.release()));
}

export async function acquireStackLock(locker: StackLocker, options: AcquireOptions): Promise<HeldLock> {
  const now = options.now ?? (() => new Date());
  const ttl = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const timeout = options.timeoutMs ?? 0;
  const retry = options.retryMs ?? 1000;
  const owner: LockOwner = { ...defaultOwner(options.command), ...options.owner };
  const started = Date.now();
  for (;;) {
    const at = now();
    const record: LockRecord = {
      formatVersion: 1,
      resource: locker.describe(),
      owner,
      acquiredAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + ttl).toISOString(),
    };
    const tracked = locker
      .tryAcquire(record, at)
      .then((a) => ('held' in a ? { held: track(a.held, ttl, options.autoRenew ?? true) } : a));
    acquiring.add(tracked);
    const attempt = await tracked.finally(() => acquiring.delete(tracked));
    if ('held' in attempt) return attempt.held;
    const waited = Date.now() - started;
    if (waited >= timeout) throw new StackLockedError(locker.describe(), attempt.holder, waited);
    await new Promise((r) => setTimeout(r, Math.min(retry, Math.max(1, timeout - waited))));
  }
}

function track(lock: HeldLock, ttl: number, autoRenew: boolean): HeldLock {
  heldByProcess.add(lock);
  const timer = autoRenew
    ? setInterval(
        () => {
          // A renewal that fails leaves the old expiry: the save's compare-and-swap still stops a second writer.
          lock.renew().catch(() => undefined);
        },
        Math.max(1000, Math.floor(ttl / 3)),
      )
    : undefined;
  timer?.unref();
  return {
    get record() {
      return lock.record;
    },
    renew: () => lock.renew(),
    release: async () => {
      if (timer) clearInterval(timer);
      heldByProcess.delete(lock);
      await lock.release();
    },
  };
}

/** Runs `fn` holding the lock; released on return, on a throw and (CLI) on SIGINT/SIGTERM. */
export async function withStackLock<T>(
  locker: StackLocker | undefined,
  options: AcquireOptions,
  fn: (lock: HeldLock | undefined) => Promise<T>,
): Promise<T> {
  if (!locker) return fn(undefined);
  const lock = await acquireStackLock(locker, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release().catch(() => undefined);
  }
}

export function isExpired(record: LockRecord, now: Date): boolean {
  const t = Date.parse(record.expiresAt);
  return Number.isNaN(t) || t <= now.getTime();
}

/** A holder on this host whose process is gone cannot be running any more: its lock is stale now. */
export function holderIsDead(record: LockRecord): boolean {
  if (record.owner.host !== hostname() || record.owner.pid === process.pid) return false;
  try {
    process.kill(record.owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function parseLockRecord(text: string): LockRecord | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockRecord>;
    if (v.formatVersion !== 1 || typeof v.expiresAt !== 'string' || typeof v.owner !== 'object' || !v.owner)
      return undefined;
    return v as LockRecord;
  } catch {
    return undefined;
  }
}

/**
 * `<state>.lock` beside a file state, created with O_EXCL (mode 0600). An expired lock is taken over under a
 * second O_EXCL file (`.takeover`), so two runs finding the same stale lock cannot both win.
 */
export class FileLocker implements StackLocker {
  readonly path: string;

  constructor(
    statePath: string,
    private readonly label: string = statePath,
  ) {
    this.path = `${statePath}.lock`;
  }

  describe(): string {
    return this.label;
  }

  private async create(record: LockRecord): Promise<boolean> {
    try {
      const fh = await open(this.path, 'wx', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
      } finally {
        await fh.close();
      }
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        await mkdir(dirname(this.path), { recursive: true });
        return this.create(record);
      }
      throw new MeshwardError('STATE_CORRUPT', `cannot create lock ${this.path}`, { cause: err });
    }
  }

  private async read(): Promise<{ text: string; record: LockRecord | undefined } | undefined> {
    try {
      const text = await readFile(this.path, 'utf8');
      return { text, record: parseLockRecord(text) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private held(record: LockRecord): HeldLock {
    let current = record;
    const mine = (r: LockRecord | undefined): boolean => r?.owner.runId === record.owner.runId;
    return {
      get record() {
        return current;
      },
      renew: async () => {
        const seen = await this.read();
        if (!mine(seen?.record)) return;
        const next = { ...current, expiresAt: new Date(Date.now() + lifetime(record)).toISOString() };
        // Write beside and rename: a reader never sees half a lock record.
        const tmp = `${this.path}.${randomUUID()}.tmp`;
        const fh = await open(tmp, 'wx', 0o600);
        await fh.writeFile(`${JSON.stringify(next, null, 2)}\n`, 'utf8').finally(() => fh.close());
        await rename(tmp, this.path);
        current = next;
      },
      release: async () => {
        const seen = await this.read();
        if (mine(seen?.record)) await unlink(this.path).catch(() => undefined);
      },
    };
  }

  async tryAcquire(record: LockRecord, now: Date): Promise<{ held: HeldLock } | { holder: LockRecord | undefined }> {
    if (await this.create(record)) return { held: this.held(record) };
    const seen = await this.read();
    if (!seen) return this.create(record).then((ok) => (ok ? { held: this.held(record) } : { holder: undefined }));
    // An unreadable lock file is treated as expired once it is older than a lock's lifetime.
    const stale = seen.record
      ? isExpired(seen.record, now) || holderIsDead(seen.record)
      : await this.olderThan(this.path, lifetime(record), now);
    if (!stale) return { holder: seen.record };
    const takeover = `${this.path}.takeover`;
    if (await this.olderThan(takeover, 30_000, now)) await unlink(takeover).catch(() => undefined);
    let fh;
    try {
      fh = await open(takeover, 'wx', 0o600);
    } catch {
      return { holder: seen.record };
    }
    try {
      await fh.close();
      const again = await this.read();
      // Someone else replaced the stale lock meanwhile: theirs is fresh.
      if (again && again.text !== seen.text) return { holder: again.record };
      await unlink(this.path).catch(() => undefined);
      return (await this.create(record)) ? { held: this.held(record) } : { holder: (await this.read())?.record };
    } finally {
      await unlink(takeover).catch(() => undefined);
    }
  }

  private async olderThan(path: string, ms: number, now: Date): Promise<boolean> {
    try {
      return now.getTime() - (await stat(path)).mtimeMs > ms;
    } catch {
      return false;
    }
  }
}

function lifetime(record: LockRecord): number {
  return Math.max(1000, Date.parse(record.expiresAt) - Date.parse(record.acquiredAt));
}

/** In one process (MemoryStateStore: tests, the demo). */
export class MemoryLocker implements StackLocker {
  private current: LockRecord | undefined;

  describe(): string {
    return 'memory';
  }

  async tryAcquire(record: LockRecord, now: Date): Promise<{ held: HeldLock } | { holder: LockRecord | undefined }> {
    if (this.current && !isExpired(this.current, now)) return { holder: this.current };
    this.current = record;
    return {
      held: {
        record,
        renew: async () => undefined,
        release: async () => {
          if (this.current?.owner.runId === record.owner.runId) this.current = undefined;
        },
      },
    };
  }
}
