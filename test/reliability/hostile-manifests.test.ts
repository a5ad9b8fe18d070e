/**
 * Reliability: hostile manifests. Random YAML text, valid generated manifests made hostile (huge strings, long
 * lists, unicode, prototype-pollution keys, numbers at the edges), YAML bombs, files of tens of MB and deeply nested
 * input. Every case must end in validation issues (or, for hostile-but-legal content, a valid result) without a
 * throw, within a bounded time and memory, and a reconcile of an invalid set must not make a single AWS call.
 * Seeded: a failure reproduces. Counts are printed at the end.
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { generateManifestSet } from '../../bench/generate';
import { type AwsClients, LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import type { ManifestDocument } from '../../src/core/types';
import { reconcile } from '../../src/engine/reconcile';
import { MemoryStateStore } from '../../src/engine/state-store';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import type { ManifestFile, ManifestSource } from '../../src/manifest/sources';
import { type ValidationResult, validateFiles, validateManifests } from '../../src/manifest/validate';

const SEED = 20261125;
/** A single case may take this long at most (a 2-core machine shared with other jobs; typical cases take ~1 ms). */
const CASE_BUDGET_MS = 5_000;
/** Heap growth allowed across one heavy case: far below what a 512 MB Lambda can afford. */
const HEAP_BUDGET_BYTES = 256 * 1024 * 1024;

const counts = {
  randomYaml: 0,
  hostileMutations: 0,
  hostileButLegal: 0,
  yamlBombs: 0,
  deepNesting: 0,
  largeFiles: 0,
  reconcilesRefused: 0,
  slowestCaseMs: 0,
};

let emulator: Emulator;
let clients: AwsClients;
const encoder = new TextEncoder();

const asFile = (text: string, name = 'hostile.yaml'): ManifestFile => ({ name, bytes: encoder.encode(text) });

function memorySource(files: readonly ManifestFile[]): ManifestSource {
  return { location: 'memory://hostile', list: async () => [...files] };
}

function timed<T>(work: () => T): T {
  const t0 = performance.now();
  const value = work();
  const ms = performance.now() - t0;
  counts.slowestCaseMs = Math.max(counts.slowestCaseMs, ms);
  expect(ms).toBeLessThan(CASE_BUDGET_MS);
  return value;
}

function expectIssuesOnly(result: ValidationResult): void {
  expect(Array.isArray(result.issues)).toBe(true);
  for (const issue of result.issues) {
    expect(typeof issue.code).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
    // Issues are printed one per line and may land in Slack: a hostile value must not blow them up.
    expect(issue.message.length).toBeLessThan(2_000);
  }
  expect(result.valid).toBe(!result.issues.some((i) => i.severity === 'error'));
}

/** The same files through the whole reconcile: invalid input must stop before the first AWS call. */
async function expectNothingApplied(files: readonly ManifestFile[]): Promise<void> {
  const before = emulator.stats.snapshot().totals.calls;
  const outcome = await reconcile({
    mode: 'apply',
    stack: 'hostile',
    store: new MemoryStateStore(),
    clients,
    paths: [],
    validate: { sources: [memorySource(files)] },
  });
  expect(outcome.results).toEqual([]);
  expect(outcome.report.errors.length).toBeGreaterThan(0);
  expect(emulator.stats.snapshot().totals.calls).toBe(before);
  counts.reconcilesRefused += 1;
}

