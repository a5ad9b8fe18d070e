/**
 * The stack lock beside an S3 state: `<prefix>/lock.json`, created with `If-None-Match: *` (S3 refuses the second
 * creator with 412). An expired lock is taken over with `If-Match` on the ETag read, so of two runs finding the same
 * stale lock only one wins; renewals are `If-Match` writes and the release a `DeleteObject` with `If-Match`, so a
 * run never removes a lock another run took over. A 409 ConditionalRequestConflict (a concurrent conditional
 * write) counts as "held": the caller retries until its --lock-timeout.
 */
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MeshwardError } from '../core/errors';
import {
  type HeldLock,
  type LockRecord,
  type StackLocker,
  holderIsDead,
  isExpired,
  parseLockRecord,
} from '../engine/lock';
import { getObjectIfExists } from './s3-read';
import { formatS3Uri, keyUnder, type S3Location } from './s3-uri';

export const LOCK_OBJECT = 'lock.json';

interface S3ErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Refused because of the object's current state (412), a concurrent conditional write (409) or it vanished (404). */
export function isConditionRefused(err: unknown): boolean {
  const e = err as S3ErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return (
    e.name === 'PreconditionFailed' ||
    e.name === 'ConditionalRequestConflict' ||
    e.name === 'NoSuchKey' ||
    status === 412 ||
    status === 409
  );
}

export class S3Locker implements StackLocker {
  private readonly key: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    this.key = keyUnder(location.prefix, LOCK_OBJECT);
  }

  describe(): string {
    return formatS3Uri(this.location);
  }

  private async put(
    record: LockRecord,
    condition: { IfNoneMatch: '*' } | { IfMatch: string },
  ): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.key,
          Body: JSON.stringify(record),
          ContentType: 'application/json',
          ...condition,
        }),
      );
      return out.ETag ?? '';
    } catch (err) {
      if (isConditionRefused(err)) return undefined;
      throw new MeshwardError('STATE_CORRUPT', `cannot write lock s3://${this.location.bucket}/${this.key}`, {
        cause: err,
      });
    }
  }

  private held(record: LockRecord, etag: string): HeldLock {
    let current = record;
    let tag = etag;
    return {
      get record() {
        return current;
      },
      renew: async () => {
        const lifetime = Date.parse(record.expiresAt) - Date.parse(record.acquiredAt);
        const next = { ...current, expiresAt: new Date(Date.now() + lifetime).toISOString() };
        const out = await this.put(next, { IfMatch: tag });
        if (out !== undefined) {
          current = next;
          tag = out;
        }
      },
      release: async () => {
        try {
          await this.client.send(
            new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.key, IfMatch: tag }),
          );
        } catch (err) {
          // Taken over after it expired: the lock is someone else's now, and theirs to remove.
          if (!isConditionRefused(err)) throw err;
        }
      },
    };
  }

  async tryAcquire(record: LockRecord, now: Date): Promise<{ held: HeldLock } | { holder: LockRecord | undefined }> {
    const created = await this.put(record, { IfNoneMatch: '*' });
    if (created !== undefined) return { held: this.held(record, created) };
    const seen = await getObjectIfExists(this.client, this.location.bucket, this.key);
    // Released between the two calls: try again at once (the caller's loop).
    if (!seen) {
      const again = await this.put(record, { IfNoneMatch: '*' });
      return again !== undefined ? { held: this.held(record, again) } : { holder: undefined };
    }
    const holder = parseLockRecord(new TextDecoder().decode(seen.bytes));
    const stale = !holder || isExpired(holder, now) || holderIsDead(holder);
    if (!stale || !seen.etag) return { holder };
    const taken = await this.put(record, { IfMatch: seen.etag });
    return taken !== undefined ? { held: this.held(record, taken) } : { holder };
  }
}
