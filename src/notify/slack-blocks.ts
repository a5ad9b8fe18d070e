/**
 * Pure Block Kit rendering of a ReportView. Everything that does not fit Slack's limits (50 blocks, 3,000
 * characters a section, 10 fields) is folded into "and N more", so a large drift never makes Slack reject the post.
 */
import { canonicalJson } from '../core/canonical';
import { ABSENT, CHANGED_BY, DIRECTION_LEGEND, printable, printableDeep } from '../core/format-value';
import type { FieldChange } from '../core/model';
import { SLACK_LIMITS, truncate } from './slack-limits';
import type { ReportView, ResourceView, RunStatus } from './report-view';

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}
export interface HeaderBlock {
  type: 'header';
  text: { type: 'plain_text'; text: string };
}
export interface SectionBlock {
  type: 'section';
  text?: TextObject;
  fields?: TextObject[];
}
export interface ContextBlock {
  type: 'context';
  elements: TextObject[];
}
export interface DividerBlock {
  type: 'divider';
}
export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

export interface SlackMessage {
  /** Notification / fallback text (shown in notifications and by clients without blocks). */
  text: string;
  blocks: SlackBlock[];
}

const STATUS_TITLE: Readonly<Record<RunStatus, string>> = {
  'in-sync': 'in sync',
  reverted: 'drift reverted',
  pending: 'changes pending (not applied)',
  changed: 'changes applied',
  drift: 'drift detected',
  failed: 'reconcile failed',
  invalid: 'invalid manifests: nothing applied',
  refused: 'refused by a safety guard',
  partial: 'partly applied: out of time, the next run continues',
};

const STATUS_ICON: Readonly<Record<RunStatus, string>> = {
  'in-sync': ':white_check_mark:',
  reverted: ':leftwards_arrow_with_hook:',
  pending: ':hourglass_flowing_sand:',
  changed: ':arrows_counterclockwise:',
  drift: ':warning:',
  failed: ':x:',
  invalid: ':no_entry:',
  refused: ':octagonal_sign:',
  partial: ':hourglass:',
};

/** Slack mrkdwn control characters; user data (names, values, ARNs) must not turn into links or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  // A backtick inside would end the code span early.
  return '`' + escapeMrkdwn(text.replace(/`/g, "'")) + '`';
}

const VALUE_MAX = 300;

function isDuration(value: unknown): value is { unit: 's' | 'ms'; value: number } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Object.keys(v).length === 2 && (v.unit === 's' || v.unit === 'ms') && typeof v.value === 'number';
}

/** Values as a reader expects them: App Mesh durations as "15s", objects with sorted keys, strings quoted. */
export function formatValue(value: unknown): string {
  if (value === undefined) return ABSENT;
  if (isDuration(value)) return `${value.value}${value.unit}`;
  const json = canonicalJson(value);
  return truncate(json === '' ? String(value) : json, VALUE_MAX);
}

/** AWS changed the resource and the manifests did not: the arrow tells what the person did. */
function isPureDrift(resource: ResourceView): boolean {
  return resource.drifted && resource.cause !== 'pending';
}

/** Terraform's direction, as every meshward output: the value in AWS now -> the value after apply (manifests). */
function changeLine(change: FieldChange): string {
  return `• ${code(change.path)}: ${code(formatValue(change.before))} -&gt; ${code(formatValue(change.after))}`;
}

const ARN_MAX = 200;

function attributionLine(resource: ResourceView): string | undefined {
  const attribution = resource.attribution;
  if (!attribution || attribution.length === 0) return undefined;
  const parts = attribution.slice(0, 3).map((a) => {
    const details = [a.eventName, a.eventTime, a.sourceIp ? `from ${a.sourceIp}` : undefined].filter(
      (d): d is string => d !== undefined && d !== '',
    );
    const extra = details.length > 0 ? ` (${escapeMrkdwn(truncate(details.join(', '), 200))})` : '';
    return `${code(truncate(a.identityArn, ARN_MAX))}${extra}`;
  });
  const more = attribution.length > 3 ? ` and ${attribution.length - 3} more` : '';
  return `_${CHANGED_BY}_ ${parts.join('; ')}${more}`;
}