function assertNoPrototypePollution(): void {
  const probe: Record<string, unknown> = {};
  expect(probe['polluted']).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  clients = createAwsClients({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  clients.destroy();
  await emulator.stop();
  // Nothing reached AWS in the whole suite: every hostile set was refused before observe.
  expect(emulator.servedWrites()).toHaveLength(0);
  const cases = counts.randomYaml + counts.hostileMutations + counts.yamlBombs + counts.deepNesting + counts.largeFiles;
  console.log(
    `hostile manifests: ${cases} cases tried (random YAML ${counts.randomYaml}, hostile mutations ` +
      `${counts.hostileMutations} of which ${counts.hostileButLegal} legal, YAML bombs ${counts.yamlBombs}, deep ` +
      `nesting ${counts.deepNesting}, large files ${counts.largeFiles}); ${counts.reconcilesRefused} reconciles ` +
      `refused with 0 AWS calls; slowest case ${counts.slowestCaseMs.toFixed(0)} ms`,
  );
});

describe('random YAML text', () => {
  // YAML's syntax in small pieces, so that random strings reach the parser's corners rather than failing at once.
  const token = fc.constantFrom(
    'a',
    'kind',
    'apiVersion',
    'meshward.dev/v1alpha1',
    'Mesh',
    'VirtualNode',
    'metadata',
    'name',
    'spec',
    ':',
    ': ',
    ' ',
    '  ',
    '\n',
    '\t',
    '- ',
    '[',
    ']',
    '{',
    '}',
    ',',
    '&x ',
    '*x',
    '<<: *x',
    '!!str ',
    '!!binary ',
    '!custom ',
    '---\n',
    '...\n',
    '"',
    "'",
    '#',
    '|\n',
    '>-\n',
    '? ',
    '%YAML 1.2\n',
    '%TAG ! tag:x,2000:\n',
    '\u0000',
    '\ufeff',
    '\u202e',
    '😀',
    '0x1F',
    '.inf',
    '.nan',
    '~',
    'null',
    '1e400',
  );
  const yamlText = fc.array(token, { maxLength: 120 }).map((parts) => parts.join(''));

  it('never throws, answers in bounded time, applies nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(yamlText, fc.string({ unit: 'binary', maxLength: 300 })), async (text) => {
        counts.randomYaml += 1;
        const files = [asFile(text)];
        const result = timed(() => validateFiles(files));
        expectIssuesOnly(result);
        // Random text is sometimes a valid empty set or a lone valid document; only invalid sets must refuse.
        if (!result.valid) await expectNothingApplied(files);
        assertNoPrototypePollution();
      }),
      { seed: SEED, numRuns: 2000, endOnFailure: true },
    );
  });
});

