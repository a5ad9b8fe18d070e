/**
 * The committed schemas and spec types are exactly what the generator makes from the vendored models, and the
 * vendored models are the shared ones: nothing drifts silently.
 */
import Ajv from 'ajv';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANY_DOCUMENT_FILE,
  buildShapes,
  ECS_PREFIX,
  generate,
  JSON_SCHEMA_DIALECT,
  KIND_FILES,
  repoRoot,
  SCHEMA_BASE_URL,
  translatePattern,
  type JsonSchema,
} from '../../scripts/gen-schemas';
import { KIND_NAMES } from '../../scripts/gen-schemas';

const ROOT = repoRoot();
const generated = generate();

describe('generated files', () => {
  it.each(Object.keys(generated.files))('%s equals a fresh `npm run gen:schemas`', (file) => {
    const committed = existsSync(join(ROOT, file)) ? readFileSync(join(ROOT, file), 'utf8') : '(missing)';
    // toBe on whole files would print megabytes on failure; the message says what to run instead.
    if (committed !== generated.files[file]) {
      throw new Error(`${file} is stale or edited by hand: run \`npm run gen:schemas\` and commit the result`);
    }
  });

  it('writes no schema file that the generator does not know', () => {
    const known = new Set(Object.keys(generated.files));
    const stray = readdirSync(join(ROOT, 'schemas'))
      .map((f) => `schemas/${f}`)
      .filter((f) => !known.has(f));
    expect(stray).toEqual([]);
  });

  it('gives every schema the draft-07 dialect, its $id and a description', () => {
    for (const kind of KIND_NAMES) {
      const schema = generated.schemas[KIND_FILES[kind]];
      expect(schema?.['$schema']).toBe(JSON_SCHEMA_DIALECT);
      expect(schema?.['$id']).toBe(`${SCHEMA_BASE_URL}${KIND_FILES[kind]}`);
      expect(typeof schema?.['description']).toBe('string');
    }
    expect(generated.schemas[ANY_DOCUMENT_FILE]?.['$id']).toBe(`${SCHEMA_BASE_URL}${ANY_DOCUMENT_FILE}`);
  });

  it('loads each file alone and all of them together, also with ajv strict: false', () => {
    for (const [file, schema] of Object.entries(generated.schemas)) {
      const alone = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
      expect(() => alone.compile(schema)).not.toThrow();
      expect(file.endsWith('.schema.json')).toBe(true);
    }
    const together = new Ajv({ allErrors: true, strict: false });
    for (const schema of Object.values(generated.schemas)) together.addSchema(schema);
    expect(together.getSchema(`${SCHEMA_BASE_URL}${ANY_DOCUMENT_FILE}`)).toBeDefined();
  });

  it('lets each definition named after a model shape have exactly that shape’s members', () => {
    const shapes = buildShapes(join(ROOT, 'aws-models'));
    const definitions = generated.schemas[ANY_DOCUMENT_FILE]?.['definitions'] as Record<string, JsonSchema>;
    let compared = 0;
    for (const [name, definition] of Object.entries(definitions)) {
      const shape = shapes[name];
      if (!shape) continue;
      const properties = Object.keys((definition['properties'] as JsonSchema | undefined) ?? {}).sort();
      expect({ name, properties }).toEqual({ name, properties: Object.keys(shape.members ?? {}).sort() });
      expect(definition['additionalProperties']).toBe(false);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(150);
    expect(Object.keys(definitions).some((name) => name.startsWith(ECS_PREFIX))).toBe(true);
  });

  it('translates Java-only anchors and skips what ECMA-262 cannot say', () => {
    expect(translatePattern('S', '\\A[a-z]+\\z').translated).toBe('^[a-z]+$');
    expect(translatePattern('S', '^[a-z]+$')).toEqual({ shape: 'S', pattern: '^[a-z]+$', translated: '^[a-z]+$' });
    const skipped = translatePattern('S', '(?i)abc');
    expect(skipped.translated).toBeUndefined();
    expect(skipped.reason).toMatch(/ECMA-262/);
  });

  it('compiles every model pattern it meets, or says which it skipped', () => {
    for (const report of generated.patterns) {
      if (report.translated !== undefined) expect(() => new RegExp(report.translated ?? '', 'u')).not.toThrow();
      else expect(report.reason).toBeTruthy();
    }
    const readme = generated.files['schemas/README.md'] ?? '';
    for (const report of generated.patterns) expect(readme).toContain(report.shape);
  });
});

const SHARED_MODELS = join(ROOT, '..', 'shared', 'aws-models');
const describeShared = existsSync(SHARED_MODELS) ? describe : describe.skip;

describeShared('vendored aws-models', () => {
  const vendored = readdirSync(join(ROOT, 'aws-models')).filter((f) => f.endsWith('.json'));
  it.each(vendored)('%s equals ../shared/aws-models', (file) => {
    const shared = join(SHARED_MODELS, file);
    expect(existsSync(shared)).toBe(true);
    if (readFileSync(join(ROOT, 'aws-models', file), 'utf8') !== readFileSync(shared, 'utf8')) {
      throw new Error(`aws-models/${file} differs from ../shared/aws-models/${file}: copy it and regenerate`);
    }
  });
});
