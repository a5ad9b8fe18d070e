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

  it("a writer that loaded before another saved keeps the other run's history records", async () => {
    const first = new FileStateStore('state.json', dir);
    await first.save({ ...emptyState('a'), history: [{ at: '2026-01-01T00:00:00Z', summary: {}, ok: true }] });
    const a = new FileStateStore('state.json', dir);
    const b = new FileStateStore('state.json', dir);
    const stateA = await a.load('a');
    const stateB = await b.load('a');
    await a.save({
      ...stateA,
      history: [...stateA.history, { at: '2026-01-01T00:00:01Z', summary: { created: 1 }, ok: true }],
    });
    await b.save({
      ...stateB,
      history: [...stateB.history, { at: '2026-01-01T00:00:02Z', summary: { configured: 1 }, ok: true }],
    });
    const final = await new FileStateStore('state.json', dir).load('a');
    expect(final.history.map((h) => h.at)).toEqual([
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:01Z',
      '2026-01-01T00:00:02Z',
    ]);
    // Records a writer trims on purpose (it loaded them) are not brought back.
    const c = new FileStateStore('state.json', dir);
    const stateC = await c.load('a');
    await c.save({ ...stateC, history: stateC.history.slice(1) });
    expect((await c.load('a')).history).toHaveLength(2);
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
