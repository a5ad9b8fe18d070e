import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3StateStore, emptyState } from '../../src/operator/s3-state-store';
import { S3ManifestSource } from '../../src/operator/s3-source';
import { startLocalS3, type LocalS3 } from './helpers';

let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3('meshward-state');
});
afterAll(async () => {
  local.s3.destroy();
  await local.emulator.stop();
});

function store(prefix: string): S3StateStore {
  return new S3StateStore(local.s3, { bucket: local.bucket, prefix }, { keepSnapshots: 2 });
}

describe('S3StateStore', () => {
  it('starts empty, then round-trips state and the event ledger', async () => {
    const a = store('state/rt');
    expect(await a.load('prod')).toEqual(emptyState('prod'));
    expect(a.hasSeenEvent('e1')).toBe(false);
    a.markEventSeen('e1');
    const state = { ...emptyState('prod'), applied: { 'Mesh/shop': { digest: 'd1', appliedAt: 't' } } };
    await a.save(state);

    const b = store('state/rt');
    expect(await b.load('prod')).toEqual(state);
    expect(b.hasSeenEvent('e1')).toBe(true);
    expect(a.describe()).toBe(`s3://${local.bucket}/state/rt`);
  });

  it('never exposes a half-written state: an orphan snapshot leaves the previous one in force', async () => {
    const a = store('state/crash');
    await a.load('prod');
    await a.save({ ...emptyState('prod'), reportedDrift: { x: 'v1' } });
    // A run that died after writing its snapshot but before moving the pointer.
    await local.s3.send(
      new PutObjectCommand({
        Bucket: local.bucket,
        Key: 'state/crash/snapshots/0000000002-orphan.json',
        Body: '{"formatVersion":1,"seq":2,"state":{"half":',
      }),
    );
    const b = store('state/crash');
    expect((await b.load('prod')).reportedDrift).toEqual({ x: 'v1' });
    await b.save({ ...emptyState('prod'), reportedDrift: { x: 'v2' } });
    expect((await store('state/crash').load('prod')).reportedDrift).toEqual({ x: 'v2' });
  });

  it('keeps a bounded number of snapshots and history entries', async () => {
    const a = store('state/prune');
    const state = emptyState('prod');
    await a.load('prod');
    for (let i = 0; i < 6; i += 1) {
      state.history.push({ at: `t${i}`, summary: {}, ok: true });
      await a.save(state);
    }
    const listed = await local.s3.send(
      new ListObjectsV2Command({ Bucket: local.bucket, Prefix: 'state/prune/snapshots/' }),
    );
    expect(listed.Contents).toHaveLength(3);
    for (let i = 0; i < 60; i += 1) state.history.push({ at: `u${i}`, summary: {}, ok: true });
    await a.save(state);
    expect((await store('state/prune').load('prod')).history).toHaveLength(50);
  });

  it('refuses a corrupt pointer or another stack’s state with STATE_CORRUPT', async () => {
    await local.s3.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: 'state/corrupt/current.json', Body: 'not json' }),
    );
    await expect(store('state/corrupt').load('prod')).rejects.toMatchObject({ code: 'STATE_CORRUPT' });

    const a = store('state/other');
    await a.load('dev');
    await a.save(emptyState('dev'));
    await expect(store('state/other').load('prod')).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
  });

  it('writes the pointer with a precondition (compare-and-swap on real S3)', async () => {
    const sent: { IfMatch?: string; IfNoneMatch?: string; Key?: string }[] = [];
    const a = store('state/cas');
    local.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') sent.push(args.input as (typeof sent)[number]);
        return next(args);
      },
      { step: 'initialize', name: 'record-puts' },
    );
    try {
      await a.load('prod');
      await a.save(emptyState('prod'));
      await a.save(emptyState('prod'));
    } finally {
      local.s3.middlewareStack.remove('record-puts');
    }
    const pointerPuts = sent.filter((p) => p.Key === 'state/cas/current.json');
    expect(pointerPuts[0]?.IfNoneMatch).toBe('*');
    expect(pointerPuts[1]?.IfMatch).toBeDefined();
    const got = await local.s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: 'state/cas/current.json' }));
    expect(JSON.parse((await got.Body?.transformToString()) ?? '{}')).toMatchObject({ seq: 2 });
  });
});

describe('S3 answering 403 for keys that do not exist (no unconditional s3:ListBucket)', () => {
  // Without s3:ListBucket on the bucket itself, S3 hides whether a key exists: GetObject of a missing key is
  // AccessDenied, not NoSuchKey. The stack grants ListBucket only for the manifest prefix.
  function hideMissingKeys(): void {
    local.s3.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          if (context.commandName === 'GetObjectCommand' && (err as { name?: string }).name === 'NoSuchKey') {
            throw Object.assign(new Error('Access Denied'), {
              name: 'AccessDenied',
              $metadata: { httpStatusCode: 403 },
            });
          }
          throw err;
        }
      },
      { step: 'initialize', name: 'hide-missing-keys' },
    );
  }
  afterEach(() => {
    local.s3.middlewareStack.remove('hide-missing-keys');
  });

  it('starts from an empty state on the first run instead of failing forever', async () => {
    hideMissingKeys();
    const a = store('state/first-run');
    expect(await a.load('prod')).toEqual(emptyState('prod'));
    await a.save(emptyState('prod'));
    expect(await store('state/first-run').load('prod')).toEqual(emptyState('prod'));
  });

  it('still fails loudly when an existing pointer cannot be read', async () => {
    const a = store('state/denied');
    await a.load('prod');
    await a.save(emptyState('prod'));
    local.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') {
          throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'hide-missing-keys' },
    );
    await expect(store('state/denied').load('prod')).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
  });

  it('reports "nothing published yet" for a missing manifest pointer', async () => {
    hideMissingKeys();
    const source = new S3ManifestSource(`s3://${local.bucket}/nothing/here`, local.s3);
    await expect(source.list()).rejects.toMatchObject({ issueCode: 'SOURCE_NOT_FOUND' });
  });
});
