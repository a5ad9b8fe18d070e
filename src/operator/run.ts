/**
 * One Lambda invocation: classify the event -> (skip foreign / duplicate) -> manifests from S3 -> validate ->
 * engine reconcile (enforce: apply; detect: drift only) -> attribution -> state -> Slack -> EventBridge -> metrics.
 * lambda/handler.ts only builds the dependencies from the environment; tests and `meshward reconcile` build them
 * against the local emulator.
 */
import { randomUUID } from 'node:crypto';
import type { AwsClients } from '../aws/clients';
import { MeshwardError } from '../core/errors';
import type { StackState } from '../core/model';
import { acquireStackLock } from '../engine/lock';
import { reconcile, type ReconcileOutcome } from '../engine/reconcile';
import type { Attribution, ReportView } from '../notify/report-view';
import type { SecretRedactor } from '../notify/redact-secrets';
import { renderSlackReport } from '../notify/slack-blocks';
import { REPORTED_KEYS, notifySlack, planNotifications, type NotifyResult } from '../notify/slack-notifier';
import type { SlackTransport } from '../notify/slack-transport';
import { lookupAttribution, triggerHints } from './attribution';
import type { OperatorClients } from './aws';
import type { OperatorConfig } from './config';
import { classifyEvent, describeTrigger, type Trigger } from './events';
import type { Logger } from './log';
import { callsByService, emfDocuments, writeEmf } from './metrics';
import { publishOutcome, type OutcomeDetailType } from './outcome-event';
import { failedView, invalidView, toReportView } from './report-view';
import { type PublishedRevisionCache, loadPublishedRevision } from './manifest-cache';
import { S3ManifestSource } from './s3-source';
import { formatS3Uri } from './s3-uri';
import { REPORT_URL_BASE_ENV, storeFullReport, withAttribution } from './report-store';
import { S3StateStore } from './s3-state-store';
import type { ThrottleCounter } from './throttle-counter';

export interface OperatorDeps {
  config: OperatorConfig;
  clients: OperatorClients;
  aws: AwsClients;
  log: Logger;
  redactor: SecretRedactor;
  /** Resolved lazily (the secret is read only when there is something to post); undefined = no Slack. */
  slack: () => Promise<SlackTransport | undefined>;
  throttles?: ThrottleCounter;
  now?: () => Date;
  /** Where EMF lines go (stdout in Lambda). */
  emf?: (line: string) => void;
  /** Attribution lookups: pacing (tests use 0). */
  lookupIntervalMs?: number;
  schemasDir?: string;
  /** The published revision last read and validated, across warm invocations; undefined = read every run. */
  manifests?: PublishedRevisionCache;
  /** Test hook: runs after the engine returned, before the operator saves state. */
  afterReconcile?: () => Promise<void>;
  /** The last crash posted to Slack, kept across warm invocations (see reportCrash). */
  lastCrashPost?: { fingerprint: string; at: number };
  /** Where full-report links point (report-store.ts); default MESHWARD_REPORT_URL_BASE, else the S3 console. */
  reportUrlBase?: string;
  /** The invocation's time left (Lambda's context.getRemainingTimeInMillis); undefined = no deadline. */
  remainingMs?: () => number;
  /** Below this much time left no new write starts: what is left is saved, reported and applied next run. */
  deadlineReserveMs?: number;
  /** How long to wait for a stack lock held by another run (a CLI apply) before failing (Lambda retries). */
  lockTimeoutMs?: number;
}

/** Saving state, attribution, Slack and the outcome event take seconds; this leaves room for slow ones. */
export const DEFAULT_DEADLINE_RESERVE_MS = 45_000;
export const DEFAULT_LAMBDA_LOCK_WAIT_MS = 60_000;

/** A crash that repeats (every Lambda retry, every schedule) is posted to Slack at most this often. */
export const CRASH_REPOST_MS = 60 * 60 * 1000;

