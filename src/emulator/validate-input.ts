/**
 * Validates an operation's input against the model's input shape the way AWS's front ends do: required members,
 * enums, min/max (number value; string, list and map length), patterns, types and unions, all the way down.
 * Unknown members are ignored, as the AWS JSON protocols ignore them (a newer client may send members an older
 * service does not know).
 */
import { getShape, type ServiceModel, type Shape } from './model';

export interface ValidationIssue {
  /** AWS's member path: 'spec.listeners.1.member.healthCheck.intervalMillis' (list indexes are 1-based). */
  path: string;
  value: unknown;
  /** 'Member must not be null', 'Member must have value greater than or equal to 5000', ... */
  constraint: string;
  /** A wrong JSON type is a serialization failure on the json protocols, not a constraint violation. */
  kind: 'constraint' | 'type';
}

const compiled = new Map<string, RegExp | null>();
const skipped = new Set<string>();

/**
 * botocore patterns are Java regular expressions. Most compile in JS with the `u` flag; those that do not (for
 * example POSIX classes such as \p{Alnum}) are skipped rather than approximated, and listed by skippedPatterns().
 */
export function compilePattern(pattern: string): RegExp | null {
  if (compiled.has(pattern)) return compiled.get(pattern) ?? null;
  let re: RegExp | null = null;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    // Without `u`, \p{...} would silently mean the literal "p{...}": skip those instead of guessing.
    if (!pattern.includes('\\p')) {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
  }
  if (!re) skipped.add(pattern);
  compiled.set(pattern, re);
  return re;
}

export function skippedPatterns(): string[] {
  return [...skipped];
}

export function validateInput(model: ServiceModel, shapeName: string, input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  validateStructureMembers(model, getShape(model, shapeName), input ?? {}, '', issues);
  return issues;
}

/**
 * AWS names members lowerCamelCase in validation messages even where the model spells them PascalCase
 * (Cloud Map's GetService without Id: "Value null at 'id' failed to satisfy constraint: Member must not be null").
 */
function join(prefix: string, name: string): string {
  const member = name.charAt(0).toLowerCase() + name.slice(1);
  return prefix ? `${prefix}.${member}` : member;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function validateStructureMembers(
  model: ServiceModel,
  shape: Shape,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: path || 'input', value, constraint: 'Member must be a structure', kind: 'type' });
    return;
  }
  const record = value as Record<string, unknown>;
  const members = shape.members ?? {};
  for (const name of shape.required ?? []) {
    if (!isPresent(record[name])) {
      issues.push({ path: join(path, name), value: null, constraint: 'Member must not be null', kind: 'constraint' });
    }
  }
  if (shape.union) {
    const set = Object.keys(members).filter((name) => isPresent(record[name]));
    if (set.length !== 1) {
      issues.push({
        path: path || 'input',
        value: set.length === 0 ? null : set.join(', '),
        constraint: `Member must have exactly one of [${Object.keys(members).join(', ')}] set`,
        kind: 'constraint',
      });
    }
  }
  for (const [name, ref] of Object.entries(members)) {
    const member = record[name];
    if (!isPresent(member)) continue;
    validateValue(model, ref.shape, member, join(path, name), issues);
  }
}

