/**
 * One reconcile, as DESIGN.md draws it: load -> validate -> desired -> observe -> (normalize) -> diff -> plan ->
 * apply -> record -> report. Each arrow is a named function; this file only wires them and keeps the I/O at the
 * edges (observe, apply, the state store).
 */
import type { AwsClients } from '../aws/clients';
import { diffResources, isPlaceholder } from '../core/diff';
import { MeshwardError } from '../core/errors';
import type {
  ActualResource,
  ApplyResult,
  DesiredResource,
  ResourceChange,
  StackState,
  StateStore,
} from '../core/model';
import { type GuardRefusal, type Plan, buildPlan } from '../core/plan';
import { preflight } from './preflight';
import { type Attribution, type Report, type ReportMode, buildReport } from '../core/report';
import { envCandidates, sealEnvironment, unsealEnvironment } from '../core/seal-env';
import type { LoadedDocument, ManifestDocument } from '../core/types';
import { formatIssue } from '../manifest/issues';
import type { ValidationIssue } from '../manifest/issues';
import { type ValidateOptions, validateManifests } from '../manifest/validate';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import { type ApplyOptions, applyPlan } from './apply';
import { createEngineContext } from './context';
import { buildDesired } from './desired';
import { observe, observeIds, scopeFor } from './observe';

export type ReconcileMode = 'plan' | 'apply' | 'drift';

export interface ReconcileOptions {
  mode: ReconcileMode;
  stack: string;
  store: StateStore;
  clients: AwsClients;
  /** Manifest locations (validated here), or documents validated by the caller. */
  paths?: readonly string[];
  documents?: readonly (LoadedDocument | ManifestDocument)[];
  /** Step retries and delays of the apply stage. */
  apply?: Omit<ApplyOptions, 'registry'>;
  validate?: ValidateOptions;
  prune?: boolean;
  maxDeletes?: number;
  force?: boolean;
  wait?: boolean;
  concurrency?: number;
  progress?: (message: string) => void;
  /** Keyed progress (KindContext.progressItem): `--wait` reports each service's deployment as one line. */
  progressItem?: (key: string, line: string, done: boolean) => void;
  registry?: KindRegistry;
  revision?: string;
  /** Report mode override (the Lambda reports as enforce / detect). */
  reportMode?: ReportMode;
  now?: () => Date;
  /**
   * Who changed the drifted resources (CloudTrail). Called with the drifted resources only, after the diff; its
   * failures never fail the reconcile.
   */
  attribute?: (drifted: readonly { id: string; arn: string }[]) => Promise<Record<string, Attribution>>;
  pollMillis?: number;
  /** See KindContext.cacheMaxAgeMillis (0 describes everything: a full refresh). */
  cacheMaxAgeMillis?: number;
  includeUnchanged?: boolean;
  /**
   * Documents that say where to look without being desired (destroy: the manifests name meshes and clusters whose
   * owned resources go, even when the state store was lost).
   */
  scopeDocuments?: readonly ManifestDocument[];
  /**
   * Check the account infrastructure the manifests assume (clusters, namespaces meshward does not manage) after
   * observe and before any write: what is missing is an error and nothing is planned.
   */
  preflight?: boolean;
  /**
   * Called with the plan before it is applied, on the same observation: a refusal returned here refuses the whole
   * plan (apply FILE: what was reviewed must still be what would be done).
   */
  checkPlan?: (input: {
    desired: readonly DesiredResource[];
    actual: readonly ActualResource[];
    plan: Plan;
  }) => GuardRefusal | undefined;
  /** Re-observes a run may make after reads ran out of retries (context.ts DEFAULT_READ_BUDGET), and the pause. */
  readBudget?: number;
  readRetryMillis?: number;
  /**
   * Event-scoped: reconcile just these resource ids (a CloudTrail event names one), each read fresh through its
   * kind's `observeOne`, nothing listed, and never a delete (pruning is the full reconcile's job). Falls back to a
   * full reconcile when a kind cannot read one resource; `ReconcileOutcome.scoped` says which ran.
   */
  only?: readonly string[];
}

