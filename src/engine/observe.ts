/**
 * The observe stage: every kind reads its part of AWS through the uniform interface, in waves so that a kind's
 * parents (routers for routes) are known before it lists under them. Kinds of one wave run in parallel.
 */
import type { ActualResource, StackState } from '../core/model';
import type { ManifestDocument, ResourceRef } from '../core/types';
import { resourceId } from '../core/types';
import { MeshwardError } from '../core/errors';
import type { ControllerSignal, Kind, ObserveScope } from '../kinds/kind';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import { readStackTags, taggingTypesInScope } from './bulk-tags';
import type { EngineContext } from './context';

export interface ScopeInput {
  /** Scope key ('mesh', 'cluster', ... as the kinds define them) -> names. */
  scopes?: Readonly<Record<string, readonly string[]>>;
  ids?: readonly string[];
  all?: boolean;
}

/**
 * The scope is what the manifests name plus what the state store remembers (so removed resources are seen): every
 * id contributes its kind's scope keys. Ids of kinds no longer registered contribute nothing.
 */
export function scopeFor(
  docs: readonly ManifestDocument[],
  state: StackState | undefined,
  registry: KindRegistry = defaultRegistry,
): ScopeInput {
  const scopes = new Map<string, Set<string>>();
  const ids = new Set<string>();
  const add = (ref: ResourceRef | undefined, id: string): void => {
    ids.add(id);
    if (!ref) return;
    for (const [key, value] of registry.get(ref.kind).scopeKeys(ref)) {
      const set = scopes.get(key) ?? new Set<string>();
      set.add(value);
      scopes.set(key, set);
    }
  };
  for (const doc of docs) {
    const ref = registry.refOfDocument(doc);
    add(ref, resourceId(ref));
  }
  for (const id of Object.keys(state?.applied ?? {})) add(registry.refOfId(id), id);
  const out: Record<string, string[]> = {};
  for (const key of [...scopes.keys()].sort()) out[key] = [...(scopes.get(key) ?? [])].sort();
  return { scopes: out, ids: [...ids].sort() };
}

export async function observe(
  ctx: EngineContext,
  input: ScopeInput,
  registry: KindRegistry = defaultRegistry,
): Promise<ActualResource[]> {
  const byKind = new Map<string, ActualResource[]>();
  // Ownership tags in bulk, once per run, before any kind reads (bulk-tags.ts); kinds it covers read no tags.
  const bulk = await readStackTags(ctx, taggingTypesInScope(input, registry));
  if (bulk) ctx.stackTags = bulk;
  else delete ctx.stackTags;
  const signals = collectSignals(ctx);
  const base = {
    scopes: input.scopes ?? {},
    ids: new Set(input.ids ?? []),
    ...(input.all ? { all: true } : {}),
  };
  for (const wave of registry.observeWaves()) {
    const results = await Promise.all(
      wave.map(async (kind) => {
        const scope: ObserveScope = {
          ...base,
          parents: kind.parentKind ? (byKind.get(kind.parentKind) ?? []) : [],
        };
        return [kind.kind, await observeResuming(ctx, kind, scope)] as const;
      }),
    );
    for (const [name, found] of results) byKind.set(name, found);
  }
  const all = [...byKind.values()].flat();
  if (bulk) {
    const uncovered = bulk.settle();
    if (uncovered.length > 0) {
      ctx.progress(`the Tagging API returned no ${uncovered.join(', ')} resources: their tags are read per resource`);
    }
  }
  applyHolds(ctx, all, signals.done(), registry);
  rememberHeld(ctx, all);
  ctx.progress(`observed ${all.length} resource${all.length === 1 ? '' : 's'}`);
  for (const a of all) ctx.rememberArn(a.id, a.arn);
  return all;
}

/** versionCache key: the resource had fields another controller holds at the last full observe. */
export function heldMarker(arn: string): string {
  return `meshward:held:${arn}`;
}

