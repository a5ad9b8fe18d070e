/**
 * Property: whatever bytes arrive, validation returns issues and never throws. Inputs are random bytes and text,
 * and the reference manifests mutated structurally (fields dropped, duplicated, retyped, renamed) and textually.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { validateFiles } from '../../src/manifest/validate';
import type { ManifestFile } from '../../src/manifest/sources';

const MANIFESTS = path.join(__dirname, '..', '..', 'manifests');
const texts = readdirSync(MANIFESTS)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(path.join(MANIFESTS, f), 'utf8'));
const documents: unknown[] = texts.flatMap((t) => parseAllDocuments(t).flatMap((d) => ('toJS' in d ? [d.toJS()] : [])));

// ~1,400 runs in all, seeded so a failure reproduces; a few seconds on an idle machine.
const SETTINGS = { seed: 20261125, numRuns: 400, endOnFailure: true };
const HEAVY = { ...SETTINGS, numRuns: 300 };

function assertOnlyIssues(files: ManifestFile[]): void {
  const result = validateFiles(files);
  expect(Array.isArray(result.issues)).toBe(true);
  for (const issue of result.issues) {
    expect(typeof issue.file).toBe('string');
    expect(Number.isInteger(issue.line) && issue.line >= 0).toBe(true);
    expect(Number.isInteger(issue.column) && issue.column >= 0).toBe(true);
    expect(issue.pointer === '' || issue.pointer.startsWith('/')).toBe(true);
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.message).not.toContain('\n');
  }
  expect(result.valid).toBe(!result.issues.some((i) => i.severity === 'error'));
}

const asFile = (text: string, name = 'fuzz.yaml'): ManifestFile => ({ name, bytes: new TextEncoder().encode(text) });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a value, so a mutation can pick any of them. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

type Mutation =
  | { op: 'drop' }
  | { op: 'duplicate' }
  | { op: 'retype'; value: Json }
  | { op: 'rename'; key: string }
  | { op: 'insert'; key: string; value: Json };

function mutate(doc: unknown, at: number, mutation: Mutation): unknown {
  const copy = structuredClone(doc) as Json;
  const all = paths(copy);
  const target = all[at % all.length] ?? [];
  if (target.length === 0) return mutation.op === 'retype' ? mutation.value : copy;
  const parentPath = target.slice(0, -1);
  const key = target[target.length - 1] as string | number;
  let parent: Json = copy;
  for (const step of parentPath) parent = (parent as Record<string | number, Json>)[step] as Json;
  const container = parent as Record<string | number, Json>;
  switch (mutation.op) {
    case 'drop':
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key];
      break;
    case 'duplicate':
      if (Array.isArray(container)) container.push(structuredClone(container[key as number] as Json));
      else container[`${String(key)}Copy`] = structuredClone(container[key] as Json);
      break;
    case 'retype':
      container[key] = mutation.value;
      break;
    case 'rename':
      if (!Array.isArray(container)) {
        const value = container[key] as Json;
        delete container[key];
        container[mutation.key] = value;
      }
      break;
    case 'insert':
      if (!Array.isArray(container) && typeof container[key] === 'object' && container[key] !== null) {
        (container[key] as Record<string, Json>)[mutation.key] = mutation.value;
      } else {
        container[key] = { [mutation.key]: mutation.value };
      }
      break;
  }
  return copy;
}

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('port', 'weight', '__proto__', 'listeners', '<<'));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ op: 'drop' }),
  fc.constant<Mutation>({ op: 'duplicate' }),
  jsonValue.map<Mutation>((value) => ({ op: 'retype', value })),
  key.map<Mutation>((k) => ({ op: 'rename', key: k })),
  fc.tuple(key, jsonValue).map<Mutation>(([k, value]) => ({ op: 'insert', key: k, value })),
);

describe('validation never throws', () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => assertOnlyIssues([{ name: 'b.yaml', bytes }])),
      SETTINGS,
    );
  });

  it('on random YAML-ish text', () => {
    const alphabet = fc.constantFrom(...'abc:-[]{}&*!|>?#,"\' \n\t0123456789%@`~'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), (chars) => assertOnlyIssues([asFile(chars.join(''))])),
      SETTINGS,
    );
  });

  it('on structurally mutated reference manifests', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(documents.length - 1), fc.nat(), mutation), { minLength: 1, maxLength: 4 }),
        (steps) => {
          // The mutated documents plus the mesh (so references still resolve): small enough for many runs.
          const docs = new Map<number, unknown>([[0, documents[0]]]);
          for (const [which, at, m] of steps) docs.set(which, mutate(docs.get(which) ?? documents[which], at, m));
          assertOnlyIssues([asFile([...docs.values()].map((d) => stringify(d)).join('---\n'))]);
        },
      ),
      HEAVY,
    );
  });

  it('on textually mutated reference manifests', () => {
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 5 }),
        (which, edits) => {
          let text = texts[which] ?? '';
          for (const [at, remove, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + remove);
          }
          assertOnlyIssues([asFile(text)]);
        },
      ),
      HEAVY,
    );
  });
});