export type RunStatus = 'ignored' | 'duplicate' | 'reconciled' | 'partial' | 'invalid' | 'failed';

export interface RunResult {
  status: RunStatus;
  eventId?: string;
  reason?: string;
  trigger?: string;
  view?: ReportView;
  slack?: NotifyResult;
  published?: OutcomeDetailType;
  exitCode?: number;
  /** Resources whose writes were not started because the invocation ran short of time. */
  deferred?: string[];
}

export async function handleEvent(event: unknown, deps: OperatorDeps): Promise<RunResult> {
  const started = Date.now();
  const now = deps.now ?? (() => new Date());
  const { config, log } = deps;

  const classified = classifyEvent(event, config);
  if (classified.action === 'ignore') {
    log.info('event ignored', { eventId: classified.id, reason: classified.reason, detail: classified.detail });
    return { status: 'ignored', eventId: classified.id, reason: classified.reason };
  }
  const trigger = classified.trigger;
  const triggerText = describeTrigger(trigger);
  const runLog = log.child({ eventId: trigger.id, trigger: triggerText });

  const store = new S3StateStore(deps.clients.s3, config.state);
  // One writer per stack: the same lock as `meshward apply`, held from loading the state to the last save. Its
  // expiry outlives the invocation, so a run killed by the timeout frees the stack by itself.
  const remaining = deps.remainingMs?.();
  const lock = await acquireStackLock(store.locker(), {
    command: `lambda: ${triggerText}`,
    timeoutMs: Math.min(
      deps.lockTimeoutMs ?? DEFAULT_LAMBDA_LOCK_WAIT_MS,
      remaining !== undefined ? Math.max(0, remaining / 4) : Number.POSITIVE_INFINITY,
    ),
    ttlMs: remaining !== undefined ? remaining + 60_000 : 15 * 60_000,
    autoRenew: remaining === undefined,
    owner: {
      who: process.env['AWS_LAMBDA_FUNCTION_NAME'] ?? 'meshward-operator',
      runId: `${trigger.id}/${randomUUID()}`,
    },
  });
  try {
    return await runLocked(deps, store, trigger, triggerText, runLog, started, now);
  } finally {
    await lock.release().catch((err: unknown) => runLog.warn('lock not released', { error: (err as Error).message }));
  }
}

