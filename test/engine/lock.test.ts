/** The file lock beside a file state: one holder, a clear message naming it, stale takeover, waiting, 0600. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLocker, type LockRecord, StackLockedError, acquireStackLock, withStackLock } from '../../src/engine/lock';
import { FileStateStore, emptyState } from '../../src/engine/state-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshward-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const statePath = (): string => join(dir, 'state.json');

it('a second run is refused at once with LOCKED, naming the holder, its command and since when', async () => {
  const locker = new FileLocker(statePath());
  const held = await acquireStackLock(locker, {
    command: 'meshward apply',
    owner: { who: 'alice', runId: 'run-1' },
    autoRenew: false,
  });
  const err = await acquireStackLock(new FileLocker(statePath()), { command: 'meshward apply' }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StackLockedError);
  const locked = err as StackLockedError;
  expect(locked.code).toBe('LOCKED');
  expect(locked.message).toContain('LOCKED');
  expect(locked.message).toContain(`alice@${hostname()}`);
  expect(locked.message).toContain('"meshward apply"');
  expect(locked.message).toContain(`since ${held.record.acquiredAt}`);
  expect(locked.message).toContain('--lock-timeout');
  // The lock file holds the same record, readable by its owner only.
  expect(JSON.parse(readFileSync(locker.path, 'utf8'))).toMatchObject({ owner: { who: 'alice', runId: 'run-1' } });
  expect(statSync(locker.path).mode & 0o777).toBe(0o600);
  await held.release();
  const next = await acquireStackLock(locker, { command: 'meshward apply', autoRenew: false });
  await next.release();
});

it('--lock-timeout waits for the holder to finish, then takes the lock', async () => {
  const locker = new FileLocker(statePath());
  const held = await acquireStackLock(locker, { command: 'meshward apply', autoRenew: false });
  setTimeout(() => void held.release(), 300);
  const t0 = Date.now();
  const second = await acquireStackLock(locker, { command: 'meshward apply', timeoutMs: 5000, retryMs: 50 });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  await second.release();
});

it('an expired lock is taken over by exactly one of several runs, and the old holder cannot release the new lock', async () => {
  const locker = new FileLocker(statePath());
  const stale = await acquireStackLock(locker, { command: 'meshward apply', ttlMs: 1000, autoRenew: false });
  const later = new Date(Date.now() + 5000);
  const contenders = await Promise.allSettled(
    Array.from({ length: 8 }, () =>
      acquireStackLock(new FileLocker(statePath()), { command: 'meshward apply', now: () => later, autoRenew: false }),
    ),
  );
  const winners = contenders.filter((c) => c.status === 'fulfilled');
  expect(winners).toHaveLength(1);
  const winner = (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireStackLock>>>).value;
  await stale.release();
  const onDisk = JSON.parse(readFileSync(locker.path, 'utf8')) as LockRecord;
  expect(onDisk.owner.runId).toBe(winner.record.owner.runId);
  await winner.release();
});

it('a lock left by a process that died on this host (kill -9) is stale at once', async () => {
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const deadPid = Number(gone.stdout.toString());
  const record: LockRecord = {
    formatVersion: 1,
    resource: statePath(),
    owner: { who: 'bob', host: hostname(), pid: deadPid, runId: 'dead', command: 'meshward apply' },
    acquiredAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  };
  writeFileSync(`${statePath()}.lock`, JSON.stringify(record));
  const lock = await acquireStackLock(new FileLocker(statePath()), { command: 'meshward apply', autoRenew: false });
  expect(lock.record.owner.pid).toBe(process.pid);
  await lock.release();
});

it('withStackLock releases on a throw', async () => {
  const locker = new FileLocker(statePath());
  await expect(
    withStackLock(locker, { command: 'meshward apply' }, async () => {
      throw new Error('apply blew up');
    }),
  ).rejects.toThrow('apply blew up');
  const again = await acquireStackLock(locker, { command: 'meshward apply', autoRenew: false });
  await again.release();
});

it('the state file is written 0600', async () => {
  const store = new FileStateStore(statePath());
  await store.save(emptyState('s'));
  expect(statSync(statePath()).mode & 0o777).toBe(0o600);
});
