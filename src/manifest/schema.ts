/**
 * JSON Schema validation of one document, with ajv's errors turned into one human line each at the pointer a person
 * would look at. The schemas in `schemas/` are the single source of truth; this module only loads and explains them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { MeshwardError } from '../core/errors';
import { translateErrors } from './schema-errors';
import type { SchemaProblem } from './schema-errors';

export type { SchemaProblem };

export const DOCUMENT_SCHEMA_ID = 'https://meshward.dev/schemas/v1alpha1/meshward.schema.json';
const DOCUMENT_SCHEMA_FILE = 'meshward.schema.json';

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
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
  // strict: false because the schemas carry editor-only keywords (titles, descriptions, markdown) ajv need not know.
  // inlineRefs and code optimization off: together they halve compilation, which dominates a CLI run, and cost
  // validation little because definitions become shared functions instead of inlined copies.
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    validateFormats: false,
    inlineRefs: false,
    code: { optimize: false },
  });
  for (const file of files) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object);
  }
  const validate = ajv.getSchema(DOCUMENT_SCHEMA_ID);
  if (!validate) throw new MeshwardError('CONFIG', `no schema with $id ${DOCUMENT_SCHEMA_ID} in ${dir}`);
  const schema: DocumentSchema = { validate: (document) => explain(validate, document) };
  cache.set(dir, schema);
  return schema;
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
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: false });
  const validate = ajv.compile(schema);
  const compiled: DocumentSchema = { validate: (document) => explain(validate, document) };
  kindSchemas.set(schema, compiled);
  return compiled;
}
