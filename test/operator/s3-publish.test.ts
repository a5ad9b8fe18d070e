import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { publishCommand } from '../../src/cli/commands/publish';
import { validateManifests } from '../../src/manifest/validate';
import { parsePointer, revisionKey, sha256Hex } from '../../src/operator/publish-layout';
import { S3ManifestSource, s3SourceFactory } from '../../src/operator/s3-source';
import { MESH_YAML, manifestDir, nodeYaml, startLocalS3, type LocalS3 } from './helpers';

let local: LocalS3;
beforeAll(async () => {
  local = await startLocalS3();
});
afterAll(async () => {
  local.s3.destroy();
  await local.emulator.stop();
});

async function keys(prefix: string): Promise<string[]> {
  const out = await local.s3.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

function io(): { out: string[]; err: string[]; stdout: (t: string) => void; stderr: (t: string) => void } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

describe('meshward publish + the S3 manifest source', () => {
  it('uploads a valid set as one revision with the pointer last, and the source reads it back', async () => {
    const cwd = manifestDir({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml() });
    const streams = io();
    const code = await publishCommand(
      { paths: ['manifests'], to: `s3://${local.bucket}/meshward/prod`, revision: 'abc123' },
      streams,
      { client: local.s3, cwd },
    );
    expect(streams.err).toEqual([]);
    expect(code).toBe(0);
    const stored = await keys('meshward/prod/');
    expect(stored).toContain('meshward/prod/current.json');
    expect(stored.filter((k) => k.includes('/revisions/'))).toHaveLength(2);

    const pointerObj = await local.s3.send(
      new GetObjectCommand({ Bucket: local.bucket, Key: 'meshward/prod/current.json' }),
    );
    expect(pointerObj.Metadata?.['meshward-revision']).toBe('abc123');
    const pointer = parsePointer(await (pointerObj.Body?.transformToString() ?? Promise.resolve('')));
    expect(pointer.revision).toBe('abc123');
    expect(pointer.files.map((f) => f.name)).toEqual(['manifests/mesh.yaml', 'manifests/orders.yaml']);

    const source = new S3ManifestSource(`s3://${local.bucket}/meshward/prod`, local.s3);
    const files = await source.list();
    expect(files.map((f) => f.name)).toEqual(['manifests/mesh.yaml', 'manifests/orders.yaml']);
    expect(source.pointer?.revision).toBe('abc123');

    // The same source plugs into validation through the s3 scheme.
    const result = await validateManifests([`s3://${local.bucket}/meshward/prod`], {
      schemes: { s3: s3SourceFactory(local.s3) },
    });
    expect(result.issues).toEqual([]);
    expect(result.documents).toHaveLength(2);
  });

  it('uploads nothing when the manifests are invalid', async () => {
    const cwd = manifestDir({ 'bad.yaml': MESH_YAML.replace('kind: Mesh', 'kind: Nope') });
    const streams = io();
    const code = await publishCommand({ paths: ['manifests'], to: `s3://${local.bucket}/meshward/bad` }, streams, {
      client: local.s3,
      cwd,
    });
    expect(code).toBe(1);
    expect(streams.err.join('')).toContain('nothing published');
    expect(streams.err.join('')).toContain('manifests/bad.yaml');
    expect(await keys('meshward/bad/')).toEqual([]);
  });

  it('keeps serving the previous revision until the new pointer is written', async () => {
    const prefix = 'meshward/swap';
    const cwd1 = manifestDir({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s') });
    await publishCommand({ paths: ['manifests'], to: `s3://${local.bucket}/${prefix}`, revision: 'r1' }, io(), {
      client: local.s3,
      cwd: cwd1,
    });
    // A second upload that died before its pointer: its revision files exist, the pointer is still r1's.
    await local.s3.send(
      new PutObjectCommand({
        Bucket: local.bucket,
        Key: `${prefix}/revisions/deadbeef/manifests/orders.yaml`,
        Body: 'x',
      }),
    );
    const source = new S3ManifestSource(`s3://${local.bucket}/${prefix}`, local.s3);
    const files = await source.list();
    expect(source.pointer?.revision).toBe('r1');
    expect(new TextDecoder().decode(files[1]?.bytes)).toContain('perRequest: 15s');

    const cwd2 = manifestDir({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('30s') });
    await publishCommand({ paths: ['manifests'], to: `s3://${local.bucket}/${prefix}`, revision: 'r2' }, io(), {
      client: local.s3,
      cwd: cwd2,
    });
    const after = await source.list();
    expect(source.pointer?.revision).toBe('r2');
    expect(new TextDecoder().decode(after[1]?.bytes)).toContain('perRequest: 30s');
  });

  it('rejects a revision file that does not match the pointer', async () => {
    const prefix = 'meshward/tamper';
    const cwd = manifestDir({ 'mesh.yaml': MESH_YAML });
    await publishCommand({ paths: ['manifests'], to: `s3://${local.bucket}/${prefix}` }, io(), {
      client: local.s3,
      cwd,
    });
    const key = (await keys(`${prefix}/revisions/`))[0] as string;
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: key, Body: 'kind: Tampered' }));
    const result = await validateManifests([`s3://${local.bucket}/${prefix}`], {
      schemes: { s3: s3SourceFactory(local.s3) },
    });
    expect(result.valid).toBe(false);
    expect(result.issues[0]?.message).toContain('sha256');
  });

  it('refuses a pointer naming files outside its own revision folder (e.g. the state)', async () => {
    const prefix = 'meshward/escape';
    const body = 'kind: Whatever';
    const outside = `${prefix}/_state/prod/snapshots/0000000001-x.json`;
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: outside, Body: body }));
    const pointer = {
      formatVersion: 1,
      revision: 'r-escape',
      digest: 'd'.repeat(64),
      publishedAt: new Date().toISOString(),
      files: [{ name: 'x.yaml', key: outside, sha256: sha256Hex(body), size: body.length }],
    };
    await local.s3.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `${prefix}/current.json`, Body: JSON.stringify(pointer) }),
    );
    const result = await validateManifests([`s3://${local.bucket}/${prefix}`], {
      schemes: { s3: s3SourceFactory(local.s3) },
    });
    expect(result.valid).toBe(false);
    expect(result.issues[0]?.message).toContain('outside');
  });

  // Issue 12: a pointer key with `../` passed the folder check (it starts with the folder) and applied another
  // stack's file. Keys are resolved as S3 and URL-decoding tools would and confined to the stack's revision folder.
  it.each([
    [
      '../ climbing into another stack',
      (p: string, d: string) => `${p}/revisions/${d}/../../../other/revisions/x/a.yaml`,
    ],
    ['a bare ..', (p: string, d: string) => `${p}/revisions/${d}/..`],
    ['an absolute key', (p: string, d: string) => `/${p}/revisions/${d}/a.yaml`],
    ['a percent-encoded ../', (p: string, d: string) => `${p}/revisions/${d}/%2e%2e/%2e%2e/%2e%2e/other/a.yaml`],
    ['a backslash ..\\', (p: string, d: string) => `${p}/revisions/${d}/..\\..\\..\\other\\a.yaml`],
    ['a ./ segment', (p: string, d: string) => `${p}/revisions/${d}/./a.yaml`],
  ])('refuses a pointer key with %s, reading nothing outside the prefix', async (_label, keyOf) => {
    const prefix = 'meshward/victim';
    const digest = 'e'.repeat(64);
    // Another stack's file, valid on its own: the attack is to make this stack apply it.
    const other = 'meshward/other/revisions/x/a.yaml';
    await local.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: other, Body: MESH_YAML }));
    const key = keyOf(prefix, digest);
    const pointer = {
      formatVersion: 1,
      revision: 'r-traversal',
      digest,
      publishedAt: new Date().toISOString(),
      files: [{ name: 'a.yaml', key, sha256: sha256Hex(MESH_YAML), size: MESH_YAML.length }],
    };
    await local.s3.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `${prefix}/current.json`, Body: JSON.stringify(pointer) }),
    );
    const result = await validateManifests([`s3://${local.bucket}/${prefix}`], {
      schemes: { s3: s3SourceFactory(local.s3) },
    });
    expect(result.valid).toBe(false);
    expect(result.documents).toEqual([]);
    expect(result.issues[0]?.message).toMatch(
      /outside revision folder meshward\/victim\/revisions\/e{64}\/.*must lie under/,
    );
  });

  it('refuses a pointer whose digest is not a sha256 (it names the folder: "../other" would climb out)', async () => {
    const prefix = 'meshward/victim2';
    const pointer = {
      formatVersion: 1,
      revision: 'r-digest',
      digest: '../../other/revisions/x',
      publishedAt: new Date().toISOString(),
      files: [{ name: 'a.yaml', key: 'meshward/other/revisions/x/a.yaml', sha256: sha256Hex(MESH_YAML), size: 1 }],
    };
    await local.s3.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `${prefix}/current.json`, Body: JSON.stringify(pointer) }),
    );
    const result = await validateManifests([`s3://${local.bucket}/${prefix}`], {
      schemes: { s3: s3SourceFactory(local.s3) },
    });
    expect(result.valid).toBe(false);
    expect(result.issues[0]?.message).toContain('digest is not a sha256');
  });

  it('publishes a file named with ../ inside the revision folder, never beside it', () => {
    const digest = 'f'.repeat(64);
    expect(revisionKey('meshward/prod', digest, '../../a/../../x.yaml')).toBe(
      `meshward/prod/revisions/${digest}/a/x.yaml`,
    );
    expect(revisionKey('', digest, '..\\..\\x.yaml')).toBe(`revisions/${digest}/x.yaml`);
  });

  it('reports an unpublished location as a validation issue', async () => {
    const result = await validateManifests([`s3://${local.bucket}/nothing/here`], {
      schemes: { s3: s3SourceFactory(local.s3) },
    });
    expect(result.valid).toBe(false);
    expect(result.issues[0]?.code).toBe('SOURCE_NOT_FOUND');
  });
});
