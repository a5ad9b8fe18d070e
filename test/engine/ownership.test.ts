/**
 * Ownership from AWS as it is now (DESIGN.md "Ownership and safety"), through the real SDK against the emulator:
 * a fresh tag read before every update or delete whatever the describe cache says, conflicts that block what
 * would live in or point at the unowned resource, two stacks that race for one set of names, Cloud Map services
 * pruned with their ECS services, and the two things a crashed or throttled run must not turn into: drift, and an
 * aborted run.
 */
import {
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  DescribeRouteCommand,
  DescribeVirtualNodeCommand,
  ListTagsForResourceCommand as ListAppMeshTags,
  UntagResourceCommand,
} from '@aws-sdk/client-app-mesh';
import { ListServicesCommand } from '@aws-sdk/client-servicediscovery';
import type { StackState, StateStore } from '../../src/core/model';
import type { ManifestDocument } from '../../src/core/types';
import { OWNERSHIP_TAGS } from '../../src/core/types';
import { MemoryStateStore } from '../../src/engine/state-store';
import type { ServedWrite } from '../../src/emulator/contracts';
import { resourceIdsOfCall } from '../../src/operator/events';
import { type Harness, changedIds, clone, startHarness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

const MESHWARD = 'meshward-local';

function meshwardWrites(from = 0): ServedWrite[] {
  return h.emulator
    .servedWrites()
    .slice(from)
    .filter((w) => w.accessKeyId === MESHWARD);
}

function touches(w: ServedWrite, id: string): boolean {
  return resourceIdsOfCall(w.eventSource, w.requestParameters, w.eventName).includes(id);
}

function withTag(docs: readonly ManifestDocument[], kind: string, name: string): ManifestDocument[] {
  return docs.map((d) => {
    if (d.kind !== kind || d.metadata.name !== name) return d;
    const copy = clone(d);
    copy.metadata.tags = { ...(copy.metadata.tags ?? {}), team: 'payments' };
    return copy;
  });
}

describe('ownership is read from AWS before every update or delete', () => {
  it('tags removed in the console after the cache was filled: the next plan sees it, nothing is written', async () => {
    await h.run('apply');
    expect(changedIds(await h.run('plan'))).toEqual([]);
    const person = h.consoleClients().appMesh;
    const node = await person.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'front' }));
    const route = await person.send(
      new DescribeRouteCommand({ meshName: 'shop', virtualRouterName: 'service-a', routeName: 'canary-header' }),
    );
    for (const arn of [node.virtualNode?.metadata?.arn, route.route?.metadata?.arn]) {
      await person.send(new UntagResourceCommand({ resourceArn: arn ?? '', tagKeys: Object.values(OWNERSHIP_TAGS) }));
    }
    const before = h.emulator.servedWrites().length;
    const docs = withTag(h.docs, 'VirtualNode', 'front').filter(
      (d) => !(d.kind === 'Route' && d.metadata.name === 'canary-header'),
    );
    const out = await h.run('apply', docs, { prune: true });
    // The bulk tag read no longer returns them: the plan itself calls both conflicts (engine/bulk-tags.ts).
    expect(out.changes.find((c) => c.id === 'VirtualNode/shop/front')?.action).toBe('conflict');
    expect(out.changes.find((c) => c.id === 'Route/shop/service-a/canary-header')?.action).toBe('conflict');
    const writes = meshwardWrites(before);
    expect(writes.filter((w) => touches(w, 'VirtualNode/shop/front'))).toEqual([]);
    expect(writes.filter((w) => touches(w, 'Route/shop/service-a/canary-header'))).toEqual([]);
    expect(out.report.exitCode).toBe(4);
  });
});

describe('a conflict blocks everything that would live in or point at the unowned resource', () => {
  it("under a person's untagged mesh nothing is created, and each resource says which conflict holds it", async () => {
    await h.consoleClients().appMesh.send(new CreateMeshCommand({ meshName: 'shop' }));
    const before = h.emulator.servedWrites().length;
    const out = await h.run('apply');
    expect(out.changes.find((c) => c.id === 'Mesh/shop')?.action).toBe('conflict');
    // Not one create, registration or tag: the task definitions bound to the mesh's nodes wait too.
    expect(meshwardWrites(before).map((w) => w.eventName)).toEqual([]);
    const others = out.results.filter((r) => r.id !== 'Mesh/shop');
    expect(others.length).toBe(h.docs.length - 1);
    for (const r of others) {
      expect(r).toMatchObject({ outcome: 'blocked', error: { code: 'CONFLICT' } });
      expect(r.error?.message).toMatch(/Mesh\/shop is not managed by this stack|blocked by Mesh\/shop: not managed/);
    }
    expect(out.report.exitCode).toBe(4);
  });

  it('a VirtualService and an ECS service are not bound to a node a person made', async () => {
    const mesh = h.docs.filter((d) => d.kind === 'Mesh');
    await h.run('apply', mesh);
    await h.consoleClients().appMesh.send(
      new CreateVirtualNodeCommand({
        meshName: 'shop',
        virtualNodeName: 'front',
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
      }),
    );
    const before = h.emulator.servedWrites().length;
    const out = await h.run('apply');
    const outcome = Object.fromEntries(out.results.map((r) => [r.id, r]));
    expect(outcome['VirtualService/shop/front.shop.local']).toMatchObject({ outcome: 'blocked' });
    const ecsFront = out.results.find((r) => r.id.startsWith('EcsService/') && r.id.endsWith('/front'));
    expect(ecsFront).toMatchObject({
      outcome: 'blocked',
      error: { code: 'CONFLICT' },
    });
    const written = meshwardWrites(before);
    expect(written.filter((w) => touches(w, 'VirtualService/shop/front.shop.local'))).toEqual([]);
    expect(
      written.filter((w) => w.eventName === 'RegisterTaskDefinition' && w.requestParameters['family'] === 'front'),
    ).toEqual([]);
    // Independent work went ahead: service-a's router was created.
    expect(outcome['VirtualRouter/shop/service-a']?.outcome).toBe('created');
  });

  it('two stacks racing for the same names never split the mesh between them', async () => {
    const stores = { a: new MemoryStateStore(), b: new MemoryStateStore() };
    const race = () =>
      Promise.all([
        h.run('apply', h.docs, { stack: 'a', store: stores.a }),
        h.run('apply', h.docs, { stack: 'b', store: stores.b }),
      ]);
    await race();
    await race();
    // Every resource meshward created carries one stack's tags: the one that won the mesh.
    const person = h.consoleClients();
    const stacks = new Set<string>();
    for (const w of h.emulator.servedWrites()) {
      if (w.accessKeyId !== MESHWARD || w.errorCode !== undefined || w.eventSource !== 'appmesh.amazonaws.com')
        continue;
      if (!w.eventName.startsWith('Create')) continue;
      const arn = w.resources[0]?.ARN;
      if (!arn) continue;
      const tags = await person.appMesh.send(new ListAppMeshTags({ resourceArn: arn }));
      stacks.add(tags.tags?.find((t) => t.key === OWNERSHIP_TAGS.stack)?.value ?? '(none)');
    }
    expect(stacks.size).toBe(1);
    const winner = [...stacks][0] as 'a' | 'b';
    const loser = winner === 'a' ? 'b' : 'a';
    const [w, l] = [
      await h.run('plan', h.docs, { stack: winner, store: stores[winner] }),
      await h.run('apply', h.docs, { stack: loser, store: stores[loser] }),
    ];
    expect(changedIds(w)).toEqual([]);
    expect(l.results.every((r) => r.outcome === 'skipped' || r.error?.code === 'CONFLICT')).toBe(true);
    expect(l.report.exitCode).toBe(4);
  });
});

