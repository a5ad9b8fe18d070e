/** Loads the committed schemas the way the manifest validator does: every schemas/*.schema.json in one Ajv. */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANY_DOCUMENT_FILE, KIND_FILES, SCHEMA_BASE_URL } from '../../scripts/gen-schemas';
import type { KindName } from '../../scripts/gen-schemas';

export const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');

export interface SchemaSet {
  any: ValidateFunction;
  kind: Record<KindName, ValidateFunction>;
}

export function loadSchemaSet(): SchemaSet {
  // strict: the schemas must compile without ajv's strict-mode complaints; union types are Duration's.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  for (const file of readdirSync(SCHEMAS_DIR)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()) {
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as object);
  }
  const get = (file: string): ValidateFunction => {
    const validate = ajv.getSchema(`${SCHEMA_BASE_URL}${file}`);
    if (!validate) throw new Error(`schema ${file} not found`);
    return validate;
  };
  const kind = Object.fromEntries(Object.entries(KIND_FILES).map(([name, file]) => [name, get(file)])) as Record<
    KindName,
    ValidateFunction
  >;
  return { any: get(ANY_DOCUMENT_FILE), kind };
}

export const METADATA: Record<KindName, Record<string, string>> = {
  Mesh: { name: 'shop' },
  VirtualNode: { name: 'a', mesh: 'shop' },
  VirtualRouter: { name: 'a', mesh: 'shop' },
  Route: { name: 'a', mesh: 'shop', virtualRouter: 'r' },
  VirtualService: { name: 'a.shop.local', mesh: 'shop' },
  VirtualGateway: { name: 'a', mesh: 'shop' },
  GatewayRoute: { name: 'a', mesh: 'shop', virtualGateway: 'g' },
  EcsService: { name: 'a' },
};

export function documentOf(kind: KindName, spec: unknown): Record<string, unknown> {
  return { apiVersion: 'meshward.dev/v1alpha1', kind, metadata: { ...METADATA[kind] }, spec };
}

/** Errors of one validation, without ajv's "the kind's then-branch failed" summary at the root. */
export function errorsOf(validate: ValidateFunction, doc: unknown): ErrorObject[] | undefined {
  if (validate(doc)) return undefined;
  return (validate.errors ?? []).filter((e) => !(e.keyword === 'if' && e.instancePath === ''));
}

export function brief(errors: ErrorObject[] | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.message ?? ''}`).join('; ');
}
