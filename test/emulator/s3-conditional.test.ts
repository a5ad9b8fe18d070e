/**
 * The emulator's S3 enforces conditional writes as S3 does. Sources:
 * - S3 API reference, PutObject `If-None-Match`: "Uploads the object only if the object key name does not already
 *   exist in the bucket specified. Otherwise, Amazon S3 returns a 412 Precondition Failed error. If a conflicting
 *   operation occurs during the upload S3 returns a 409 ConditionalRequestConflict response."
 * - S3 API reference, PutObject `If-Match`: "Uploads the object only if the ETag (entity tag) value provided during
 *   the WRITE operation matches the ETag of the object in S3. If the ETag values do not match, the operation returns
 *   a 412 Precondition Failed error."
 * - S3 API reference, DeleteObject `If-Match`: "Deletes the object if the ETag ... matches ... If the ETag values do
 *   not match, the operation returns a 412 Precondition Failed error."
 * - S3 user guide, "How to prevent object overwrites with conditional writes"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { startEmulator, type Emulator } from '../../src/emulator/server';

const BUCKET = 'cond-writes';

function client(endpoint: string, accessKeyId = 'writer'): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: 'x' },
  });
}

async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as S3ServiceException;
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('emulator S3 conditional writes', () => {
  let emu: Emulator;
  let s3: S3Client;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, s3: true, s3Options: { readOnlyAccessKeys: ['reader'] } });
    s3 = client(emu.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    s3.destroy();
    await emu.stop();
  });

  const put = (Key: string, Body: string, extra: { IfMatch?: string; IfNoneMatch?: string } = {}) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ...extra }));

  it('If-None-Match: * creates a missing key and refuses an existing one with 412 PreconditionFailed', async () => {
    const first = await put('a/lock.json', 'one', { IfNoneMatch: '*' });
    expect(first.ETag).toBeDefined();
    expect(await failure(put('a/lock.json', 'two', { IfNoneMatch: '*' }))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    const body = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a/lock.json' }));
    expect(await body.Body?.transformToString()).toBe('one');
  });

  it('If-Match succeeds on the current ETag only; a stale ETag gets 412 and changes nothing', async () => {
    const v1 = await put('b/current.json', 'v1');
    const v2 = await put('b/current.json', 'v2', { IfMatch: v1.ETag });
    expect(v2.ETag).not.toBe(v1.ETag);
    expect(await failure(put('b/current.json', 'v3', { IfMatch: v1.ETag }))).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    const body = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'b/current.json' }));
    expect(await body.Body?.transformToString()).toBe('v2');
  });

  it('If-Match on a missing key fails (404 NoSuchKey by default, see src/emulator/README.md)', async () => {
    expect(await failure(put('c/missing.json', 'x', { IfMatch: '"0123"' }))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('DeleteObject with a stale If-Match gets 412 and keeps the object', async () => {
    const v1 = await put('d/lock.json', 'mine');
    await put('d/lock.json', 'theirs');
    expect(
      await failure(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'd/lock.json', IfMatch: v1.ETag }))),
    ).toEqual({
      name: 'PreconditionFailed',
      status: 412,
    });
    const current = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'd/lock.json' }));
    expect(await current.Body?.transformToString()).toBe('theirs');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'd/lock.json', IfMatch: current.ETag }));
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'd/lock.json' })))).name).toBe(
      'NoSuchKey',
    );
  });

  it('of 10 concurrent If-None-Match creates of one key exactly one wins', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => put('e/lock.json', `writer-${i}`, { IfNoneMatch: '*' })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.map((o) => (o.reason as Error).name)).toEqual(Array(9).fill('PreconditionFailed'));
  });

  it('409 ConditionalRequestConflict can be injected; a retry then succeeds', async () => {
    emu.s3?.conflictNext(1);
    expect(await failure(put('f/lock.json', 'x', { IfNoneMatch: '*' }))).toEqual({
      name: 'ConditionalRequestConflict',
      status: 409,
    });
    await expect(put('f/lock.json', 'x', { IfNoneMatch: '*' })).resolves.toBeDefined();
  });

  it('a read-only identity can read but every write is AccessDenied', async () => {
    await put('g/state.json', 'data');
    const reader = client(emu.endpoint, 'reader');
    try {
      const got = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'g/state.json' }));
      expect(await got.Body?.transformToString()).toBe('data');
      expect(
        await failure(reader.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'g/state.json', Body: 'x' }))),
      ).toEqual({
        name: 'AccessDenied',
        status: 403,
      });
    } finally {
      reader.destroy();
    }
  });
});

describe('emulator S3 with concurrentConditionalWrites: conflict', () => {
  it('answers a conditional write that overlaps another write to the key with 409', async () => {
    const emu = await startEmulator({ port: 0, s3: true, s3Options: { concurrentConditionalWrites: 'conflict' } });
    const s3 = client(emu.endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'h/lock.json', Body: `w${i}`, IfNoneMatch: '*' })),
        ),
      );
      const names = outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as Error).name));
      expect(names.filter((n) => n === 'ok')).toHaveLength(1);
      expect(names).toContain('ConditionalRequestConflict');
      expect(names.every((n) => ['ok', 'ConditionalRequestConflict', 'PreconditionFailed'].includes(n))).toBe(true);
    } finally {
      s3.destroy();
      await emu.stop();
    }
  });
});
