/**
 * Typed reads of an already model-validated request. The core checked types against the model; these helpers only
 * narrow `unknown` for the compiler and treat a wrong type as absent.
 */
import { canonicalJson as coreCanonicalJson } from '../../core/canonical';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optString(input: JsonObject, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

export function optNumber(input: JsonObject, key: string): number | undefined {
  const value = input[key];
  return typeof value === 'number' ? value : undefined;
}

export function optBoolean(input: JsonObject, key: string): boolean | undefined {
  const value = input[key];
  return typeof value === 'boolean' ? value : undefined;
}

export function optArray(input: JsonObject, key: string): unknown[] | undefined {
  const value = input[key];
  return Array.isArray(value) ? value : undefined;
}

export function optObject(input: JsonObject, key: string): JsonObject | undefined {
  const value = input[key];
  return isObject(value) ? value : undefined;
}

export function stringList(input: JsonObject, key: string): string[] {
  return (optArray(input, key) ?? []).filter((v): v is string => typeof v === 'string');
}

export function objectList(input: JsonObject, key: string): JsonObject[] {
  return (optArray(input, key) ?? []).filter(isObject);
}

/** A deep copy through JSON: what we store and return must never alias the caller's request objects. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Stable JSON (sorted keys) used to compare two requests for idempotency (undefined reads as null). */
export function canonicalJson(value: unknown): string {
  return value === undefined ? 'null' : coreCanonicalJson(value);
}

/** Epoch seconds with millisecond precision, the json 1.1 timestamp format. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