async function runLocked(
  deps: OperatorDeps,
  store: S3StateStore,
  trigger: Trigger,
  triggerText: string,
  runLog: Logger,
  started: number,
  now: () => Date,
): Promise<RunResult> {
  const { config } = deps;
  let state: StackState = await store.load(config.stack);
  if (store.hasSeenEvent(trigger.id)) {
    runLog.info('duplicate delivery skipped');
    return { status: 'duplicate', eventId: trigger.id, trigger: triggerText };
  }
  // Clients live across warm invocations; the metrics are per run.
  deps.aws.calls.reset();
  if (deps.throttles) deps.throttles.count = 0;

  // Load: the published revision, validated exactly as the CLI validates (once per revision in a warm Lambda).
  const source = new S3ManifestSource(formatS3Uri(config.manifests), deps.clients.s3);
  const validation = await loadPublishedRevision(source, deps.manifests, deps.schemasDir);
  const revision = source.pointer?.revision;

  let view: ReportView;
  let status: RunStatus;
  let exitCode: number;
  let deferred: string[] = [];
  if (!validation.valid) {
    view = invalidView({
      stack: config.stack,
      ...(revision ? { revision } : {}),
      mode: config.mode,
      at: now().toISOString(),
      issues: validation.issues,
      trigger: triggerText,
    });
    status = 'invalid';
    exitCode = 1;
    runLog.warn('manifests invalid: nothing applied', { revision, issues: view.issues?.slice(0, 20) });
  } else {
    const only = eventScope(trigger, state);
    const outcome = await reconcile({
      mode: config.mode === 'enforce' ? 'apply' : 'drift',
      reportMode: config.mode,
      stack: config.stack,
      store,
      clients: deps.aws,
      documents: validation.documents,
      prune: config.prune,
      maxDeletes: config.maxDeletes,
      ...(revision ? { revision } : {}),
      ...(only ? { only } : {}),
      now,
      apply: { shouldStop: () => outOfTime(deps) },
    });
    if (only)
      runLog.info(outcome.scoped ? 'event-scoped reconcile' : 'full reconcile (kind reads no single resource)', {
        ids: only,
      });
    // Attribution looks back from meshward's last write before this run: this run's writes move appliedAt.
    const prior = state;
    state = outcome.state;
    deferred = deferredIds(outcome);
    await deps.afterReconcile?.();

    const driftedIds = outcome.report.resources.filter((r) => r.cause === 'drift' || r.alsoDrifted).map((r) => r.id);
    const attribution = await attributeDrift(deps, trigger, outcome, driftedIds, {
      now: now(),
      runLog,
      startedAt: new Date(started),
      prior,
    });
    view = toReportView(outcome.report, {
      mode: config.mode,
      trigger: triggerText,
      attribution,
      redact: (t) => deps.redactor.redact(t),
    });
    if (deferred.length > 0) view = partialView(view, deferred);
    // The full report, stored with the state, for the Slack message to link to: only when something will be posted
    // (a schedule that finds nothing new stores nothing). Best effort: no link is better than no message.
    if (planNotifications(view, state.reportedDrift).posts.length > 0) {
      const urlBase = deps.reportUrlBase ?? process.env[REPORT_URL_BASE_ENV];
      try {
        const stored = await storeFullReport({
          client: deps.clients.s3,
          state: config.state,
          region: deps.aws.region,
          report: withAttribution(outcome.report, attribution),
          desired: outcome.desired,
          runId: trigger.id,
          ...(urlBase ? { urlBase } : {}),
        });
        view = { ...view, fullReport: { htmlUrl: stored.htmlUrl, markdownUrl: stored.markdownUrl } };
        runLog.info('full report stored', { html: stored.htmlKey, markdown: stored.markdownKey });
      } catch (err) {
        runLog.warn('full report not stored', { error: deps.redactor.redact((err as Error).message) });
      }
    }
    status = view.status === 'failed' ? 'failed' : deferred.length > 0 ? 'partial' : 'reconciled';
    exitCode = outcome.report.exitCode;
    if (deferred.length > 0) runLog.warn('out of time: writes deferred to the next run', { deferred });
    runLog.info('reconciled', {
      revision,
      mode: config.mode,
      exitCode,
      summary: outcome.report.summary,
      drifted: driftedIds,
    });
  }

  // Told first, recorded last: a run that dies in between is run again on redelivery (at least once, never lost).
  // The outbox: what is about to be posted is saved first, and its message id after, so a retry of this run (the
  // final save below failed) edits the message instead of posting it twice.
  const recordOutbox = async (reportedDrift: Record<string, string>): Promise<void> => {
    await store.save({ ...state, reportedDrift });
  };
  const slack = await notify(deps, view, state, runLog, recordOutbox);
  if (slack) state = { ...state, reportedDrift: slack.reportedDrift };
  let published: OutcomeDetailType | undefined;
  try {
    published = await publishOutcome(deps.clients.events, config.eventBus, view, trigger.id);
  } catch (err) {
    runLog.warn('outcome event not published', { error: (err as Error).message });
  }
  // Recorded as handled only now, in the run's last save: the engine saves state too (after applying), and a run
  // that dies between that save and this one must not be taken for a duplicate on redelivery.
  store.markEventSeen(trigger.id);
  await store.save(state);

  const counts = view.counts;
  writeEmf(
    emfDocuments(
      config.metricsNamespace,
      config.stack,
      {
        durationMs: Date.now() - started,
        apiCalls: callsByService(deps.aws.calls.snapshot()),
        throttles: deps.throttles?.count ?? 0,
        driftCount: view.resources.filter((r) => r.drifted).length,
        appliedCount: (counts.created ?? 0) + (counts.configured ?? 0) + (counts.deleted ?? 0),
        failedCount: (counts.failed ?? 0) + (counts.blocked ?? 0) + (status === 'invalid' ? 1 : 0),
      },
      now().getTime(),
    ),
    deps.emf,
  );
  return {
    status,
    eventId: trigger.id,
    trigger: triggerText,
    view,
    slack,
    published,
    exitCode,
    ...(deferred.length > 0 ? { deferred } : {}),
  };
}