describe('Cloud Map services meshward created go with their ECS services', () => {
  const names = async (): Promise<string[]> =>
    ((await h.clients.cloudMap.send(new ListServicesCommand({}))).Services ?? []).map((s) => s.Name ?? '').sort();

  it('pruning an ECS service deletes its (owned, empty) Cloud Map service and keeps the others', async () => {
    await h.run('apply');
    const all = await names();
    expect(all).toContain('front');
    const docs = h.docs.filter((d) => !(d.kind === 'EcsService' && d.metadata.name === 'front'));
    const out = await h.run('apply', docs, { prune: true });
    expect(out.results.filter((r) => r.outcome === 'deleted').map((r) => r.id)).toHaveLength(1);
    // Its tasks drain after the delete (instances still registered): the next apply deletes it, once.
    for (let i = 0; i < 20 && (await names()).includes('front'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await h.run('apply', docs, { prune: true });
    }
    expect(await names()).toEqual(all.filter((n) => n !== 'front'));
    const deletes = h.emulator
      .servedWrites()
      .filter((w) => w.eventName === 'DeleteService' && w.eventSource.startsWith('servicediscovery'));
    expect(deletes).toHaveLength(1);
    expect(changedIds(await h.run('plan', docs, { prune: true }))).toEqual([]);
  });
});

describe('a crashed run and a throttled read', () => {
  it("a crashed run's own write is not reported as drift by the next run (its intent was recorded first)", async () => {
    await h.run('apply');
    // A process that dies after its writes: the saves before each stage reach the store, the last one does not.
    let dead = false;
    const dying: StateStore = {
      load: (s) => h.store.load(s),
      save: async (state: StackState) => {
        if (dead) throw new Error('killed');
        await h.store.save(state);
      },
      describe: () => 'dying',
    };
    h.emulator.faults.setHook((call) => {
      if (call.operation === 'TagResource') dead = true;
      return undefined;
    });
    const changed = withTag(h.docs, 'VirtualNode', 'front');
    await h.run('apply', changed, { store: dying }).catch(() => undefined);
    h.emulator.faults.setHook(undefined);
    expect(dead).toBe(true);
    // The change is reverted in the manifests: what AWS has now is meshward's interrupted write, a pending change.
    const next = await h.run('drift');
    const front = next.changes.find((c) => c.id === 'VirtualNode/shop/front');
    expect(front).toMatchObject({ action: 'update', cause: 'pending' });
    expect(front?.reason).toMatch(/interrupted run/);
    expect(next.report.exitCode).toBe(2);
    // Applied and recorded, the intent is gone: AWS changed by hand now is drift again.
    await h.run('apply');
    expect((await h.store.load('test')).intents).toBeUndefined();
  });

  it('a read that runs out of the SDK retries is resumed from the run read budget, not the end of the run', async () => {
    await h.run('apply');
    // Five throttles in a row: more than the harness's 2 SDK attempts, twice over.
    h.emulator.faults.set({ throttle: { rate: 1, count: 5, operations: ['ListVirtualNodes'] } });
    const out = await h.run('apply', h.docs, { readRetryMillis: 5, cacheMaxAgeMillis: 0 });
    expect(out.report.errors).toEqual([]);
    expect(out.actual.filter((a) => a.ref.kind === 'VirtualNode').length).toBeGreaterThan(0);
    expect(changedIds(out)).toEqual([]);
    // A budget spent still ends the run with a clear error, nothing written.
    h.emulator.faults.set({ throttle: { rate: 1, operations: ['ListVirtualNodes'] } });
    const spent = await h.run('apply', h.docs, { readRetryMillis: 1, readBudget: 2 });
    expect(spent.report.errors[0]?.message).toMatch(/ListVirtualNodes|list VirtualNode|Throttl|TooManyRequests/i);
  });
});
