/**
 * The one report model (DESIGN.md "Reports and Slack"), rendered as text, JSON and Markdown here and as Slack
 * Block Kit in src/notify. Everything a renderer needs is in the model, so renderers never look anything up.
 */
import { driftFingerprint, redactDeep } from './fingerprint';
import type { GuardRefusal } from './guards';
import { compareIds } from './kind-order';
import type {
  ApplyOutcome,
  ApplyResult,
  ChangeAction,
  ChangeCause,
  FieldChange,
  HeldChange,
  ResourceChange,
} from './model';
import type { Plan } from './plan';
import { redactChanges } from './redact-spec';
import type { KindName, SourcePosition } from './types';

export { describeOutcome } from './outcome';
export { renderText, type TextOptions } from './render-text';
export { renderMarkdown, type MarkdownOptions } from './render-markdown';
export { renderJson, toJsonReport, type JsonReport } from './render-json';

export type ReportMode = 'plan' | 'apply' | 'drift' | 'enforce' | 'detect';

/** Who changed a resource outside meshward, from CloudTrail. */
export interface Attribution {
  identityArn: string;
  eventName: string;
  /** ISO time. */
  eventTime: string;
  sourceIp?: string;
}

export interface ReportResource {
  id: string;
  kind: KindName;
  action: ChangeAction;
  cause: ChangeCause;
  /** Pending change on a resource that AWS also changed since the last apply. */
  alsoDrifted?: boolean;
  /** Why a conflict / replace happened. */
  reason?: string;
  /** Field changes; `before` is AWS (actual), `after` the manifests (desired); undefined = absent. */
  changes: FieldChange[];
  /** Fields that differ but another controller moves (an ECS deployment's weights): shown, not applied. */
  held?: HeldChange[];
  /** Another controller at work on the resource while it changes (an ECS deployment in progress). */
  notes?: string[];
  /** Where the manifest declares it. */
  source?: SourcePosition;
  attribution?: Attribution;
  /** What meshward did (apply / enforce); absent when it only looked (plan / drift / detect). */
  outcome?: ApplyOutcome;
  /** Why the plan will not (or did not) make this change: "prune is off", a guard... */
  skippedReason?: string;
  /**
   * The resource not managed by this stack that holds this change back: it would live in or point at it (or, for a
   * delete, it still points at this one). `skippedReason` (plan) or `error` (apply) says through which resource.
   */
  blockedBy?: string;
  error?: { code: string; message: string };
}

export interface ReportSummary {
  /** Resources compared (unchanged included). */
  total: number;
  byAction: Record<ChangeAction, number>;
  byCause: Record<ChangeCause, number>;
  /** Resources AWS changed outside meshward: cause drift, or pending with alsoDrifted. */
  drifted: number;
  /** Resources whose manifests changed since the last apply (new and removed included). */
  pending: number;
  byOutcome: Partial<Record<ApplyOutcome, number>>;
  /**
   * Of `byAction`, the changes the plan will not make (a delete with prune off, a protected delete...), by action;
   * conflicts are not in it (they have their own count). "0 to delete (1 with --prune)" reads from here.
   */
  skipped: Partial<Record<ChangeAction, number>>;
  /** Of `skipped`, the changes a conflict holds back (they would live in or point at a resource not ours), by action. */
  blocked: Partial<Record<ChangeAction, number>>;
  /** Of the skipped deletes, those held only because prune is off: what `--prune` would add. */
  prunable: number;
}

export interface Report {
  stack: string;
  revision?: string;
  mode?: ReportMode;
  /** ISO time, given by the caller (the core reads no clock). */
  generatedAt: string;
  summary: ReportSummary;
  /** Every resource that is not unchanged (all of them with includeUnchanged), in kind order then id. */
  resources: ReportResource[];
  guards: GuardRefusal[];
  /** API calls by operation (`appmesh:DescribeVirtualNode`). */
  apiCalls?: Record<string, number>;
  /** Errors that stopped the run or invalid input (exit 1). */
  errors: { code: string; message: string }[];
  /** What the run could not check and went on without (a preflight read denied); no effect on the exit code. */
  warnings?: { code: string; message: string }[];
  /** See fingerprint.ts; undefined when nothing drifted. */
  driftFingerprint?: string;
  exitCode: ExitCode;
}

