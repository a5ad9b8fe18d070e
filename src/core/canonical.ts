/**
 * Canonical JSON: one spelling per value, so that digests and fingerprints only change when the data does.
 * Object keys are sorted, `undefined` members are dropped (as JSON.stringify does), `undefined` array slots become
 * `null` (again as JSON does), and numbers use JSON's spelling (so -0 and 0 are the same value).
 */
import { createHash } from 'node:crypto';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member the object itself holds: `valueOf` or `constructor` are keys like any other in data. */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Assignment that stays an own data member even for the key `__proto__`. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy with sorted keys and no `undefined` members: the value canonicalJson writes. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalize(item)));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = value[key];
      if (member !== undefined) setOwn(out, key, canonicalize(member));
    }
    return out;
  }
  return value;
}

/** `undefined` at the top has no JSON spelling; it is written as the empty string so that it still compares. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(canonicalize(value));
}

/** sha256 (hex) of the canonical JSON: the digest the state store records as "last applied". */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
