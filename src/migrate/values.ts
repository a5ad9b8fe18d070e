/**
 * Small pure helpers the kinds' migration rules share: durations in seconds, successor names, and the name forms
 * VPC Lattice accepts. Nothing here names a kind.
 */
import { durationMillis, parseDuration } from '../core/duration';
import type { ApiDuration } from '../core/duration';
import type { MigrationRun, MigrationTarget } from './model';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isApiDuration(value: unknown): value is ApiDuration {
  return isRecord(value) && (value['unit'] === 's' || value['unit'] === 'ms') && typeof value['value'] === 'number';
}

/** A manifest duration ("15s", "500ms" or {unit, value}) in milliseconds, or undefined. */
export function millisOf(value: unknown): number | undefined {
  if (typeof value === 'string') {
    try {
      return durationMillis(parseDuration(value));
    } catch {
      return undefined;
    }
  }
  return isApiDuration(value) ? durationMillis(value) : undefined;
}

/** Seconds, rounded up so a timeout never gets shorter than the source's; `exact` says no rounding happened. */
export function secondsOf(value: unknown): { seconds: number; exact: boolean } | undefined {
  const millis = millisOf(value);
  if (millis === undefined) return undefined;
  return { seconds: Math.ceil(millis / 1000), exact: millis % 1000 === 0 };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

const SUFFIX: Record<MigrationTarget, string> = { 'service-connect': '-sc', 'vpc-lattice': '-lattice' };

export function targetSuffix(target: MigrationTarget): string {
  return SUFFIX[target];
}

/** The successor ECS service's name: a suffix in new-names mode; the same name in a new cluster otherwise. */
export function successorServiceName(name: string, run: Pick<MigrationRun, 'parallel' | 'target'>): string {
  return run.parallel === 'new-names' ? `${name}${SUFFIX[run.target]}`.slice(0, 255) : name;
}

export function successorCluster(cluster: string, run: Pick<MigrationRun, 'parallel' | 'target'>): string {
  return run.parallel === 'new-cluster' ? `${cluster}${SUFFIX[run.target]}`.slice(0, 255) : cluster;
}

/** Task definition families always get the suffix: two meshward services never share a family's revisions. */
export function successorFamily(family: string, run: Pick<MigrationRun, 'target'>): string {
  return `${family}${SUFFIX[run.target]}`.slice(0, 255);
}

/**
 * A VPC Lattice resource name from any App Mesh name: lowercase letters, digits and single inner hyphens, within
 * `max`, not starting with the reserved prefix of the resource type (`svc-`, `tg-`, `listener-`, `rule-`).
 */
export function latticeName(raw: string, max = 40, reservedPrefix?: string): string {
  let name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (reservedPrefix && name.startsWith(reservedPrefix)) name = `x${name}`;
  // Cut names keep a hash of the whole, so two long names that share a beginning stay apart.
  if (name.length > max) name = `${name.slice(0, max - 7).replace(/-+$/, '')}-${shortHash(raw)}`;
  while (name.length < 3) name = `${name}x`;
  return name;
}

/** 6 hex digits of FNV-1a: stable across runs and machines. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 6);
}
