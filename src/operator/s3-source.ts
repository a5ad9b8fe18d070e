/**
 * `s3://bucket/prefix` as a ManifestSource: reads the pointer `meshward publish` wrote last, then exactly the
 * files of that revision, checking each against the sha256 the pointer recorded.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { mapLimit } from '../aws/concurrency';
import {
  DEFAULT_SOURCE_LIMITS,
  SourceError,
  type ManifestFile,
  type ManifestSource,
  type SourceFactory,
  type SourceLimits,
} from '../manifest/sources';
import { confineKey, parsePointer, pointerKey, REVISIONS_DIR, sha256Hex, type RevisionPointer } from './publish-layout';
import { getObjectIfExists } from './s3-read';
import { keyUnder, parseS3Uri, type S3Location } from './s3-uri';

/** GETs in flight at once while reading a revision: well under S3's per-prefix rates and the SDK's socket pool. */
export const FETCH_CONCURRENCY = 16;

export async function readObject(client: S3Client, bucket: string, key: string): Promise<Uint8Array | undefined> {
  return (await getObjectIfExists(client, bucket, key))?.bytes;
}

export class S3ManifestSource implements ManifestSource {
  /** The pointer of the last successful list(): the revision the files came from. */
  pointer?: RevisionPointer;
  private readonly loc: S3Location;
  private given: RevisionPointer | undefined;

  constructor(
    readonly location: string,
    private readonly client: S3Client,
    private readonly limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
  ) {
    this.loc = parseS3Uri(location);
  }

  /**
   * The revision pointer `meshward publish` wrote last, checked (file count, every file inside the revision's own
   * folder). list() reads it again unless it was handed this one (usePointer), so a caller that caches by revision
   * reads the pointer once per run.
   */
  async readPointer(): Promise<RevisionPointer> {
    const key = pointerKey(this.loc.prefix);
    let pointer: RevisionPointer;
    try {
      const bytes = await readObject(this.client, this.loc.bucket, key);
      if (bytes === undefined) {
        throw new SourceError(this.location, 'SOURCE_NOT_FOUND', `nothing published here yet (no ${key})`);
      }
      pointer = parsePointer(new TextDecoder().decode(bytes));
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(this.location, 'SOURCE_READ_FAILED', `cannot read ${key}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (pointer.files.length > this.limits.maxFiles) {
      throw new SourceError(this.location, 'TOO_MANY_FILES', `revision ${pointer.revision} has too many files`);
    }
    // Only the revision's own folder: a pointer (hand-written, or from another tool) must not make the operator read
    // its state snapshots or another stack's files as manifests.
    const folder = `${REVISIONS_DIR}/${pointer.digest}/`;
    for (const file of pointer.files) {
      try {
        confineKey(this.loc.prefix, folder, file.key);
      } catch (err) {
        throw new SourceError(
          file.name,
          'SOURCE_READ_FAILED',
          `is stored outside revision folder ${keyUnder(this.loc.prefix, folder)}: ${(err as Error).message}`,
        );
      }
    }
    return pointer;
  }

  /** The next list() reads the files of this pointer (from readPointer) instead of reading the pointer again. */
  usePointer(pointer: RevisionPointer): this {
    this.given = pointer;
    return this;
  }

  async list(): Promise<ManifestFile[]> {
    const pointer = this.given ?? (await this.readPointer());
    this.given = undefined;
    // In parallel, bounded: one GET after another made a 1,000-resource set (190 files) a few seconds of round trips.
    const files = await mapLimit(pointer.files, FETCH_CONCURRENCY, async (file): Promise<ManifestFile> => {
      // Oversized files are not fetched: the loader reports them from `size` alone.
      if (file.size > this.limits.maxFileBytes) return { name: file.name, bytes: new Uint8Array(0), size: file.size };
      const bytes = await readObject(this.client, this.loc.bucket, file.key).catch((err: unknown) => {
        throw new SourceError(file.name, 'SOURCE_READ_FAILED', `cannot be read from S3: ${(err as Error).message}`);
      });
      if (bytes === undefined) {
        throw new SourceError(file.name, 'SOURCE_READ_FAILED', `is missing from revision ${pointer.revision}`);
      }
      if (sha256Hex(bytes) !== file.sha256) {
        throw new SourceError(file.name, 'SOURCE_READ_FAILED', `does not match its sha256 in the published pointer`);
      }
      return { name: file.name, bytes, size: bytes.byteLength };
    });
    this.pointer = pointer;
    return files;
  }
}

/** Plugs into `resolveSources(paths, { schemes: { s3: s3SourceFactory(client) } })` / ValidateOptions.schemes. */
export function s3SourceFactory(client: S3Client): SourceFactory {
  return (uri, context) => new S3ManifestSource(uri, client, context.limits);
}