export interface ReconcileOutcome {
  report: Report;
  issues: ValidationIssue[];
  desired: DesiredResource[];
  actual: ActualResource[];
  changes: ResourceChange[];
  plan?: Plan;
  results: ApplyResult[];
  state: StackState;
  /** True when the run was event-scoped (options.only honoured). */
  scoped?: boolean;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/** The record stage: what the state store must remember after this run. */
export function recordApplied(
  state: StackState,
  changes: readonly ResourceChange[],
  results: readonly ApplyResult[],
  written: ReadonlyMap<string, { arn: string; version?: number }>,
  deleted: ReadonlySet<string>,
  at: string,
): StackState {
  const applied = { ...state.applied };
  const outcome = new Map(results.map((r) => [r.id, r.outcome]));
  for (const c of changes) {
    const o = outcome.get(c.id);
    if (deleted.has(c.id) && o === 'deleted') {
      delete applied[c.id];
      continue;
    }
    if (!c.desired) continue;
    const w = written.get(c.id);
    if (w && (o === 'created' || o === 'configured')) {
      applied[c.id] = {
        digest: c.desired.digest,
        arn: w.arn,
        ...(w.version !== undefined ? { version: w.version } : {}),
        appliedAt: at,
      };
    } else if (c.action === 'unchanged' && c.actual) {
      // Already as declared: remember the digest so later AWS changes read as drift, not as pending.
      applied[c.id] = {
        digest: c.desired.digest,
        arn: c.actual.arn,
        ...(c.actual.version !== undefined ? { version: c.actual.version } : {}),
        appliedAt: applied[c.id]?.appliedAt ?? at,
      };
    }
  }
  return { ...state, applied };
}

/** Every save of a reconcile goes through here: no environment value reaches a state store (seal-env.ts). */
function sealingStore(store: StateStore): StateStore {
  return {
    load: (stack) => store.load(stack),
    save: (state) => store.save(sealEnvironment(state)),
    describe: () => store.describe(),
  };
}

export async function reconcile(callerOptions: ReconcileOptions): Promise<ReconcileOutcome> {
  const options = { ...callerOptions, store: sealingStore(callerOptions.store) };
  const now = options.now ?? (() => new Date());
  const registry = options.registry ?? defaultRegistry;
  const calls0 = options.clients.calls.snapshot();
  const reportMode: ReportMode = options.reportMode ?? options.mode;
  const emptyOutcome = (
    state: StackState,
    issues: ValidationIssue[],
    errors: { code: string; message: string }[],
    warnings: { code: string; message: string }[] = [],
  ) => ({
    report: buildReport({
      stack: options.stack,
      mode: reportMode,
      generatedAt: now().toISOString(),
      changes: [],
      errors,
      warnings,
    }),
    issues,
    desired: [],
    actual: [],
    changes: [],
    results: [],
    state,
  });

  // load + validate: invalid manifests stop everything before AWS is touched.
  let documents: readonly (LoadedDocument | ManifestDocument)[];
  let issues: ValidationIssue[] = [];
  if (options.documents) documents = options.documents;
  else {
    const validation = await validateManifests(options.paths ?? ['manifests/'], { registry, ...options.validate });
    issues = validation.issues;
    if (!validation.valid) {
      const errors = validation.issues
        .filter((i) => i.severity === 'error')
        .map((i) => ({ code: 'VALIDATION_FAILED', message: formatIssue(i) }));
      return emptyOutcome(await options.store.load(options.stack), issues, errors);
    }
    documents = validation.documents;
  }

  const desired = buildDesired(documents, registry);
  // The describe cache comes back sealed; the values are restored from what the manifests and the state know.
  const loaded = await options.store.load(options.stack);
  let state = unsealEnvironment(
    loaded,
    envCandidates(
      desired.map((d) => d.spec),
      loaded,
    ),
  );
  // An interrupted run may have written tags (which move no version) after the cache it saved: read them again.
  for (const id of Object.keys(state.intents ?? {})) {
    const arn = state.applied[id]?.arn;
    if (arn !== undefined) delete state.versionCache[arn];
  }
  const ctx = createEngineContext({
    clients: options.clients,
    stack: options.stack,
    state,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.progressItem ? { progressItem: options.progressItem } : {}),
    wait: options.wait ?? false,
    ...(options.pollMillis !== undefined ? { pollMillis: options.pollMillis } : {}),
    ...(options.cacheMaxAgeMillis !== undefined ? { cacheMaxAgeMillis: options.cacheMaxAgeMillis } : {}),
    ...(options.readBudget !== undefined ? { readBudget: options.readBudget } : {}),
    ...(options.readRetryMillis !== undefined ? { readRetryMillis: options.readRetryMillis } : {}),
    now,
  });

  let actual: ActualResource[];
  const only = options.only && options.only.length > 0 ? new Set(options.only) : undefined;
  let scoped = false;
  try {
    const one = only ? await observeIds(ctx, [...only], registry) : undefined;
    if (one) {
      actual = one;
      scoped = true;
    } else {
      actual = await observe(
        ctx,
        scopeFor([...desired.map((d) => d.manifest), ...(options.scopeDocuments ?? [])], state, registry),
        registry,
      );
    }
  } catch (err) {
    const e = err instanceof MeshwardError ? err : new MeshwardError('INTERNAL', String(err), { cause: err });
    return emptyOutcome(state, issues, [{ code: e.code, message: e.message }]);
  }

