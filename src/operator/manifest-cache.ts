/**
 * The published revision, read and validated once per warm Lambda: every run reads the pointer (one GET, so a new
 * publish is seen at once), and only a pointer naming files not seen before costs the file GETs and a validation.
 * The key is computed here from the pointer's file list (names, keys, sizes, sha256s; list() checks every file
 * against its sha256), never taken from the pointer's own `digest` field, and includes the location and the
 * schemas, so a different stack, bucket or schema set is a miss. One entry: a Lambda serves one stack.
 */
import { createHash } from 'node:crypto';
import { SourceError } from '../manifest/sources';
import { type ValidationResult, validateManifests } from '../manifest/validate';
import type { RevisionPointer } from './publish-layout';
import type { S3ManifestSource } from './s3-source';

export class PublishedRevisionCache {
  private entry: { key: string; result: ValidationResult } | undefined;
  /** Runs answered from the cache / read and validated (for the metrics and the tests). */
  hits = 0;
  misses = 0;

  get(key: string): ValidationResult | undefined {
    return this.entry?.key === key ? this.entry.result : undefined;
  }

  set(key: string, result: ValidationResult): void {
    this.entry = { key, result };
  }
}

export function revisionCacheKey(location: string, pointer: RevisionPointer, schemasDir: string | undefined): string {
  const hash = createHash('sha256').update(`${location}\u0000${schemasDir ?? ''}\u0000`);
  for (const f of pointer.files) hash.update(`${f.name}\u0000${f.key}\u0000${f.size}\u0000${f.sha256}\u0000`);
  return hash.digest('hex');
}

/** Documents shared between runs must never be changed by one of them: frozen, a change throws instead. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** The source's published revision, validated as validateManifests does, from the cache when unchanged. */
export async function loadPublishedRevision(
  source: S3ManifestSource,
  cache: PublishedRevisionCache | undefined,
  schemasDir: string | undefined,
): Promise<ValidationResult> {
  const validate = (): Promise<ValidationResult> =>
    validateManifests([], { sources: [source], ...(schemasDir !== undefined ? { schemasDir } : {}) });
  if (!cache) return validate();
  let pointer: RevisionPointer;
  try {
    pointer = await source.readPointer();
  } catch (err) {
    // Reported as validation reports it (an issue, not a crash): let validateManifests read it and say so.
    if (err instanceof SourceError) return validate();
    throw err;
  }
  const key = revisionCacheKey(source.location, pointer, schemasDir);
  const cached = cache.get(key);
  if (cached) {
    cache.hits += 1;
    source.pointer = pointer;
    return cached;
  }
  cache.misses += 1;
  const result = await validateManifests([], {
    sources: [source.usePointer(pointer)],
    ...(schemasDir !== undefined ? { schemasDir } : {}),
  });
  // A read that failed part-way (a missing object, a sha256 mismatch, S3 down) may succeed next run: not cached.
  if (!result.issues.some((i) => i.code.startsWith('SOURCE_'))) {
    for (const d of result.documents) deepFreeze(d.doc);
    cache.set(key, result);
  }
  return result;
}
