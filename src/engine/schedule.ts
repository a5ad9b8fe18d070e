/**
 * The apply stage's scheduler: tasks start as soon as what they wait for is done (not when a whole dependency
 * level is), each in the lane of the API it writes to, every lane with its own concurrency. A lane whose writes
 * AWS paces slowly (ECS task definition registrations, 1/s) then runs beside the others instead of after them,
 * and the client-side token buckets (src/aws/rate-limiter.ts) pace each lane on its own.
 */
import { MeshwardError } from '../core/errors';

export interface ScheduledTask {
  /** Unique among the tasks of one run. */
  key: string;
  /** Tasks of one lane share its concurrency (an API family's write buckets). */
  lane: string;
  /** Keys of the tasks that must have finished before this one starts (others are ignored). */
  after: readonly string[];
  /** Among the ready tasks of a lane, the highest goes first. */
  priority: number;
  /** Tie-break among equal priorities, lowest first (the plan's order), so that runs are reproducible. */
  order: number;
}

/** A binary heap of ready tasks: highest priority, then lowest order, on top. */
class ReadyQueue {
  private readonly items: ScheduledTask[] = [];

  get size(): number {
    return this.items.length;
  }

  private before(a: ScheduledTask, b: ScheduledTask): boolean {
    return a.priority !== b.priority ? a.priority > b.priority : a.order < b.order;
  }

  push(task: ScheduledTask): void {
    const items = this.items;
    items.push(task);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as ScheduledTask, items[parent] as ScheduledTask)) break;
      [items[i], items[parent]] = [items[parent] as ScheduledTask, items[i] as ScheduledTask];
      i = parent;
    }
  }

  pop(): ScheduledTask | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l] as ScheduledTask, items[best] as ScheduledTask)) best = l;
        if (r < items.length && this.before(items[r] as ScheduledTask, items[best] as ScheduledTask)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best] as ScheduledTask, items[i] as ScheduledTask];
        i = best;
      }
    }
    return top;
  }
}

/**
 * Runs every task once, each after the tasks it waits for, at most `laneLimit(lane)` at a time per lane. `run` is
 * expected to record its own failures (a failed task still releases what waits for it: the caller decides
 * whether those are blocked). When `run` throws, nothing new starts, the tasks in flight finish, and the first
 * error is thrown.
 */
export async function runScheduled(
  tasks: readonly ScheduledTask[],
  laneLimit: (lane: string) => number,
  run: (task: ScheduledTask) => Promise<void>,
): Promise<void> {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const waiting = new Map<string, number>();
  const releases = new Map<string, ScheduledTask[]>();
  const queues = new Map<string, ReadyQueue>();
  const busy = new Map<string, number>();
  const queueOf = (lane: string): ReadyQueue => {
    let q = queues.get(lane);
    if (!q) {
      q = new ReadyQueue();
      queues.set(lane, q);
    }
    return q;
  };
  for (const t of tasks) {
    const after = [...new Set(t.after)].filter((k) => k !== t.key && byKey.has(k));
    waiting.set(t.key, after.length);
    for (const k of after) releases.set(k, [...(releases.get(k) ?? []), t]);
    if (after.length === 0) queueOf(t.lane).push(t);
  }

  let finished = 0;
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  return new Promise<void>((resolve, reject) => {
    const settle = (): void => {
      if (inFlight > 0) return;
      if (failure) reject(failure.error);
      else if (finished === tasks.length) resolve();
      else
        reject(new MeshwardError('INTERNAL', `apply scheduler: ${tasks.length - finished} step(s) wait on each other`));
    };
    const pump = (): void => {
      if (!failure) {
        for (const [lane, queue] of queues) {
          const limit = Math.max(1, laneLimit(lane));
          while (queue.size > 0 && (busy.get(lane) ?? 0) < limit) {
            const task = queue.pop() as ScheduledTask;
            busy.set(lane, (busy.get(lane) ?? 0) + 1);
            inFlight++;
            start(task);
          }
        }
      }
      settle();
    };
    const start = (task: ScheduledTask): void => {
      run(task).then(
        () => {
          finished++;
          for (const next of releases.get(task.key) ?? []) {
            const left = (waiting.get(next.key) ?? 1) - 1;
            waiting.set(next.key, left);
            if (left === 0) queueOf(next.lane).push(next);
          }
          done(task);
        },
        (error: unknown) => {
          failure ??= { error };
          done(task);
        },
      );
    };
    const done = (task: ScheduledTask): void => {
      busy.set(task.lane, (busy.get(task.lane) ?? 1) - 1);
      inFlight--;
      pump();
    };
    pump();
  });
}

/**
 * For each of `keys`, the nearest of `keys` it reaches through `edges`, passing through nodes that are not keys:
 * a step waits for what an unchanged resource in between waits for, as the plan's dependency levels order it.
 */
export function nearestPrerequisites(
  keys: ReadonlySet<string>,
  edges: (id: string) => readonly string[],
): Map<string, string[]> {
  const through = new Map<string, Set<string>>();
  const reach = (id: string, seen: Set<string>): Set<string> => {
    const memo = through.get(id);
    if (memo) return memo;
    const out = new Set<string>();
    if (seen.has(id)) return out; // the graph is acyclic (the plan checked); bounded regardless
    seen.add(id);
    for (const next of edges(id)) {
      if (keys.has(next)) out.add(next);
      else for (const k of reach(next, seen)) out.add(k);
    }
    through.set(id, out);
    return out;
  };
  const result = new Map<string, string[]>();
  for (const key of keys) {
    const out = new Set<string>();
    for (const next of edges(key)) {
      if (keys.has(next)) out.add(next);
      else for (const k of reach(next, new Set())) out.add(k);
    }
    out.delete(key);
    result.set(key, [...out]);
  }
  return result;
}

/**
 * Upward rank (the longest chain of costs from a task to the end): a lane's ready tasks that unblock the most
 * slow work elsewhere go first, so that a slowly paced lane gets its first tasks early.
 */
export function upwardRanks(
  keys: readonly string[],
  prerequisites: ReadonlyMap<string, readonly string[]>,
  cost: (key: string) => number,
): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const [k, pre] of prerequisites) for (const p of pre) dependents.set(p, [...(dependents.get(p) ?? []), k]);
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const rankOf = (k: string): number => {
    const known = rank.get(k);
    if (known !== undefined) return known;
    if (visiting.has(k)) return cost(k);
    visiting.add(k);
    let best = 0;
    for (const d of dependents.get(k) ?? []) best = Math.max(best, rankOf(d));
    visiting.delete(k);
    const r = cost(k) + best;
    rank.set(k, r);
    return r;
  };
  for (const k of keys) rankOf(k);
  return rank;
}
