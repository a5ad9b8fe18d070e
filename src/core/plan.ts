/**
 * Changes -> ordered stages, with the safety guards (DESIGN.md "The flow of one reconcile": plan).
 *
 * A plan has three phases, each a run of stages (one stage per dependency level, so everything in a stage is
 * independent of the rest of it and may run in parallel):
 * 1. `clear`: deletes that must happen before anything is written, in reverse dependency order: the old half of
 *    every replace, whatever holds it (references a kind marks `holds`: the routes of a replaced router, the
 *    services a replaced node provides: those are replaced with it), and deletes of children bound to a parent
 *    whose change they cannot survive (a kind's `parentBound`: routes under a router whose listener changes).
 * 2. `apply`: creates, updates and the new half of every replace, in dependency order (a route after its router,
 *    so routes for a new listener come after the router update).
 * 3. `prune`: the remaining deletes, in reverse dependency order, after everything that might still have named
 *    them has been updated to stop doing so.
 * Replacing a resource that another merely names (order, not holds) does not touch the other: AWS refers by name,
 * so it points at the new resource once it exists. Which references hold and which rules bind children are the
 * kinds' (src/kinds), read through the KindCatalog; nothing here names a kind.
 */
import { compareIds } from './kind-order';
import {
  buildDependencyGraph,
  dependencyLevels,
  levelIndex,
  transitiveDependents,
  type DependencyGraph,
} from './graph';
import { DEFAULT_MAX_DELETES, type GuardRefusal } from './guards';
import { type ChangeAction, type ChangeCause, REDEPLOY_PATH, type ResourceChange } from './model';
import { isDeletionProtected, isMeshwardOwned } from './ownership';
import { pointerTouches } from './pointer';
import { type KindCatalog, defaultCatalog, referencesOf } from './kind-catalog';
import type { KindName } from './types';

export type { GuardCode, GuardRefusal } from './guards';

export interface PlanOptions {
  prune: boolean;
  /** Default 5. */
  maxDeletes?: number;
  /** Overrides the empty-set and max-deletes guards (never deletion protection or ownership). */
  force?: boolean;
  /** How many resources the manifests declare. */
  desiredCount: number;
  /** Ordering graph; built from the changes' desired and actual sides when absent. */
  graph?: DependencyGraph;
  /** What the plan knows of kinds (default: the kind registry). */
  catalog?: KindCatalog;
}

export type StepOp = 'create' | 'update' | 'delete';
export type PlanPhase = 'clear' | 'apply' | 'prune';

export interface PlanStep {
  id: string;
  kind: KindName;
  op: StepOp;
  /** The change's action: a replace shows up as a delete step and a later create step. */
  action: ChangeAction;
  cause: ChangeCause;
  change: ResourceChange;
}

export interface PlanStage {
  index: number;
  phase: PlanPhase;
  steps: PlanStep[];
}

export interface SkippedChange {
  id: string;
  kind: KindName;
  action: ChangeAction;
  cause: ChangeCause;
  reason: string;
}

/**
 * A change held back because it would live in or point at a resource this stack does not own (a conflict), or
 * because its delete must wait for something that stays pointing at it. It is also in `skipped`, and in no stage.
 */
export interface BlockedChange {
  id: string;
  kind: KindName;
  action: ChangeAction;
  cause: ChangeCause;
  /** The conflicting (unowned) resource at the root of the chain. */
  by: string;
  /** The resource it lives in or points at that holds it back (`by` itself, or a change blocked by `by`). */
  via: string;
  /** `blocked by <via>: <by> is not managed by this stack`: the line every report shows. */
  reason: string;
}

export interface Plan {
  /** Every change (unchanged included) after the plan's promotions to replace, in kind order then id. */
  changes: ResourceChange[];
  stages: PlanStage[];
  /** Changes the plan will not make, with why (blocked ones included). */
  skipped: SkippedChange[];
  /** Of `skipped`, the changes a conflict holds back, in kind order then id; apply reports them `blocked`. */
  blocked: BlockedChange[];
  refusals: GuardRefusal[];
  /** A plan-wide guard refused: `stages` is empty and every change is in `skipped`. */
  refused: boolean;
}

