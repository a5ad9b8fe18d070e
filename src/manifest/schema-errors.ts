/**
 * ajv's errors as one human line each, at the pointer a person would look at: unknown fields at their key, unions
 * as "exactly one of", durations by example; the noise of if/then and failed oneOf branches dropped.
 */
import type { ErrorObject } from 'ajv';
import { DURATION_STRING_PATTERN } from '../core/duration';
import { joinPointer } from './issues';
import { suggest } from './suggest';

export interface SchemaProblem {
  pointer: string;
  message: string;
}

type SchemaObject = Record<string, unknown>;

function asObject(value: unknown): SchemaObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SchemaObject) : undefined;
}

function quoteList(values: readonly unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return values.length > max ? `${shown.join(', ')}, ...` : shown.join(', ');
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** Names of a oneOf whose branches each require one member: the API's "exactly one of" unions. */
function unionMembers(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const names: string[] = [];
  for (const branch of branches) {
    const required = asObject(branch)?.['required'];
    if (!Array.isArray(required) || required.length !== 1 || typeof required[0] !== 'string') return undefined;
    names.push(required[0]);
  }
  return names;
}

function isUnionObject(schema: SchemaObject | undefined): boolean {
  return schema?.['maxProperties'] === 1 && asObject(schema['properties']) !== undefined;
}

type KeyedError = ErrorObject & { propertyName?: string };

export function translateErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  // A failed oneOf also reports every branch's failure; the oneOf's own message says it all. Schema paths carry no
  // list index, so the set stays small however many items fail, and each error is checked against it once.
  const oneOfPaths = [...new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath + '/'))];
  // propertyNames reports the inner failure and then its own; the inner one knows why, the outer one is kept.
  const keyErrors = new Map<string, ErrorObject>();
  for (const error of errors as readonly KeyedError[]) {
    if (error.propertyName === undefined) continue;
    const key = keyErrorId(error.instancePath, error.propertyName);
    if (!keyErrors.has(key)) keyErrors.set(key, error);
  }
  const problems: SchemaProblem[] = [];
  for (const error of errors as readonly KeyedError[]) {
    if (error.keyword === 'if') continue;
    if (oneOfPaths.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    if (error.propertyName !== undefined) continue;
    const problem = translate(error, keyErrors);
    if (problem) problems.push(problem);
  }
  return problems;
}

function keyErrorId(instancePath: string, propertyName: string): string {
  return `${instancePath}\u0000${propertyName}`;
}

