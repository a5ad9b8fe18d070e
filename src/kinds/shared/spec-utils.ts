/**
 * Pure helpers the kinds use to declare normalization as data: defaults per field path, order-free lists, empty
 * values, durations.
 */
import { canonicalJson } from '../../core/canonical';
import { type ApiDuration, parseDuration } from '../../core/duration';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Key-sorted JSON: the sort key for order-free lists and the equality of two values (undefined reads as null). */
export function stableJson(value: unknown): string {
  return value === undefined ? 'null' : canonicalJson(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

/**
 * AWS treats a list it was not given and an empty list alike (and returns `[]`), and an empty structure like a
 * missing one; removing both on each side makes them compare equal. The root object is kept.
 */
export function stripEmpty(value: unknown, isRoot = true): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => stripEmpty(v, false)).filter((v) => v !== undefined);
    return items.length === 0 && !isRoot ? undefined : items;
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = stripEmpty(v, false);
      if (s !== undefined) out[k] = s;
    }
    return Object.keys(out).length === 0 && !isRoot ? undefined : out;
  }
  return value === null ? undefined : value;
}

/** A field default declared as data. `path` is a slash path with `*` for every list item. */
export interface FieldDefault {
  path: string;
  /** The value AWS fills. */
  value?: unknown;
  /** Or a function of the objects on the way (root first, then one per segment, the field's parent last). */
  compute?: (ancestors: readonly Record<string, unknown>[]) => unknown;
}

function visitParents(
  root: unknown,
  segments: readonly string[],
  fn: (parent: Record<string, unknown>, key: string, ancestors: Record<string, unknown>[]) => void,
): void {
  const walk = (node: unknown, i: number, ancestors: Record<string, unknown>[]): void => {
    if (i === segments.length - 1) {
      if (isRecord(node)) fn(node, segments[i] as string, [...ancestors, node]);
      return;
    }
    const seg = segments[i] as string;
    if (seg === '*') {
      if (Array.isArray(node)) for (const item of node) walk(item, i + 1, ancestors);
      return;
    }
    if (!isRecord(node)) return;
    walk(node[seg], i + 1, [...ancestors, node]);
  };
  walk(root, 0, []);
}

function defaultValue(d: FieldDefault, ancestors: readonly Record<string, unknown>[]): unknown {
  return d.compute ? d.compute(ancestors) : clone(d.value);
}

/** Fills every missing field that has a declared default (in place on a copy). */
export function applyDefaults<T>(spec: T, defaults: readonly FieldDefault[]): T {
  const out = clone(spec);
  for (const d of defaults) {
    visitParents(out, d.path.split('/').filter(Boolean), (parent, key, ancestors) => {
      if (parent[key] === undefined) {
        const v = defaultValue(d, ancestors);
        if (v !== undefined) parent[key] = v;
      }
    });
  }
  return out;
}

/** Removes every field equal to its declared default: what export writes is what a person would write. */
export function stripDefaults<T>(spec: T, defaults: readonly FieldDefault[]): T {
  const out = clone(spec);
  for (const d of [...defaults].reverse()) {
    visitParents(out, d.path.split('/').filter(Boolean), (parent, key, ancestors) => {
      if (parent[key] !== undefined && deepEqual(parent[key], defaultValue(d, ancestors))) delete parent[key];
    });
  }
  return out;
}

/** An order-free list, sorted by a key (and de-duplicated, as AWS merges duplicates). */
export interface UnorderedList {
  path: string;
  key?: (item: unknown) => string;
}

export function sortLists<T>(spec: T, lists: readonly UnorderedList[]): T {
  const out = clone(spec);
  for (const l of lists) {
    visitParents(out, l.path.split('/').filter(Boolean), (parent, key) => {
      const list = parent[key];
      if (!Array.isArray(list)) return;
      const keyOf = l.key ?? stableJson;
      const seen = new Set<string>();
      const unique = list.filter((item) => {
        const s = stableJson(item);
        if (seen.has(s)) return false;
        seen.add(s);
        return true;
      });
      parent[key] = unique.sort((a, b) => {
        const ka = keyOf(a);
        const kb = keyOf(b);
        return ka < kb ? -1 : ka > kb ? 1 : stableJson(a) < stableJson(b) ? -1 : 1;
      });
    });
  }
  return out;
}

/** The App Mesh members of shape Duration (from the API model): the only places where "15s" is a duration. */
export const DURATION_KEYS: ReadonlySet<string> = new Set([
  'perRequest',
  'idle',
  'perRetryTimeout',
  'interval',
  'baseEjectionDuration',
]);

function isApiDuration(value: unknown): value is ApiDuration {
  return isRecord(value) && (value['unit'] === 's' || value['unit'] === 'ms') && typeof value['value'] === 'number';
}

function mapDurations(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDurations(v, fn));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = DURATION_KEYS.has(k) ? fn(v) : mapDurations(v, fn);
  return out;
}

export function durationsToApi(spec: unknown): unknown {
  return mapDurations(spec, (v) => (typeof v === 'string' ? parseDuration(v) : v));
}

/**
 * One spelling per duration: whole seconds in `s`, the rest in `ms`. App Mesh keeps the unit it was given, so
 * without this "15s" in a manifest and 15000 ms set in the console would read as drift.
 */
export function canonicalDurations(spec: unknown): unknown {
  return mapDurations(spec, (v) => {
    const d = typeof v === 'string' ? parseDuration(v) : v;
    if (!isApiDuration(d)) return d;
    return d.unit === 'ms' && d.value % 1000 === 0 && d.value !== 0 ? { unit: 's', value: d.value / 1000 } : d;
  });
}

export function durationsToManifest(spec: unknown): unknown {
  return mapDurations(spec, (v) => (isApiDuration(v) ? `${v.value}${v.unit}` : v));
}

/** Reads a nested string, or undefined. */
export function getString(value: unknown, ...path: string[]): string | undefined {
  let node: unknown = value;
  for (const p of path) {
    if (!isRecord(node)) return undefined;
    node = node[p];
  }
  return typeof node === 'string' ? node : undefined;
}

export function getPath(value: unknown, ...path: (string | number)[]): unknown {
  let node: unknown = value;
  for (const p of path) {
    if (typeof p === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[p];
    } else {
      if (!isRecord(node)) return undefined;
      node = node[p];
    }
  }
  return node;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
