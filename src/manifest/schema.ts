/**
 * JSON Schema validation of one document, with ajv's errors turned into one human line each at the pointer a person
 * would look at. The schemas in `schemas/` are the single source of truth; this module only loads and explains them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type AjvClass from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import { MeshwardError } from '../core/errors';
import { translateErrors } from './schema-errors';
import type { SchemaProblem } from './schema-errors';

export type { SchemaProblem };

export const DOCUMENT_SCHEMA_ID = 'https://meshward.dev/schemas/v1alpha1/meshward.schema.json';
const DOCUMENT_SCHEMA_FILE = 'meshward.schema.json';
/** ajv standalone code for the schemas, generated beside them by `npm run gen:schemas` (scripts/gen-validators.ts). */
export const PRECOMPILED_VALIDATOR_FILE = 'meshward.validate.js';

// strict: false because the schemas carry editor-only keywords (titles, descriptions, markdown) ajv need not know.
// inlineRefs and code optimization off: together they halve compilation (the fallback when no precompiled
// validator matches) and cost validation little, because definitions become shared functions instead of copies.
export const DOCUMENT_AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  verbose: true,
  validateFormats: false,
  inlineRefs: false,
  code: { optimize: false },
} as const satisfies Options;

/** What a precompiled validator was built from: every schema file's name and exact text. */
export function schemasDigest(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) hash.update(`${name}\u0000${files[name] ?? ''}\u0000`);
  return hash.digest('hex');
}

interface PrecompiledModule {
  schemasDigest?: unknown;
  validate?: unknown;
}

/** The generated validator beside the schemas, when it was compiled from exactly these files. */
function precompiled(dir: string, files: Record<string, string>): ValidateFunction | undefined {
  const file = path.join(dir, PRECOMPILED_VALIDATOR_FILE);
  if (!existsSync(file)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a generated CommonJS module found at run time
  const mod = require(file) as PrecompiledModule;
  if (mod.schemasDigest !== schemasDigest(files) || typeof mod.validate !== 'function') return undefined;
  return mod.validate as ValidateFunction;
}

export interface DocumentSchema {
  validate(document: unknown): SchemaProblem[];
}

/** `schemas/` of this checkout or install, found from this file upwards (src/ in development, dist/src/ built). */
export function findSchemasDir(start: string = __dirname): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'schemas', DOCUMENT_SCHEMA_FILE))) return path.join(dir, 'schemas');
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const cache = new Map<string, DocumentSchema>();

/** Compiling the schemas costs far more than validating a document, so one compiled validator serves a process. */
export function loadDocumentSchema(schemasDir?: string): DocumentSchema {
  const dir = schemasDir ?? findSchemasDir();
  if (dir === undefined) throw new MeshwardError('CONFIG', 'cannot find the schemas/ directory');
  const cached = cache.get(dir);
  if (cached) return cached;
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()) {
    files[file] = readFileSync(path.join(dir, file), 'utf8');
  }
  const validate = precompiled(dir, files) ?? compileDocumentSchemas(dir, files);
  const schema: DocumentSchema = { validate: (document) => explain(validate, document) };
  cache.set(dir, schema);
  return schema;
}

/** ajv itself, loaded only when something must be compiled: a start with the precompiled validator never needs it. */
function newAjv(options: Options): AjvClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (start-up time)
  const { default: Ajv } = require('ajv') as { default: typeof AjvClass };
  return new Ajv(options);
}

function compileDocumentSchemas(dir: string, files: Record<string, string>): ValidateFunction {
  const ajv = newAjv(DOCUMENT_AJV_OPTIONS);
  for (const text of Object.values(files)) ajv.addSchema(JSON.parse(text) as object);
  const validate = ajv.getSchema(DOCUMENT_SCHEMA_ID);
  if (!validate) throw new MeshwardError('CONFIG', `no schema with $id ${DOCUMENT_SCHEMA_ID} in ${dir}`);
  return validate;
}

function explain(validate: ValidateFunction, document: unknown): SchemaProblem[] {
  if (validate(document)) return [];
  return translateErrors(validate.errors ?? []);
}

const kindSchemas = new WeakMap<object, DocumentSchema>();

/**
 * The schema a kind brings itself (Kind.documentSchema: a kind registered from outside the generated set),
 * compiled once per schema object with the same settings as the generated ones.
 */
export function compileKindSchema(schema: object): DocumentSchema {
  const cached = kindSchemas.get(schema);
  if (cached) return cached;
  const ajv = newAjv({ allErrors: true, strict: false, verbose: true, validateFormats: false });
  const validate = ajv.compile(schema);
  const compiled: DocumentSchema = { validate: (document) => explain(validate, document) };
  kindSchemas.set(schema, compiled);
  return compiled;
}