  let warnings: { code: string; message: string }[] = [];
  if (options.preflight) {
    const checked = await preflight(
      options.clients,
      desired.map((d) => d.manifest),
      registry,
    ).catch((err: unknown) => ({
      errors: [`could not check the account infrastructure: ${String(err)}`],
      warnings: [],
    }));
    warnings = checked.warnings.map((message) => ({ code: 'PREFLIGHT_UNCHECKED', message }));
    if (checked.errors.length > 0) {
      const errors = checked.errors.map((message) => ({ code: 'PREFLIGHT_FAILED', message }));
      return { ...emptyOutcome(state, issues, errors, warnings), desired, actual };
    }
  }

  const diffed = diffResources({
    desired: scoped && only ? desired.filter((d) => only.has(d.id)) : desired,
    actual,
    state,
    stack: options.stack,
    immutablePaths: (kind) => registry.get(kind).immutablePaths,
    catalog: registry,
  });
  // An event-scoped run sees one resource, not the set: a resource it finds undeclared is left to the schedule.
  const changes = scoped ? diffed.filter((c) => c.action !== 'delete') : diffed;
  const plan = buildPlan(changes, {
    catalog: registry,
    prune: scoped ? false : (options.prune ?? false),
    ...(options.maxDeletes !== undefined ? { maxDeletes: options.maxDeletes } : {}),
    force: options.force ?? false,
    // Placeholders are not the stack's resources: a set made only of them is an empty set.
    desiredCount: desired.filter((d) => !isPlaceholder(d)).length,
  });

  const moved = options.checkPlan?.({ desired, actual, plan });
  if (moved) {
    const already = new Set(plan.skipped.map((s) => s.id));
    for (const c of plan.changes) {
      if (c.action !== 'unchanged' && !already.has(c.id)) {
        plan.skipped.push({
          id: c.id,
          kind: c.kind,
          action: c.action,
          cause: c.cause,
          reason: 'plan refused (plan-moved)',
        });
      }
    }
    plan.stages = [];
    plan.refusals.push(moved);
    plan.refused = true;
  }

  let results: ApplyResult[] = [];
  const at = now().toISOString();
  if (options.mode === 'apply' && !plan.refused) {
    const out = await applyPlan(ctx, plan, {
      ...options.apply,
      registry,
      // Before each stage writes: a run killed from here on leaves its intent, and the next run reads the
      // differences it left as its own writes, not as drift (diff.ts).
      recordIntents: async (intents) => {
        state = { ...state, intents: { ...(state.intents ?? {}), ...intents } };
        await options.store.save(state);
      },
    });
    results = out.results;
    for (const kind of registry.kinds) {
      await kind.cleanup?.(ctx).catch((err: unknown) => ctx.progress(`cleanup of ${kind.kind}: ${String(err)}`));
    }
    state = recordApplied(state, plan.changes, results, out.written, out.deleted, at);
    // The run got to its record stage: every intent, its own and an interrupted run's, is resolved or re-planned.
    const { intents: _resolved, ...recorded } = state;
    state = recorded;
  }

  let attribution: Record<string, Attribution> | undefined;
  if (options.attribute) {
    const drifted = plan.changes
      .filter((c) => c.action !== 'unchanged' && (c.cause === 'drift' || c.alsoDrifted) && c.actual)
      .map((c) => ({ id: c.id, arn: c.actual?.arn ?? '' }));
    if (drifted.length > 0) attribution = await options.attribute(drifted).catch(() => undefined);
  }
  const apiCalls = delta(options.clients.calls.snapshot(), calls0);
  const report = buildReport({
    stack: options.stack,
    ...(options.revision !== undefined ? { revision: options.revision } : {}),
    mode: reportMode,
    generatedAt: at,
    ...(options.mode === 'drift' ? { changes: plan.changes } : { plan }),
    results,
    apiCalls,
    warnings,
    ...(attribution ? { attribution } : {}),
    ...(options.includeUnchanged ? { includeUnchanged: true } : {}),
  });

  if (options.mode === 'apply') {
    const ok = !results.some((r) => r.outcome === 'failed' || r.outcome === 'blocked') && !plan.refused;
    state = {
      ...state,
      history: [
        ...state.history,
        { at, ...(options.revision ? { revision: options.revision } : {}), summary: countOutcomes(results), ok },
      ],
    };
  }
  // plan and drift never write: they take no lock and must work with read-only credentials (DESIGN.md). Their
  // describe cache is returned in `state` for a caller that holds the lock and saves (the detect-mode Lambda).
  if (options.mode === 'apply') await options.store.save(state);
  // The caller may save it again (the Lambda does): it leaves sealed.
  return {
    report,
    issues,
    desired,
    actual,
    changes: plan.changes,
    plan,
    results,
    state: sealEnvironment(state),
    ...(scoped ? { scoped: true } : {}),
  };
}

function countOutcomes(results: readonly ApplyResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[r.outcome] = (out[r.outcome] ?? 0) + 1;
  return out;
}