export function buildPlan(input: readonly ResourceChange[], options: PlanOptions): Plan {
  const maxDeletes = options.maxDeletes ?? DEFAULT_MAX_DELETES;
  const changes = new Map<string, ResourceChange>(
    [...input].sort((a, b) => compareIds(a.id, b.id)).map((c) => [c.id, { ...c }]),
  );
  const refusals: GuardRefusal[] = [];
  const skipped: SkippedChange[] = [];
  const skip = (c: ResourceChange, reason: string): void => {
    skipped.push({ id: c.id, kind: c.kind, action: c.action, cause: c.cause, reason });
  };

  const catalog = options.catalog ?? defaultCatalog();
  const boundDeletes = promoteBoundChildren(changes, catalog);
  promoteRedeploys(changes, catalog);
  const { early, refused: refusedReplaces } = cascadeReplaces(changes, options.prune, refusals, skip, catalog);

  const conflicts = [...changes.values()].filter((c) => c.action === 'conflict');
  for (const c of conflicts) skip(c, c.reason ?? 'not managed by this stack');
  if (conflicts.length > 0) {
    refusals.push({
      code: 'conflict',
      scope: 'resources',
      ids: conflicts.map((c) => c.id),
      message: `${conflicts.length} resource(s) exist but are not managed by this stack; left untouched: ${conflicts.map((c) => c.id).join(', ')}`,
    });
  }

  const deletes: ResourceChange[] = [];
  const protectedIds: string[] = [];
  for (const c of changes.values()) {
    if (c.action !== 'delete') continue;
    if (!options.prune) skip(c, 'prune is off');
    else if (isDeletionProtected(c)) {
      skip(c, 'deletion protection is on');
      protectedIds.push(c.id);
    } else deletes.push(c);
  }
  if (protectedIds.length > 0) {
    refusals.push({
      code: 'deletion-protection',
      scope: 'resources',
      ids: protectedIds,
      message: `not deleting ${protectedIds.join(', ')}: tagged meshward.dev/deletion-protection=true (remove the tag or annotation first)`,
    });
  }
  if (!options.force && deletes.length > 0 && options.desiredCount === 0) {
    refusals.push({
      code: 'empty-desired-set',
      scope: 'plan',
      ids: deletes.map((c) => c.id),
      message: `the manifests declare nothing, so prune would delete all ${deletes.length} managed resource(s); refusing (to delete the stack on purpose, run "meshward destroy")`,
    });
  } else if (!options.force && deletes.length > maxDeletes) {
    refusals.push({
      code: 'max-deletes',
      scope: 'plan',
      ids: deletes.map((c) => c.id),
      message: `prune would delete ${deletes.length} resources, more than --max-deletes ${maxDeletes}; refusing (raise --max-deletes or use --force)`,
    });
  }

  const ordered = [...changes.values()];
  if (refusals.some((r) => r.scope === 'plan')) {
    const codes = refusals.filter((r) => r.scope === 'plan').map((r) => r.code);
    const already = new Set(skipped.map((s) => s.id));
    for (const c of ordered) {
      if (c.action !== 'unchanged' && !already.has(c.id)) skip(c, `plan refused (${codes.join(', ')})`);
    }
    return { changes: ordered, stages: [], skipped: sortSkipped(skipped), blocked: [], refusals, refused: true };
  }

  const graph =
    options.graph ??
    buildDependencyGraph(
      ordered.flatMap((c) => (c.desired ? [c.desired] : [])),
      ordered.flatMap((c) => (c.actual ? [c.actual] : [])),
      catalog,
    );
  const level = levelIndex(dependencyLevels(graph));
  const blocked = blockedByConflicts(changes, graph, new Set(skipped.map((s) => s.id)));
  for (const b of blocked) skip(changes.get(b.id) as ResourceChange, b.reason);
  if (blocked.length > 0) {
    refusals.push({
      code: 'conflict',
      scope: 'resources',
      ids: blocked.map((b) => b.id),
      message: `${blocked.length} change(s) held back: they would live in or point at a resource not managed by this stack (${[...new Set(blocked.map((b) => b.by))].join(', ')})`,
    });
  }
  const held = new Set(blocked.map((b) => b.id));
  const clear = new Set<string>(early);
  for (const c of deletes) if (boundDeletes.has(c.id)) clear.add(c.id);
  // A delete that depends on something deleted early must go before it, so it is early too.
  // Only through other deletes: a pruned resource reached through one that stays must still wait for the updates
  // that stop naming it.
  const deleting = new Set(deletes.map((c) => c.id));
  const within: DependencyGraph = {
    nodes: graph.nodes.filter((id) => deleting.has(id) || clear.has(id)),
    dependsOn: graph.dependsOn,
  };
  for (const id of transitiveDependents(within, clear)) if (deleting.has(id)) clear.add(id);

  const steps: { phase: PlanPhase; step: PlanStep }[] = [];
  const step = (c: ResourceChange, op: StepOp): PlanStep => ({
    id: c.id,
    kind: c.kind,
    op,
    action: c.action,
    cause: c.cause,
    change: c,
  });
  for (const c of ordered) {
    if (held.has(c.id)) continue;
    if (c.action === 'create' || c.action === 'update') steps.push({ phase: 'apply', step: step(c, c.action) });
    if (c.action === 'replace' && !refusedReplaces.has(c.id)) {
      steps.push({ phase: 'clear', step: step(c, 'delete') });
      steps.push({ phase: 'apply', step: step(c, 'create') });
    }
  }
  for (const c of deletes)
    if (!held.has(c.id)) steps.push({ phase: clear.has(c.id) ? 'clear' : 'prune', step: step(c, 'delete') });

  const stages: PlanStage[] = [];
  for (const phase of ['clear', 'apply', 'prune'] as const) {
    const inPhase = steps.filter((s) => s.phase === phase).map((s) => s.step);
    const levels = [...new Set(inPhase.map((s) => level.get(s.id) ?? 0))].sort((a, b) => a - b);
    if (phase !== 'apply') levels.reverse();
    for (const l of levels) {
      const stageSteps = inPhase.filter((s) => (level.get(s.id) ?? 0) === l).sort((a, b) => compareIds(a.id, b.id));
      stages.push({ index: stages.length, phase, steps: stageSteps });
    }
  }
  return { changes: ordered, stages, skipped: sortSkipped(skipped), blocked, refusals, refused: false };
}