describe('schema-valid shapes with hostile content', () => {
  // A small valid set (mesh, gateway, routes, nodes, services, ECS): each case makes one of its documents hostile.
  const base = generateManifestSet({ resources: 10, seed: 7 }).docs;
  // The untouched rest of the set, once per document: serializing it per case would dominate the run time.
  const restFiles = base.map((_, i) =>
    asFile(
      base
        .filter((__, j) => j !== i)
        .map((d) => stringify(d))
        .join('---\n'),
      'rest.yaml',
    ),
  );

  type Path = (string | number)[];
  const pathsOf = (value: unknown, prefix: Path = []): Path[] => {
    const out: Path[] = [prefix];
    if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
    return out;
  };

  const hostileString = fc.oneof(
    fc.constantFrom(
      'x'.repeat(200_000),
      '\u202egnp.exe',
      'zero\u200bwidth',
      'nul\u0000byte',
      '${jndi:ldap://x}',
      '{{ constructor.constructor("return process")() }}',
      '../../../../etc/passwd',
      '<script>alert(1)</script>',
      '"; DROP TABLE meshes; --',
      '🏳️‍🌈'.repeat(1000),
      'a\nb\r\nc',
      ' ',
      '',
    ),
    fc.string({ unit: 'grapheme', maxLength: 64 }),
  );
  const edgeNumber = fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    2 ** 31,
    2 ** 31 - 1,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Infinity,
    -Infinity,
    NaN,
  );
  const pollutionKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty');
  type Mutation =
    | { op: 'string'; value: string }
    | { op: 'number'; value: number }
    | { op: 'pollute'; key: string }
    | { op: 'longList'; length: number }
    | { op: 'tags'; count: number; key: string };
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('string' as const), value: hostileString }),
    fc.record({ op: fc.constant('number' as const), value: edgeNumber }),
    fc.record({ op: fc.constant('pollute' as const), key: pollutionKey }),
    fc.record({ op: fc.constant('longList' as const), length: fc.constantFrom(51, 200, 1_000) }),
    fc.record({ op: fc.constant('tags' as const), count: fc.constantFrom(50, 51, 1_000), key: hostileString }),
  );

  /** Applies one hostile change at `at`; returns the document as YAML text (objects with own `__proto__` keys). */
  function hostile(doc: ManifestDocument, at: number, m: Mutation): string {
    const copy = structuredClone(doc) as unknown as Record<string, unknown>;
    const all = pathsOf(copy).filter((p) => p.length > 0);
    const target = all[at % all.length] ?? ['spec'];
    const parentPath = target.slice(0, -1);
    const key = target[target.length - 1] as string | number;
    let parent: unknown = copy;
    for (const p of parentPath) parent = (parent as Record<string | number, unknown>)[p];
    const holder = parent as Record<string | number, unknown>;
    switch (m.op) {
      case 'string':
        holder[key] = m.value;
        break;
      case 'number':
        holder[key] = m.value;
        break;
      case 'pollute': {
        // defineProperty creates an own key named "__proto__" (assignment would set the prototype instead).
        const obj = typeof holder[key] === 'object' && holder[key] !== null ? holder[key] : holder;
        Object.defineProperty(obj, m.key, {
          value: { polluted: true, isAdmin: true },
          enumerable: true,
          configurable: true,
          writable: true,
        });
        break;
      }
      case 'longList': {
        // Capped at ~200 kB of JSON: large enough to hit list and size limits, small enough to stay milliseconds.
        const size = JSON.stringify(holder[key] ?? null).length + 1;
        const length = Math.max(1, Math.min(m.length, Math.floor(200_000 / size)));
        holder[key] = Array.from({ length }, () => structuredClone(holder[key]));
        break;
      }
      case 'tags': {
        const metadata = copy['metadata'] as Record<string, unknown>;
        const tags: Record<string, string> = {};
        for (let i = 0; i < m.count; i++) tags[`${m.key}${i}`] = m.key;
        metadata['tags'] = tags;
        break;
      }
    }
    return stringify(copy, { lineWidth: 0 });
  }

  it('ends in issues or a legal set, never a throw, never a polluted prototype', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(base.length - 1), fc.nat(10_000), mutation, async (which, at, m) => {
        counts.hostileMutations += 1;
        const target = base[which] as ManifestDocument;
        const files = [restFiles[which] as ManifestFile, asFile(hostile(target, at, m), 'hostile.yaml')];
        const result = timed(() => validateFiles(files));
        expectIssuesOnly(result);
        assertNoPrototypePollution();
        if (result.valid) {
          counts.hostileButLegal += 1;
          // Legal content still must not smuggle a pollution key into a document the engine would use.
          for (const d of result.documents) expect(JSON.stringify(d.doc)).not.toContain('"polluted":true');
        } else if (at % 4 === 0) {
          // The full reconcile repeats validation; a quarter of the cases keeps the check at a quarter of the cost.
          await expectNothingApplied(files);
        }
        assertNoPrototypePollution();
      }),
      { seed: SEED, numRuns: 400, endOnFailure: true },
    );
  });
});

describe('YAML bombs', () => {
  /** Billion laughs: each level repeats the previous anchor `fan` times; `levels` levels expand to fan^levels. */
  function laughs(levels: number, fan: number, merge: boolean): string {
    const lines = ['apiVersion: meshward.dev/v1alpha1', 'kind: Mesh', 'metadata:', '  name: bomb'];
    lines.push('x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]');
    for (let i = 1; i <= levels; i++) {
      const refs = Array.from({ length: fan }, () => `*a${i - 1}`).join(',');
      lines.push(merge ? `x${i}: &a${i} {<<: [${refs}], k${i}: 1}` : `x${i}: &a${i} [${refs}]`);
    }
    lines.push(`spec: *a${levels}`);
    return `${lines.join('\n')}\n`;
  }

  it('are refused with an issue, in bounded time and memory', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 2, max: 12 }),
        fc.boolean(),
        async (l, f, m) => {
          counts.yamlBombs += 1;
          const heap0 = process.memoryUsage().heapUsed;
          const files = [asFile(laughs(l, f, m))];
          const result = timed(() => validateFiles(files));
          expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(HEAP_BUDGET_BYTES);
          expectIssuesOnly(result);
          expect(result.valid).toBe(false);
          await expectNothingApplied(files);
        },
      ),
      { seed: SEED, numRuns: 120, endOnFailure: true },
    );
  });
});

