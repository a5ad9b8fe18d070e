import { diffResources } from '../../src/core/diff';
import type { ActualResource, DesiredResource } from '../../src/core/model';
import { buildPlan, type Plan, type PlanOptions } from '../../src/core/plan';
import { resourceId } from '../../src/core/types';
import { actual, actualOf, appliedState, byId, desired, referenceTopology, refs, STACK } from './fixtures/resources';

const id = resourceId;

interface Scenario {
  desired: DesiredResource[];
  actual: ActualResource[];
  options?: Partial<PlanOptions>;
  immutable?: Record<string, string[]>;
}

function planFor(s: Scenario): Plan {
  const changes = diffResources({
    desired: s.desired,
    actual: s.actual,
    // The state remembers the reference topology as applied: edits in a scenario are pending changes.
    state: appliedState(all),
    stack: STACK,
    immutablePaths: (kind) => s.immutable?.[kind] ?? [],
  });
  return buildPlan(changes, { prune: false, desiredCount: s.desired.length, ...s.options });
}

/** "phase: op id, op id" per stage: the plan's shape at a glance. */
function shape(plan: Plan): string[] {
  return plan.stages.map((stage) => `${stage.phase}: ${stage.steps.map((st) => `${st.op} ${st.id}`).join(', ')}`);
}

function position(plan: Plan, op: string, resource: string): number {
  return plan.stages.findIndex((stage) => stage.steps.some((st) => st.op === op && st.id === resource));
}

const all = referenceTopology();
const ours = (resources: DesiredResource[]) => resources.map((d) => actualOf(d));
const without = (ids: string[]) => all.filter((d) => !ids.includes(d.id));

function edit(d: DesiredResource, spec: unknown): DesiredResource {
  return desired(d.ref, spec, { tags: d.tags, annotations: d.annotations, dependsOn: d.dependsOn });
}

describe('buildPlan ordering', () => {
  it('creates the reference topology in dependency order, one stage per level', () => {
    const plan = planFor({ desired: all, actual: [] });
    expect(plan.refused).toBe(false);
    expect(plan.stages.every((s) => s.phase === 'apply')).toBe(true);
    expect(shape(plan)).toEqual([
      'apply: create Mesh/shop',
      'apply: create VirtualNode/shop/front, create VirtualNode/shop/service-a-v1, create VirtualNode/shop/service-a-v2, create VirtualNode/shop/service-b, create VirtualRouter/shop/service-a, create VirtualGateway/shop/ingress',
      'apply: create Route/shop/service-a/beta-header, create Route/shop/service-a/weighted, create VirtualService/shop/front.shop.local, create VirtualService/shop/service-a.shop.local, create VirtualService/shop/service-b.shop.local, create EcsService/shop-cluster/front',
      'apply: create GatewayRoute/shop/ingress/to-front',
    ]);
  });

  it('plans nothing when everything is in sync', () => {
    const plan = planFor({ desired: all, actual: ours(all) });
    expect(plan).toMatchObject({ stages: [], skipped: [], refusals: [], refused: false });
    expect(plan.changes.every((c) => c.action === 'unchanged')).toBe(true);
  });

  it('is deterministic: the same input in any order gives the same plan', () => {
    const removed = [id(refs.aHeaderRoute), id(refs.bService)];
    const scenario = { desired: without(removed), actual: ours(all), options: { prune: true } };
    const changes = diffResources({
      desired: scenario.desired,
      actual: scenario.actual,
      state: appliedState(all),
      stack: STACK,
    });
    const a = buildPlan(changes, { prune: true, desiredCount: scenario.desired.length });
    const b = buildPlan([...changes].reverse(), { prune: true, desiredCount: scenario.desired.length });
    expect(b).toEqual(a);
    expect(JSON.stringify(buildPlan(changes, { prune: true, desiredCount: scenario.desired.length }))).toBe(
      JSON.stringify(a),
    );
  });
});

