/**
 * Ownership tags read in bulk once per run (engine/bulk-tags.ts, issue 14) and what stays per resource (issue 12),
 * through the real SDK against the emulator: the run's GetResources replaces every observe-time tag read of the
 * kinds it covers, with no hourly expiry; the per-resource read before a write still decides, so a lagging Tagging
 * API cannot make meshward touch a resource that is no longer its own; a service GetResources does not answer, or
 * a missing permission, falls back to the per-resource reads.
 */
import {
  DescribeRouteCommand,
  DescribeVirtualNodeCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-app-mesh';
import { OWNERSHIP_TAGS } from '../../src/core/types';
import type { ManifestDocument } from '../../src/core/types';
import { AwsApiError } from '../../src/emulator/contracts';
import { uncoveredMarker } from '../../src/engine/bulk-tags';
import { resourceIdsOfCall } from '../../src/operator/events';
import { type Harness, changedIds, clone, startHarness } from './harness';

const appMeshResources = (docs: readonly ManifestDocument[]) =>
  docs.filter((d) => !['EcsService', 'CloudMapNamespace'].includes(d.kind)).length;

/** The describe cache's clock (Date.now), two hours ahead and still running. */
function twoHoursOn(): jest.SpyInstance<number, []> {
  const real = Date.now.bind(Date);
  return jest.spyOn(Date, 'now').mockImplementation(() => real() + 2 * 60 * 60 * 1000);
}

function withTag(docs: readonly ManifestDocument[], name: string): ManifestDocument[] {
  return docs.map((d) => {
    if (d.kind !== 'VirtualNode' || d.metadata.name !== name) return d;
    const copy = clone(d);
    copy.metadata.tags = { ...(copy.metadata.tags ?? {}), team: 'payments' };
    return copy;
  });
}

describe('bulk ownership tags, with the Tagging API answering at once', () => {
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

  it('a warm run reads ownership in one GetResources page and no ListTagsForResource, hour after hour', async () => {
    await h.run('apply');
    h.emulator.stats.reset();
    // Two hours later by the describe cache's clock: nothing expires for a kind the bulk read covers.
    const spy = twoHoursOn();
    try {
      const plan = await h.run('plan');
      expect(changedIds(plan)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    expect(h.emulator.stats.calls('GetResources', 'tagging')).toBe(1);
    expect(h.emulator.stats.calls('ListTagsForResource', 'appmesh')).toBe(0);
    expect(h.emulator.stats.calls('DescribeVirtualNode', 'appmesh')).toBe(0);
    expect(h.emulator.stats.calls('DescribeRoute', 'appmesh')).toBe(0);
  });

  it('a cold run describes each App Mesh resource once and reads no tag of its own', async () => {
    await h.run('apply');
    h.emulator.stats.reset();
    const plan = await h.run('plan', h.docs, { cacheMaxAgeMillis: 0 });
    expect(changedIds(plan)).toEqual([]);
    expect(h.emulator.stats.calls('ListTagsForResource', 'appmesh')).toBe(0);
    const describes = Object.values(h.emulator.stats.snapshot().operations)
      .filter((o) => o.service === 'appmesh' && o.operation.startsWith('Describe'))
      .reduce((n, o) => n + o.calls, 0);
    expect(describes).toBe(appMeshResources(h.docs));
  });

  it('no tag:GetResources permission: the run reads tags per resource and still plans nothing', async () => {
    await h.run('apply');
    h.emulator.faults.setHook((call) =>
      call.service === 'tagging'
        ? new AwsApiError('AccessDeniedException', 400, 'User is not authorized to perform: tag:GetResources')
        : undefined,
    );
    h.emulator.stats.reset();
    const lines: string[] = [];
    const plan = await h.run('plan', h.docs, { progress: (m) => lines.push(m) });
    expect(changedIds(plan)).toEqual([]);
    expect(lines.some((l) => /bulk tag read failed/.test(l))).toBe(true);
    // The describe cache is warm and younger than an hour: no per-resource tag reads are due either.
    expect(h.emulator.stats.calls('ListTagsForResource', 'appmesh')).toBe(0);
  });
});

describe('a lagging Tagging API (tagging.lagMs): the fresh read before each write decides', () => {
  let clock = Date.UTC(2026, 11, 2, 1);
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: () => clock, tagging: { lagMs: 10 * 60 * 1000 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('tags removed in the console still show in GetResources: the node is not updated, the route not deleted', async () => {
    await h.reset();
    await h.run('apply');
    clock += 11 * 60 * 1000; // the Tagging API's view now holds everything the apply created
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
    const docs = withTag(h.docs, 'front').filter((d) => !(d.kind === 'Route' && d.metadata.name === 'canary-header'));
    const out = await h.run('apply', docs, { prune: true });
    // The plan still believed both ours (the bulk view lags); the per-resource read before the write refused them.
    const writes = h.emulator
      .servedWrites()
      .slice(before)
      .filter((w) => w.accessKeyId === 'meshward-local');
    const touching = (id: string) =>
      writes.filter((w) => resourceIdsOfCall(w.eventSource, w.requestParameters, w.eventName).includes(id));
    expect(touching('VirtualNode/shop/front')).toEqual([]);
    expect(touching('Route/shop/service-a/canary-header')).toEqual([]);
    expect(writes.filter((w) => w.requestParameters['resourceArn'] === node.virtualNode?.metadata?.arn)).toEqual([]);
    const result = (id: string) => out.results.find((r) => r.id === id);
    expect(result('VirtualNode/shop/front')).toMatchObject({ outcome: 'failed', error: { code: 'CONFLICT' } });
    expect(result('Route/shop/service-a/canary-header')).toMatchObject({
      outcome: 'failed',
      error: { code: 'CONFLICT' },
    });
    expect(result('VirtualNode/shop/front')?.error?.message).toMatch(/ownership tags changed/);
    expect(out.report.exitCode).toBe(4);
  });

  it("a resource just tagged by meshward but not yet in GetResources is read per resource, not called another's", async () => {
    await h.reset();
    clock += 11 * 60 * 1000;
    const first = await h.run('apply');
    // The view was taken before the creates and is still current: none of the stack's resources are in it.
    const lines: string[] = [];
    const plan = await h.run('plan', h.docs, { progress: (m) => lines.push(m) });
    expect(changedIds(plan)).toEqual([]);
    expect(plan.changes.filter((c) => c.action === 'conflict')).toEqual([]);
    // Each was read on its own and found ours; applied minutes ago, the misses are lag, not missing coverage.
    expect(first.state.applied['Mesh/shop']).toBeDefined();
    expect(lines.some((l) => /returned no appmesh resources/.test(l))).toBe(false);
    expect(plan.state.versionCache[uncoveredMarker('appmesh')]).toBeUndefined();
  });
});

describe('a service GetResources does not cover (tagging.coveredServices)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ tagging: { coveredServices: ['ecs'] } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('falls back to per-resource tag reads for it, then stops asking the Tagging API for it', async () => {
    await h.reset();
    await h.run('apply');
    // Two hours on: misses of resources applied minutes ago would be lag, these are not.
    const spy = twoHoursOn();
    let first: Awaited<ReturnType<Harness['run']>>;
    try {
      h.emulator.stats.reset();
      const lines: string[] = [];
      first = await h.run('apply', h.docs, { progress: (m) => lines.push(m) });
      expect(changedIds(first)).toEqual([]);
      expect(lines.some((l) => /returned no appmesh resources/.test(l))).toBe(true);
      // This once, every cached App Mesh resource's tags are read on their own, and none is taken for another's.
      expect(h.emulator.stats.calls('ListTagsForResource', 'appmesh')).toBe(appMeshResources(h.docs));
      h.emulator.stats.reset();
      // (No-op applies: they save the describe cache and the mark, as the scheduled runs do; plans never write.)
      // The next run leaves appmesh out of the bulk query; its kinds read tags themselves, with the hourly expiry
      // (the describes are two hours old here: read again once, then fresh).
      expect(changedIds(await h.run('apply'))).toEqual([]);
      expect(h.emulator.stats.calls('ListTagsForResource', 'appmesh')).toBe(appMeshResources(h.docs));
      h.emulator.stats.reset();
      expect(changedIds(await h.run('apply'))).toEqual([]);
      expect(h.emulator.stats.calls('ListTagsForResource', 'appmesh')).toBe(0);
      // ... and a tag edited in the console is seen once the cache is refreshed, as before the bulk read.
      const arn = first.state.applied['VirtualNode/shop/front']?.arn ?? '';
      await h
        .consoleClients()
        .appMesh.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'team', value: 'x' }] }));
      const refreshed = await h.run('drift', h.docs, { cacheMaxAgeMillis: 0 });
      expect(changedIds(refreshed)).toContain('VirtualNode/shop/front');
    } finally {
      spy.mockRestore();
    }
  });
});
