/**
 * "Fields a manifest leaves out are not meshward's" (DESIGN.md "Manifests"), for ECS: what DescribeServices and
 * DescribeTaskDefinition answer beyond what meshward models is nobody's (a member AWS adds next year), and under
 * the members ECS fills with its own defaults, a value the manifest leaves out is AWS's. Known defaults are filled
 * on both sides by the normalizer first, so a value departing from one is still seen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSchemasDir } from '../../manifest/schema';
import { isRecord } from '../shared/spec-utils';

type Schema = Record<string, unknown>;

let definitions: Record<string, Schema> | undefined;

function schemaDefinitions(): Record<string, Schema> {
  if (!definitions) {
    const dir = findSchemasDir();
    const parsed = dir ? (JSON.parse(readFileSync(join(dir, 'ecs-service.schema.json'), 'utf8')) as Schema) : {};
    definitions = isRecord(parsed['definitions']) ? (parsed['definitions'] as Record<string, Schema>) : {};
  }
  return definitions;
}

function resolve(schema: unknown): Schema | undefined {
  let node = schema;
  for (let i = 0; i < 20 && isRecord(node) && typeof node['$ref'] === 'string'; i++) {
    node = schemaDefinitions()[node['$ref'].replace('#/definitions/', '')];
  }
  return isRecord(node) ? node : undefined;
}

/** The object members a schema node declares (through allOf / oneOf / anyOf too); undefined: any member goes. */
function membersOf(schema: Schema): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  let closed = schema['additionalProperties'] === false;
  const visit = (node: Schema): void => {
    if (isRecord(node['properties'])) for (const [k, v] of Object.entries(node['properties'])) out.set(k, v);
    for (const key of ['allOf', 'oneOf', 'anyOf']) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      for (const sub of list) {
        const r = resolve(sub);
        if (r) {
          if (r['additionalProperties'] === false) closed = true;
          visit(r);
        }
      }
    }
  };
  visit(schema);
  return closed ? out : undefined;
}

function prune(value: unknown, schema: Schema | undefined, keepUnknown: boolean): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    const items = resolve(schema['items']);
    return items ? value.map((v) => prune(v, items, false)) : value;
  }
  if (!isRecord(value)) return value;
  const members = membersOf(schema);
  if (!members) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const sub = members.get(key);
    if (sub !== undefined) out[key] = prune(item, resolve(sub), false);
    else if (keepUnknown) out[key] = item;
  }
  return out;
}

/**
 * Observed ECS data with every member the EcsService schema does not declare taken out, below the top level (the
 * top level is already picked member by member; meshward's own additions, the proxy configuration, live there).
 */
export function pruneToModel(value: Record<string, unknown>, shape: 'EcsServiceSpec' | 'EcsTaskDefinitionSpec') {
  return prune(value, resolve({ $ref: `#/definitions/${shape}` }), true) as Record<string, unknown>;
}

/** `actual` without the object members `desired` does not have, recursively (lists item by item). Pure. */
export function withoutUndeclared(actual: unknown, desired: unknown): unknown {
  if (Array.isArray(actual) && Array.isArray(desired)) {
    return actual.length === desired.length ? actual.map((a, i) => withoutUndeclared(a, desired[i])) : actual;
  }
  if (!isRecord(actual) || !isRecord(desired)) return actual;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(actual)) {
    if (key in desired) out[key] = withoutUndeclared(value, desired[key]);
  }
  return out;
}