/** The line a change held back by a conflict shows: which resource holds it, and which is not ours. */
export function blockedReason(via: string, by: string): string {
  return via === by
    ? `blocked by ${by}: not managed by this stack`
    : `blocked by ${via}: ${by} is not managed by this stack`;
}

/**
 * What the conflicts hold back (DESIGN.md "Ownership and safety": a conflict blocks everything that would live in
 * or point at the unowned resource). From each conflict, through the dependency graph: whatever depends on a
 * resource that is not ours, or on one held back, is held back too (it would be built on it); a delete is held
 * back while something that stays (a conflict, or a change held back) still depends on it (it would be torn from
 * under it). Unchanged resources pass the block on but are not listed: nothing is written to them. Changes already
 * skipped (prune off, a refused replace) are not listed either. Breadth-first from the conflicts in id order, so
 * the resource named as the cause is the nearest one, the same on every run.
 */
function blockedByConflicts(
  changes: ReadonlyMap<string, ResourceChange>,
  graph: DependencyGraph,
  alreadySkipped: ReadonlySet<string>,
): BlockedChange[] {
  const dependents = new Map<string, string[]>();
  for (const id of graph.nodes) {
    for (const dep of graph.dependsOn[id] ?? []) dependents.set(dep, [...(dependents.get(dep) ?? []), id]);
  }
  const root = new Map<string, { by: string; via: string }>();
  const queue: string[] = [];
  for (const c of changes.values()) {
    if (c.action !== 'conflict') continue;
    root.set(c.id, { by: c.id, via: c.id });
    queue.push(c.id);
  }
  const isDelete = (id: string): boolean => {
    const action = changes.get(id)?.action;
    return action === 'delete' || action === 'replace';
  };
  while (queue.length > 0) {
    const id = queue.shift() as string;
    const { by } = root.get(id) as { by: string; via: string };
    const reach = (next: string): void => {
      const c = changes.get(next);
      if (root.has(next) || c === undefined || c.action === 'conflict') return;
      root.set(next, { by, via: id });
      queue.push(next);
    };
    // Built on it: what depends on a resource that stays unowned (or held back) would live in or point at it. A
    // resource held back from its delete stays too, but what depends on it may still move away from it.
    if (changes.get(id)?.action !== 'delete') {
      for (const dependent of [...(dependents.get(id) ?? [])].sort(compareIds)) {
        if (changes.get(dependent)?.action !== 'delete') reach(dependent);
      }
    }
    // Torn from under it: what it still points at must not be deleted (or replaced) while it stays.
    for (const dep of graph.dependsOn[id] ?? []) if (isDelete(dep)) reach(dep);
  }
  const out: BlockedChange[] = [];
  for (const [id, { by, via }] of root) {
    const c = changes.get(id);
    if (!c || c.action === 'conflict' || c.action === 'unchanged' || alreadySkipped.has(id)) continue;
    out.push({ id, kind: c.kind, action: c.action, cause: c.cause, by, via, reason: blockedReason(via, by) });
  }
  return out.sort((a, b) => compareIds(a.id, b.id));
}