/** Which resources another controller holds fields of, for event-scoped runs (observeIds) to know. */
function rememberHeld(ctx: EngineContext, all: readonly ActualResource[]): void {
  for (const a of all) {
    if (a.heldBy?.some((h) => h.pointers.length > 0)) ctx.cache[heldMarker(a.arn)] = { version: 0, data: a.id };
    else delete ctx.cache[heldMarker(a.arn)];
  }
}

/** Collects the signals kinds send while observing (KindContext.signal), until `done`. */
function collectSignals(ctx: EngineContext): { done(): ControllerSignal[] } {
  const collected: ControllerSignal[] = [];
  const previous = ctx.signal;
  ctx.signal = (s) => {
    collected.push(s);
  };
  return {
    done() {
      ctx.signal = previous;
      return collected;
    },
  };
}

/** Every observed resource whose kind reads the signals gets the fields other controllers hold. */
function applyHolds(
  ctx: EngineContext,
  all: ActualResource[],
  signals: readonly ControllerSignal[],
  registry: KindRegistry,
): void {
  const ids = new Map(all.map((a) => [a.arn, a.id]));
  const idOfArn = (arn: string): string | undefined => ids.get(arn) ?? ctx.idOfArn(arn);
  for (const actual of all) registry.get(actual.ref.kind).resolveArns?.(actual, idOfArn);
  for (const actual of all) {
    const kind = registry.get(actual.ref.kind);
    const holds = kind.heldBy?.(actual, signals) ?? [];
    if (holds.length > 0) actual.heldBy = [...(actual.heldBy ?? []), ...holds];
  }
}

function retryable(kind: Kind, err: unknown): boolean {
  if (err instanceof MeshwardError) return err.code === 'AWS_RETRYABLE';
  return kind.classifyError(err) === 'retry';
}

/**
 * One kind's observe, resumed after a read ran out of the SDK's retries: the describe cache keeps what was read,
 * so the next attempt re-lists and reads only the rest. Draws on the run's read budget; a terminal error, or a
 * spent budget, ends the observe as before.
 */
async function observeResuming(ctx: EngineContext, kind: Kind, scope: ObserveScope): Promise<ActualResource[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await kind.observe(ctx, scope);
    } catch (err) {
      if (!retryable(kind, err) || ctx.readBudget.left <= 0) throw err;
      ctx.readBudget.left -= 1;
      ctx.readBudget.used += 1;
      const pause = Math.min(20_000, ctx.readBudget.retryMillis * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
      ctx.progress(
        `observe ${kind.kind}: ${err instanceof Error ? err.message : String(err)}; resuming in ${Math.round(pause)} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * An event-scoped read: each id through its kind's `observeOne` (fresh, a few calls each), nothing listed.
 * undefined when some id's kind cannot read one resource (or the id is not a registered kind's): the caller falls
 * back to a full observe.
 */
export async function observeIds(
  ctx: EngineContext,
  ids: readonly string[],
  registry: KindRegistry = defaultRegistry,
): Promise<ActualResource[] | undefined> {
  const reads: { ref: ResourceRef; read: NonNullable<ReturnType<KindRegistry['get']>['observeOne']> }[] = [];
  for (const id of ids) {
    const ref = registry.refOfId(id);
    if (!ref) return undefined;
    const kind = registry.get(ref.kind);
    if (!kind.observeOne) return undefined;
    reads.push({ ref, read: kind.observeOne.bind(kind) });
  }
  const signals = collectSignals(ctx);
  const found = await Promise.all(reads.map(({ ref, read }) => read(ctx, ref)));
  const all = found.filter((a): a is ActualResource => a !== undefined);
  applyHolds(ctx, all, signals.done(), registry);
  // A resource read without what holds its fields (a rule without its ECS service: ECS's own UpdateRule is such an
  // event) would be compared in full and its held fields written back: the full observe sees its holder.
  if (all.some((a) => ctx.cache[heldMarker(a.arn)] !== undefined && !a.heldBy?.some((h) => h.pointers.length > 0))) {
    return undefined;
  }
  for (const a of all) ctx.rememberArn(a.id, a.arn);
  return all;
}
