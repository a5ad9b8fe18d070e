/**
 * Publishing a validated manifest set to S3 as one unit (layout: publish-layout.ts). Validation runs on the very
 * bytes that are uploaded, so what the Lambda reads is exactly what was checked. Nothing is written when the set
 * is invalid; the pointer is written only after every file of the revision is in place.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { formatIssue, type ValidationIssue } from '../manifest/issues';
import { resolveSources, type ManifestFile, type ManifestSource } from '../manifest/sources';
import { validateManifests } from '../manifest/validate';
import {
  pointerKey,
  revisionKey,
  setDigest,
  sha256Hex,
  type PublishedFile,
  type RevisionPointer,
} from './publish-layout';
import { formatS3Uri, parseS3Uri } from './s3-uri';

export interface GitInfo {
  revision?: string;
  author?: string;
  commitTime?: string;
}

export interface PublishOptions {
  paths: readonly string[];
  /** s3://bucket/prefix */
  to: string;
  /** Overrides the git revision (CI passes the commit SHA). */
  revision?: string;
  cwd?: string;
  client: S3Client;
  git?: GitInfo;
  now?: () => Date;
  schemasDir?: string;
}

export type PublishResult =
  { ok: false; issues: ValidationIssue[] } | { ok: true; pointer: RevisionPointer; location: string; uploaded: number };

const execFileAsync = promisify(execFile);

/** Revision, author and commit time of HEAD, when `cwd` is inside a git checkout with git installed. */
export async function gitInfo(cwd: string): Promise<GitInfo> {
  try {
    const { stdout } = await execFileAsync('git', ['log', '-1', '--format=%H%n%an <%ae>%n%cI'], {
      cwd,
      timeout: 5000,
    });
    const [revision, author, commitTime] = stdout.trim().split('\n');
    return { revision, author, commitTime };
  } catch {
    return {};
  }
}

/** Remembers what a source returned: validation reads each source once, and those bytes are what is uploaded. */
class RecordingSource implements ManifestSource {
  files: ManifestFile[] = [];
  constructor(private readonly inner: ManifestSource) {}
  get location(): string {
    return this.inner.location;
  }
  async list(): Promise<ManifestFile[]> {
    this.files = await this.inner.list();
    return this.files;
  }
}

export async function publishManifests(options: PublishOptions): Promise<PublishResult> {
  const target = parseS3Uri(options.to);
  const cwd = options.cwd ?? process.cwd();

  const sources = resolveSources(options.paths, { cwd }).map((source) => new RecordingSource(source));
  const result = await validateManifests([], { sources, cwd, schemasDir: options.schemasDir });
  if (!result.valid) return { ok: false, issues: result.issues };
  // Same de-duplication by name as validation, so `publish manifests/ manifests/a.yaml` uploads a.yaml once.
  const unique = [...new Map(sources.flatMap((s) => s.files).map((f) => [f.name, f])).values()];

  const hashed = unique.map((f) => ({ file: f, sha256: sha256Hex(f.bytes) }));
  const digest = setDigest(hashed.map((h) => ({ name: h.file.name, sha256: h.sha256 })));
  const git = options.git ?? (await gitInfo(cwd));
  const revision = options.revision ?? git.revision ?? `sha256:${digest.slice(0, 12)}`;
  const published: PublishedFile[] = hashed.map((h) => ({
    name: h.file.name,
    key: revisionKey(target.prefix, digest, h.file.name),
    sha256: h.sha256,
    size: h.file.bytes.byteLength,
  }));

  const metadata: Record<string, string> = { 'meshward-revision': revision, 'meshward-digest': digest };
  if (git.author) metadata['meshward-author'] = asciiHeader(git.author);
  if (git.commitTime) metadata['meshward-commit-time'] = git.commitTime;

  for (const [i, h] of hashed.entries()) {
    const file = published[i] as PublishedFile;
    await options.client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: file.key,
        Body: h.file.bytes,
        ContentType: 'application/yaml',
        Metadata: { ...metadata, 'meshward-sha256': h.sha256 },
      }),
    );
  }

  const pointer: RevisionPointer = {
    formatVersion: 1,
    revision,
    digest,
    publishedAt: (options.now ?? (() => new Date()))().toISOString(),
    ...(git.author ? { author: git.author } : {}),
    ...(git.commitTime ? { commitTime: git.commitTime } : {}),
    files: published,
  };
  // Last: from this write on, the Lambda sees the new revision, complete.
  await options.client.send(
    new PutObjectCommand({
      Bucket: target.bucket,
      Key: pointerKey(target.prefix),
      Body: JSON.stringify(pointer, null, 2),
      ContentType: 'application/json',
      Metadata: metadata,
    }),
  );
  return { ok: true, pointer, location: formatS3Uri(target), uploaded: published.length };
}

/** S3 user metadata travels as HTTP headers: keep it printable ASCII. */
function asciiHeader(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}

export function formatPublishIssues(issues: readonly ValidationIssue[]): string {
  return issues.map(formatIssue).join('\n');
}