function sortSkipped(skipped: SkippedChange[]): SkippedChange[] {
  return skipped.sort((a, b) => compareIds(a.id, b.id));
}

/** The id of the structural parent a bound child names (its reference of the parent's kind that holds it). */
function boundParentOf(c: ResourceChange, catalog: KindCatalog): string | undefined {
  const bound = catalog.find(c.kind)?.parentBound;
  const side = c.desired ?? c.actual;
  if (!bound || !side) return undefined;
  return referencesOf(catalog, c.ref, side.spec).find(
    ({ reference }) => reference.holds && reference.target.kind === bound.parentKind,
  )?.id;
}

/**
 * Parents whose change a bound child cannot survive (a router whose listeners change): under them, a child whose
 * key changes (httpRoute -> tcpRoute) cannot be updated in place across the parent change, so it becomes a
 * replace: old child out before the parent update, new child in after it. Returns the ids of the bound children's
 * deletes, which must run in the clear phase for the same reason.
 */
function promoteBoundChildren(changes: Map<string, ResourceChange>, catalog: KindCatalog): Set<string> {
  const boundDeletes = new Set<string>();
  for (const c of changes.values()) {
    const bound = catalog.find(c.kind)?.parentBound;
    const parentId = bound ? boundParentOf(c, catalog) : undefined;
    const parent = parentId === undefined ? undefined : changes.get(parentId);
    if (!bound || !parent || (parent.action !== 'update' && parent.action !== 'replace')) continue;
    if (!parent.changes.some((f) => bound.parentPaths.some((p) => pointerTouches(p, f.path)))) continue;
    if (c.action === 'delete') boundDeletes.add(c.id);
    if (c.action !== 'update') continue;
    const before = bound.key(c.actual?.spec);
    const after = bound.key(c.desired?.spec);
    if (before !== after) {
      c.action = 'replace';
      c.reason = bound.reason(before, after);
    }
  }
  return boundDeletes;
}

/**
 * A change after which the users of what the resource offers need a new deployment (a new Service Connect server:
 * only tasks started after its endpoint exists resolve it). Users that would otherwise stay unchanged become an
 * update whose one change is REDEPLOY_PATH, with the reason, so the plan says why.
 */
function promoteRedeploys(changes: Map<string, ResourceChange>, catalog: KindCatalog): void {
  for (const c of changes.values()) {
    const kind = catalog.find(c.kind);
    const reason = kind?.redeploysUsers?.(c);
    if (reason === undefined || !c.desired) continue;
    const offered = new Set(kind?.channels?.(c.ref, c.desired.spec).offers ?? []);
    for (const u of changes.values()) {
      if (u === c || !u.desired || (u.action !== 'unchanged' && u.action !== 'update')) continue;
      const uses = catalog.find(u.kind)?.channels?.(u.ref, u.desired.spec).uses ?? [];
      if (!uses.some((channel) => offered.has(channel))) continue;
      if (u.changes.some((f) => f.path === REDEPLOY_PATH)) continue;
      if (u.action === 'unchanged') {
        u.action = 'update';
        u.cause = c.cause === 'drift' ? 'drift' : 'pending';
      }
      u.changes = [...u.changes, { path: REDEPLOY_PATH, before: undefined, after: reason }];
      u.reason = u.reason === undefined ? reason : `${u.reason}; ${reason}`;
    }
  }
}