describe('deeply nested input', () => {
  const nested = fc.oneof(
    fc.integer({ min: 65, max: 200_000 }).map((n) => `spec: ${'['.repeat(n)}${']'.repeat(n)}\n`),
    fc.integer({ min: 65, max: 200_000 }).map((n) => `spec: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`),
    fc
      .integer({ min: 65, max: 3_000 })
      .map((n) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n'),
    fc
      .integer({ min: 65, max: 3_000 })
      .map((n) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}-`).join('\n') + ' 1\n'),
    fc.integer({ min: 65, max: 50_000 }).map((n) => `spec: ${'!!seq '.repeat(1)}${'[ '.repeat(n)}${' ]'.repeat(n)}\n`),
  );

  it('is refused without a stack overflow', async () => {
    await fc.assert(
      fc.asyncProperty(nested, async (text) => {
        counts.deepNesting += 1;
        const files = [asFile(`apiVersion: meshward.dev/v1alpha1\nkind: Mesh\nmetadata:\n  name: deep\n${text}`)];
        const result = timed(() => validateFiles(files));
        expectIssuesOnly(result);
        expect(result.valid).toBe(false);
        await expectNothingApplied(files);
      }),
      { seed: SEED, numRuns: 60, endOnFailure: true },
    );
  });
});

describe('files of tens of MB', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'meshward-hostile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeBig(file: string, bytes: number, chunk: string): Promise<void> {
    const handle = await open(file, 'w');
    try {
      const block = chunk.repeat(Math.max(1, Math.floor((1024 * 1024) / chunk.length)));
      let written = 0;
      while (written < bytes) {
        await handle.write(block);
        written += block.length;
      }
    } finally {
      await handle.close();
    }
  }

  it('one 40 MB file is refused before it is parsed', async () => {
    const sub = await mkdtemp(path.join(dir, 'one-'));
    const file = path.join(sub, 'big.yaml');
    await writeBig(file, 40 * 1024 * 1024, '- {name: lol, value: lol}\n');
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const result = await validateManifests([sub], { cwd: dir });
    const ms = performance.now() - t0;
    counts.largeFiles += 1;
    counts.slowestCaseMs = Math.max(counts.slowestCaseMs, ms);
    expect(ms).toBeLessThan(CASE_BUDGET_MS);
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(HEAP_BUDGET_BYTES);
    expectIssuesOnly(result);
    expect(result.valid).toBe(false);
    const before = emulator.stats.snapshot().totals.calls;
    const outcome = await reconcile({
      mode: 'apply',
      stack: 'hostile',
      store: new MemoryStateStore(),
      clients,
      paths: [sub],
      validate: { cwd: dir },
    });
    expect(outcome.results).toEqual([]);
    expect(emulator.stats.snapshot().totals.calls).toBe(before);
    counts.reconcilesRefused += 1;
  });

  it('many files just under the per-file limit stop at the total limit', async () => {
    const sub = await mkdtemp(path.join(dir, 'many-'));
    // 70 files of 1,000,000 bytes: each under 1 MiB, together over the 64 MiB total.
    const body = `apiVersion: meshward.dev/v1alpha1\nkind: Mesh\nmetadata:\n  name: m\nspec: {}\n# ${'x'.repeat(998_000)}\n`;
    for (let i = 0; i < 70; i++) await writeFile(path.join(sub, `f-${String(i).padStart(2, '0')}.yaml`), body);
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const result = await validateManifests([sub], { cwd: dir });
    const ms = performance.now() - t0;
    counts.largeFiles += 1;
    counts.slowestCaseMs = Math.max(counts.slowestCaseMs, ms);
    // Generous: ~65 MB of YAML is read and lexed before the total limit trips.
    expect(ms).toBeLessThan(4 * CASE_BUDGET_MS);
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(2 * HEAP_BUDGET_BYTES);
    expectIssuesOnly(result);
    expect(result.valid).toBe(false);
  });

  it('a 20 MB document given in memory is refused by the loader itself', async () => {
    const text = `apiVersion: meshward.dev/v1alpha1\nkind: Mesh\nmetadata:\n  name: m\nspec:\n  egressFilter:\n    type: "${'A'.repeat(20 * 1024 * 1024)}"\n`;
    counts.largeFiles += 1;
    const files = [asFile(text)];
    const result = timed(() => validateFiles(files));
    expectIssuesOnly(result);
    expect(result.valid).toBe(false);
    await expectNothingApplied(files);
  });
});