/** What happened to the resource (the subject of the field lines that follow). */
function headline(resource: ResourceView): string {
  if (isPureDrift(resource)) {
    return resource.action === 'create' ? 'deleted outside meshward' : 'changed outside meshward';
  }
  const from = resource.cause === 'removed' ? 'removed from the manifests' : `${resource.action} from the manifests`;
  return resource.drifted ? `${from}; AWS had also been changed outside meshward` : from;
}

/** What meshward did about it, always the last word of a resource's section. */
function outcomeLine(resource: ResourceView): string {
  const drift = isPureDrift(resource);
  switch (resource.outcome) {
    case 'reverted':
      return drift ? 'meshward: *reverted* it to the declared value' : 'meshward: *applied* the manifests';
    case 'applied':
      return resource.drifted ? 'meshward: *applied* the manifests (overwriting that change)' : 'meshward: *applied*';
    case 'reported':
      return drift
        ? `meshward: *reported only* (${resource.action === 'conflict' ? 'not owned by meshward' : 'detect mode: AWS keeps the change'})`
        : 'meshward: *reported only* (not applied)';
    case 'failed':
      return drift ? 'meshward: *failed* to revert it' : 'meshward: *failed* to apply it';
    case 'refused':
      // The reason (prune is off, a guard) follows on the next line.
      return 'meshward: *not applied*';
    default:
      return `meshward: *${resource.outcome}*`;
  }
}

/**
 * One section per resource, read top to bottom: what happened to it, the differing fields (folded to fit), who
 * did it, then what meshward did and any error. The last lines are budgeted first so folding never cuts them.
 */
export function resourceSection(resource: ResourceView): SectionBlock {
  const head = `*${escapeMrkdwn(truncate(resource.id, 300))}* — ${headline(resource)}`;
  const who = attributionLine(resource);
  const tail = [
    ...(who ? [who] : []),
    outcomeLine(resource),
    ...(resource.reason ? [`_${escapeMrkdwn(truncate(resource.reason, 300))}_`] : []),
    ...(resource.error ? [`:x: ${escapeMrkdwn(truncate(resource.error, 500))}`] : []),
  ].join('\n');

  // Room for field lines once the head, the tail and a possible "and N more" line are accounted for.
  const budget = SLACK_LIMITS.sectionText - head.length - tail.length - 40;
  const lines: string[] = [];
  let used = 0;
  for (const change of resource.changes) {
    const line = changeLine(change);
    if (used + line.length + 1 > budget) break;
    lines.push(line);
    used += line.length + 1;
  }
  const hidden = resource.changes.length - lines.length;
  if (hidden > 0) lines.push(`• …and ${hidden} more field${hidden === 1 ? '' : 's'}`);
  const text = [head, ...lines, tail].join('\n');
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

function countFields(counts: Readonly<Record<string, number>>): TextObject[] {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  const fields = entries.slice(0, SLACK_LIMITS.fields).map(([name, n]) => ({
    type: 'mrkdwn' as const,
    text: truncate(`*${escapeMrkdwn(name)}*\n${n}`, SLACK_LIMITS.fieldText),
  }));
  if (entries.length > SLACK_LIMITS.fields) {
    // The last field carries the rest, so nothing is silently dropped.
    const rest = entries.slice(SLACK_LIMITS.fields - 1);
    fields[SLACK_LIMITS.fields - 1] = {
      type: 'mrkdwn',
      text: truncate(rest.map(([name, n]) => `${escapeMrkdwn(name)}: ${n}`).join(', '), SLACK_LIMITS.fieldText),
    };
  }
  return fields;
}

export function summaryText(view: ReportView): string {
  const drifted = view.resources.filter((r) => r.drifted).length;
  const parts = [`meshward ${view.stack}: ${STATUS_TITLE[view.status]}`];
  if (drifted > 0) parts.push(`${drifted} resource${drifted === 1 ? '' : 's'} drifted`);
  if (view.revision) parts.push(`revision ${view.revision.slice(0, 12)}`);
  return parts.join(' · ');
}

function headerBlocks(view: ReportView, title: string): SlackBlock[] {
  const context = [
    `stack *${escapeMrkdwn(view.stack)}*`,
    `revision ${view.revision ? code(view.revision.slice(0, 12)) : '_unknown_'}`,
    `mode *${view.mode}*`,
    view.trigger ? `trigger ${escapeMrkdwn(view.trigger)}` : undefined,
    escapeMrkdwn(view.at),
  ].filter((c): c is string => c !== undefined);
  return [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, SLACK_LIMITS.headerText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(context.join(' · '), SLACK_LIMITS.sectionText) }] },
  ];
}