function translate(error: ErrorObject, keyErrors: ReadonlyMap<string, ErrorObject>): SchemaProblem | undefined {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parent = asObject(error.parentSchema);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys(asObject(parent?.['properties']) ?? {});
      const hint = suggest(key, known);
      return {
        pointer: joinPointer(at, key),
        message: `is not a known field${hint ? ` (did you mean "${hint}"?)` : known.length ? `; allowed: ${quoteList(known)}` : ''}`,
      };
    }
    case 'required':
      return {
        pointer: at,
        message: `${at === '' ? 'document ' : ''}is missing required field "${String(params['missingProperty'])}"`,
      };
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[] | undefined) ?? [];
      const hint = typeof error.data === 'string' ? suggest(error.data, allowed.filter(isString)) : undefined;
      return {
        pointer: at,
        message: `must be one of ${quoteList(allowed)} (got ${show(error.data)})${hint ? `; did you mean "${hint}"?` : ''}`,
      };
    }
    case 'const':
      return { pointer: at, message: `must be ${show(params['allowedValue'])} (got ${show(error.data)})` };
    case 'type':
      return { pointer: at, message: typeMessage(params['type'], parent, error.data) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        pointer: at,
        message: `must be ${String(params['comparison'])} ${String(params['limit'])} (got ${show(error.data)})`,
      };
    case 'minLength':
      return {
        pointer: at,
        message: params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters`,
      };
    case 'maxLength':
      return { pointer: at, message: `must be at most ${String(params['limit'])} characters` };
    case 'minItems':
      return {
        pointer: at,
        message: `must have at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}`,
      };
    case 'maxItems':
      return { pointer: at, message: `must have at most ${String(params['limit'])} items` };
    case 'minProperties':
      if (isUnionObject(parent)) {
        return {
          pointer: at,
          message: `must set exactly one of ${quoteList(Object.keys(asObject(parent?.['properties']) ?? {}))}`,
        };
      }
      return { pointer: at, message: `must have at least ${String(params['limit'])} entries` };
    case 'maxProperties': {
      if (isUnionObject(parent)) {
        const members = Object.keys(asObject(parent?.['properties']) ?? {});
        const set = Object.keys(asObject(error.data) ?? {});
        return {
          pointer: at,
          message: `must set exactly one of ${quoteList(members)}, not ${set.length} (${quoteList(set)})`,
        };
      }
      return { pointer: at, message: `must have at most ${String(params['limit'])} entries` };
    }
    case 'oneOf': {
      const members = unionMembers(error.schema);
      if (!members) return { pointer: at, message: 'must match exactly one of the allowed forms' };
      const passing = params['passingSchemas'];
      if (Array.isArray(passing)) {
        const set = passing.map((i) => members[i as number]).filter(isString);
        return {
          pointer: at,
          message: `must set exactly one of ${quoteList(members)}, not ${set.length} (${quoteList(set)})`,
        };
      }
      return { pointer: at, message: `must set exactly one of ${quoteList(members)}` };
    }
    case 'pattern': {
      const pattern = String(params['pattern']);
      if (pattern === DURATION_STRING_PATTERN) {
        return { pointer: at, message: `must be a duration like "15s" or "500ms" (got ${show(error.data)})` };
      }
      // Name rules carry their wording as the schema's description (scripts/gen-schemas.ts NAME_RULES).
      const rule = asObject(error.parentSchema)?.['description'];
      if (typeof rule === 'string') return { pointer: at, message: `must be ${rule} (got ${show(error.data)})` };
      return { pointer: at, message: `must match the pattern ${pattern} (got ${show(error.data)})` };
    }
    case 'propertyNames': {
      const key = String(params['propertyName']);
      const inner = keyErrors.get(keyErrorId(at, key));
      return { pointer: joinPointer(at, key), message: propertyNameMessage(key, inner) };
    }
    case 'uniqueItems':
      return { pointer: at, message: 'must not contain the same item twice' };
    case 'not':
      return { pointer: at, message: `is not allowed here (got ${show(error.data)})` };
    case 'multipleOf':
      return { pointer: at, message: `must be a multiple of ${String(params['multipleOf'])}` };
    case 'dependencies':
    case 'dependentRequired':
      return {
        pointer: at,
        message: `must set "${String(params['missingProperty'])}" when "${String(params['property'])}" is set`,
      };
    case 'anyOf':
      return { pointer: at, message: 'must match one of the allowed forms' };
    case 'false schema':
      return { pointer: at, message: 'is not allowed' };
    default:
      return { pointer: at, message: error.message ?? `fails the ${error.keyword} rule` };
  }
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

function typeMessage(expected: unknown, parent: SchemaObject | undefined, data: unknown): string {
  if (parent?.['pattern'] === DURATION_STRING_PATTERN) {
    return `must be a duration: a string like "15s" or "500ms", or {unit, value} (got ${typeOfValue(data)})`;
  }
  const types = (Array.isArray(expected) ? expected : String(expected).split(',')).map(String);
  const words = types.map((t) => TYPE_WORDS[t] ?? t);
  return `must be ${words.join(' or ')} (got ${typeOfValue(data)})`;
}

function propertyNameMessage(key: string, inner: ErrorObject | undefined): string {
  const pattern = String((inner?.params as Record<string, unknown> | undefined)?.['pattern'] ?? '');
  if (inner?.keyword === 'not') return `key "${key}" is reserved for meshward`;
  if (inner?.keyword === 'pattern' && pattern.includes('[aA][wW][sS]:')) {
    return `key "${key}" is not allowed: the "aws:" prefix is reserved by AWS`;
  }
  if (inner?.keyword === 'maxLength')
    return `key "${key}" is too long (at most ${String(inner.params['limit'])} characters)`;
  if (inner?.keyword === 'minLength') return 'keys must not be empty';
  return `key "${key}" is not allowed here`;
}
