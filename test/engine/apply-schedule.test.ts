/**
 * Writes scheduled by API lane (src/engine/schedule.ts) on a generated 100-resource set against the emulator:
 * every resource is written after everything it depends on, the ECS writes run beside the App Mesh writes instead
 * of after the last of them, and the intents of a stage are saved before its first write.
 */
import { buildDependencyGraph } from '../../src/core/graph';
import type { StackState, StateStore } from '../../src/core/model';
import { reconcile } from '../../src/engine/reconcile';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { MemoryStateStore } from '../../src/engine/state-store';
import { generateManifestSet } from '../../bench/generate';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

it('writes in dependency order, ECS beside App Mesh, intents before the writes of each stage', async () => {
  const set = generateManifestSet({ resources: 100, seed: 3 });
  await seedLocalInfrastructure(h.clients, set.docs);
  // Routes are slow to create here. ECS services share a dependency level with the routes; an apply that ran a
  // level's steps from one shared pool would start them after every route of the level (at most one pool's
  // worth of CreateRoute still unanswered), whatever the machine's speed.
  h.emulator.faults.set({ latency: { fixedMs: 300, operations: ['appmesh.CreateRoute'] } });
  const memory = new MemoryStateStore();
  const events: string[] = [];
  const store: StateStore = {
    load: (stack) => memory.load(stack),
    save: async (state: StackState) => {
      events.push(`save ${Object.keys(state.intents ?? {}).length}`);
      await memory.save(state);
    },
    describe: () => memory.describe(),
  };
  const writesBefore = h.emulator.servedWrites().length;
  const out = await reconcile({
    mode: 'apply',
    stack: 'sched',
    store,
    clients: h.clients,
    documents: set.docs,
    progress: (line) => {
      const m = /^\[\d+\/\d+\] (?:create|update|delete) (\S+): (\w+)/.exec(line);
      if (m) events.push(`${m[2]} ${m[1]}`);
    },
  });
  h.emulator.faults.clear();
  expect(out.results.every((r) => r.outcome === 'created')).toBe(true);
  expect(out.results).toHaveLength(set.docs.length);

  // Dependency order: each resource is reported created after everything it depends on.
  const graph = buildDependencyGraph(out.desired);
  const position = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.startsWith('created ')) position.set(e.slice('created '.length), i);
  });
  const late: string[] = [];
  for (const [id, deps] of Object.entries(graph.dependsOn)) {
    for (const dep of deps) if ((position.get(dep) ?? -1) > (position.get(id) ?? -1)) late.push(`${id} before ${dep}`);
  }
  expect(late).toEqual([]);

  // Overlap: ECS writes start while most of the routes are still to be written (its own lane).
  const writes = h.emulator.servedWrites().slice(writesBefore);
  const firstEcs = writes.findIndex((w) => w.eventSource === 'ecs.amazonaws.com');
  expect(firstEcs).toBeGreaterThanOrEqual(0);
  const routes = writes.filter((w) => w.eventName === 'CreateRoute').length;
  const routesAfter = writes.slice(firstEcs).filter((w) => w.eventName === 'CreateRoute').length;
  expect(routes).toBeGreaterThan(40);
  expect(routesAfter).toBeGreaterThan(routes / 2);

  // Intents: the first save comes before the first write is reported, and every stage's steps were saved.
  expect(events[0]).toMatch(/^save [1-9]/);
  const stages = out.plan?.stages.length ?? 0;
  expect(events.filter((e) => e.startsWith('save ')).length).toBeGreaterThanOrEqual(stages);
}, 60_000);
