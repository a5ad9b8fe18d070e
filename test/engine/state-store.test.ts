import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshwardError } from '../../src/core/errors';
import {
  FileStateStore,
  MemoryStateStore,
  emptyState,
  openStateStore,
  registerStateStore,
} from '../../src/engine/state-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshward-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('file state store', () => {
  it('starts empty, saves atomically (no temp files left) and keeps stacks apart', async () => {
    const store = new FileStateStore('.meshward/state.json', dir);
    expect(await store.load('a')).toEqual(emptyState('a'));
    const a = { ...emptyState('a'), applied: { 'Mesh/m': { digest: 'd', appliedAt: 't' } } };
    await store.save(a);
    await store.save({ ...emptyState('b'), reportedDrift: { x: 'y' } });
    expect(await store.load('a')).toEqual(a);
    expect((await store.load('b')).reportedDrift).toEqual({ x: 'y' });
    expect(readdirSync(join(dir, '.meshward'))).toEqual(['state.json']);
  });

  it('survives saves that overlap within one process (each writes its own temp file)', async () => {
    const store = new FileStateStore('state.json', dir);
    const saves = Array.from({ length: 20 }, (_, i) =>
      store.save({ ...emptyState('a'), reportedDrift: { n: String(i) } }),
    );
    await expect(Promise.all(saves)).resolves.toBeDefined();
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(Object.keys((await store.load('a')).reportedDrift)).toEqual(['n']);
  });

  it('refuses a corrupt state instead of starting over', async () => {
    const store = new FileStateStore('state.json', dir);
    writeFileSync(join(dir, 'state.json'), '{not json');
    await expect(store.load('a')).rejects.toThrow(MeshwardError);
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ formatVersion: 9 }));
    await expect(store.load('a')).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
  });

  it('trims history', async () => {
    const store = new FileStateStore('state.json', dir);
    const history = Array.from({ length: 80 }, (_, i) => ({ at: String(i), summary: {}, ok: true }));
    await store.save({ ...emptyState('a'), history });
    const saved = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
      stacks: { a: { history: unknown[] } };
    };
    expect(saved.stacks.a.history).toHaveLength(50);
  });
});

describe('state store URIs', () => {
  it('opens files by path and other backends by registered scheme', () => {
    expect(openStateStore('x/state.json', dir).describe()).toBe(join(dir, 'x/state.json'));
    expect(() => openStateStore('gs://bucket/key', dir)).toThrow(/no state store/);
    registerStateStore('mem', () => new MemoryStateStore());
    expect(openStateStore('mem://anything', dir).describe()).toBe('memory');
  });
});