function listSection(title: string, items: readonly string[], noun: string): SectionBlock {
  const lines: string[] = [];
  let used = title.length;
  for (const item of items) {
    const line = `• ${escapeMrkdwn(truncate(item, 500))}`;
    if (used + line.length + 40 > SLACK_LIMITS.sectionText) break;
    lines.push(line);
    used += line.length + 1;
  }
  const hidden = items.length - lines.length;
  if (hidden > 0) lines.push(`• …and ${hidden} more ${noun}${hidden === 1 ? '' : 's'}`);
  return { type: 'section', text: { type: 'mrkdwn', text: [title, ...lines].join('\n') } };
}

/** A Slack link (`<url|label>`): the URL must not carry the characters that end one. */
function link(url: string, label: string): string {
  const safeUrl = url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

function fullReportLine(view: ReportView): string | undefined {
  const r = view.fullReport;
  if (!r) return undefined;
  const md = r.markdownUrl !== undefined ? ` · ${link(r.markdownUrl, 'Markdown')}` : '';
  return `:page_facing_up: ${link(r.htmlUrl, 'Full report')} (every resource, the topology and the diffs)${md}`;
}

/** The full report: header, context, counts, then one section per resource that is not unchanged. */
export function renderSlackReport(untrusted: ReportView): SlackMessage {
  // Every string made printable (no raw ESC, newline or bidi control from a name) before any markup is added.
  const view = printableDeep(untrusted);
  const title = `${STATUS_ICON[view.status]} meshward ${view.stack}: ${STATUS_TITLE[view.status]}`;
  const blocks: SlackBlock[] = headerBlocks(view, title);
  const fields = countFields(view.counts);
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  if (view.error) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`:x: ${escapeMrkdwn(view.error)}`, SLACK_LIMITS.sectionText) },
    });
  }
  if (view.issues && view.issues.length > 0) {
    blocks.push(listSection('*Why nothing was applied:*', view.issues, 'issue'));
  }
  if (view.refusals && view.refusals.length > 0) {
    blocks.push(listSection('*Refused by a safety guard:*', view.refusals, 'refusal'));
  }
  const listed = view.resources.filter((r) => r.action !== 'unchanged');
  const full = fullReportLine(view);
  if (full !== undefined) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: full }] });
  if (listed.some((r) => r.changes.length > 0)) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(DIRECTION_LEGEND) }] });
  }
  if (listed.length > 0) blocks.push({ type: 'divider' });
  // Drift first: it is what the reader must act on.
  const ordered = [...listed].sort((a, b) => Number(b.drifted) - Number(a.drifted));
  const room = SLACK_LIMITS.blocks - blocks.length - 1;
  const shown = ordered.length > room + 1 ? ordered.slice(0, room) : ordered;
  for (const resource of shown) blocks.push(resourceSection(resource));
  const hidden = ordered.length - shown.length;
  if (hidden > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${hidden} more resource${hidden === 1 ? '' : 's'}${view.fullReport ? `: ${link(view.fullReport.htmlUrl, 'see the full report')}` : ''}`,
        },
      ],
    });
  }
  return { text: truncate(summaryText(view), SLACK_LIMITS.topLevelText), blocks };
}

/** Posted when drift that was reported before is no longer there. */
export function renderResolved(
  untrusted: Pick<ReportView, 'stack' | 'revision' | 'mode' | 'at'>,
  untrustedIds: readonly string[],
) {
  const view = printableDeep(untrusted);
  const ids = untrustedIds.map(printable);
  const title = `:white_check_mark: meshward ${view.stack}: drift resolved`;
  const blocks: SlackBlock[] = [
    ...headerBlocks({ ...view, status: 'in-sync', counts: {}, resources: [] }, title),
    listSection('*No longer drifting:*', ids, 'resource'),
  ];
  const message: SlackMessage = { text: `meshward ${view.stack}: drift resolved`, blocks };
  return message;
}