/**
 * What AWS will not delete while it exists: held id -> ids of the resources that hold it (the kinds' `holds`
 * references of the actual side), built once per plan.
 */
function holdersIndex(changes: Map<string, ResourceChange>, catalog: KindCatalog): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const c of changes.values()) {
    const actual = c.actual;
    if (!actual) continue;
    for (const r of referencesOf(catalog, actual.ref, actual.spec)) {
      if (!r.reference.holds || r.id === c.id || !changes.has(r.id)) continue;
      const holders = index.get(r.id) ?? [];
      if (!holders.includes(c.id)) holders.push(c.id);
      index.set(r.id, holders);
    }
  }
  for (const holders of index.values()) holders.sort(compareIds);
  return index;
}

/**
 * Replaces cascade to what holds the replaced resource: held deletes move to the clear phase, held resources
 * that stay are replaced too. A replace that would have to touch a conflict or a protected resource is refused
 * whole (nothing in its cascade changes). Returns the ids of deletes that must run in the clear phase.
 */
function cascadeReplaces(
  changes: Map<string, ResourceChange>,
  prune: boolean,
  refusals: GuardRefusal[],
  skip: (c: ResourceChange, reason: string) => void,
  catalog: KindCatalog,
): { early: Set<string>; refused: Set<string> } {
  const early = new Set<string>();
  const refused = new Set<string>();
  const roots = [...changes.values()].filter((c) => c.action === 'replace').map((c) => c.id);
  const holders = roots.length > 0 ? holdersIndex(changes, catalog) : new Map<string, string[]>();
  const done = new Set<string>();
  for (const root of roots) {
    if (done.has(root)) continue;
    const rootChange = changes.get(root) as ResourceChange;
    const members: string[] = [];
    const queue = [root];
    const seen = new Set<string>([root]);
    while (queue.length > 0) {
      const id = queue.shift() as string;
      for (const holder of holders.get(id) ?? []) {
        if (seen.has(holder)) continue;
        seen.add(holder);
        members.push(holder);
        const c = changes.get(holder);
        if (c && c.action !== 'delete' && c.action !== 'conflict') queue.push(holder);
      }
    }
    const blocked = [root, ...members].filter((id) => {
      const c = changes.get(id);
      if (c === undefined) return false;
      // A held resource that will not be deleted (prune off) keeps App Mesh from deleting the root. One being
      // adopted (diff lets only unowned-but-adoptable resources through without the tags) is not ours to delete.
      return (
        c.action === 'conflict' ||
        isDeletionProtected(c) ||
        (c.action === 'delete' && !prune) ||
        (c.actual !== undefined && !isMeshwardOwned(c.actual))
      );
    });
    if (blocked.length > 0) {
      const isProtected = blocked.some((id) => {
        const c = changes.get(id);
        return c !== undefined && c.action !== 'conflict' && isDeletionProtected(c);
      });
      const why = `it would delete ${blocked.join(', ')}, which ${blocked.length === 1 ? 'is' : 'are'} protected, not ours, or not pruned`;
      refusals.push({
        code: isProtected ? 'deletion-protection' : 'conflict',
        scope: 'resources',
        ids: [root],
        message: `not replacing ${root} (${rootChange.reason ?? 'immutable field changed'}): ${why}`,
      });
      skip(rootChange, `replace refused: ${why}`);
      refused.add(root);
      continue;
    }
    for (const id of members) {
      const c = changes.get(id);
      if (!c) continue;
      done.add(id);
      if (c.action === 'delete') early.add(id);
      else if (c.action === 'update' || c.action === 'unchanged' || c.action === 'replace') {
        c.action = 'replace';
        c.cause = c.cause === 'none' ? rootChange.cause : c.cause;
        c.reason = `replaced with ${root}: AWS does not delete ${root} while it is in use`;
      }
    }
  }
  return { early, refused };
}
