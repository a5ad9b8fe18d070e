/** `-o markdown`: a pull-request comment. A summary table, then one collapsible block per resource. */
import { redact } from './fingerprint';
import {
  ACTION_SYMBOL,
  actionCount,
  causeLabel,
  CHANGED_BY,
  changedByLine,
  countPhrase,
  formatValue,
  printableDeep,
} from './format-value';
import type { ChangeAction } from './model';
import type { Report, ReportResource } from './report';

export interface MarkdownOptions {
  /** GitHub rejects comments longer than 65,536 characters. */
  maxLength?: number;
  maxValueLength?: number;
  /** Field rows per resource before "and N more fields". */
  maxFieldsPerResource?: number;
}

export const GITHUB_COMMENT_LIMIT = 65_536;

const EXIT_MEANING: Record<number, string> = {
  0: 'in sync',
  1: 'error',
  2: 'pending changes',
  3: 'drift',
  4: 'refused by a safety guard',
};

export function renderMarkdown(untrusted: Report, options: MarkdownOptions = {}): string {
  const report = printableDeep(untrusted);
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const maxValue = options.maxValueLength ?? 60;
  const maxFields = options.maxFieldsPerResource ?? 30;
  const head: string[] = [];
  const title = `### meshward ${report.mode ?? 'report'}: stack \`${inline(report.stack)}\``;
  head.push(report.revision !== undefined ? `${title} at \`${inline(report.revision)}\`` : title, '');
  const s = report.summary;
  head.push(
    `**${EXIT_MEANING[report.exitCode] ?? 'unknown'}** (exit ${report.exitCode}) · ${s.drifted} drifted · ${s.pending} pending · ${s.total} resources`,
    '',
  );
  head.push('| Action | Count |', '|---|---:|');
  for (const action of ['create', 'update', 'replace', 'delete', 'conflict', 'unchanged'] as ChangeAction[]) {
    if (s.byAction[action] > 0 || action !== 'conflict') {
      const count =
        action === 'conflict' || action === 'unchanged'
          ? String(s.byAction[action])
          : countPhrase(actionCount(s, action));
      head.push(`| ${action} | ${count} |`);
    }
  }
  head.push('');
  for (const e of report.errors) head.push(`> [!CAUTION]`, `> **${escapeText(e.code)}**: ${escapeText(e.message)}`, '');
  for (const w of report.warnings ?? [])
    head.push(`> [!NOTE]`, `> **${escapeText(w.code)}**: ${escapeText(w.message)}`, '');
  for (const g of report.guards) {
    head.push('> [!WARNING]', `> **Refused (${g.code})**: ${escapeText(g.message)}`, '');
  }
  const blocks = report.resources
    .filter((r) => r.action !== 'unchanged' || r.outcome !== undefined || r.error || (r.held?.length ?? 0) > 0)
    .map((r) => resourceBlock(r, maxValue, maxFields));
  const footer = (n: number): string =>
    `_… and ${n} more resource${n === 1 ? '' : 's'} not shown (see \`-o json\`)._\n`;
  let out = redact(`${head.join('\n')}\n`);
  // Leave room for the "and N more" line however many digits it needs.
  const reserve = footer(blocks.length).length + 1;
  for (let i = 0; i < blocks.length; i++) {
    const block = redact(blocks[i] ?? '');
    const last = i === blocks.length - 1;
    if (out.length + block.length + (last ? 0 : reserve) > limit) {
      out += footer(blocks.length - i);
      break;
    }
    out += block;
  }
  if (out.length > limit) out = `${out.slice(0, limit - 2)}…\n`;
  return out;
}

function resourceBlock(r: ReportResource, maxValue: number, maxFields: number): string {
  const cause = causeLabel(r.cause, r.alsoDrifted);
  const lines = [
    `<details><summary><code>${html(`${ACTION_SYMBOL[r.action]} ${r.id}`)}</code> ${r.action} · ${html(cause)}${r.blockedBy !== undefined && r.outcome === undefined ? ' · blocked' : ''}${r.outcome !== undefined ? ` · ${r.outcome}` : ''}</summary>`,
    '',
  ];
  if (r.reason !== undefined) lines.push(escapeText(r.reason), '');
  if (r.changes.length > 0) {
    lines.push('| Field | Now (AWS) | After apply (manifests) |', '|---|---|---|');
    for (const f of r.changes.slice(0, maxFields)) {
      lines.push(
        `| ${code(f.path)} | ${code(formatValue(f.before, maxValue))} | ${code(formatValue(f.after, maxValue))} |`,
      );
    }
    if (r.changes.length > maxFields) lines.push(`| _… and ${r.changes.length - maxFields} more fields_ | | |`);
    lines.push('');
  }
  for (const note of r.notes ?? []) lines.push(`Note: ${escapeText(note)}`, '');
  // Differences another controller moves (an ECS deployment's weights): shown, never applied.
  for (const reason of [...new Set((r.held ?? []).map((f) => f.reason))]) {
    lines.push(`Held (${escapeText(reason)}):`, '', '| Field | Now (AWS) | Manifests |', '|---|---|---|');
    for (const f of (r.held ?? []).filter((x) => x.reason === reason)) {
      lines.push(
        `| ${code(f.path)} | ${code(formatValue(f.before, maxValue))} | ${code(formatValue(f.after, maxValue))} |`,
      );
    }
    lines.push('');
  }
  if (r.attribution) {
    const by = changedByLine(r.attribution);
    const details = by.details !== '' ? ` (${escapeText(by.details)})` : '';
    lines.push(`${CHANGED_BY[0]?.toUpperCase() ?? ''}${CHANGED_BY.slice(1)} ${code(by.identity)}${details}`, '');
  }
  if (r.source) lines.push(`Declared in ${code(`${r.source.file}:${r.source.line}:${r.source.column}`)}`, '');
  if (r.skippedReason !== undefined)
    lines.push(`${r.blockedBy !== undefined ? '**Blocked**' : 'Skipped'}: ${escapeText(r.skippedReason)}`, '');
  if (r.error) lines.push(`**Error** ${code(r.error.code)}: ${escapeText(r.error.message)}`, '');
  lines.push('</details>', '');
  return `${lines.join('\n')}\n`;
}

/** A code span that survives a table cell: pipes escaped, a longer fence when the text has backticks. */
function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const fence = clean.includes('`') ? '``' : '`';
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

function inline(text: string): string {
  return text.replace(/`/g, "'");
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text in a comment: no accidental HTML, mentions or table breaks. */
function escapeText(text: string): string {
  return html(text).replace(/\|/g, '\\|').replace(/@/g, '@\u200b').replace(/\r?\n/g, ' ');
}
