/**
 * The apply stage: the plan's phases in order; within a phase each step starts once the steps it depends on are
 * done, in the lane of its API family (each lane bounded on its own, schedule.ts). A failed step blocks
 * what depends on it (its dependents for creates/updates, its dependencies for deletes), never independent work;
 * every resource ends with one outcome.
 */
import { errorMessage, toMeshwardError } from '../aws/errors';
import { withHeldValues } from '../core/diff';
import { buildDependencyGraph } from '../core/graph';
import type { ApplyOutcome, ApplyResult } from '../core/model';
import type { Plan, PlanStage, PlanStep } from '../core/plan';
import { MeshwardError } from '../core/errors';
import type { ActualResource, WriteIntent } from '../core/model';
import { isMeshwardOwned } from '../core/ownership';
import { isOwnedBy, ownershipOf } from '../aws/ownership';
import { OWNERSHIP_TAGS } from '../core/types';
import type { Kind } from '../kinds/kind';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import { slowestWriteRate } from '../aws/rate-limiter';
import { type EngineContext, deletedMarker } from './context';
import { type ScheduledTask, nearestPrerequisites, runScheduled, upwardRanks } from './schedule';

export interface WriteRecord {
  arn: string;
  version?: number;
}

export interface ApplyOutput {
  results: ApplyResult[];
  /** Resources created or updated, with what AWS answered. */
  written: Map<string, WriteRecord>;
  deleted: Set<string>;
}

export interface ApplyOptions {
  registry?: KindRegistry;
  /** Attempts per step for errors the SDK's own retries did not absorb (throttling storms, lagging reads). */
  stepAttempts?: number;
  retryDelayMillis?: number;
  /**
   * Asked before each write starts: true stops starting writes (the Lambda's time is running out). Steps not
   * started end `skipped` and stay pending, so the next run applies them; writes in flight finish.
   */
  shouldStop?: () => boolean;
  /**
   * Called before each stage starts writing, with the writes it may make: the caller records them (the state
   * store) so that a run killed mid-stage leaves its intent behind. A failure here stops the apply before the
   * stage writes anything.
   */
  recordIntents?: (intents: Record<string, WriteIntent>) => Promise<void>;
}

/**
 * The resource's tags now (DESIGN.md: ownership from AWS as it is, a fresh read before every update or delete).
 * Kinds without `readTags` are observed again with the describe cache off.
 */
async function freshTags(
  ctx: EngineContext,
  kind: Kind,
  actual: ActualResource,
  observed: readonly ActualResource[],
): Promise<Record<string, string> | undefined> {
  if (kind.readTags) return kind.readTags(ctx, actual);
  const scopes: Record<string, string[]> = {};
  for (const [key, value] of kind.scopeKeys(actual.ref)) scopes[key] = [...(scopes[key] ?? []), value];
  // Without this run's bulk tag read: it may lag a person's change (engine/bulk-tags.ts), and this read decides.
  const { stackTags: _bulk, ...unbulked } = ctx;
  const found = await kind.observe(
    { ...unbulked, cacheMaxAgeMillis: 0 },
    {
      scopes,
      ids: new Set([actual.id]),
      parents: kind.parentKind ? observed.filter((a) => a.ref.kind === kind.parentKind) : [],
    },
  );
  const fresh = found.find((a) => a.id === actual.id);
  if (!fresh) return undefined;
  // A resource AWS cannot tag (a Lattice auth policy) is owned with what it belongs to: its observe derives the
  // ownership from there, so that is what decides, in the tags' form.
  const owner: Record<string, string> = {};
  if (fresh.ownership.managedBy !== undefined) owner[OWNERSHIP_TAGS.managedBy] = fresh.ownership.managedBy;
  if (fresh.ownership.stack !== undefined) owner[OWNERSHIP_TAGS.stack] = fresh.ownership.stack;
  return { ...fresh.tags, ...owner };
}

/**
 * Why the write must not happen, or undefined: a resource planned as this stack's must still be this stack's; a
 * resource being adopted must still carry no other stack's tags.
 */
function ownershipChange(actual: ActualResource, tags: Record<string, string>, stack: string): string | undefined {
  const now = ownershipOf(tags);
  if (isOwnedBy(now, stack)) return undefined;
  const seen = `managed-by=${now.managedBy ?? '(none)'}, stack=${now.stack ?? '(none)'}`;
  if (isOwnedBy(actual.ownership, stack))
    return `its ownership tags changed since it was observed (${seen}); not touched`;
  if (isMeshwardOwned({ ...actual, tags, ownership: now }))
    return `another stack took it over while it was being adopted (${seen}); not touched`;
  return undefined;
}

function outcomeOf(step: PlanStep): ApplyOutcome {
  if (step.op === 'delete') return 'deleted';
  return step.op === 'create' ? 'created' : 'configured';
}

