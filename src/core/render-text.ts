/** The CLI's report: one block per resource with its field-level diff, the way a reviewer reads it. */
import { redact } from './fingerprint';
import {
  ACTION_SYMBOL,
  ACTION_VERB,
  actionCount,
  ARROW,
  causeLabel,
  CHANGED_BY,
  changedByLine,
  countPhrase,
  DEFAULT_MAX_VALUE_LENGTH,
  formatValue,
  printableDeep,
} from './format-value';
import type { ChangeAction } from './model';
import { describeOutcome } from './outcome';
import type { Report, ReportResource } from './report';

export interface TextOptions {
  /** ANSI colors (the CLI turns them on for a TTY). */
  color?: boolean;
  maxValueLength?: number;
  /** Field lines listed for a create before "and N more fields" (a create lists every field it sets). */
  maxCreateFields?: number;
}

const ANSI = {
  green: '\x1b[32m',
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  magenta: '\x1b[35m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
};
const RESET = '\x1b[0m';
type Color = keyof typeof ANSI;

const ACTION_COLOR: Record<ChangeAction, Color> = {
  create: 'green',
  update: 'yellow',
  replace: 'magenta',
  delete: 'red',
  unchanged: 'dim',
  conflict: 'red',
};

export function renderText(untrusted: Report, options: TextOptions = {}): string {
  // Every string made printable before the renderer adds its own colors and newlines.
  const report = printableDeep(untrusted);
  const paint = (color: Color, text: string): string => (options.color ? `${ANSI[color]}${text}${RESET}` : text);
  const max = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
  const lines: string[] = [paint('bold', header(report))];
  for (const error of report.errors) lines.push(paint('red', `error ${error.code}: ${error.message}`));
  for (const w of report.warnings ?? []) lines.push(paint('yellow', `warning ${w.code}: ${w.message}`));
  const shown = report.resources.filter(
    (r) => r.action !== 'unchanged' || r.outcome !== undefined || r.error || (r.held?.length ?? 0) > 0,
  );
  const changed = shown.filter((r) => r.action !== 'unchanged' || r.outcome !== undefined || r.error);
  if (changed.length === 0 && report.errors.length === 0) lines.push('No changes. AWS matches the manifests.');
  for (const r of shown) lines.push('', ...resourceLines(r, paint, max, options.maxCreateFields ?? 20));
  if (report.guards.length > 0) {
    lines.push('', paint('red', 'Refused by safety guards:'));
    for (const g of report.guards) lines.push(paint('red', `  ! ${g.code}: ${g.message}`));
  }
  lines.push('', summaryLine(report));
  if (report.apiCalls && Object.keys(report.apiCalls).length > 0) {
    const calls = Object.entries(report.apiCalls).map(([op, n]) => `${op} ${n}`);
    lines.push(paint('dim', `API calls: ${calls.join(', ')}`));
  }
  return redact(`${lines.join('\n')}\n`);
}

function header(report: Report): string {
  return [
    `meshward ${report.mode ?? 'report'}`,
    `stack ${report.stack}`,
    ...(report.revision !== undefined ? [`revision ${report.revision}`] : []),
    report.generatedAt,
  ].join(' · ');
}

function resourceLines(
  r: ReportResource,
  paint: (color: Color, text: string) => string,
  max: number,
  maxCreateFields: number,
): string[] {
  const color = ACTION_COLOR[r.action];
  const held = r.blockedBy !== undefined ? `  blocked by ${r.blockedBy}` : '';
  const title = `${ACTION_SYMBOL[r.action]} ${r.id}  (${causeLabel(r.cause, r.alsoDrifted)})${held}`;
  const lines = [paint(color, title)];
  if (r.reason !== undefined) lines.push(`    ${r.reason}`);
  const fields = r.action === 'create' ? r.changes.slice(0, maxCreateFields) : r.changes;
  for (const f of fields) {
    const marker = f.before === undefined ? '+' : f.after === undefined ? '-' : '~';
    const fieldColor: Color = marker === '+' ? 'green' : marker === '-' ? 'red' : 'yellow';
    const value =
      r.action === 'create'
        ? formatValue(f.after, max)
        : `${formatValue(f.before, max)} ${ARROW} ${formatValue(f.after, max)}`;
    lines.push(`    ${paint(fieldColor, marker)} ${f.path}: ${value}`);
  }
  if (fields.length < r.changes.length) lines.push(`    … and ${r.changes.length - fields.length} more fields`);
  for (const note of r.notes ?? []) lines.push(paint('dim', `    note: ${note}`));
  // Differences another controller holds, grouped by who holds them: never applied.
  const reasons = [...new Set((r.held ?? []).map((f) => f.reason))];
  for (const reason of reasons) {
    lines.push(paint('dim', `    held (${reason}):`));
    for (const f of (r.held ?? []).filter((x) => x.reason === reason)) {
      lines.push(
        paint('dim', `      = ${f.path}: ${formatValue(f.before, max)} ${ARROW} ${formatValue(f.after, max)}`),
      );
    }
  }
  if (r.attribution) {
    const by = changedByLine(r.attribution);
    lines.push(`    ${CHANGED_BY} ${by.identity}${by.details !== '' ? ` (${by.details})` : ''}`);
  }
  // A change held back by a conflict says which resource holds it (its reason starts "blocked by").
  if (r.skippedReason !== undefined)
    lines.push(
      r.blockedBy !== undefined
        ? paint('red', `    ${r.skippedReason}`)
        : paint('dim', `    skipped: ${r.skippedReason}`),
    );
  if (r.outcome !== undefined) lines.push(`    => ${describeOutcome(r)} (${r.outcome})`);
  if (r.error) lines.push(paint('red', `    error ${r.error.code}: ${r.error.message}`));
  return lines;
}

export function summaryLine(report: Report): string {
  const a = report.summary.byAction;
  const parts = (['create', 'update', 'replace', 'delete'] as const).map((k) =>
    countPhrase(actionCount(report.summary, k), ACTION_VERB[k]),
  );
  if (a.conflict > 0) parts.push(`${a.conflict} conflict${a.conflict === 1 ? '' : 's'}`);
  parts.push(`${a.unchanged} unchanged`);
  const causes = `${report.summary.drifted} drifted, ${report.summary.pending} pending`;
  const outcomes = Object.entries(report.summary.byOutcome).map(([k, n]) => `${n} ${k}`);
  return [
    `Summary: ${parts.join(', ')}`,
    causes,
    ...(outcomes.length > 0 ? [outcomes.join(', ')] : []),
    `exit ${report.exitCode}`,
  ].join(' · ');
}
