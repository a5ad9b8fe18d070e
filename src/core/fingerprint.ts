/**
 * Drift fingerprints (so the same drift is posted once, then again only when it changes or resolves) and
 * redaction (so reports never carry a Slack secret, whatever ends up in an error message).
 */
import { digestOf } from './canonical';
import type { ChangeCause, FieldChange } from './model';

export interface DriftCarrier {
  id: string;
  cause: ChangeCause;
  alsoDrifted?: boolean;
  changes: readonly FieldChange[];
}

/**
 * sha256 of the set of (id, path, actual value) that drifted, or undefined when nothing drifted. The desired
 * value is left out on purpose: a new manifest revision alone does not make old drift new again.
 */
export function driftFingerprint(resources: readonly DriftCarrier[]): string | undefined {
  const entries: [string, string, unknown][] = [];
  for (const r of resources) {
    if (r.cause !== 'drift' && r.alsoDrifted !== true) continue;
    // A resource AWS lost has no fields; its absence is the drift.
    if (r.changes.length === 0) entries.push([r.id, '', null]);
    for (const c of r.changes) entries.push([r.id, c.path, c.before ?? null]);
  }
  if (entries.length === 0) return undefined;
  entries.sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
  return digestOf(entries);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type DriftTransition = 'none' | 'new' | 'changed' | 'unchanged' | 'resolved';

/** What a notifier should do given the fingerprint it posted last and the current one. */
export function driftTransition(previous: string | undefined, current: string | undefined): DriftTransition {
  if (current === undefined) return previous === undefined ? 'none' : 'resolved';
  if (previous === undefined) return 'new';
  return previous === current ? 'unchanged' : 'changed';
}

export const REDACTED = '[redacted]';

const SECRET_PATTERNS: readonly RegExp[] = [
  // Incoming webhooks (services/, workflows/, triggers/), commercial and GovCloud.
  /https?:\/\/hooks\.slack(?:-gov)?\.com\/[\w/%+=.-]+/gi,
  // Bot, user, app-level, refresh and config tokens.
  /\bxoxe\.xox[a-z]-[A-Za-z0-9-]+/g,
  /\bxox[a-z]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
];

// The password of a URL with credentials (`postgres://app:hunter2@db:5432/x`): the user and host stay readable.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

export function redact(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return out.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** redact() on every string inside a JSON-like value (keys included), returning a copy. */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(walk);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), walk(v)]));
  }
  return value;
}
