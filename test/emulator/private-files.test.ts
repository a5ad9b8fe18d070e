/**
 * What the emulator persists is readable by its owner only (issue 12, "state and emulator files 0600"): the state
 * file holds every spec meshward wrote (task definition environments included) and its S3 holds meshward's state,
 * locks and published sets. Files 0600, directories 0700, under the ordinary 022 umask.
 */
import * as am from '@aws-sdk/client-app-mesh';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Emulator } from '../../src/emulator/server';
import { stateFilePath } from '../../src/emulator/state-file';
import { appMesh, REGION, startTestEmulator } from './helpers';

let parent: string;
let umask: number;
beforeAll(() => {
  // A stricter umask would make every file private by itself: the test would prove nothing.
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'meshward-private-'));
});
afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

/** Every path under `root` (root included) whose mode is not 0600 for a file or 0700 for a directory. */
function publicPaths(root: string): string[] {
  const out: string[] = [];
  const visit = (path: string): void => {
    const st = statSync(path);
    const mode = st.mode & 0o777;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if (mode !== want) out.push(`${relative(root, path) || '.'} ${mode.toString(8)}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return out.sort();
}

function countFiles(root: string): number {
  let n = 0;
  for (const e of readdirSync(root, { withFileTypes: true })) {
    n += e.isDirectory() ? countFiles(join(root, e.name)) : 1;
  }
  return n;
}

function s3(emulator: Emulator): S3Client {
  return new S3Client({
    region: REGION,
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: 'writer', secretAccessKey: 'x' },
  });
}

describe('emulator files are private', () => {
  it('creates its data directory 0700 and the state file 0600, and keeps them so across saves', async () => {
    const dataDir = join(parent, 'data', 'emulator');
    const emulator = await startTestEmulator({ dataDir });
    try {
      const client = appMesh(emulator);
      await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
      await client.send(new am.UpdateMeshCommand({ meshName: 'm', spec: { egressFilter: { type: 'ALLOW_ALL' } } }));
      client.destroy();
    } finally {
      await emulator.stop();
    }
    expect(statSync(stateFilePath(dataDir)).size).toBeGreaterThan(0);
    expect(publicPaths(join(parent, 'data'))).toEqual([]);
  });

  it('makes a tmp file left by a crashed save private on the next save', async () => {
    const dataDir = join(parent, 'd');
    const first = await startTestEmulator({ dataDir });
    await first.stop();
    // The tmp file name a save of this process uses, left 0644 by a crash of an older build.
    writeFileSync(`${stateFilePath(dataDir)}.${process.pid}.tmp`, '{}', { mode: 0o644 });
    const emulator = await startTestEmulator({ dataDir });
    try {
      const client = appMesh(emulator);
      await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
      client.destroy();
    } finally {
      await emulator.stop();
    }
    expect(publicPaths(dataDir)).toEqual([]);
  });

  it('writes S3 objects 0600 in 0700 directories: nested keys, copies and multipart uploads', async () => {
    const dataDir = join(parent, 'd');
    const emulator = await startTestEmulator({ dataDir, s3: true });
    const client = s3(emulator);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'state' }));
      await client.send(
        new PutObjectCommand({ Bucket: 'state', Key: 'stacks/shop/current.json', Body: '{"secret":"x"}' }),
      );
      await client.send(
        new PutObjectCommand({ Bucket: 'state', Key: 'stacks/shop/lock.json', Body: '{}', IfNoneMatch: '*' }),
      );
      await client.send(
        new CopyObjectCommand({
          Bucket: 'state',
          Key: 'history/shop/1.json',
          CopySource: 'state/stacks/shop/current.json',
        }),
      );
      const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: 'state', Key: 'sets/big.tgz' }));
      const part = await client.send(
        new UploadPartCommand({
          Bucket: 'state',
          Key: 'sets/big.tgz',
          UploadId: upload.UploadId,
          PartNumber: 1,
          Body: 'last part',
        }),
      );
      // Between the part and the completion the upload's own files are on disk: private too.
      expect(publicPaths(dataDir)).toEqual([]);
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'state',
          Key: 'sets/big.tgz',
          UploadId: upload.UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
    } finally {
      client.destroy();
      await emulator.stop();
    }
    // Objects with their metadata and md5, and the emulator's state file: nothing readable by others.
    expect(countFiles(join(dataDir, 's3'))).toBeGreaterThanOrEqual(12);
    expect(publicPaths(dataDir)).toEqual([]);
  });
});
