/** How reports spell values: durations compactly (`15s`), absent as `(none)`, long values cut in the middle. */
import { isPlainObject } from './canonical';
import type { ChangeAction, ChangeCause } from './model';
import { isApiDuration } from './value-diff';

export const ABSENT = '(none)';
export const DEFAULT_MAX_VALUE_LENGTH = 80;

/** Replaces every {unit, value} inside a value by its shorthand string, as manifests may write it. */
export function compactDurations(value: unknown): unknown {
  if (isApiDuration(value)) return `${value.value}${value.unit}`;
  if (Array.isArray(value)) return value.map(compactDurations);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => value[key] !== undefined)
        .map((key) => [key, compactDurations(value[key])]),
    );
  }
  return value;
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = Math.max(1, max - 1);
  const head = Math.ceil(keep * 0.7);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** One value on one line. Strings are quoted (so "5" and 5 differ) except duration shorthands. */
export function formatValue(value: unknown, max = DEFAULT_MAX_VALUE_LENGTH): string {
  if (value === undefined) return ABSENT;
  if (isApiDuration(value)) return `${value.value}${value.unit}`;
  const text = JSON.stringify(compactDurations(value)) ?? String(value);
  return truncate(text, max);
}

// Every C0 control (newline and tab included: a newline inside a name forges report lines), DEL and C1 (ESC and the
// C1 CSI/OSC introducers are how text drives a terminal), the Unicode line/paragraph separators, and the bidi
// controls (an RLO makes `evil\u202egnp.txt` read as `evil.txt.png`; CVE-2021-42574 "Trojan Source").
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text that came from outside (AWS, manifests, error messages) made safe for any output: control, separator and
 * bidi characters are written as `\u001b`-style escapes, so a hostile value shows up, on one line, instead of
 * moving the cursor, starting a new report line or reordering what the reader sees. Every renderer applies it to
 * every string of the report before adding its own markup.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

// The unsafe characters JSON.stringify leaves raw (it escapes C0 itself); inside a JSON text they can only be in strings.
const JSON_RAW_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A JSON text with DEL, C1, separators and bidi controls written as `\uXXXX` escapes: the same value, safe to cat. */
export function jsonSafe(json: string): string {
  return json.replace(JSON_RAW_UNSAFE, escapeChar);
}

/** printable() on every string inside a JSON-like value (keys included), returning a copy. */
export function printableDeep<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return printable(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [printable(k), walk(item)]));
    }
    return v;
  };
  return walk(value) as T;
}

export const ACTION_SYMBOL: Record<ChangeAction, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  unchanged: '=',
  conflict: '!',
};

export const ACTION_VERB: Record<ChangeAction, string> = {
  create: 'to create',
  update: 'to update',
  replace: 'to replace',
  delete: 'to delete',
  unchanged: 'unchanged',
  conflict: 'conflict',
};

export function causeLabel(cause: ChangeCause, alsoDrifted?: boolean): string {
  return alsoDrifted ? `${cause}, also drifted` : cause;
}

/** The report counts every renderer shows: what the run makes (or made) of each action, and what it holds back. */
export interface ActionCount {
  /** Changes of this action the plan makes: skipped ones are not counted. */
  count: number;
  /** Deletes held back only because prune is off. */
  withPrune: number;
  /** Changes held back because they would live in or point at a resource this stack does not own. */
  blocked: number;
  /** Changes held back for another reason (a guard, deletion protection). */
  otherwiseSkipped: number;
}

export function actionCount(
  summary: {
    byAction: Record<ChangeAction, number>;
    skipped: Partial<Record<ChangeAction, number>>;
    blocked?: Partial<Record<ChangeAction, number>>;
    prunable: number;
  },
  action: ChangeAction,
): ActionCount {
  const skipped = summary.skipped[action] ?? 0;
  const withPrune = action === 'delete' ? summary.prunable : 0;
  const blocked = summary.blocked?.[action] ?? 0;
  return {
    count: summary.byAction[action] - skipped,
    withPrune,
    blocked,
    otherwiseSkipped: skipped - withPrune - blocked,
  };
}

/** `0 to delete (1 with --prune)`, `0 to create (17 blocked)`, `0 to create (19 skipped)`, `2 to update`. */
export function countPhrase(count: ActionCount, label = ''): string {
  const notes = [
    ...(count.withPrune > 0 ? [`${count.withPrune} with --prune`] : []),
    ...(count.blocked > 0 ? [`${count.blocked} blocked`] : []),
    ...(count.otherwiseSkipped > 0 ? [`${count.otherwiseSkipped} skipped`] : []),
  ];
  return `${count.count}${label !== '' ? ` ${label}` : ''}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

/**
 * The one way every output reads a field change, terraform's: the value now (in AWS) -> the value after apply
 * (the manifests). Drift reads the same way (the value someone set in AWS -> the declared value meshward puts
 * back); who set it goes on its own line, worded by `changedByLine`.
 */
export const ARROW = '->';
export const DIRECTION_LEGEND = 'Fields read: value in AWS now -> value after apply (the manifests).';

/** `changed outside meshward by ARN (UpdateRoute, 2026-11-25T11:58:00Z, from 203.0.113.7)`; plain text. */
export function changedByLine(a: { identityArn: string; eventName?: string; eventTime?: string; sourceIp?: string }): {
  identity: string;
  details: string;
} {
  const details = [a.eventName, a.eventTime, a.sourceIp !== undefined ? `from ${a.sourceIp}` : undefined].filter(
    (d): d is string => d !== undefined && d !== '',
  );
  return { identity: a.identityArn, details: details.join(', ') };
}

export const CHANGED_BY = 'changed outside meshward by';
