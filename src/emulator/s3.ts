/**
 * S3 comes from s3rver (a maintained S3 server), mounted on the emulator's own port so one AWS_ENDPOINT_URL
 * serves every client. Clients must use path-style addressing (forcePathStyle: true). s3rver only knows the
 * access key 'S3RVER' and does not verify SigV4 signatures, so the credential is rewritten to that key here.
 *
 * s3rver ignores conditional writes (AWS-FACTS.md), which meshward's lock and state compare-and-swap rely on, so a
 * thin layer in front of it enforces them as S3 does (src/emulator/s3-conditions.ts): requests on one key are
 * served one at a time, and a conditional PutObject / DeleteObject is checked against the key's current ETag
 * before s3rver sees it. The same layer denies writes to read-only identities and injects S3 faults.
 *
 * The objects are meshward's state and published manifests: the directory is 0700 and every file s3rver writes is
 * made 0600 (its own directories 0700) before the request is answered. s3rver creates them with the default
 * mode; the 0700 root keeps them out of other users' reach until then.
 */
import { chmod, stat } from 'node:fs/promises';
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type S3rverClass from 's3rver';
import { accessKeyIdFrom } from './request-identity';
import {
  type ConditionalConflictMode,
  type S3Call,
  checkPreconditions,
  parseS3Call,
  sendS3Error,
} from './s3-conditions';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './state-file';
import type { EmulatorStats } from './stats';

export interface S3Options {
  /**
   * A conditional write that arrives while another write to the same key is in flight: 'serialize' (default)
   * queues it and then evaluates its condition; 'conflict' answers 409 ConditionalRequestConflict, which S3 may
   * do ("If a conflicting operation occurs during the upload S3 returns a 409 ConditionalRequestConflict").
   */
  concurrentConditionalWrites?: ConditionalConflictMode;
  /**
   * PutObject with If-Match on a key that does not exist: 'NoSuchKey' (404, default: what the S3 user guide
   * describes for a missing current version) or 'PreconditionFailed' (412). Unverified which S3 answers today.
   */
  ifMatchOnMissingKey?: 'NoSuchKey' | 'PreconditionFailed';
  /** Access key ids whose PutObject / DeleteObject are answered 403 AccessDenied (a read-only role). */
  readOnlyAccessKeys?: readonly string[];
}

/** Faults of the S3 layer (tests): a write to a matching key fails with the given status until `count` runs out. */
export interface S3WriteFault {
  /** Substring of the object key (e.g. 'current.json'); '' matches every key. */
  keyContains: string;
  status: 403 | 500 | 503;
  /** How many writes fail; undefined = until cleared. */
  count?: number;
}

export interface S3Control {
  /** The next `count` conditional writes (any key) are answered 409 ConditionalRequestConflict. */
  conflictNext(count: number): void;
  failWrites(fault: S3WriteFault | undefined): void;
  setReadOnly(accessKeys: readonly string[]): void;
  /** Calls served per operation since the start, e.g. { PutObject: 3, GetObject: 9 }. */
  calls(): Readonly<Record<string, number>>;
}

export interface S3Backend {
  directory: string;
  control: S3Control;
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}

interface ObjectMetadataStore {
  getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
}

/** The part of s3rver's FilesystemStore (3.x) that writes files; see privateStore. */
interface WritingStore {
  rootDirectory: string;
  getBucketPath(bucket: string): string;
  getResourcePath(bucket: string, key?: string, resource?: string): string;
}

/** Paths from the root down to `path` (the root excluded): the directories a write may have created, and it. */
function pathsBelow(root: string, path: string): string[] {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..')) return [];
  const parts = rel.split(sep);
  return parts.map((_, i) => join(root, ...parts.slice(0, i + 1)));
}

