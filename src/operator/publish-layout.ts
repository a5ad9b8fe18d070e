/**
 * How a published manifest set sits in S3, shared by `meshward publish` (writer) and the S3 source (reader):
 *
 *   <prefix>/revisions/<digest>/<file name>   immutable; <digest> is the sha256 of the whole set
 *   <prefix>/current.json                      the pointer, written last: which revision is live, and its files
 *
 * A reader follows the pointer, so it sees the previous set or the new one, never half of an upload; the per-file
 * sha256 in the pointer catches a revision folder that was tampered with or only partly copied.
 */
import { createHash } from 'node:crypto';
import { MeshwardError } from '../core/errors';
import { keyUnder } from './s3-uri';

export const POINTER_FILE = 'current.json';
export const REVISIONS_DIR = 'revisions';

export interface PublishedFile {
  /** The file's name as validated (relative path, `/` separators): what issues and reports show. */
  name: string;
  key: string;
  sha256: string;
  size: number;
}

export interface RevisionPointer {
  formatVersion: 1;
  /** Git revision (or the content digest when there is no git). */
  revision: string;
  /** sha256 over every file's name and sha256. */
  digest: string;
  publishedAt: string;
  author?: string;
  commitTime?: string;
  files: PublishedFile[];
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function setDigest(files: readonly { name: string; sha256: string }[]): string {
  const lines = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256Hex(lines.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
}

export function pointerKey(prefix: string): string {
  return keyUnder(prefix, POINTER_FILE);
}

export function revisionKey(prefix: string, digest: string, name: string): string {
  // A name relative to a directory above the working directory must not climb out of the revision folder: `.`,
  // `..` and empty segments are dropped wherever they are (`a/../../x` -> `a/x`), backslashes count as `/`.
  const safe = name
    .split(/[\\/]+/)
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .join('/');
  return confineKey(prefix, `${REVISIONS_DIR}/${digest}/`, keyUnder(prefix, `${REVISIONS_DIR}/${digest}/${safe}`));
}

/** A sha256 in hex: the only form a revision folder name takes. */
const DIGEST = /^[0-9a-f]{64}$/;

/**
 * `key` if it lies inside `<prefix>/<folder>` as S3 (and every proxy or tool on the way) would resolve it, else an
 * INVALID_INPUT error. Refused rather than resolved: a key with `.` or `..` segments, empty segments, a
 * leading `/`, a backslash, a control character, or a percent-escape (S3 keys are literal, but URL-decoding tools
 * would turn `%2e%2e%2f` into `../`). A pointer is written by `meshward publish` only; anything else in it was
 * written by hand or by an attacker, and naming another stack's files must not make this stack apply them.
 */
export function confineKey(prefix: string, folder: string, key: string): string {
  const base = keyUnder(prefix, folder);
  const refuse = (why: string): never => {
    throw new MeshwardError('INVALID_INPUT', `key ${JSON.stringify(key)} ${why}; it must lie under ${base}`);
  };
  if (key.startsWith('/')) refuse('is absolute');
  if ([...key].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    refuse('contains a backslash or a control character');
  if (/%[0-9a-f]{2}/i.test(key)) refuse('contains a percent-escape');
  const segments = key.split('/');
  if (segments.some((s) => s === '.' || s === '..')) refuse('contains a "." or ".." segment');
  if (segments.slice(0, -1).some((s) => s === '') || segments[segments.length - 1] === '')
    refuse('has an empty segment');
  if (!key.startsWith(base) || key.length === base.length) refuse('is outside the stack prefix');
  return key;
}

function fail(message: string): never {
  throw new MeshwardError('STATE_CORRUPT', `manifest pointer: ${message}`);
}

/** Parses and checks a pointer read from S3; anything unexpected is STATE_CORRUPT, never a crash later on. */
export function parsePointer(text: string): RevisionPointer {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail('not JSON');
  }
  if (typeof raw !== 'object' || raw === null) fail('not an object');
  const p = raw as Record<string, unknown>;
  if (p.formatVersion !== 1) fail(`unsupported formatVersion ${String(p.formatVersion)}`);
  if (typeof p.revision !== 'string' || typeof p.digest !== 'string' || typeof p.publishedAt !== 'string')
    fail('missing revision, digest or publishedAt');
  // The digest names the revision folder: anything but a sha256 could climb out of it (`../other-stack`).
  if (!DIGEST.test(p.digest)) fail('digest is not a sha256');
  if (!Array.isArray(p.files)) fail('files is not a list');
  const files = p.files.map((f: unknown, i: number): PublishedFile => {
    const file = f as Record<string, unknown>;
    if (
      typeof file.name !== 'string' ||
      typeof file.key !== 'string' ||
      typeof file.sha256 !== 'string' ||
      typeof file.size !== 'number'
    )
      fail(`files[${i}] needs name, key, sha256 and size`);
    return { name: file.name, key: file.key, sha256: file.sha256, size: file.size };
  });
  return {
    formatVersion: 1,
    revision: p.revision,
    digest: p.digest,
    publishedAt: p.publishedAt,
    ...(typeof p.author === 'string' ? { author: p.author } : {}),
    ...(typeof p.commitTime === 'string' ? { commitTime: p.commitTime } : {}),
    files,
  };
}
