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

// C0 controls but tab and newline, DEL and C1: ESC and the C1 CSI/OSC introducers are how text drives a terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text that came from outside (AWS, manifests, error messages) made safe for a terminal: control characters are
 * written as `\u001b` escapes, so a hostile value shows up instead of moving the cursor or retitling the window.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
