import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileSystemSource, resolveSources, SourceError } from '../../src/manifest/sources';
import type { ManifestSource } from '../../src/manifest/sources';
import { validateManifests } from '../../src/manifest/validate';
import { formatIssue } from '../../src/manifest/issues';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'meshward-sources-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(relative: string, text: string): void {
  const full = path.join(dir, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
}

describe('FileSystemSource', () => {
  it('finds *.yaml and *.yml recursively, in code-point order, skipping dot folders and other files', async () => {
    write('b.yaml', 'b: 1\n');
    write('A.yml', 'a: 1\n');
    write('sub/z.YAML', 'z: 1\n');
    write('sub/deeper/c.yaml', 'c: 1\n');
    write('notes.txt', 'no');
    write('.git/config.yaml', 'x: 1\n');
    const files = await new FileSystemSource('.', dir).list();
    expect(files.map((f) => f.name)).toEqual(['A.yml', 'b.yaml', 'sub/deeper/c.yaml', 'sub/z.YAML']);
  });

  it('names files relative to the working directory, and reads an explicit file whatever its extension', async () => {
    write('m/x.txt', 'x: 1\n');
    const files = await new FileSystemSource('m/x.txt', dir).list();
    expect(files.map((f) => f.name)).toEqual(['m/x.txt']);
    expect(new TextDecoder().decode(files[0]!.bytes)).toBe('x: 1\n');
  });

  it('does not read a file over the per-file limit, only reports its size', async () => {
    write('big.yaml', 'x'.repeat(100));
    const [file] = await new FileSystemSource('big.yaml', dir, {
      maxFileBytes: 10,
      maxTotalBytes: 1000,
      maxFiles: 5,
    }).list();
    expect(file!.bytes.length).toBe(0);
    expect(file!.size).toBe(100);
  });

  it('survives a symlink loop', async () => {
    write('a/m.yaml', 'm: 1\n');
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'a', 'loop'));
    const files = await new FileSystemSource('.', dir).list();
    expect(files.map((f) => f.name)).toEqual(['a/m.yaml']);
  });

  // A FIFO blocks open() and read() until a writer comes, and a device like /dev/zero never ends: reading either
  // would hang validate (or fill memory), so only regular files are read.
  const fifo = process.platform === 'win32' ? it.skip : it;
  fifo('refuses a FIFO as PATH or inside a directory instead of blocking on it', async () => {
    write('m/a.yaml', 'a: 1\n');
    execFileSync('mkfifo', [path.join(dir, 'm', 'pipe.yaml')]);
    await expect(new FileSystemSource('m/pipe.yaml', dir).list()).rejects.toMatchObject({
      issueCode: 'SOURCE_READ_FAILED',
      message: 'is not a regular file or directory',
    });
    await expect(new FileSystemSource('m', dir).list()).rejects.toMatchObject({
      location: 'm/pipe.yaml',
      message: 'is not a regular file',
    });
  });

  fifo('refuses a device, even through a symlink named *.yaml', async () => {
    await expect(new FileSystemSource('/dev/zero', dir).list()).rejects.toMatchObject({
      issueCode: 'SOURCE_READ_FAILED',
    });
    mkdirSync(path.join(dir, 'm'));
    symlinkSync('/dev/zero', path.join(dir, 'm', 'zero.yaml'));
    await expect(new FileSystemSource('m', dir).list()).rejects.toMatchObject({ location: 'm/zero.yaml' });
  });

  it('stops reading once the total limit is passed, so a huge tree costs no memory', async () => {
    for (let i = 0; i < 5; i++) write(`f${i}.yaml`, 'x'.repeat(40));
    const files = await new FileSystemSource('.', dir, { maxFileBytes: 100, maxTotalBytes: 100, maxFiles: 10 }).list();
    expect(files.map((f) => [f.name, f.bytes.length, f.size])).toEqual([
      ['f0.yaml', 40, 40],
      ['f1.yaml', 40, 40],
      ['f2.yaml', 0, 40],
      ['f3.yaml', 0, 40],
      ['f4.yaml', 0, 40],
    ]);
    const result = await validateManifests(['.'], { cwd: dir, limits: { maxTotalBytes: 100 } });
    expect(result.issues.map((i) => `${i.file} ${i.code}`)).toContain('f2.yaml TOTAL_TOO_LARGE');
  });

  it('refuses too many files', async () => {
    for (let i = 0; i < 4; i++) write(`f${i}.yaml`, 'a: 1\n');
    const source = new FileSystemSource('.', dir, { maxFileBytes: 100, maxTotalBytes: 1000, maxFiles: 3 });
    await expect(source.list()).rejects.toThrow(SourceError);
  });
});

describe('resolveSources', () => {
  it('defaults to manifests/', () => {
    expect(resolveSources([], { cwd: dir }).map((s) => s.location)).toEqual(['manifests/']);
  });

  it('says s3:// is not supported yet, and lets a scheme be plugged in', async () => {
    const [s3] = resolveSources(['s3://bucket/prefix'], { cwd: dir });
    await expect(s3!.list()).rejects.toMatchObject({ issueCode: 'SOURCE_UNSUPPORTED' });
    const fake: ManifestSource = {
      location: 's3://bucket/prefix',
      list: async () => [{ name: 's3://bucket/prefix/mesh.yaml', bytes: new TextEncoder().encode('a: 1\n') }],
    };
    const [plugged] = resolveSources(['s3://bucket/prefix'], { cwd: dir, schemes: { s3: () => fake } });
    expect(plugged).toBe(fake);
  });

  it('turns source failures into issues without positions', async () => {
    const result = await validateManifests(['missing/', 's3://b/p', 'gopher://x'], { cwd: dir });
    expect(result.issues.map(formatIssue)).toEqual([
      'gopher://x gopher:// sources are not supported; use a file, a directory or s3://',
      'missing/ no such file or directory',
      's3://b/p s3:// sources are not supported here yet; use a file or directory',
    ]);
    expect(result.valid).toBe(false);
  });

  it('reports an empty directory as an error: an empty desired state is never what was meant', async () => {
    mkdirSync(path.join(dir, 'empty'));
    const result = await validateManifests(['empty'], { cwd: dir });
    expect(result.issues.map((i) => i.code)).toEqual(['NO_DOCUMENTS']);
  });

  it('reads a file named twice once', async () => {
    write('m/mesh.yaml', 'apiVersion: meshward.dev/v1alpha1\nkind: Mesh\nmetadata:\n  name: shop\n');
    const result = await validateManifests(['m', 'm/mesh.yaml'], { cwd: dir });
    expect(result.issues).toEqual([]);
    expect(result.documents).toHaveLength(1);
  });
});