async function makePrivate(path: string): Promise<void> {
  try {
    const st = await stat(path);
    await chmod(path, st.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
  } catch {
    // Not there (a write that failed, a file this call did not make): nothing to protect.
  }
}

/** What each writing method of s3rver's store (3.x) creates, from its arguments. */
function writtenPaths(store: WritingStore, method: string, args: readonly unknown[]): string[] {
  const str = (i: number): string | undefined => (typeof args[i] === 'string' ? (args[i] as string) : undefined);
  const objectFiles = (bucket: string, key: string): string[] => [
    store.getResourcePath(bucket, key, 'object'),
    store.getResourcePath(bucket, key, 'object.md5'),
    store.getResourcePath(bucket, key, 'metadata.json'),
  ];
  const uploadDir = (bucket: string, uploadId: string): string =>
    join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  const [b, k] = [str(0), str(1)];
  switch (method) {
    case 'putBucket':
      return b ? [store.getBucketPath(b)] : [];
    case 'putObject': {
      const o = args[0] as { bucket?: unknown; key?: unknown } | undefined;
      return typeof o?.bucket === 'string' && typeof o.key === 'string' ? objectFiles(o.bucket, o.key) : [];
    }
    case 'copyObject':
      return str(2) !== undefined && str(3) !== undefined ? objectFiles(str(2) ?? '', str(3) ?? '') : [];
    case 'putMetadata':
      return b && k !== undefined ? objectFiles(b, k) : [];
    case 'putSubresource': {
      const type = (args[2] as { type?: unknown } | undefined)?.type;
      return b && typeof type === 'string' ? [store.getResourcePath(b, k, `${type}.xml`)] : [];
    }
    case 'initiateUpload': {
      const id = str(2);
      return b && id ? ['key', 'metadata'].map((f) => join(uploadDir(b, id), f)) : [];
    }
    case 'putPart': {
      const id = str(1);
      const part = typeof args[2] === 'number' || typeof args[2] === 'string' ? String(args[2]) : undefined;
      return b && id && part ? [join(uploadDir(b, id), part), `${join(uploadDir(b, id), part)}.md5`] : [];
    }
    default:
      return [];
  }
}

const WRITING_METHODS = [
  'putBucket',
  'putObject',
  'copyObject',
  'putMetadata',
  'putSubresource',
  'initiateUpload',
  'putPart',
] as const;

/**
 * Wraps s3rver's store so that what each write made is 0600 (files) / 0700 (directories, from the bucket down)
 * when the write returns: buckets, objects with their metadata and md5, subresources, multipart uploads (a
 * completed upload is written through putObject).
 */
function privateStore(store: WritingStore): void {
  const methods = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of WRITING_METHODS) {
    const original = methods[name];
    if (typeof original !== 'function') throw new Error(`s3rver's store has no ${name}: check privateStore`);
    methods[name] = async (...args: unknown[]): Promise<unknown> => {
      const out = await original.apply(store, args);
      const paths = new Set<string>();
      for (const file of writtenPaths(store, name, args)) {
        for (const p of pathsBelow(store.rootDirectory, dirname(file))) paths.add(p);
        paths.add(file);
      }
      for (const p of paths) await makePrivate(p);
      return out;
    };
  }
}