function validateValue(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
): void {
  const shape = getShape(model, shapeName);
  if (shape.document) return;
  switch (shape.type) {
    case 'structure':
      validateStructureMembers(model, shape, value, path, issues);
      return;
    case 'list': {
      if (!Array.isArray(value)) {
        issues.push({ path, value, constraint: 'Member must be a list', kind: 'type' });
        return;
      }
      checkLength(shape, value.length, value, path, issues);
      const memberShape = shape.member?.shape;
      if (!memberShape) return;
      value.forEach((item, index) => {
        // A null list element is itself a constraint violation on AWS ("Member must not be null").
        if (!isPresent(item)) {
          issues.push({
            path: `${path}.${index + 1}.member`,
            value: null,
            constraint: 'Member must not be null',
            kind: 'constraint',
          });
          return;
        }
        validateValue(model, memberShape, item, `${path}.${index + 1}.member`, issues);
      });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, value, constraint: 'Member must be a map', kind: 'type' });
        return;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      checkLength(shape, entries.length, value, path, issues);
      for (const [key, item] of entries) {
        if (shape.key) validateValue(model, shape.key.shape, key, `${path}.${key}.key`, issues);
        if (shape.value && isPresent(item))
          validateValue(model, shape.value.shape, item, `${path}.${key}.value`, issues);
      }
      return;
    }
    case 'string':
      validateString(shape, value, path, issues);
      return;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        issues.push({ path, value, constraint: 'Member must be an integer', kind: 'type' });
        return;
      }
      checkRange(shape, value, path, issues);
      return;
    case 'double':
    case 'float':
      if (typeof value !== 'number') {
        issues.push({ path, value, constraint: 'Member must be a number', kind: 'type' });
        return;
      }
      checkRange(shape, value, path, issues);
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        issues.push({ path, value, constraint: 'Member must be a boolean', kind: 'type' });
      return;
    case 'timestamp':
      if (typeof value !== 'number' && typeof value !== 'string') {
        issues.push({ path, value, constraint: 'Member must be a timestamp', kind: 'type' });
      }
      return;
    case 'blob':
      if (typeof value !== 'string') issues.push({ path, value, constraint: 'Member must be a blob', kind: 'type' });
      return;
    default:
      return;
  }
}

function validateString(shape: Shape, value: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof value !== 'string') {
    issues.push({ path, value, constraint: 'Member must be a string', kind: 'type' });
    return;
  }
  if (shape.enum && !shape.enum.includes(value)) {
    issues.push({
      path,
      value,
      constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
      kind: 'constraint',
    });
  }
  // Lengths count code points, as Java's validators do for the characters AWS names allow.
  checkLength(shape, [...value].length, value, path, issues);
  if (shape.pattern) {
    const re = compilePattern(shape.pattern);
    if (re && !re.test(value)) {
      issues.push({
        path,
        value,
        constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`,
        kind: 'constraint',
      });
    }
  }
}

function checkLength(shape: Shape, length: number, value: unknown, path: string, issues: ValidationIssue[]): void {
  if (shape.min !== undefined && length < shape.min) {
    issues.push({
      path,
      value,
      constraint: `Member must have length greater than or equal to ${shape.min}`,
      kind: 'constraint',
    });
  }
  if (shape.max !== undefined && length > shape.max) {
    issues.push({
      path,
      value,
      constraint: `Member must have length less than or equal to ${shape.max}`,
      kind: 'constraint',
    });
  }
}

function checkRange(shape: Shape, value: number, path: string, issues: ValidationIssue[]): void {
  if (shape.min !== undefined && value < shape.min) {
    issues.push({
      path,
      value,
      constraint: `Member must have value greater than or equal to ${shape.min}`,
      kind: 'constraint',
    });
  }
  if (shape.max !== undefined && value > shape.max) {
    issues.push({
      path,
      value,
      constraint: `Member must have value less than or equal to ${shape.max}`,
      kind: 'constraint',
    });
  }
}

/** Java's toString of the value, which is what AWS echoes between the quotes. */
function render(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${render(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** "1 validation error detected: Value '70000' at 'limit' failed to satisfy constraint: Member must ..." */
export function formatValidationMessage(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, 10).map((issue) => {
    const value = issue.value === null ? 'null' : `'${render(issue.value)}'`;
    return `Value ${value} at '${issue.path}' failed to satisfy constraint: ${issue.constraint}`;
  });
  const noun = issues.length === 1 ? 'error' : 'errors';
  return `${issues.length} validation ${noun} detected: ${shown.join('; ')}`;
}
