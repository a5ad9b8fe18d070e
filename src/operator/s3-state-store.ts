/**
 * The StateStore in S3, safe against interrupted runs:
 *
 *   <prefix>/snapshots/<seq>-<uuid>.json   immutable snapshots (state + the operator's event ledger)
 *   <prefix>/current.json                  pointer to the latest snapshot, written only after it is complete
 *
 * A run that dies between the two writes leaves an orphan snapshot and the old pointer: the next run reads the
 * previous state and converges. The pointer write is a compare-and-swap (If-Match on the ETag read at load,
 * If-None-Match for the first one): a second writer that slipped past the stack lock (`<prefix>/lock.json`, see
 * s3-lock.ts) is refused with CONFLICT instead of overwriting records. The emulator's S3 enforces both headers.
 */
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MeshwardError } from '../core/errors';
import type { StackState, StateStore } from '../core/model';
import { registerStateStore } from '../engine/state-store';
import type { LockingStateStore, StackLocker } from '../engine/lock';
import { getObjectIfExists } from './s3-read';
import { S3Locker, isConditionRefused } from './s3-lock';
import { formatS3Uri, keyUnder, parseS3Uri, type S3Location } from './s3-uri';

export const STATE_POINTER = 'current.json';
const SNAPSHOTS = 'snapshots';

export interface StateSnapshot {
  formatVersion: 1;
  seq: number;
  savedAt: string;
  state: StackState;
  /** EventBridge event ids already handled (newest last), so a redelivered event is skipped. */
  seenEvents: string[];
}

interface StatePointer {
  formatVersion: 1;
  seq: number;
  key: string;
}

export interface S3StateStoreOptions {
  /** Event ids remembered for dedupe; EventBridge redelivers within hours, so a few hundred is plenty. */
  maxSeenEvents?: number;
  /** Old snapshots kept besides the current one (for forensics); older ones are deleted after a save. */
  keepSnapshots?: number;
  now?: () => Date;
}

export function emptyState(stack: string): StackState {
  return { formatVersion: 1, stack, applied: {}, versionCache: {}, reportedDrift: {}, history: [] };
}

const HISTORY_LIMIT = 50;

