/**
 * The precompiled validator (schemas/meshward.validate.js, ajv standalone code made by `npm run gen:schemas`) says
 * exactly what compiling the schemas says, is used when it matches the schema files, and is ignored when a schema
 * file changed after it was generated (test/schemas/generated.test.ts checks the committed file is fresh).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generateManifestSet } from '../../bench/generate';
import { findSchemasDir, loadDocumentSchema, PRECOMPILED_VALIDATOR_FILE } from '../../src/manifest/schema';

const SCHEMAS = findSchemasDir() ?? '';
const ROOT = path.resolve(__dirname, '../..');

function yamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
}

/** Valid documents, the broken fixtures, and valid documents each broken in a few ways a person would. */
function corpus(): unknown[] {
  const docs: unknown[] = [];
  for (const f of readdirSync(path.join(ROOT, 'manifests')).filter((n) => n.endsWith('.yaml'))) {
    docs.push(...yamlDocuments(path.join(ROOT, 'manifests', f)));
  }
  const broken = path.join(ROOT, 'test/fixtures/broken');
  for (const f of readdirSync(broken).filter((n) => n.startsWith('schema-') && n.endsWith('.yaml'))) {
    docs.push(...yamlDocuments(path.join(broken, f)));
  }
  const generated = generateManifestSet({ resources: 60, seed: 3 }).docs;
  generated.forEach((d, i) => {
    const doc = structuredClone(d) as unknown as Record<string, Record<string, unknown>>;
    const spec = doc['spec'] ?? {};
    if (i % 4 === 0) spec['unknownField'] = true;
    if (i % 4 === 1) doc['metadata'] = { name: 42 } as unknown as Record<string, unknown>;
    if (i % 4 === 2) for (const k of Object.keys(spec).slice(0, 1)) spec[k] = 'not-an-object';
    docs.push(d, doc);
  });
  return docs;
}

function tempSchemas(withValidator: string | undefined): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshward-schemas-'));
  for (const f of readdirSync(SCHEMAS).filter((n) => n.endsWith('.schema.json'))) {
    copyFileSync(path.join(SCHEMAS, f), path.join(dir, f));
  }
  if (withValidator !== undefined) writeFileSync(path.join(dir, PRECOMPILED_VALIDATOR_FILE), withValidator);
  return dir;
}

/** A validator file that forwards to the committed one and counts its calls (to see which one the loader used). */
function countingValidator(): string {
  const real = JSON.stringify(path.join(SCHEMAS, PRECOMPILED_VALIDATOR_FILE));
  return [
    `const real = require(${real});`,
    'module.exports.schemasDigest = real.schemasDigest;',
    'module.exports.validate = function validate(d) {',
    '  globalThis.__precompiledCalls = (globalThis.__precompiledCalls ?? 0) + 1;',
    '  const ok = real.validate(d);',
    '  validate.errors = real.validate.errors;',
    '  return ok;',
    '};',
    '',
  ].join('\n');
}

const calls = (): number => (globalThis as { __precompiledCalls?: number }).__precompiledCalls ?? 0;

describe('precompiled document validator', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('reports the same problems as compiling the schemas, document by document', () => {
    const compiledDir = tempSchemas(undefined);
    dirs.push(compiledDir);
    const compiled = loadDocumentSchema(compiledDir);
    const precompiled = loadDocumentSchema();
    const docs = corpus();
    let withProblems = 0;
    for (const doc of docs) {
      const expected = compiled.validate(doc);
      if (expected.length > 0) withProblems += 1;
      expect(precompiled.validate(doc)).toEqual(expected);
    }
    // The corpus exercises both answers, not only one.
    expect(withProblems).toBeGreaterThan(30);
    expect(docs.length - withProblems).toBeGreaterThan(30);
  });

  it('is used when its digest matches the schema files beside it', () => {
    const dir = tempSchemas(countingValidator());
    dirs.push(dir);
    const before = calls();
    expect(loadDocumentSchema(dir).validate({ apiVersion: 'meshward.dev/v1alpha1' }).length).toBeGreaterThan(0);
    expect(calls()).toBe(before + 1);
  });

  it('is ignored once a schema file changed: the edited schema is what validates', () => {
    const dir = tempSchemas(countingValidator());
    dirs.push(dir);
    const file = path.join(dir, 'meshward.schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { title?: string; required?: string[] };
    // An extra top-level requirement: only a validator compiled from the edited file knows it.
    schema.required = [...(schema.required ?? []), 'extraTopLevelField'];
    writeFileSync(file, JSON.stringify(schema));
    const before = calls();
    const problems = loadDocumentSchema(dir).validate({ apiVersion: 'meshward.dev/v1alpha1' });
    expect(calls()).toBe(before);
    expect(problems.map((p) => p.message).join('\n')).toContain('extraTopLevelField');
  });
});