describe('buildPlan purity', () => {
  it('does not touch the changes it is given', () => {
    const b = byId(all, id(refs.bNode));
    const moved = edit(b, { ...(b.spec as object), serviceDiscovery: { dns: { hostname: 'b.internal' } } });
    const changes = diffResources({
      desired: all.map((d) => (d.id === b.id ? moved : d)),
      actual: ours(all),
      state: appliedState(all),
      stack: STACK,
      immutablePaths: () => ['/serviceDiscovery'],
    });
    const before = JSON.stringify(changes);
    const plan = buildPlan(changes, { prune: false, desiredCount: all.length });
    expect(plan.changes.find((c) => c.id === id(refs.bService))?.action).toBe('replace');
    expect(JSON.stringify(changes)).toBe(before);
  });
});

describe('prune', () => {
  it('skips deletes when prune is off, without refusing', () => {
    const plan = planFor({ desired: without([id(refs.aHeaderRoute)]), actual: ours(all) });
    expect(plan.stages).toEqual([]);
    expect(plan.refusals).toEqual([]);
    expect(plan.skipped).toEqual([
      { id: id(refs.aHeaderRoute), kind: 'Route', action: 'delete', cause: 'removed', reason: 'prune is off' },
    ]);
  });

  it('deletes in reverse dependency order: a service before the node it is provided by', () => {
    const remaining = without([id(refs.bService), id(refs.bNode)]);
    const plan = planFor({ desired: remaining, actual: ours(all), options: { prune: true } });
    expect(shape(plan)).toEqual([
      'prune: delete VirtualService/shop/service-b.shop.local',
      'prune: delete VirtualNode/shop/service-b',
    ]);
  });

  it('deletes a route and its weighted node in order, with an unrelated create applied first', () => {
    const extra = desired({ kind: 'VirtualNode', name: 'service-c', mesh: 'shop' }, {}, { dependsOn: [id(refs.mesh)] });
    const actuals = [
      ...ours(all),
      actual({ kind: 'VirtualNode', name: 'old', mesh: 'shop' }, {}),
      actual(
        { kind: 'Route', name: 'old', mesh: 'shop', parent: 'service-a' },
        {
          httpRoute: { action: { weightedTargets: [{ virtualNode: 'old', weight: 1 }] } },
        },
      ),
    ];
    const plan = planFor({ desired: [...all, extra], actual: actuals, options: { prune: true } });
    expect(shape(plan)).toEqual([
      'apply: create VirtualNode/shop/service-c',
      'prune: delete Route/shop/service-a/old',
      'prune: delete VirtualNode/shop/old',
    ]);
  });

  it('puts prune deletes after the updates that stop naming them', () => {
    const aV1 = byId(all, id(refs.aV1));
    const v1NoB = edit(aV1, { ...(aV1.spec as object), backends: [] });
    const desiredSet = without([id(refs.bService), id(refs.bNode)]).map((d) => (d.id === aV1.id ? v1NoB : d));
    const plan = planFor({ desired: desiredSet, actual: ours(all), options: { prune: true } });
    expect(position(plan, 'update', aV1.id)).toBeLessThan(position(plan, 'delete', id(refs.bService)));
  });
});