/** DESIGN.md "CLI contract". */
export const EXIT_CODES = { inSync: 0, error: 1, pending: 2, drift: 3, refused: 4 } as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export interface BuildReportInput {
  stack: string;
  revision?: string;
  mode?: ReportMode;
  generatedAt: string;
  /** The plan (preferred: it carries skips and guards), or bare changes (drift without planning). */
  plan?: Plan;
  changes?: readonly ResourceChange[];
  results?: readonly ApplyResult[];
  attribution?: Readonly<Record<string, Attribution>>;
  apiCalls?: Record<string, number>;
  errors?: readonly { code: string; message: string }[];
  warnings?: readonly { code: string; message: string }[];
  /** List unchanged resources too (they are always counted). */
  includeUnchanged?: boolean;
}

const ACTIONS: readonly ChangeAction[] = ['create', 'update', 'replace', 'delete', 'unchanged', 'conflict'];
const CAUSES: readonly ChangeCause[] = ['pending', 'drift', 'new', 'removed', 'none'];

export function buildReport(input: BuildReportInput): Report {
  const changes = [...(input.plan?.changes ?? input.changes ?? [])].sort((a, b) => compareIds(a.id, b.id));
  const skipped = new Map((input.plan?.skipped ?? []).map((s) => [s.id, s.reason]));
  const results = new Map((input.results ?? []).map((r) => [r.id, r]));
  const blockedBy = new Map((input.plan?.blocked ?? []).map((b) => [b.id, b.by]));
  const resources: ReportResource[] = [];
  for (const c of changes) {
    const result = results.get(c.id);
    const attribution = input.attribution?.[c.id];
    const skippedReason = skipped.get(c.id);
    const heldBy = blockedBy.get(c.id);
    const source = c.desired?.source;
    // A resource whose only differences another controller holds is listed: the plan says who holds what.
    if (c.action === 'unchanged' && !input.includeUnchanged && !result?.error && !c.held?.length) continue;
    resources.push({
      id: c.id,
      kind: c.kind,
      action: c.action,
      cause: c.cause,
      ...(c.alsoDrifted ? { alsoDrifted: true } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      // Secret-looking environment values and `secrets` never leave the model (redact-spec.ts).
      changes: redactChanges(c.changes, c.actual?.spec, c.desired?.spec),
      ...(c.held?.length ? { held: c.held.map((f) => ({ ...f })) } : {}),
      ...(c.notes?.length ? { notes: [...c.notes] } : {}),
      ...(source ? { source } : {}),
      ...(attribution ? { attribution } : {}),
      ...(result ? { outcome: result.outcome } : {}),
      ...(skippedReason !== undefined ? { skippedReason } : {}),
      ...(heldBy !== undefined ? { blockedBy: heldBy } : {}),
      ...(result?.error ? { error: result.error } : {}),
    });
  }
  const summary = summarize(changes, [...results.values()], input.plan?.skipped ?? [], input.plan?.blocked ?? []);
  const base = {
    stack: input.stack,
    ...(input.revision !== undefined ? { revision: input.revision } : {}),
    ...(input.mode !== undefined ? { mode: input.mode } : {}),
    generatedAt: input.generatedAt,
    summary,
    resources,
    guards: [...(input.plan?.refusals ?? [])],
    ...(input.apiCalls ? { apiCalls: sortedRecord(input.apiCalls) } : {}),
    errors: [...(input.errors ?? [])],
    ...(input.warnings && input.warnings.length > 0 ? { warnings: [...input.warnings] } : {}),
  };
  // Specs and error messages can carry anything (a webhook URL in an ECS environment variable): every string in a
  // report is redacted once here, and renderers redact their output again.
  const safe = redactDeep(base);
  const fingerprint = driftFingerprint(safe.resources);
  const report: Report = {
    ...safe,
    ...(fingerprint !== undefined ? { driftFingerprint: fingerprint } : {}),
    exitCode: EXIT_CODES.inSync,
  };
  report.exitCode = exitCodeFor(report);
  return report;
}

/** The reason buildPlan gives a delete it holds back because prune is off (checked against buildPlan in tests). */
export const PRUNE_OFF_REASON = 'prune is off';

function summarize(
  changes: readonly ResourceChange[],
  results: readonly ApplyResult[],
  skippedChanges: readonly { id: string; action: ChangeAction; reason: string }[],
  blockedChanges: readonly { id: string; action: ChangeAction }[],
): ReportSummary {
  const byAction = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<ChangeAction, number>;
  const byCause = Object.fromEntries(CAUSES.map((c) => [c, 0])) as Record<ChangeCause, number>;
  let drifted = 0;
  let pending = 0;
  for (const c of changes) {
    byAction[c.action] += 1;
    byCause[c.cause] += 1;
    // Conflicts are neither: meshward will not act on them (they count as refusals).
    if (c.action === 'unchanged' || c.action === 'conflict') continue;
    if (c.cause === 'drift' || c.alsoDrifted) drifted += 1;
    if (c.cause === 'pending' || c.cause === 'new' || c.cause === 'removed') pending += 1;
  }
  const byOutcome: Partial<Record<ApplyOutcome, number>> = {};
  for (const r of [...results].sort((a, b) => compareIds(a.id, b.id))) {
    byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
  }
  const skipped: Partial<Record<ChangeAction, number>> = {};
  let prunable = 0;
  for (const s of skippedChanges) {
    if (s.action === 'conflict') continue;
    skipped[s.action] = (skipped[s.action] ?? 0) + 1;
    if (s.action === 'delete' && s.reason === PRUNE_OFF_REASON) prunable += 1;
  }
  const blocked: Partial<Record<ChangeAction, number>> = {};
  for (const b of blockedChanges) blocked[b.action] = (blocked[b.action] ?? 0) + 1;
  return {
    total: changes.length,
    byAction,
    byCause,
    drifted,
    pending,
    byOutcome: sortedRecord(byOutcome),
    skipped: sortedRecord(skipped),
    blocked: sortedRecord(blocked),
    prunable,
  };
}

function sortedRecord<V>(record: Partial<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Outcomes after which the resource matches the manifests: it no longer counts as pending or drift. */
const RESOLVED: ReadonlySet<ApplyOutcome> = new Set(['created', 'configured', 'deleted', 'unchanged']);

/**
 * 0 in sync; 1 error or invalid input (or a failed apply); 2 pending changes only; 3 drift, with or without
 * pending changes; 4 refused by a safety guard (conflicts included). Errors win over refusals, refusals over
 * drift, drift over pending. After an apply, resources meshward created/configured/deleted count as resolved.
 */
export function exitCodeFor(report: Pick<Report, 'errors' | 'guards' | 'resources'>): ExitCode {
  if (report.errors.length > 0) return EXIT_CODES.error;
  // Held back by the ownership guard at apply time (tags read then, or a dependency not ours): a refusal.
  const refusedByOwner = (r: (typeof report.resources)[number]): boolean => r.error?.code === 'CONFLICT';
  if (
    report.resources.some(
      (r) => !refusedByOwner(r) && (r.outcome === 'failed' || r.outcome === 'blocked' || r.error !== undefined),
    )
  )
    return EXIT_CODES.error;
  // A conflict is the ownership guard refusing, even in a report built from bare changes (no plan, no guards).
  if (report.guards.length > 0 || report.resources.some((r) => r.action === 'conflict' || refusedByOwner(r)))
    return EXIT_CODES.refused;
  const open = report.resources.filter(
    (r) => r.action !== 'unchanged' && !(r.outcome !== undefined && RESOLVED.has(r.outcome)),
  );
  if (open.some((r) => r.cause === 'drift' || r.alsoDrifted)) return EXIT_CODES.drift;
  if (open.length > 0) return EXIT_CODES.pending;
  return EXIT_CODES.inSync;
}
