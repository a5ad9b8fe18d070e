/**
 * Structural diff of two JSON values, and its inverse (applyChanges). Both sides are already normalized by the
 * kinds (server defaults filled, order-free lists sorted), so arrays are compared index by index: a remaining
 * difference in order is a real difference.
 */
import { canonicalJson, isPlainObject, ownValue, setOwn } from './canonical';
import type { ApiDuration } from './duration';
import type { FieldChange } from './model';
import { joinPointer, parsePointer } from './pointer';

export interface DiffOptions {
  /**
   * Values compared as a whole rather than field by field. By default App Mesh durations ({unit, value}) are
   * leaves, so a reviewer reads `perRequest: 15s -> 5s` instead of a bare `value: 15 -> 5` with no unit.
   */
  isLeaf?: (value: unknown) => boolean;
}

export function isApiDuration(value: unknown): value is ApiDuration {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value).filter((key) => value[key] !== undefined);
  return (
    keys.length === 2 &&
    (value.unit === 's' || value.unit === 'ms') &&
    typeof value.value === 'number' &&
    Number.isFinite(value.value)
  );
}

/**
 * Every place where `actual` and `desired` differ, as JSON-pointer paths under `basePath`. A member that is
 * absent (or `undefined`) on one side is reported with `undefined` on that side. Paths come out in a stable order
 * (object keys sorted, array indexes ascending), and never one inside another.
 */
export function diffValues(actual: unknown, desired: unknown, basePath = '', options: DiffOptions = {}): FieldChange[] {
  const isLeaf = options.isLeaf ?? isApiDuration;
  const out: FieldChange[] = [];
  walk(actual, desired, basePath, isLeaf, out);
  return out;
}

function walk(
  actual: unknown,
  desired: unknown,
  path: string,
  isLeaf: (value: unknown) => boolean,
  out: FieldChange[],
): void {
  if (isPlainObject(actual) && isPlainObject(desired) && !isLeaf(actual) && !isLeaf(desired)) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(desired)]);
    for (const key of [...keys].sort()) {
      const a = ownValue(actual, key);
      const d = ownValue(desired, key);
      if (a === undefined && d === undefined) continue;
      walk(a, d, joinPointer(path, key), isLeaf, out);
    }
    return;
  }
  if (Array.isArray(actual) && Array.isArray(desired)) {
    const length = Math.max(actual.length, desired.length);
    for (let i = 0; i < length; i++) {
      // An array slot that exists holds a value; JSON writes an `undefined` slot as null, and so do we.
      const a = i < actual.length ? (actual[i] ?? null) : undefined;
      const d = i < desired.length ? (desired[i] ?? null) : undefined;
      walk(a, d, joinPointer(path, i), isLeaf, out);
    }
    return;
  }
  if (canonicalJson(actual) !== canonicalJson(desired)) out.push({ path, before: actual, after: desired });
}

/**
 * Every leaf of `value` as a change from nothing (`side: 'after'`, a create) or to nothing (`side: 'before'`).
 * Empty objects and arrays are leaves, so nothing declared is lost from the listing.
 */
export function leafChanges(
  value: unknown,
  basePath: string,
  side: 'before' | 'after',
  options: DiffOptions = {},
): FieldChange[] {
  const out: FieldChange[] = [];
  flatten(value, basePath, side, options.isLeaf ?? isApiDuration, out);
  return out;
}

function flatten(
  value: unknown,
  path: string,
  side: 'before' | 'after',
  isLeaf: (value: unknown) => boolean,
  out: FieldChange[],
): void {
  if (value === undefined) return;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [i, item ?? null])
    : isPlainObject(value) && !isLeaf(value)
      ? Object.keys(value)
          .sort()
          .filter((key) => value[key] !== undefined)
          .map((key) => [key, value[key]])
      : [];
  if (entries.length === 0) {
    out.push(side === 'after' ? { path, before: undefined, after: value } : { path, before: value, after: undefined });
    return;
  }
  for (const [key, item] of entries) flatten(item, joinPointer(path, key), side, isLeaf, out);
}

/**
 * Applies changes (as diffValues emits them) to a copy of `value`: `after === undefined` removes the member.
 * Changes are applied last to first, so the trailing array slots a diff removes go highest index first.
 * Paths must be relative to `value` (diff with basePath '').
 */
export function applyChanges(value: unknown, changes: readonly FieldChange[]): unknown {
  let root: unknown = value === undefined ? undefined : structuredClone(value);
  for (let c = changes.length - 1; c >= 0; c--) {
    const change = changes[c];
    if (change === undefined) continue;
    const segments = parsePointer(change.path);
    if (segments.length === 0) {
      root = change.after === undefined ? undefined : structuredClone(change.after);
      continue;
    }
    if (root === undefined || root === null || typeof root !== 'object') root = containerFor(segments[0]);
    let node = root as Record<string, unknown> | unknown[];
    for (let i = 0; i < segments.length - 1; i++) {
      const key = segments[i] as string;
      const next = read(node, key);
      if (next === null || typeof next !== 'object') {
        const created = containerFor(segments[i + 1]);
        write(node, key, created);
        node = created;
      } else {
        node = next as Record<string, unknown> | unknown[];
      }
    }
    const last = segments[segments.length - 1] as string;
    if (change.after === undefined) remove(node, last);
    else write(node, last, structuredClone(change.after));
  }
  return root;
}

function containerFor(segment: string | undefined): Record<string, unknown> | unknown[] {
  return segment !== undefined && /^(0|[1-9][0-9]*)$/.test(segment) ? [] : {};
}

function read(node: Record<string, unknown> | unknown[], key: string): unknown {
  return Array.isArray(node) ? node[Number(key)] : ownValue(node, key);
}

function write(node: Record<string, unknown> | unknown[], key: string, value: unknown): void {
  if (Array.isArray(node)) node[Number(key)] = value;
  else setOwn(node, key, value);
}

function remove(node: Record<string, unknown> | unknown[], key: string): void {
  if (Array.isArray(node)) node.splice(Number(key), 1);
  else delete node[key];
}