describe('guards', () => {
  it('refuses to prune everything when the desired set is empty, unless forced', () => {
    const plan = planFor({ desired: [], actual: ours(all), options: { prune: true } });
    expect(plan.refused).toBe(true);
    expect(plan.stages).toEqual([]);
    expect(plan.refusals).toEqual([expect.objectContaining({ code: 'empty-desired-set', scope: 'plan' })]);
    expect(plan.refusals[0]?.ids).toHaveLength(all.length);
    expect(plan.skipped.every((s) => s.reason.startsWith('plan refused (empty-desired-set)'))).toBe(true);
    const forced = planFor({ desired: [], actual: ours(all), options: { prune: true, force: true } });
    expect(forced.refused).toBe(false);
    expect(forced.stages.flatMap((s) => s.steps)).toHaveLength(all.length);
    expect(shape(forced)[0]).toBe('prune: delete GatewayRoute/shop/ingress/to-front');
    expect(shape(forced).at(-1)).toBe('prune: delete Mesh/shop');
    // The ECS service names its node (appMesh.virtualNode): it goes before the node, not with the mesh.
    expect(position(forced, 'delete', id(refs.frontEcs))).toBeLessThan(position(forced, 'delete', id(refs.frontNode)));
  });

  it('does not refuse an empty desired set when prune is off (nothing would be deleted)', () => {
    const plan = planFor({ desired: [], actual: ours(all) });
    expect(plan.refused).toBe(false);
    expect(plan.refusals).toEqual([]);
  });

  it('refuses more deletes than --max-deletes (default 5), unless forced or raised', () => {
    const gone = [refs.aRoute, refs.aHeaderRoute, refs.aService, refs.aRouter, refs.aV1, refs.aV2].map((r) => id(r));
    const scenario = { desired: without(gone), actual: ours(all) };
    const refused = planFor({ ...scenario, options: { prune: true } });
    expect(refused.refused).toBe(true);
    expect(refused.refusals[0]).toMatchObject({ code: 'max-deletes', scope: 'plan' });
    expect(refused.refusals[0]?.message).toMatch(/delete 6 resources, more than --max-deletes 5/);
    expect(planFor({ ...scenario, options: { prune: true, maxDeletes: 6 } }).refused).toBe(false);
    expect(planFor({ ...scenario, options: { prune: true, force: true } }).refused).toBe(false);
    expect(planFor({ ...scenario, options: { prune: true, maxDeletes: 2 } }).refusals[0]?.message).toMatch(
      /more than --max-deletes 2/,
    );
  });

  it('never deletes a protected resource, and says so, while the rest goes ahead', () => {
    const actuals = ours(all).map((a) =>
      a.id === id(refs.aHeaderRoute) ? { ...a, tags: { ...a.tags, 'meshward.dev/deletion-protection': 'true' } } : a,
    );
    const plan = planFor({
      desired: without([id(refs.aHeaderRoute), id(refs.bService)]),
      actual: actuals,
      options: { prune: true },
    });
    expect(plan.refused).toBe(false);
    expect(plan.refusals).toEqual([
      expect.objectContaining({ code: 'deletion-protection', scope: 'resources', ids: [id(refs.aHeaderRoute)] }),
    ]);
    expect(plan.skipped).toContainEqual(
      expect.objectContaining({ id: id(refs.aHeaderRoute), reason: 'deletion protection is on' }),
    );
    expect(shape(plan)).toEqual(['prune: delete VirtualService/shop/service-b.shop.local']);
  });

  it('leaves conflicts alone and reports them as a refusal', () => {
    const actuals = ours(all).map((a) => (a.id === id(refs.bNode) ? actualOf(byId(all, a.id), { owner: null }) : a));
    const plan = planFor({ desired: all, actual: actuals });
    expect(plan.stages).toEqual([]);
    expect(plan.refusals).toEqual([
      expect.objectContaining({ code: 'conflict', ids: [id(refs.bNode)], scope: 'resources' }),
    ]);
    expect(plan.skipped[0]?.reason).toMatch(/not managed by meshward/);
  });
});