/**
 * The resources a CloudTrail event names, when a reconcile of just them tells the whole story: the Slack memory is
 * one episode per stack, so a standing drift or pending change on other resources (reported before) needs the full
 * reconcile to be kept or resolved truthfully. Everything else (schedule, publish, deployments) is a full run.
 */
export function eventScope(trigger: Trigger, state: StackState): string[] | undefined {
  if (trigger.kind !== 'api-call' || trigger.resourceIds.length === 0) return undefined;
  const reported = state.reportedDrift;
  if (reported[REPORTED_KEYS.standing] !== undefined) return undefined;
  if (reported[REPORTED_KEYS.episode] !== undefined) {
    let open: unknown;
    try {
      open = JSON.parse(reported[REPORTED_KEYS.episodeIds] ?? '[]');
    } catch {
      return undefined;
    }
    if (!Array.isArray(open) || open.some((id) => !trigger.resourceIds.includes(String(id)))) return undefined;
  }
  return [...trigger.resourceIds];
}

function outOfTime(deps: OperatorDeps): boolean {
  const left = deps.remainingMs?.();
  return left !== undefined && left < (deps.deadlineReserveMs ?? DEFAULT_DEADLINE_RESERVE_MS);
}

/** Writes the apply stage did not start (skipped, yet neither unchanged nor skipped by the plan's guards). */
function deferredIds(outcome: ReconcileOutcome): string[] {
  const planned = new Set((outcome.plan?.skipped ?? []).map((s) => s.id));
  return outcome.results
    .filter((r) => r.outcome === 'skipped' && r.action !== 'unchanged' && !planned.has(r.id))
    .map((r) => r.id);
}

/** "partial" in the one report model: what was done, and what the next run will do. */
function partialView(view: ReportView, deferred: readonly string[]): ReportView {
  const ids = new Set(deferred);
  return {
    ...view,
    status: view.status === 'failed' ? 'failed' : 'partial',
    counts: { ...view.counts, deferred: deferred.length },
    resources: view.resources.map((r) =>
      ids.has(r.id) ? { ...r, reason: 'deferred: the run ran short of time; the next run applies it' } : r,
    ),
  };
}

/**
 * Who changed the drifted resources, as CloudTrail says (attribution.ts): the resources the triggering call names
 * are looked up first, then the rest (bounded and paced; failures are logged, never fatal). The trigger's own
 * identity is never shown unverified.
 */
async function attributeDrift(
  deps: OperatorDeps,
  trigger: Trigger,
  outcome: ReconcileOutcome,
  driftedIds: readonly string[],
  run: { now: Date; runLog: Logger; startedAt: Date; prior: StackState },
): Promise<Map<string, Attribution[]>> {
  const { now, runLog, startedAt, prior } = run;
  if (driftedIds.length === 0) return new Map();
  const wrote = new Set(
    outcome.results.filter((r) => r.outcome === 'created' || r.outcome === 'configured').map((r) => r.id),
  );
  const first = triggerHints(trigger, driftedIds);
  const ordered = [...first, ...driftedIds.filter((id) => !first.includes(id))];
  const arnById = new Map<string, string>();
  for (const c of outcome.changes) if (c.actual?.arn) arnById.set(c.id, c.actual.arn);
  const looked = await lookupAttribution(deps.clients.cloudTrail, arnById, ordered, {
    ownRoleArn: deps.config.ownRoleArn,
    since: oldestAppliedAt(prior, ordered, now),
    sinceById: appliedAtById(prior, ordered, now),
    intervalMs: deps.lookupIntervalMs,
    thisRun: { startedAt, wrote },
  });
  if (looked.errors.length > 0) runLog.warn('attribution lookups failed', { errors: looked.errors });
  return looked.found;
}