export async function startS3(dataDir?: string, options: S3Options = {}, stats?: EmulatorStats): Promise<S3Backend> {
  const directory = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'meshward-s3-'));
  mkdirSync(directory, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(directory, PRIVATE_DIR_MODE);
  // s3rver (and its many dependencies) is loaded on the first S3 request, not at start: `plan --local` and most
  // emulator starts serve S3 without ever being asked for an object.
  let backend:
    { server: S3rverClass; callback: ReturnType<S3rverClass['callback']>; store: ObjectMetadataStore } | undefined;
  const s3rver = (): NonNullable<typeof backend> => {
    if (!backend) {
      // s3rver is CommonJS without __esModule: the module itself is the class (its `default` is Koa's).
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (start-up time)
      const S3rver = require('s3rver') as typeof S3rverClass;
      const server = new S3rver({ silent: true, directory, allowMismatchedSignatures: true, vhostBuckets: false });
      privateStore((server as unknown as { store: WritingStore }).store);
      backend = {
        server,
        callback: server.callback(),
        store: (server as unknown as { store: ObjectMetadataStore }).store,
      };
    }
    return backend;
  };
  /** Per object: the tail of its queue of requests; one request per key at a time makes check-then-write atomic. */
  const queues = new Map<string, Promise<void>>();
  const inFlightWrites = new Map<string, number>();
  const calls: Record<string, number> = {};
  let conflicts = 0;
  let fault: S3WriteFault | undefined;
  let readOnly = new Set(options.readOnlyAccessKeys ?? []);
  const conflictMode = options.concurrentConditionalWrites ?? 'serialize';

  const currentEtag = async (bucket: string, key: string): Promise<string | undefined> => {
    try {
      return (await s3rver().store.getMetadata(bucket, key)).etag;
    } catch {
      return undefined;
    }
  };

  const forward = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    new Promise<void>((resolve) => {
      res.once('finish', resolve);
      res.once('close', resolve);
      const auth = req.headers.authorization;
      if (typeof auth === 'string')
        req.headers.authorization = auth.replace(/Credential=[^/,\s]+\//, 'Credential=S3RVER/');
      if (req.url?.includes('X-Amz-Credential=')) {
        req.url = req.url.replace(/X-Amz-Credential=[^%&/]+(%2F|\/)/, 'X-Amz-Credential=S3RVER$1');
      }
      s3rver().callback(req, res);
    });

  const serveObjectCall = async (call: S3Call, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const accessKey = accessKeyIdFrom(req.headers, new URL(req.url ?? '/', 'http://localhost').searchParams);
    if (call.write && accessKey !== undefined && readOnly.has(accessKey)) {
      stats?.record('s3', call.operation, 'error');
      sendS3Error(res, 403, 'AccessDenied', 'Access Denied', call);
      return;
    }
    if (call.write && fault && call.key.includes(fault.keyContains)) {
      if (fault.count !== undefined && (fault.count -= 1) <= 0) {
        const status = fault.status;
        fault = undefined;
        return failWith(status, call, res);
      }
      return failWith(fault.status, call, res);
    }
    if (call.conditional && conflicts > 0) {
      conflicts -= 1;
      stats?.record('s3', call.operation, 'error');
      sendS3Error(
        res,
        409,
        'ConditionalRequestConflict',
        'The conditional request cannot succeed due to a conflicting operation against this resource.',
        call,
      );
      return;
    }
    if (call.conditional) {
      const etag = await currentEtag(call.bucket, call.key);
      const refusal = checkPreconditions(call, etag, options.ifMatchOnMissingKey ?? 'NoSuchKey');
      if (refusal) {
        stats?.record('s3', call.operation, 'error');
        sendS3Error(res, refusal.status, refusal.code, refusal.message, call);
        return;
      }
    }
    stats?.record('s3', call.operation, 'ok');
    await forward(req, res);
  };

  const failWith = (status: number, call: S3Call, res: ServerResponse): void => {
    stats?.record('s3', call.operation, 'error');
    if (status === 403) sendS3Error(res, 403, 'AccessDenied', 'Access Denied', call);
    else if (status === 503) sendS3Error(res, 503, 'SlowDown', 'Please reduce your request rate.', call);
    else sendS3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.', call);
  };

  return {
    directory,
    control: {
      conflictNext: (count) => {
        conflicts = count;
      },
      failWrites: (f) => {
        fault = f && { ...f };
      },
      setReadOnly: (keys) => {
        readOnly = new Set(keys);
      },
      calls: () => ({ ...calls }),
    },
    handle: (req, res) => {
      const call = parseS3Call(req);
      calls[call?.operation ?? 'Other'] = (calls[call?.operation ?? 'Other'] ?? 0) + 1;
      if (!call) {
        void forward(req, res);
        return;
      }
      const id = `${call.bucket}/${call.key}`;
      if (call.conditional && conflictMode === 'conflict' && (inFlightWrites.get(id) ?? 0) > 0) {
        stats?.record('s3', call.operation, 'error');
        sendS3Error(
          res,
          409,
          'ConditionalRequestConflict',
          'The conditional request cannot succeed due to a conflicting operation against this resource.',
          call,
        );
        return;
      }
      if (call.write) inFlightWrites.set(id, (inFlightWrites.get(id) ?? 0) + 1);
      const previous = queues.get(id) ?? Promise.resolve();
      const mine = previous
        .then(() => serveObjectCall(call, req, res))
        .catch(() => {
          if (!res.headersSent && !res.destroyed)
            sendS3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.', call);
        })
        .finally(() => {
          if (call.write) inFlightWrites.set(id, (inFlightWrites.get(id) ?? 1) - 1);
          if (queues.get(id) === mine) queues.delete(id);
        });
      queues.set(id, mine);
    },
    close: () => {
      backend?.server.logger.close();
      return Promise.resolve();
    },
  };
}
