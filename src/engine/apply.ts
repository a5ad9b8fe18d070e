/**
 * The apply stage: the plan's stages in order, the steps of one stage in parallel (bounded). A failed step blocks
 * what depends on it (its dependents for creates/updates, its dependencies for deletes), never independent work;
 * every resource ends with one outcome.
 */
import { mapLimit } from '../aws/concurrency';
import { toMeshwardError } from '../aws/errors';
import { buildDependencyGraph } from '../core/graph';
import type { ApplyOutcome, ApplyResult } from '../core/model';
import type { Plan, PlanStep } from '../core/plan';
import { MeshwardError } from '../core/errors';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import { type EngineContext, deletedMarker } from './context';

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
  );
  const dependents = new Map<string, string[]>();
  for (const [id, deps] of Object.entries(graph.dependsOn)) {
    for (const dep of deps) dependents.set(dep, [...(dependents.get(dep) ?? []), id]);
  }

  const results = new Map<string, ApplyResult>();
  const written = new Map<string, WriteRecord>();
  const deleted = new Set<string>();
  const broken = new Set<string>(); // failed or blocked
  const total = plan.stages.reduce((n, s) => n + s.steps.length, 0);
  let done = 0;

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
      results.set(step.id, {
        id: step.id,
        action: change.action,
        outcome: 'blocked',
        error: { code: 'BLOCKED', message: `blocked by ${blocker}` },
      });
      ctx.progress(`${n()} ${step.op} ${step.id}: blocked by ${blocker}`);
      return;
    }
    if (options.shouldStop?.()) {
      results.set(step.id, { id: step.id, action: change.action, outcome: 'skipped' });
      ctx.progress(`${n()} ${step.op} ${step.id}: deferred to the next run (out of time)`);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        if (step.op === 'delete') {
          if (!change.actual) throw new MeshwardError('INTERNAL', `delete of ${step.id} without an actual resource`);
          await kind.delete(ctx, change.actual);
          deleted.add(step.id);
          ctx.cache[deletedMarker(step.id)] = { version: 0, data: new Date().toISOString() };
        } else {
          if (!change.desired)
            throw new MeshwardError('INTERNAL', `${step.op} of ${step.id} without a desired resource`);
          const out =
            step.op === 'create' || !change.actual
              ? await kind.create(ctx, change.desired)
              : await kind.update(ctx, change.desired, change.actual, change.changes);
          ctx.rememberArn(step.id, out.arn);
          written.set(step.id, out.version === undefined ? { arn: out.arn } : { arn: out.arn, version: out.version });
          deleted.delete(step.id);
        }
        results.set(step.id, { id: step.id, action: change.action, outcome: outcomeOf(step) });
        ctx.progress(`${n()} ${step.op} ${step.id}: ${outcomeOf(step)}`);
        return;
      } catch (err) {
        const cls = kind.classifyError(err);
        // ResourceInUse right after deleting a child, or NotFound right after creating a parent: reads lag writes.
        const transient = cls === 'retry' || cls === 'in-use' || (cls === 'not-found' && step.op !== 'delete');
        if (transient && attempt < attempts) {
          await new Promise((resolve) => setTimeout(resolve, retryDelay * attempt));
          continue;
        }
        const wrapped = toMeshwardError(err, `${step.op} ${step.id}`);
        broken.add(step.id);
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

  for (const stage of plan.stages) {
    await mapLimit(stage.steps, ctx.concurrency, runStep);
  }
  for (const s of plan.skipped) {
    if (!results.has(s.id)) results.set(s.id, { id: s.id, action: s.action, outcome: 'skipped' });
  }
  return { results: [...results.values()].sort((a, b) => a.id.localeCompare(b.id)), written, deleted };
}
