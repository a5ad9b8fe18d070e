/**
 * The stack lock and the state compare-and-swap on S3, against the emulator's S3 (which enforces If-None-Match and
 * If-Match as S3 does), through the real @aws-sdk/client-s3.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type LockRecord, StackLockedError, acquireStackLock } from '../../src/engine/lock';
import { S3Locker, LOCK_OBJECT } from '../../src/operator/s3-lock';
import { S3StateStore, emptyState } from '../../src/operator/s3-state-store';
import { type LocalS3, startLocalS3 } from './helpers';

let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3('lock-bucket');
});
afterAll(async () => {
  local.s3.destroy();
  await local.emulator.stop();
});

const loc = (prefix: string) => ({ bucket: local.bucket, prefix });

async function lockObject(prefix: string): Promise<LockRecord | undefined> {
  try {
    const out = await local.s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: `${prefix}/${LOCK_OBJECT}` }));
    return JSON.parse((await out.Body?.transformToString()) ?? '') as LockRecord;
  } catch {
    return undefined;
  }
}

it('of 8 runs racing for one stack exactly one holds the lock; the others are told who holds it', async () => {
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) =>
      acquireStackLock(new S3Locker(local.s3, loc('race')), {
        command: `meshward apply #${i}`,
        owner: { who: `runner-${i}` },
        autoRenew: false,
      }),
    ),
  );
  const held = results.filter((r) => r.status === 'fulfilled');
  expect(held).toHaveLength(1);
  const winner = (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireStackLock>>>).value;
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  expect(refused.every((e) => e instanceof StackLockedError)).toBe(true);
  for (const e of refused) {
    expect((e as StackLockedError).message).toContain(`${winner.record.owner.who}@`);
    expect((e as StackLockedError).message).toContain(winner.record.owner.command);
  }
  expect((await lockObject('race'))?.owner.runId).toBe(winner.record.owner.runId);
  await winner.release();
  expect(await lockObject('race')).toBeUndefined();
});

it('an expired lock is taken over conditionally on its ETag; the old holder then cannot delete the new lock', async () => {
  const old = await acquireStackLock(new S3Locker(local.s3, loc('stale')), {
    command: 'meshward apply',
    owner: { host: 'ci-runner-7', pid: 4242 },
    ttlMs: 1000,
    autoRenew: false,
  });
  const later = new Date(Date.now() + 10_000);
  const takers = await Promise.allSettled(
    Array.from({ length: 5 }, () =>
      acquireStackLock(new S3Locker(local.s3, loc('stale')), {
        command: 'lambda: schedule',
        now: () => later,
        autoRenew: false,
      }),
    ),
  );
  const won = takers.filter((t) => t.status === 'fulfilled');
  expect(won).toHaveLength(1);
  const taker = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireStackLock>>>).value;
  await old.release(); // DeleteObject If-Match on the old ETag: refused, the new lock stays
  expect((await lockObject('stale'))?.owner.runId).toBe(taker.record.owner.runId);
  await taker.release();
});

it('a live lock is renewed in place (If-Match) and keeps blocking others', async () => {
  const lock = await acquireStackLock(new S3Locker(local.s3, loc('renew')), {
    command: 'meshward apply',
    ttlMs: 60_000,
    autoRenew: false,
  });
  const before = lock.record.expiresAt;
  await new Promise((r) => setTimeout(r, 20));
  await lock.renew();
  expect(Date.parse(lock.record.expiresAt)).toBeGreaterThan(Date.parse(before));
  expect((await lockObject('renew'))?.expiresAt).toBe(lock.record.expiresAt);
  await expect(
    acquireStackLock(new S3Locker(local.s3, loc('renew')), { command: 'meshward apply', autoRenew: false }),
  ).rejects.toThrow(/LOCKED/);
  await lock.release();
});

it('the state pointer is a real compare-and-swap: a second writer that loaded the same state gets CONFLICT', async () => {
  const a = new S3StateStore(local.s3, loc('cas'));
  const b = new S3StateStore(local.s3, loc('cas'));
  await a.load('cas');
  await a.save({ ...emptyState('cas'), history: [{ at: 't0', summary: {}, ok: true }] });
  const stateA = await a.load('cas');
  const stateB = await b.load('cas');
  await a.save({ ...stateA, history: [...stateA.history, { at: 'a', summary: {}, ok: true }] });
  await expect(
    b.save({ ...stateB, history: [...stateB.history, { at: 'b', summary: {}, ok: true }] }),
  ).rejects.toMatchObject({
    code: 'CONFLICT',
  });
  const final = await new S3StateStore(local.s3, loc('cas')).load('cas');
  expect(final.history.map((h) => h.at)).toEqual(['t0', 'a']);
});

it('two first saves of a new stack: the second is refused (If-None-Match on the pointer)', async () => {
  const a = new S3StateStore(local.s3, loc('first'));
  const b = new S3StateStore(local.s3, loc('first'));
  await a.load('first');
  await b.load('first');
  await a.save(emptyState('first'));
  await expect(b.save(emptyState('first'))).rejects.toMatchObject({ code: 'CONFLICT' });
});

it('an unreadable lock object does not block forever: it counts as stale and is replaced conditionally', async () => {
  await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: `garbled/${LOCK_OBJECT}`, Body: 'not json' }));
  const lock = await acquireStackLock(new S3Locker(local.s3, loc('garbled')), {
    command: 'meshward apply',
    autoRenew: false,
  });
  expect((await lockObject('garbled'))?.owner.runId).toBe(lock.record.owner.runId);
  await lock.release();
});
