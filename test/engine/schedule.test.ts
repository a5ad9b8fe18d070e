/**
 * The apply scheduler (src/engine/schedule.ts): dependency order always, each lane bounded on its own so that a
 * slowly paced lane never holds another one's work, the most depended-on ready task first, and a failure that
 * stops new starts without abandoning the tasks in flight. Tasks here finish when the test says so, not on a
 * clock.
 */
import { type ScheduledTask, nearestPrerequisites, runScheduled, upwardRanks } from '../../src/engine/schedule';

function task(key: string, lane: string, after: string[] = [], priority = 0, order = 0): ScheduledTask {
  return { key, lane, after, priority, order };
}

/** Lets the scheduler's promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A run function whose tasks end when `finish(key)` is called; records starts and ends. */
function controlled(): {
  run: (t: ScheduledTask) => Promise<void>;
  finish: (key: string) => void;
  started: string[];
  ended: string[];
  running: () => string[];
} {
  const waiters = new Map<string, () => void>();
  const started: string[] = [];
  const ended: string[] = [];
  return {
    started,
    ended,
    run: (t) =>
      new Promise<void>((resolve) => {
        started.push(t.key);
        waiters.set(t.key, () => {
          ended.push(t.key);
          resolve();
        });
      }),
    finish: (key) => {
      const w = waiters.get(key);
      if (!w) throw new Error(`${key} is not running`);
      waiters.delete(key);
      w();
    },
    running: () => [...waiters.keys()].sort(),
  };
}

describe('runScheduled', () => {
  it('starts a task only after every task it waits for has finished, not after its whole level', async () => {
    // mesh <- node <- ecs ; mesh <- router <- route1..3 (routes and ecs are at the same level)
    const c = controlled();
    const tasks = [
      task('mesh', 'appmesh'),
      task('node', 'appmesh', ['mesh'], 0, 1),
      task('router', 'appmesh', ['mesh'], 0, 2),
      task('route1', 'appmesh', ['router'], 0, 3),
      task('route2', 'appmesh', ['router'], 0, 4),
      task('route3', 'appmesh', ['router'], 0, 5),
      task('ecs', 'ecs', ['node'], 0, 6),
    ];
    const done = runScheduled(tasks, () => 2, c.run);
    await settle();
    expect(c.running()).toEqual(['mesh']);
    c.finish('mesh');
    await settle();
    expect(c.running()).toEqual(['node', 'router']);
    c.finish('node');
    await settle();
    // The ECS service needs only its node: it starts while the router (and so every route) is still pending.
    expect(c.running()).toEqual(['ecs', 'router']);
    c.finish('router');
    await settle();
    expect(c.running()).toEqual(['ecs', 'route1', 'route2']);
    for (const k of ['route1', 'route2', 'ecs']) c.finish(k);
    await settle();
    c.finish('route3');
    await done;
    expect(c.ended).toEqual(['mesh', 'node', 'router', 'route1', 'route2', 'ecs', 'route3']);
  });

  it('bounds each lane on its own: a lane that is stuck never holds the other lanes', async () => {
    const c = controlled();
    const tasks = [
      ...['e1', 'e2', 'e3'].map((k, i) => task(k, 'ecs', [], 0, i)),
      ...['a1', 'a2', 'a3', 'a4'].map((k, i) => task(k, 'appmesh', [], 0, 10 + i)),
    ];
    const done = runScheduled(tasks, (lane) => (lane === 'ecs' ? 1 : 2), c.run);
    await settle();
    expect(c.running()).toEqual(['a1', 'a2', 'e1']);
    // e1 never ends until the App Mesh lane is through: all four run meanwhile, two at a time.
    c.finish('a1');
    c.finish('a2');
    await settle();
    expect(c.running()).toEqual(['a3', 'a4', 'e1']);
    c.finish('a3');
    c.finish('a4');
    await settle();
    expect(c.running()).toEqual(['e1']);
    c.finish('e1');
    await settle();
    expect(c.running()).toEqual(['e2']);
    c.finish('e2');
    await settle();
    c.finish('e3');
    await done;
  });

  it('starts the ready task with the highest priority first, then the plan order', async () => {
    const c = controlled();
    const tasks = [task('low', 'x', [], 1, 0), task('high', 'x', [], 5, 1), task('mid-b', 'x', [], 3, 3)];
    tasks.push(task('mid-a', 'x', [], 3, 2));
    const done = runScheduled(tasks, () => 1, c.run);
    for (let i = 0; i < 4; i++) {
      await settle();
      c.finish(c.running()[0] ?? '');
    }
    await done;
    expect(c.started).toEqual(['high', 'mid-a', 'mid-b', 'low']);
  });

  it('after a failure starts nothing new, lets the tasks in flight finish, then throws the first error', async () => {
    const c = controlled();
    const boom = new Error('intents could not be saved');
    const tasks = [task('a', 'x'), task('b', 'y'), task('c', 'x', ['a']), task('d', 'y', ['b'])];
    const done = runScheduled(
      tasks,
      () => 1,
      (t) => (t.key === 'b' ? Promise.reject(boom) : c.run(t)),
    );
    const outcome = done.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    await settle();
    expect(c.running()).toEqual(['a']);
    c.finish('a');
    expect(await outcome).toBe(boom);
    expect(c.started).toEqual(['a']); // neither c nor d started
  });

  it('ignores waits on keys that are not tasks, and refuses tasks that wait on each other', async () => {
    const ran: string[] = [];
    await runScheduled(
      [task('a', 'x', ['not-planned'])],
      () => 1,
      async (t) => void ran.push(t.key),
    );
    expect(ran).toEqual(['a']);
    await expect(
      runScheduled(
        [task('a', 'x', ['b']), task('b', 'x', ['a'])],
        () => 1,
        async () => undefined,
      ),
    ).rejects.toThrow(/2 step\(s\) wait on each other/);
  });
});

describe('nearestPrerequisites', () => {
  it('waits through resources that are not steps (an unchanged resource between two changes)', () => {
    // route -> router (unchanged, not a step) -> mesh (a step); node -> mesh.
    const edges: Record<string, string[]> = { route: ['router'], router: ['mesh'], node: ['mesh'], mesh: [] };
    const out = nearestPrerequisites(new Set(['route', 'node', 'mesh']), (id) => edges[id] ?? []);
    expect(out.get('route')).toEqual(['mesh']);
    expect(out.get('node')).toEqual(['mesh']);
    expect(out.get('mesh')).toEqual([]);
  });
});

describe('upwardRanks', () => {
  it('ranks a task by the costliest chain that waits on it', () => {
    const pre = new Map<string, string[]>([
      ['mesh', []],
      ['node', ['mesh']],
      ['route', ['mesh']],
      ['ecs', ['node']],
    ]);
    const cost = (k: string): number => (k === 'ecs' ? 10 : 1);
    const ranks = upwardRanks(['mesh', 'node', 'route', 'ecs'], pre, cost);
    expect(ranks.get('ecs')).toBe(10);
    expect(ranks.get('node')).toBe(11);
    expect(ranks.get('route')).toBe(1);
    expect(ranks.get('mesh')).toBe(12);
  });
});