export class S3StateStore implements StateStore, LockingStateStore {
  private seq = 0;
  private etag: string | undefined;
  private loaded = false;
  private seenEvents: string[] = [];
  /** Marked but not saved yet: a second load() (the engine loads too) must not forget them. */
  private readonly pendingMarks: string[] = [];
  private readonly maxSeen: number;
  private readonly keep: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
    options: S3StateStoreOptions = {},
  ) {
    this.maxSeen = options.maxSeenEvents ?? 500;
    this.keep = options.keepSnapshots ?? 5;
    this.now = options.now ?? (() => new Date());
  }

  describe(): string {
    return formatS3Uri(this.location);
  }

  locker(): StackLocker {
    return new S3Locker(this.client, this.location);
  }

  private key(rest: string): string {
    return keyUnder(this.location.prefix, rest);
  }

  private async getText(key: string): Promise<{ text: string; etag?: string } | undefined> {
    try {
      const obj = await getObjectIfExists(this.client, this.location.bucket, key);
      return obj && { text: new TextDecoder().decode(obj.bytes), etag: obj.etag };
    } catch (err) {
      throw new MeshwardError('STATE_CORRUPT', `cannot read s3://${this.location.bucket}/${key}`, { cause: err });
    }
  }

  async load(stack: string): Promise<StackState> {
    const pointerObj = await this.getText(this.key(STATE_POINTER));
    this.loaded = true;
    if (!pointerObj) {
      this.seq = 0;
      this.etag = undefined;
      this.seenEvents = [...this.pendingMarks];
      return emptyState(stack);
    }
    const pointer = parseJson<StatePointer>(pointerObj.text, 'state pointer');
    if (pointer.formatVersion !== 1 || typeof pointer.key !== 'string' || typeof pointer.seq !== 'number') {
      throw new MeshwardError('STATE_CORRUPT', `${this.describe()}/${STATE_POINTER} is not a state pointer`);
    }
    const snapshotObj = await this.getText(pointer.key);
    if (!snapshotObj) {
      throw new MeshwardError('STATE_CORRUPT', `state pointer names ${pointer.key}, which does not exist`);
    }
    const snapshot = parseJson<StateSnapshot>(snapshotObj.text, 'state snapshot');
    if (snapshot.formatVersion !== 1 || !snapshot.state || snapshot.state.formatVersion !== 1) {
      throw new MeshwardError('STATE_CORRUPT', `${pointer.key} is not a meshward state snapshot`);
    }
    if (snapshot.state.stack !== stack) {
      throw new MeshwardError(
        'STATE_CORRUPT',
        `${this.describe()} holds stack "${snapshot.state.stack}", not "${stack}"`,
      );
    }
    this.seq = pointer.seq;
    this.etag = pointerObj.etag;
    const persisted = Array.isArray(snapshot.seenEvents)
      ? snapshot.seenEvents.filter((e) => typeof e === 'string')
      : [];
    this.seenEvents = [...persisted, ...this.pendingMarks.filter((id) => !persisted.includes(id))];
    return snapshot.state;
  }

  hasSeenEvent(id: string): boolean {
    return this.seenEvents.includes(id);
  }

  /** Recorded in memory; persisted by the next save(), atomically with the state. */
  markEventSeen(id: string): void {
    if (this.hasSeenEvent(id)) return;
    this.seenEvents.push(id);
    this.pendingMarks.push(id);
    if (this.seenEvents.length > this.maxSeen) this.seenEvents = this.seenEvents.slice(-this.maxSeen);
  }

  async save(state: StackState): Promise<void> {
    if (!this.loaded) {
      // Saving without loading would reset the sequence and the event ledger.
      throw new MeshwardError('INTERNAL', 'S3StateStore.save called before load');
    }
    const seq = this.seq + 1;
    const snapshotKey = this.key(`${SNAPSHOTS}/${String(seq).padStart(10, '0')}-${randomUUID()}.json`);
    const snapshot: StateSnapshot = {
      formatVersion: 1,
      seq,
      savedAt: this.now().toISOString(),
      state: { ...state, history: state.history.slice(-HISTORY_LIMIT) },
      seenEvents: this.seenEvents,
    };
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: snapshotKey,
        Body: JSON.stringify(snapshot),
        ContentType: 'application/json',
      }),
    );
    const pointer: StatePointer = { formatVersion: 1, seq, key: snapshotKey };
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.key(STATE_POINTER),
          Body: JSON.stringify(pointer),
          ContentType: 'application/json',
          ...(this.etag ? { IfMatch: this.etag } : { IfNoneMatch: '*' }),
        }),
      );
      this.etag = out.ETag;
    } catch (err) {
      // 412: the pointer changed since load; 404 (If-Match on a pointer deleted meanwhile); 409: a concurrent write.
      if (isConditionRefused(err)) {
        throw new MeshwardError('CONFLICT', `${this.describe()} was written by another run; not overwriting it`, {
          cause: err,
        });
      }
      throw err;
    }
    this.seq = seq;
    this.pendingMarks.length = 0;
    await this.prune(snapshotKey).catch(() => undefined);
  }

  /** Best effort: old snapshots are only history, the pointer never names them. */
  private async prune(current: string): Promise<void> {
    const prefix = this.key(`${SNAPSHOTS}/`);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const obj of page.Contents ?? []) if (obj.Key) keys.push(obj.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    keys.sort();
    // Zero-padded sequence numbers sort in save order; keep the newest `keep` + 1 (the current one).
    for (const key of keys.slice(0, Math.max(0, keys.length - (this.keep + 1)))) {
      if (key === current) continue;
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
    }
  }
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new MeshwardError('STATE_CORRUPT', `${what} is not JSON`, { cause: err });
  }
}

/**
 * Makes `--state s3://bucket/prefix` work wherever the engine opens state stores (the CLI): `meshward apply` in CI
 * and a detect-mode Lambda then share one state, which is what tells drift from pending changes.
 */
export function registerS3StateStore(client: S3Client): void {
  registerStateStore('s3', (uri) => new S3StateStore(client, parseS3Uri(uri)));
}