/** Per resource: meshward's last apply (a minute early, for clock skew), within CloudTrail's 90 days. */
function appliedAtById(state: StackState, ids: readonly string[], now: Date): Map<string, Date> {
  const floor = now.getTime() - 90 * 24 * 3600 * 1000;
  const out = new Map<string, Date>();
  for (const id of ids) {
    const at = Date.parse(state.applied[id]?.appliedAt ?? '');
    if (!Number.isNaN(at)) out.set(id, new Date(Math.max(floor, at - 60_000)));
  }
  return out;
}

/** Posts what the run has to say (deduplicated against what was posted before); Slack trouble is never fatal. */
async function notify(
  deps: OperatorDeps,
  view: ReportView,
  state: StackState,
  runLog: Logger,
  recordOutbox: (reportedDrift: Record<string, string>) => Promise<void>,
): Promise<NotifyResult | undefined> {
  try {
    const transport = await deps.slack();
    if (!transport) return undefined;
    const slack = await notifySlack(view, transport, state.reportedDrift, recordOutbox);
    if (slack.errors.length > 0) runLog.warn('slack post failed', { errors: slack.errors });
    else runLog.info('slack', { posted: slack.posted, skipped: slack.skipped });
    return slack;
  } catch (err) {
    runLog.warn('slack unavailable', { error: deps.redactor.redact((err as Error).message) });
    return undefined;
  }
}

/** LookupEvents window: since the oldest last-apply of the resources in question, at most 90 days back. */
function oldestAppliedAt(state: StackState, ids: readonly string[], now: Date): Date {
  const floor = now.getTime() - 90 * 24 * 3600 * 1000;
  let oldest = now.getTime() - 24 * 3600 * 1000;
  for (const id of ids) {
    const at = Date.parse(state.applied[id]?.appliedAt ?? '');
    if (!Number.isNaN(at)) oldest = Math.min(oldest, at);
  }
  return new Date(Math.max(floor, oldest - 60_000));
}

/**
 * The last word on a crash: a Slack message and a `Reconcile Failed` event, best effort, then the error goes on
 * to Lambda (its retry, the on-failure destination and the Errors alarm).
 */
export async function reportCrash(err: unknown, deps: OperatorDeps, eventId?: string): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const message = deps.redactor.redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  const code = err instanceof MeshwardError ? err.code : 'INTERNAL';
  deps.log.error('reconcile crashed', { eventId, code, error: message });
  const view = failedView({
    stack: deps.config.stack,
    mode: deps.config.mode,
    at: now().toISOString(),
    error: `${code}: ${message}`,
  });
  await publishOutcome(deps.clients.events, deps.config.eventBus, view, eventId).catch(() => undefined);
  // A crash cannot record what it posted in the state (the state may be what is broken), so the memory is the
  // container's: the same error is posted once an hour, not on every retry and schedule.
  const fingerprint = `${code}: ${message}`;
  const at = now().getTime();
  const last = deps.lastCrashPost;
  if (last && last.fingerprint === fingerprint && at - last.at < CRASH_REPOST_MS) return;
  try {
    const transport = await deps.slack();
    if (!transport) return;
    await transport.post(renderSlackReport(view));
    deps.lastCrashPost = { fingerprint, at };
  } catch {
    // Slack is best effort here; the error itself is what matters.
  }
}