describe('replace', () => {
  const nodeImmutable = { VirtualNode: ['/serviceDiscovery'], VirtualRouter: ['/listeners/*/portMapping/port'] };

  it('deletes the old node before creating the new one; routes naming it are not touched', () => {
    const v2 = byId(all, id(refs.aV2));
    const moved = edit(v2, { ...(v2.spec as object), serviceDiscovery: { dns: { hostname: 'v2.internal' } } });
    const plan = planFor({
      desired: all.map((d) => (d.id === v2.id ? moved : d)),
      actual: ours(all),
      immutable: nodeImmutable,
    });
    expect(shape(plan)).toEqual([
      'clear: delete VirtualNode/shop/service-a-v2',
      'apply: create VirtualNode/shop/service-a-v2',
    ]);
    expect(plan.changes.find((c) => c.id === v2.id)?.reason).toMatch(/immutable field \/spec\/serviceDiscovery/);
  });

  it('replaces the services a replaced node provides (App Mesh will not delete a provider in use)', () => {
    const b = byId(all, id(refs.bNode));
    const moved = edit(b, { ...(b.spec as object), serviceDiscovery: { dns: { hostname: 'b.internal' } } });
    const plan = planFor({
      desired: all.map((d) => (d.id === b.id ? moved : d)),
      actual: ours(all),
      immutable: nodeImmutable,
    });
    expect(shape(plan)).toEqual([
      'clear: delete VirtualService/shop/service-b.shop.local',
      'clear: delete VirtualNode/shop/service-b',
      'apply: create VirtualNode/shop/service-b',
      'apply: create VirtualService/shop/service-b.shop.local',
    ]);
    expect(plan.changes.find((c) => c.id === id(refs.bService))).toMatchObject({
      action: 'replace',
      cause: 'pending',
      reason: expect.stringMatching(/replaced with VirtualNode\/shop\/service-b/),
    });
  });

  it('replaces a router with its routes and the service it provides', () => {
    const router = byId(all, id(refs.aRouter));
    const moved = edit(router, { listeners: [{ portMapping: { port: 9090, protocol: 'http' } }] });
    const plan = planFor({
      desired: all.map((d) => (d.id === router.id ? moved : d)),
      actual: ours(all),
      immutable: nodeImmutable,
    });
    expect(shape(plan)).toEqual([
      'clear: delete Route/shop/service-a/beta-header, delete Route/shop/service-a/weighted, delete VirtualService/shop/service-a.shop.local',
      'clear: delete VirtualRouter/shop/service-a',
      'apply: create VirtualRouter/shop/service-a',
      'apply: create Route/shop/service-a/beta-header, create Route/shop/service-a/weighted, create VirtualService/shop/service-a.shop.local',
    ]);
  });

  it('refuses a replace that would have to delete something protected or not ours', () => {
    const b = byId(all, id(refs.bNode));
    const moved = edit(b, { ...(b.spec as object), serviceDiscovery: { dns: { hostname: 'b.internal' } } });
    const bService = byId(all, id(refs.bService));
    const guarded = desired(bService.ref, bService.spec, {
      dependsOn: bService.dependsOn,
      annotations: { 'meshward.dev/deletion-protection': 'true' },
    });
    const desiredSet = all.map((d) => (d.id === b.id ? moved : d.id === bService.id ? guarded : d));
    const plan = planFor({
      desired: desiredSet,
      actual: ours(desiredSet.map((d) => (d.id === b.id ? b : d))).map((a) =>
        a.id === bService.id ? { ...a, tags: { ...a.tags, 'meshward.dev/deletion-protection': 'true' } } : a,
      ),
      immutable: nodeImmutable,
    });
    expect(plan.stages).toEqual([]);
    expect(plan.refusals).toEqual([
      expect.objectContaining({ code: 'deletion-protection', ids: [id(refs.bNode)], scope: 'resources' }),
    ]);
    expect(plan.refusals[0]?.message).toMatch(/would delete VirtualService\/shop\/service-b.shop.local/);
    expect(plan.skipped.map((s) => s.id)).toEqual([id(refs.bNode)]);
  });

  it('refuses a replace that would delete a resource still being adopted (not ours until its tags are on)', () => {
    const b = byId(all, id(refs.bNode));
    const moved = edit(b, { ...(b.spec as object), serviceDiscovery: { dns: { hostname: 'b.internal' } } });
    const bService = byId(all, id(refs.bService));
    const adopting = desired(bService.ref, bService.spec, {
      dependsOn: bService.dependsOn,
      annotations: { 'meshward.dev/adopt': 'true' },
    });
    const desiredSet = all.map((d) => (d.id === b.id ? moved : d.id === bService.id ? adopting : d));
    const actuals = ours(all).map((a) => (a.id === bService.id ? actualOf(bService, { owner: null }) : a));
    const plan = planFor({ desired: desiredSet, actual: actuals, immutable: nodeImmutable });
    expect(plan.refusals).toEqual([expect.objectContaining({ code: 'conflict', ids: [id(refs.bNode)] })]);
    expect(plan.stages.flatMap((st) => st.steps).filter((st) => st.op === 'delete')).toEqual([]);
    // The adoption itself (writing the tags) still goes ahead.
    expect(shape(plan)).toEqual(['apply: update VirtualService/shop/service-b.shop.local']);
  });

  it('refuses a replace held by a resource that prune-off will not delete', () => {
    const b = byId(all, id(refs.bNode));
    const moved = edit(b, { ...(b.spec as object), serviceDiscovery: { dns: { hostname: 'b.internal' } } });
    const desiredSet = without([id(refs.bService)]).map((d) => (d.id === b.id ? moved : d));
    const plan = planFor({ desired: desiredSet, actual: ours(all), immutable: nodeImmutable });
    expect(plan.refusals).toEqual([expect.objectContaining({ code: 'conflict', ids: [id(refs.bNode)] })]);
    const pruned = planFor({
      desired: desiredSet,
      actual: ours(all),
      immutable: nodeImmutable,
      options: { prune: true },
    });
    expect(shape(pruned)).toEqual([
      'clear: delete VirtualService/shop/service-b.shop.local',
      'clear: delete VirtualNode/shop/service-b',
      'apply: create VirtualNode/shop/service-b',
    ]);
  });

  it('never replaces a protected resource', () => {
    const v2 = byId(all, id(refs.aV2));
    const moved = edit(v2, { ...(v2.spec as object), serviceDiscovery: { dns: { hostname: 'v2.internal' } } });
    const actuals = ours(all).map((a) =>
      a.id === v2.id ? { ...a, tags: { ...a.tags, 'meshward.dev/deletion-protection': 'true' } } : a,
    );
    const plan = planFor({
      desired: all.map((d) => (d.id === v2.id ? moved : d)),
      actual: actuals,
      immutable: nodeImmutable,
    });
    expect(plan.stages).toEqual([]);
    expect(plan.refusals[0]).toMatchObject({ code: 'deletion-protection', ids: [v2.id] });
  });
});