export async function applyPlan(ctx: EngineContext, plan: Plan, options: ApplyOptions = {}): Promise<ApplyOutput> {
  const registry = options.registry ?? defaultRegistry;
  const attempts = options.stepAttempts ?? 3;
  const retryDelay = options.retryDelayMillis ?? 500;
  const graph = buildDependencyGraph(
    plan.changes.flatMap((c) => (c.desired ? [c.desired] : [])),
    plan.changes.flatMap((c) => (c.actual ? [c.actual] : [])),
    registry,
  );
  const dependents = new Map<string, string[]>();
  for (const [id, deps] of Object.entries(graph.dependsOn)) {
    for (const dep of deps) dependents.set(dep, [...(dependents.get(dep) ?? []), id]);
  }

  const results = new Map<string, ApplyResult>();
  const written = new Map<string, WriteRecord>();
  const deleted = new Set<string>();
  const broken = new Set<string>(); // failed or blocked
  // A conflict blocks everything that would live in or point at the unowned resource (DESIGN.md), and a delete
  // that must come before it: the plan worked out which (buildPlan's `blocked`, not in any stage), so plan and
  // apply report the same. What fails or turns out not ours during the run blocks its dependents the same way.
  // id -> the unowned resource that holds it back (itself for a conflict), so the report names the cause.
  const notOurs = new Map<string, string>();
  for (const c of plan.changes) if (c.action === 'conflict') notOurs.set(c.id, c.id);
  for (const b of plan.blocked) {
    notOurs.set(b.id, b.by);
    results.set(b.id, {
      id: b.id,
      action: b.action,
      outcome: 'blocked',
      error: { code: 'CONFLICT', message: b.reason },
    });
    ctx.progress(`${b.action} ${b.id}: ${b.reason}`);
  }
  for (const id of notOurs.keys()) broken.add(id);
  const observed = plan.changes.flatMap((c) => (c.actual ? [c.actual] : []));
  const total = plan.stages.reduce((n, s) => n + s.steps.length, 0);
  let done = 0;

  const blockedMessage = (blocker: string): string => {
    const root = notOurs.get(blocker);
    if (root === undefined) return `blocked by ${blocker}`;
    return root === blocker
      ? `blocked by ${blocker}: not managed by this stack`
      : `blocked by ${blocker}: ${root} is not managed by this stack`;
  };

  const runStep = async (step: PlanStep): Promise<void> => {
    const kind = registry.get(step.kind);
    const change = step.change;
    // A create waits for what it needs; a delete waits for what needs it to be gone first.
    const prerequisites = step.op === 'delete' ? (dependents.get(step.id) ?? []) : (graph.dependsOn[step.id] ?? []);
    const blocker = prerequisites.find((id) => broken.has(id)) ?? (broken.has(step.id) ? step.id : undefined);
    // Numbered as they finish, so the count reads 1..m even though steps of a stage overlap.
    const n = (): string => `[${++done}/${total}]`;
    if (blocker !== undefined) {
      broken.add(step.id);
      const root = notOurs.get(blocker);
      if (root !== undefined && !notOurs.has(step.id)) notOurs.set(step.id, root);
      results.set(step.id, {
        id: step.id,
        action: change.action,
        outcome: 'blocked',
        error: { code: notOurs.has(blocker) ? 'CONFLICT' : 'BLOCKED', message: blockedMessage(blocker) },
      });
      ctx.progress(`${n()} ${step.op} ${step.id}: ${blockedMessage(blocker)}`);
      return;
    }
    if (options.shouldStop?.()) {
      results.set(step.id, { id: step.id, action: change.action, outcome: 'skipped' });
      ctx.progress(`${n()} ${step.op} ${step.id}: deferred to the next run (out of time)`);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        let actual = change.actual;
        if (actual && (step.op === 'delete' || step.op === 'update')) {
          const tags = await freshTags(ctx, kind, actual, observed);
          const why = tags === undefined ? undefined : ownershipChange(actual, tags, ctx.stack);
          if (why !== undefined) {
            // The describe cache must not hide the change from the next plan either.
            delete ctx.cache[actual.arn];
            throw new MeshwardError('CONFLICT', `${step.id}: ${why}`);
          }
          // In place: kinds keep per-object facts of what they observed (WeakMaps keyed by the actual).
          if (tags !== undefined) actual = Object.assign(actual, { tags, ownership: ownershipOf(tags) });
        }
        if (step.op === 'delete') {
          if (!actual) throw new MeshwardError('INTERNAL', `delete of ${step.id} without an actual resource`);
          await kind.delete(ctx, actual);
          deleted.add(step.id);
          ctx.cache[deletedMarker(step.id)] = { version: 0, data: new Date().toISOString() };
        } else {
          if (!change.desired)
            throw new MeshwardError('INTERNAL', `${step.op} of ${step.id} without a desired resource`);
          const out =
            step.op === 'create' || !actual
              ? await kind.create(ctx, change.desired)
              : // What another controller holds (an ECS deployment's weights) is sent as AWS has it: never moved back.
                await kind.update(ctx, withHeldValues(change.desired, actual), actual, change.changes);
          ctx.rememberArn(step.id, out.arn);
          written.set(step.id, out.version === undefined ? { arn: out.arn } : { arn: out.arn, version: out.version });
          deleted.delete(step.id);
        }
        results.set(step.id, { id: step.id, action: change.action, outcome: outcomeOf(step) });
        ctx.progress(`${n()} ${step.op} ${step.id}: ${outcomeOf(step)}`);
        return;
      } catch (err) {
        const cls = err instanceof MeshwardError && err.code === 'CONFLICT' ? 'terminal' : kind.classifyError(err);
        // ResourceInUse right after deleting a child, or NotFound right after creating a parent: reads lag writes.
        const transient = cls === 'retry' || cls === 'in-use' || (cls === 'not-found' && step.op !== 'delete');
        if (transient && attempt < attempts) {
          await new Promise((resolve) => setTimeout(resolve, retryDelay * attempt));
          continue;
        }
        // A create refused because the name is taken: someone (another stack racing this one) made it since the
        // observe. Not ours, so what would live in it or point at it waits, and the next plan reports the owner.
        const wrapped =
          cls === 'conflict' && step.op === 'create'
            ? new MeshwardError(
                'CONFLICT',
                `create ${step.id}: it was created by someone else since it was observed (${errorMessage(err)}); not touched`,
                { cause: err },
              )
            : toMeshwardError(err, `${step.op} ${step.id}`);
        broken.add(step.id);
        if (wrapped.code === 'CONFLICT') notOurs.set(step.id, step.id);
        results.set(step.id, {
          id: step.id,
          action: change.action,
          outcome: 'failed',
          error: { code: wrapped.code, message: wrapped.message },
        });
        ctx.progress(`${n()} ${step.op} ${step.id}: failed: ${wrapped.message}`);
        return;
      }
    }
  };

  // Intents are recorded per stage, before the first step of the stage starts (saves one at a time, in order).
  let saving: Promise<void> = Promise.resolve();
  const recorded = new Map<number, Promise<void>>();
  const recordStage = (stage: PlanStage): Promise<void> => {
    const record = options.recordIntents;
    if (!record) return Promise.resolve();
    let p = recorded.get(stage.index);
    if (!p) {
      p = saving.then(() => {
        const at = new Date().toISOString();
        const intents: Record<string, WriteIntent> = {};
        for (const step of stage.steps) {
          const digest = step.op === 'delete' ? undefined : step.change.desired?.digest;
          intents[step.id] = { op: step.op, ...(digest !== undefined ? { digest } : {}), at };
        }
        return record(intents);
      });
      saving = p.catch(() => undefined);
      recorded.set(stage.index, p);
    }
    return p;
  };

  // Phases (clear, apply, prune) run one after the other, as planned. Within a phase a step starts once the steps
  // it waits for are done (the plan's dependency order: what it needs, or for a delete what needs it gone),
  // without waiting for the rest of its stage, in the lane of its API family.
  const phases: PlanStage[][] = [];
  for (const stage of plan.stages) {
    const last = phases[phases.length - 1];
    if (last && last[0]?.phase === stage.phase) last.push(stage);
    else phases.push([stage]);
  }
  for (const stages of phases) {
    const steps = new Map<string, { step: PlanStep; stage: PlanStage; order: number }>();
    let order = 0;
    for (const stage of stages) for (const step of stage.steps) steps.set(step.id, { step, stage, order: order++ });
    const deleting = stages[0]?.phase !== 'apply';
    const prerequisites = nearestPrerequisites(new Set(steps.keys()), (id) =>
      deleting ? (dependents.get(id) ?? []) : (graph.dependsOn[id] ?? []),
    );
    const laneOf = (id: string): string => {
      const entry = steps.get(id);
      return entry ? registry.get(entry.step.kind).apiFamily : 'other';
    };
    const ranks = upwardRanks([...steps.keys()], prerequisites, (id) => 1 / slowestWriteRate(laneOf(id)));
    const tasks: ScheduledTask[] = [...steps.values()].map(({ step, order: o }) => ({
      key: step.id,
      lane: laneOf(step.id),
      after: prerequisites.get(step.id) ?? [],
      priority: ranks.get(step.id) ?? 0,
      order: o,
    }));
    await runScheduled(
      tasks,
      () => ctx.concurrency,
      async (task) => {
        const entry = steps.get(task.key);
        if (!entry) return;
        await recordStage(entry.stage);
        await runStep(entry.step);
      },
    );
  }
  for (const s of plan.skipped) {
    if (!results.has(s.id)) results.set(s.id, { id: s.id, action: s.action, outcome: 'skipped' });
  }
  return { results: [...results.values()].sort((a, b) => a.id.localeCompare(b.id)), written, deleted };
}
