/** The engine's Report + what only the operator knows (mode, trigger, attribution) -> the notifiers' ReportView. */
import { actionCount } from '../core/format-value';
import type { Report, ReportResource } from '../core/report';
import { formatIssue, type ValidationIssue } from '../manifest/issues';
import type { Attribution, ReportView, ResourceOutcome, ResourceView, RunStatus } from '../notify/report-view';

function outcomeOf(r: ReportResource, drifted: boolean): ResourceOutcome {
  // A blocked result carries why (a failed dependency, or a conflict it would be built on): blocked, not failed.
  if (r.outcome === 'blocked') return 'blocked';
  if (r.error || r.outcome === 'failed') return 'failed';
  switch (r.outcome) {
    case 'created':
    case 'configured':
    case 'deleted':
      return drifted ? 'reverted' : 'applied';
    case 'skipped':
    case 'unchanged':
      return r.skippedReason ? 'refused' : 'skipped';
    default:
      return r.skippedReason && r.action !== 'unchanged' ? 'refused' : 'reported';
  }
}

function statusOf(report: Report, resources: readonly ResourceView[]): RunStatus {
  const applied = (r: ResourceView): boolean => r.outcome === 'applied' || r.outcome === 'reverted';
  if (report.errors.length > 0 || resources.some((r) => r.outcome === 'failed' || r.outcome === 'blocked'))
    return 'failed';
  if (report.guards.length > 0) return 'refused';
  if (resources.some((r) => r.drifted && !applied(r))) return 'drift';
  if (resources.some((r) => r.drifted)) return 'reverted';
  if (resources.some((r) => r.action !== 'unchanged' && !applied(r))) return 'pending';
  if (resources.some((r) => applied(r))) return 'changed';
  return 'in-sync';
}

export interface ViewContext {
  mode: 'enforce' | 'detect';
  trigger?: string;
  attribution?: ReadonlyMap<string, Attribution[]>;
  /** Text used for redaction of every message that goes out. */
  redact?: (text: string) => string;
}

export function toReportView(report: Report, ctx: ViewContext): ReportView {
  const redact = ctx.redact ?? ((t: string) => t);
  const resources: ResourceView[] = report.resources.map((r) => {
    const drifted = r.cause === 'drift' || r.alsoDrifted === true;
    const attribution = ctx.attribution?.get(r.id) ?? (r.attribution ? [r.attribution] : undefined);
    return {
      id: r.id,
      kind: r.kind,
      action: r.action,
      cause: r.cause,
      drifted,
      changes: r.changes,
      outcome: outcomeOf(r, drifted),
      ...(attribution ? { attribution } : {}),
      ...(r.error ? { error: redact(`${r.error.code}: ${r.error.message}`) } : {}),
      ...(r.reason || r.skippedReason ? { reason: redact(r.reason ?? r.skippedReason ?? '') } : {}),
    };
  });
  const counts: Record<string, number> = {};
  // What the run makes of each action: a delete held back because prune is off is not a delete (it is shown as
  // "delete with --prune"), the way every renderer counts it.
  for (const action of ['create', 'update', 'replace', 'delete', 'conflict'] as const) {
    const c = actionCount(report.summary, action);
    counts[action] = action === 'conflict' ? report.summary.byAction.conflict : c.count;
    if (c.withPrune > 0) counts[`${action} with --prune`] = c.withPrune;
    if (c.blocked > 0) counts[`${action} blocked`] = c.blocked;
    if (action !== 'conflict' && c.otherwiseSkipped > 0) counts[`${action} skipped`] = c.otherwiseSkipped;
  }
  counts.drifted = report.summary.drifted;
  counts.pending = report.summary.pending;
  for (const [outcome, n] of Object.entries(report.summary.byOutcome)) {
    if (outcome !== 'unchanged') counts[outcome] = n ?? 0;
  }
  counts['guard refusals'] = report.guards.length;
  const refusals = report.guards.map((g) => {
    const ids = g.ids.length > 0 ? ` (${g.ids.slice(0, 10).join(', ')}${g.ids.length > 10 ? ', …' : ''})` : '';
    return redact(`${g.code}: ${g.message}${ids}`);
  });
  const error =
    report.errors.length > 0 ? redact(report.errors.map((e) => `${e.code}: ${e.message}`).join('\n')) : undefined;
  return {
    stack: report.stack,
    ...(report.revision ? { revision: report.revision } : {}),
    mode: ctx.mode,
    status: statusOf(report, resources),
    at: report.generatedAt,
    counts,
    resources,
    ...(error ? { error } : {}),
    ...(refusals.length > 0 ? { refusals } : {}),
    ...(ctx.trigger ? { trigger: ctx.trigger } : {}),
  };
}

export function invalidView(input: {
  stack: string;
  revision?: string;
  mode: 'enforce' | 'detect';
  at: string;
  issues: readonly ValidationIssue[];
  trigger?: string;
}): ReportView {
  const errors = input.issues.filter((i) => i.severity === 'error');
  return {
    stack: input.stack,
    ...(input.revision ? { revision: input.revision } : {}),
    mode: input.mode,
    status: 'invalid',
    at: input.at,
    counts: { 'validation errors': errors.length },
    resources: [],
    issues: errors.map(formatIssue),
    ...(input.trigger ? { trigger: input.trigger } : {}),
  };
}

export function failedView(input: {
  stack: string;
  mode: 'enforce' | 'detect';
  at: string;
  error: string;
  revision?: string;
  trigger?: string;
}): ReportView {
  return {
    stack: input.stack,
    ...(input.revision ? { revision: input.revision } : {}),
    mode: input.mode,
    status: 'failed',
    at: input.at,
    counts: {},
    resources: [],
    error: input.error,
    ...(input.trigger ? { trigger: input.trigger } : {}),
  };
}