describe('router listener changes', () => {
  it('replaces routes whose protocol follows the listener: old routes out before the router update, new after', () => {
    const router = byId(all, id(refs.aRouter));
    const weighted = byId(all, id(refs.aRoute));
    const tcpRouter = edit(router, { listeners: [{ portMapping: { port: 8080, protocol: 'tcp' } }] });
    const tcpRoute = edit(weighted, {
      tcpRoute: { action: { weightedTargets: [{ virtualNode: 'service-a-v1', weight: 100 }] } },
    });
    const desiredSet = without([id(refs.aHeaderRoute)]).map((d) =>
      d.id === router.id ? tcpRouter : d.id === weighted.id ? tcpRoute : d,
    );
    const plan = planFor({ desired: desiredSet, actual: ours(all), options: { prune: true } });
    expect(shape(plan)).toEqual([
      'clear: delete Route/shop/service-a/beta-header, delete Route/shop/service-a/weighted',
      'apply: update VirtualRouter/shop/service-a',
      'apply: create Route/shop/service-a/weighted',
    ]);
    expect(plan.changes.find((c) => c.id === weighted.id)?.reason).toMatch(/httpRoute -> tcpRoute/);
  });

  it('keeps an in-place route update after the router when the protocol does not change', () => {
    const router = byId(all, id(refs.aRouter));
    const weighted = byId(all, id(refs.aRoute));
    const newPort = edit(router, { listeners: [{ portMapping: { port: 9090, protocol: 'http' } }] });
    const spec = structuredClone(weighted.spec) as { priority: number };
    spec.priority = 20;
    const desiredSet = all.map((d) => (d.id === router.id ? newPort : d.id === weighted.id ? edit(weighted, spec) : d));
    const plan = planFor({ desired: desiredSet, actual: ours(all) });
    expect(shape(plan)).toEqual([
      'apply: update VirtualRouter/shop/service-a',
      'apply: update Route/shop/service-a/weighted',
    ]);
  });
});
