/**
 * Persistence (--data DIR): acknowledged writes survive a restart; a corrupt data file is reported with
 * STATE_CORRUPT and left untouched. Also S3 (s3rver) served on the emulator's own port.
 */
import * as am from '@aws-sdk/client-app-mesh';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshwardError } from '../../src/core/errors';
import { stateFilePath } from '../../src/emulator/state-file';
import { appMesh, REGION, startTestEmulator } from './helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshward-emu-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('persistence', () => {
  it('restores resources, versions, tags, tokens and served writes after a restart', async () => {
    const first = await startTestEmulator({ dataDir: dir });
    const c1 = appMesh(first);
    const created = await c1.send(new am.CreateMeshCommand({ meshName: 'm', tags: [{ key: 'team', value: 'core' }] }));
    await c1.send(
      new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: {}, clientToken: 'tok' }),
    );
    await c1.send(new am.UpdateMeshCommand({ meshName: 'm', spec: { egressFilter: { type: 'ALLOW_ALL' } } }));
    await first.stop();

    const second = await startTestEmulator({ dataDir: dir });
    try {
      const c2 = appMesh(second);
      const mesh = await c2.send(new am.DescribeMeshCommand({ meshName: 'm' }));
      expect(mesh.mesh?.metadata?.uid).toBe(created.mesh?.metadata?.uid);
      expect(mesh.mesh?.metadata?.version).toBe(2);
      expect(mesh.mesh?.spec).toEqual({ egressFilter: { type: 'ALLOW_ALL' } });
      const tags = await c2.send(new am.ListTagsForResourceCommand({ resourceArn: mesh.mesh?.metadata?.arn }));
      expect(tags.tags).toEqual([{ key: 'team', value: 'core' }]);
      // The idempotency token outlived the restart too (the replay is still a call CloudTrail records).
      const replay = await c2.send(
        new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: {}, clientToken: 'tok' }),
      );
      expect(replay.virtualNode?.metadata?.version).toBe(1);
      expect(second.servedWrites().map((w) => w.eventName)).toEqual([
        'CreateMesh',
        'CreateVirtualNode',
        'UpdateMesh',
        'CreateVirtualNode',
      ]);
    } finally {
      await second.stop();
    }
  });

  it('writes the state before acknowledging a write (nothing lost without a clean stop)', async () => {
    const emu = await startTestEmulator({ dataDir: dir });
    try {
      await appMesh(emu).send(new am.CreateMeshCommand({ meshName: 'm' }));
      const saved = JSON.parse(readFileSync(stateFilePath(dir), 'utf8')) as {
        services: { appmesh: { resources: unknown[] } };
      };
      expect(saved.services.appmesh.resources).toHaveLength(1);
    } finally {
      await emu.stop();
    }
  });

  it('reports a corrupt data file as STATE_CORRUPT and leaves it untouched', async () => {
    writeFileSync(stateFilePath(dir), '{"formatVersion": 1, "services": {');
    const err = await startTestEmulator({ dataDir: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MeshwardError);
    expect((err as MeshwardError).code).toBe('STATE_CORRUPT');
    expect(readFileSync(stateFilePath(dir), 'utf8')).toBe('{"formatVersion": 1, "services": {');

    writeFileSync(
      stateFilePath(dir),
      JSON.stringify({ formatVersion: 1, services: { appmesh: { nonsense: true } }, servedWrites: [] }),
    );
    await expect(startTestEmulator({ dataDir: dir })).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
  });
});

describe('S3 on the same endpoint (s3rver, path-style)', () => {
  it('creates a bucket, puts and gets an object with user metadata, lists', async () => {
    const emu = await startTestEmulator({ s3: true, dataDir: dir });
    try {
      const s3 = new S3Client({
        endpoint: emu.s3Endpoint,
        region: REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: 'AKIDANY', secretAccessKey: 'x' },
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'manifests' }));
      await s3.send(
        new PutObjectCommand({
          Bucket: 'manifests',
          Key: 'stack/a.yaml',
          Body: 'kind: Mesh\n',
          Metadata: { revision: 'abc' },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: 'manifests', Key: 'stack/a.yaml' }));
      expect(await got.Body?.transformToString()).toBe('kind: Mesh\n');
      expect(got.Metadata).toEqual({ revision: 'abc' });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'manifests', Prefix: 'stack/' }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual(['stack/a.yaml']);
      // App Mesh still works beside it.
      await appMesh(emu).send(new am.ListMeshesCommand({}));
    } finally {
      await emu.stop();
    }
  });
});
