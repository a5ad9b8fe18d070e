/**
 * A conflict blocks everything that would live in or point at the unowned resource (DESIGN.md "Ownership and
 * safety"), in the pure plan: `plan` shows what `apply` will hold back, per resource, naming the resource that is
 * not ours, and counts none of it as a create, update or delete.
 */
import { diffResources } from '../../src/core/diff';
import type { ActualResource, DesiredResource } from '../../src/core/model';
import { buildPlan, type Plan } from '../../src/core/plan';
import { buildReport, renderJson, renderMarkdown, renderText, toJsonReport } from '../../src/core/report';
import { resourceId } from '../../src/core/types';
import { actualOf, appliedState, byId, referenceTopology, refs, STACK } from './fixtures/resources';

const id = resourceId;
const all = referenceTopology();
const NOW = '2026-12-02T00:00:00.000Z';

function planFor(desired: DesiredResource[], actual: ActualResource[], prune = false, applied = all): Plan {
  const changes = diffResources({ desired, actual, state: appliedState(applied), stack: STACK });
  return buildPlan(changes, { prune, desiredCount: desired.length });
}

const steps = (plan: Plan): string[] => plan.stages.flatMap((s) => s.steps.map((st) => `${st.op} ${st.id}`));

describe("a person's resource holds back what would be built on it", () => {
  // The first apply of the reference topology, into an account where someone made a mesh of that name by hand.
  const personMesh = actualOf(byId(all, id(refs.mesh)), { owner: null });
  const plan = planFor(all, [personMesh], false, []);

  it('plans no write at all under an untagged mesh: every other resource is blocked, naming the mesh', () => {
    expect(plan.changes.find((c) => c.id === id(refs.mesh))?.action).toBe('conflict');
    expect(plan.stages).toEqual([]);
    expect(plan.blocked.map((b) => b.id).sort()).toEqual(
      all
        .map((d) => d.id)
        .filter((x) => x !== id(refs.mesh))
        .sort(),
    );
    for (const b of plan.blocked) {
      expect(b).toMatchObject({ action: 'create', by: id(refs.mesh) });
      expect(b.reason).toMatch(/^blocked by [^:]+: (Mesh\/shop is )?not managed by this stack$/);
    }
    // Nearest cause first: a node lives in the mesh itself.
    expect(plan.blocked.find((b) => b.id === id(refs.frontNode))).toMatchObject({
      via: id(refs.mesh),
      reason: 'blocked by Mesh/shop: not managed by this stack',
    });
    // They are skipped with the same reason, so nothing reads them as work to do.
    const skipped = new Map(plan.skipped.map((s) => [s.id, s.reason]));
    for (const b of plan.blocked) expect(skipped.get(b.id)).toBe(b.reason);
  });

  it('reports them as blocked, not as creates, in text, Markdown and JSON, with exit 4', () => {
    const report = buildReport({ stack: STACK, mode: 'plan', generatedAt: NOW, plan });
    const n = all.length - 1;
    expect(report.exitCode).toBe(4);
    expect(report.summary.blocked).toEqual({ create: n });
    const text = renderText(report);
    expect(text).toContain(`Summary: 0 to create (${n} blocked), 0 to update, 0 to replace, 0 to delete, 1 conflict`);
    expect(text).toContain('+ VirtualNode/shop/front  (new)  blocked by Mesh/shop');
    expect(text).toContain('    blocked by Mesh/shop: not managed by this stack');
    expect(text).not.toMatch(/skipped: blocked/);
    const md = renderMarkdown(report);
    expect(md).toContain(`| create | 0 (${n} blocked) |`);
    expect(md).toContain('**Blocked**: blocked by Mesh/shop: not managed by this stack');
    const json = toJsonReport(report);
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(json)));
    const front = json.resources.find((r) => r.id === id(refs.frontNode));
    expect(front).toMatchObject({ action: 'create', blockedBy: 'Mesh/shop' });
    expect(json.resources.filter((r) => r.blockedBy === 'Mesh/shop')).toHaveLength(n);
  });
});

describe("a person's node", () => {
  // First apply; the front node exists, made by a person.
  const personNode = actualOf(byId(all, id(refs.frontNode)), { owner: null });
  const plan = planFor(all, [personNode], false, []);
  const blocked = new Map(plan.blocked.map((b) => [b.id, b]));

  it('holds back the service it would provide and the ECS service bound to it, and what routes to them', () => {
    expect(blocked.get(id(refs.frontService))).toMatchObject({ by: id(refs.frontNode), via: id(refs.frontNode) });
    expect(blocked.get(id(refs.frontEcs))).toMatchObject({ by: id(refs.frontNode), via: id(refs.frontNode) });
    expect(blocked.get(id(refs.gatewayRoute))).toMatchObject({
      by: id(refs.frontNode),
      via: id(refs.frontService),
      reason: 'blocked by VirtualService/shop/front.shop.local: VirtualNode/shop/front is not managed by this stack',
    });
    expect([...blocked.keys()].sort()).toEqual(
      [id(refs.frontEcs), id(refs.gatewayRoute), id(refs.frontService)].sort(),
    );
  });

  it('lets independent work go ahead, and no stage writes a blocked resource', () => {
    const planned = steps(plan);
    expect(planned).toContain(`create ${id(refs.aRouter)}`);
    expect(planned).toContain(`create ${id(refs.mesh)}`);
    expect(planned).toContain(`create ${id(refs.gateway)}`);
    for (const b of plan.blocked) expect(planned.filter((s) => s.endsWith(` ${b.id}`))).toEqual([]);
    const report = buildReport({ stack: STACK, mode: 'plan', generatedAt: NOW, plan });
    expect(renderText(report)).toMatch(/Summary: 10 to create \(3 blocked\)/);
  });
});

describe('a delete a conflict still points at', () => {
  it('is held back: the resource is not torn from under the person', () => {
    // The front service lost its tags (a person took it over); the front node and its ECS service left the
    // manifests and are pruned, but the person's service still names the node as its provider.
    const gone = [id(refs.frontNode), id(refs.frontEcs)];
    const desiredSet = all.filter((d) => !gone.includes(d.id));
    const actuals = all.map((d) => (d.id === id(refs.frontService) ? actualOf(d, { owner: null }) : actualOf(d)));
    const plan = planFor(desiredSet, actuals, true);
    expect(plan.changes.find((c) => c.id === id(refs.frontService))?.action).toBe('conflict');
    expect(plan.blocked).toEqual([
      expect.objectContaining({ id: id(refs.frontNode), action: 'delete', by: id(refs.frontService) }),
    ]);
    // The ECS service goes: nothing that stays points at it.
    expect(steps(plan).filter((s) => s.startsWith('delete'))).toEqual([`delete ${id(refs.frontEcs)}`]);
    const report = buildReport({ stack: STACK, mode: 'plan', generatedAt: NOW, plan });
    expect(renderText(report)).toContain('1 to delete (1 blocked)');
    // Without the conflict the same prune goes ahead: the block is the conflict's doing.
    const clean = planFor(
      desiredSet,
      all.map((d) => actualOf(d)),
      true,
    );
    expect(clean.blocked).toEqual([]);
    expect(steps(clean)).toContain(`delete ${id(refs.frontNode)}`);
  });
});
