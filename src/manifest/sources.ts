/**
 * Where manifests come from. The loader only sees `{name, bytes}` pairs, so a new kind of source (S3) is one
 * more `ManifestSource`, registered by URI scheme, without touching loading or validation.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import type { Dirent } from 'node:fs';
import * as path from 'node:path';
import { MeshwardError } from '../core/errors';
import type { IssueCode } from './issues';

export interface ManifestFile {
  /** Shown in every issue: relative to the working directory with `/` separators, or a URI. */
  name: string;
  bytes: Uint8Array;
  /**
   * The file's real size when the source did not read it all: a source never reads more than the per-file limit,
   * so an oversized file costs no memory and the loader can reject it before parsing.
   */
  size?: number;
}

export interface ManifestSource {
  /** The location as the user wrote it. */
  readonly location: string;
  list(): Promise<ManifestFile[]>;
}

export interface SourceLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  maxFiles: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxFiles: 10_000,
};

export const DEFAULT_PATHS = ['manifests/'];

/** A source failure that becomes a validation issue rather than a crash. */
export class SourceError extends MeshwardError {
  override readonly name = 'SourceError';
  constructor(
    readonly location: string,
    readonly issueCode: IssueCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_INPUT', message, options);
  }
}

export type SourceFactory = (uri: string, context: { cwd: string; limits: SourceLimits }) => ManifestSource;

const MANIFEST_EXTENSION = /\.ya?ml$/i;

function displayName(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  return (relative === '' ? '.' : relative).split(path.sep).join('/');
}

// O_NONBLOCK: a FIFO that slipped past the stat check (swapped in since) must not block open() waiting for a writer.
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Reads a regular file, never more than `limit` + 1 bytes (so a file that grows after its stat is still bounded,
 * and still reads as too large). Anything else (a FIFO, a device, a socket) is refused: reading one would block
 * forever or never end.
 */
async function readRegularFile(absolute: string, limit: number): Promise<{ bytes: Uint8Array; size: number }> {
  const handle = await fs.open(absolute, OPEN_FLAGS);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new NotRegularFile();
    if (stat.size > limit) return { bytes: new Uint8Array(0), size: stat.size };
    const buffer = new Uint8Array(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) return { bytes: new Uint8Array(0), size: Math.max(stat.size, length) };
    return { bytes: buffer.slice(0, length), size: length };
  } finally {
    await handle.close();
  }
}

class NotRegularFile extends Error {}

/** A file or a directory searched recursively for `*.yaml` / `*.yml`, in code-point order of their paths. */
export class FileSystemSource implements ManifestSource {
  constructor(
    readonly location: string,
    private readonly cwd: string,
    private readonly limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
  ) {}

  async list(): Promise<ManifestFile[]> {
    const root = path.resolve(this.cwd, this.location);
    const stat = await fs.stat(root).catch((cause: unknown) => {
      throw new SourceError(this.location, 'SOURCE_NOT_FOUND', `no such file or directory`, { cause });
    });
    if (!stat.isDirectory() && !stat.isFile()) {
      throw new SourceError(this.location, 'SOURCE_READ_FAILED', 'is not a regular file or directory');
    }
    const paths = stat.isDirectory() ? await this.walk(root) : [root];
    if (paths.length > this.limits.maxFiles) {
      throw new SourceError(
        this.location,
        'TOO_MANY_FILES',
        `holds ${paths.length} manifest files, over the limit of ${this.limits.maxFiles}`,
      );
    }
    const files: ManifestFile[] = [];
    let total = 0;
    for (const absolute of paths) {
      const name = displayName(this.cwd, absolute);
      try {
        if (total > this.limits.maxTotalBytes) {
          // Past the total the loader reads nothing more; the sizes alone let it say where the limit was crossed.
          const { size } = await fs.stat(absolute);
          files.push({ name, bytes: new Uint8Array(0), size });
          continue;
        }
        // A file that would cross the total is not read either: the loader refuses it by its size.
        const budget = Math.min(this.limits.maxFileBytes, Math.max(0, this.limits.maxTotalBytes - total));
        const file = await readRegularFile(absolute, budget);
        total += file.size;
        files.push({ name, ...file });
      } catch (cause) {
        if (cause instanceof NotRegularFile) {
          throw new SourceError(name, 'SOURCE_READ_FAILED', 'is not a regular file', { cause });
        }
        throw new SourceError(name, 'SOURCE_READ_FAILED', `cannot be read: ${(cause as Error).message}`, { cause });
      }
    }
    return files;
  }

  private async walk(root: string): Promise<string[]> {
    const found: string[] = [];
    // Real paths already entered, so a symlink loop ends instead of recursing forever.
    const visited = new Set<string>();
    const pending = [root];
    while (pending.length > 0) {
      const dir = pending.pop() as string;
      const entries = await this.readDirectory(dir, visited);
      for (const entry of entries) {
        // Dot folders hold tooling (.git, .meshward), never manifests.
        if (entry.name.startsWith('.')) continue;
        const full = path.join(dir, entry.name);
        const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(full)));
        if (isDir) pending.push(full);
        else if (MANIFEST_EXTENSION.test(entry.name)) found.push(full);
        if (found.length > this.limits.maxFiles) return found;
      }
    }
    const names = found.map((f) => ({ f, key: displayName(this.cwd, f) }));
    names.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return names.map((n) => n.f);
  }

  /** A directory's entries, or none when its real path was entered already (so a symlink loop ends). */
  private async readDirectory(dir: string, visited: Set<string>): Promise<Dirent[]> {
    try {
      const real = await fs.realpath(dir);
      if (visited.has(real)) return [];
      visited.add(real);
      return await fs.readdir(dir, { withFileTypes: true });
    } catch (cause) {
      const name = displayName(this.cwd, dir);
      throw new SourceError(name, 'SOURCE_READ_FAILED', `cannot be read: ${(cause as Error).message}`, { cause });
    }
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Stands in for a scheme whose source is not built yet, so the CLI says so instead of treating it as a path. */
export class UnsupportedSource implements ManifestSource {
  constructor(
    readonly location: string,
    private readonly reason: string,
  ) {}
  async list(): Promise<ManifestFile[]> {
    throw new SourceError(this.location, 'SOURCE_UNSUPPORTED', this.reason);
  }
}

/** The seam for S3: replace `s3` here (or pass `schemes` to resolveSources) with a real S3 source. */
export const DEFAULT_SCHEMES: Readonly<Record<string, SourceFactory>> = {
  s3: (uri) => new UnsupportedSource(uri, 's3:// sources are not supported here yet; use a file or directory'),
};

export interface ResolveOptions {
  cwd?: string;
  limits?: Partial<SourceLimits>;
  schemes?: Readonly<Record<string, SourceFactory>>;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

export function resolveSources(locations: readonly string[], options: ResolveOptions = {}): ManifestSource[] {
  const cwd = options.cwd ?? process.cwd();
  const limits = { ...DEFAULT_SOURCE_LIMITS, ...options.limits };
  const schemes = { ...DEFAULT_SCHEMES, ...options.schemes };
  const wanted = locations.length > 0 ? locations : DEFAULT_PATHS;
  return wanted.map((location) => {
    const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
    if (scheme === undefined || scheme === 'file') {
      const local = scheme === 'file' ? location.slice('file://'.length) : location;
      return new FileSystemSource(local, cwd, limits);
    }
    const factory = schemes[scheme];
    return factory
      ? factory(location, { cwd, limits })
      : new UnsupportedSource(location, `${scheme}:// sources are not supported; use a file, a directory or s3://`);
  });
}
