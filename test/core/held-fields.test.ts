/**
 * Fields another controller moves (ActualResource.heldBy): the diff sets them apart with the holder's reason and
 * never plans them, a parent of a held field still is a change, an in-progress holder notes a real change, and an
 * update sends AWS's current value for a held field. Pure, with fixtures; plus the pure halves of the two kinds
 * that produce and read the holds (an ECS deployment in DescribeServices' answer, a Lattice rule's weights).
 */
import { diffResources, withHeldValues } from '../../src/core/diff';
import { buildReport, renderMarkdown, renderText } from '../../src/core/report';
import type { ActualResource, ControllerHold } from '../../src/core/model';
import { TRAFFIC_WEIGHTS_TOPIC, type ControllerSignal } from '../../src/kinds/kind';
import { deploymentHolds, deploymentInProgress, deploymentSignal } from '../../src/kinds/ecs-service/deployment-state';
import { heldWeights } from '../../src/kinds/shared/lattice-forward';
import { actual, appliedState, desired, STACK } from './fixtures/resources';

const ref = { kind: 'LatticeRule', mesh: 'web', parent: 'http', name: 'production' };
const ARN = 'arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-0/listener/listener-0/rule/rule-0';
const rule = (blue: number, green: number, priority = 10) => ({
  priority,
  action: {
    forward: {
      targetGroups: [
        { targetGroupIdentifier: 'web-blue', weight: blue },
        { targetGroupIdentifier: 'web-green', weight: green },
      ],
    },
  },
});
const HOLD: ControllerHold = {
  pointers: ['/spec/action/forward/targetGroups/*/weight'],
  reason: 'ECS deployment of shop/web in progress (CANARY)',
  inProgress: true,
};

function held(spec: unknown, holds: ControllerHold[] = [HOLD]): ActualResource {
  return { ...actual(ref, spec), arn: ARN, heldBy: holds };
}

describe('the diff and held fields', () => {
  it('sets held differences apart: the resource is unchanged, and says who holds what', () => {
    const d = desired(ref, rule(100, 0));
    const [change] = diffResources({
      desired: [d],
      actual: [held(rule(10, 90))],
      state: appliedState([d]),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'unchanged', cause: 'none', changes: [] });
    expect(change?.held).toEqual([
      { path: '/spec/action/forward/targetGroups/0/weight', before: 10, after: 100, reason: HOLD.reason },
      { path: '/spec/action/forward/targetGroups/1/weight', before: 90, after: 0, reason: HOLD.reason },
    ]);
    expect(change?.notes).toBeUndefined();
  });

  it('without the hold the same weights are drift', () => {
    const d = desired(ref, rule(100, 0));
    const [change] = diffResources({
      desired: [d],
      actual: [held(rule(10, 90), [])],
      state: appliedState([d]),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'update', cause: 'drift' });
  });

  it('plans a real change beside held fields, with the in-progress holder as a note', () => {
    const before = desired(ref, rule(100, 0));
    const d = desired(ref, rule(100, 0, 20));
    const [change] = diffResources({
      desired: [d],
      actual: [held(rule(10, 90))],
      state: appliedState([before]),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'update', cause: 'pending' });
    expect(change?.changes).toEqual([{ path: '/spec/priority', before: 10, after: 20 }]);
    // The held weights say who holds them; no note repeats it.
    expect(change?.held).toHaveLength(2);
    expect(change?.notes).toBeUndefined();
    // With nothing held differing, the holder at work is a note on the change.
    const [noted] = diffResources({
      desired: [d],
      actual: [held(rule(100, 0))],
      state: appliedState([before]),
      stack: STACK,
    });
    expect(noted?.held).toBeUndefined();
    expect(noted?.notes).toEqual([HOLD.reason]);
    // A holder that is not moving anything now (between deployments) is no note.
    const [quiet] = diffResources({
      desired: [d],
      actual: [held(rule(10, 90), [{ ...HOLD, inProgress: false }])],
      state: appliedState([before]),
      stack: STACK,
    });
    expect(quiet?.notes).toBeUndefined();
  });

  it('a change of the parent of a held field (a target group added) stays a change', () => {
    const spec = rule(100, 0);
    spec.action.forward.targetGroups.push({ targetGroupIdentifier: 'web-red', weight: 5 });
    const d = desired(ref, spec);
    const [change] = diffResources({
      desired: [d],
      actual: [held(rule(10, 90))],
      state: appliedState([d]),
      stack: STACK,
    });
    expect(change?.changes.map((c) => c.path)).toEqual(['/spec/action/forward/targetGroups/2']);
  });

  it('an update sends the held fields as AWS has them and the rest as the manifest says', () => {
    const d = desired(ref, rule(100, 0, 20));
    const sent = withHeldValues(d, held(rule(10, 90)));
    expect(sent.spec).toEqual(rule(10, 90, 20));
    // The desired resource itself is left as it was.
    expect(d.spec).toEqual(rule(100, 0, 20));
    expect(withHeldValues(d, held(rule(10, 90), []))).toBe(d);
  });
});

describe('reports of held fields', () => {
  it('text and Markdown list a resource with held fields under its holder, and count it unchanged', () => {
    const d = desired(ref, rule(100, 0));
    const changes = diffResources({
      desired: [d],
      actual: [held(rule(10, 90))],
      state: appliedState([d]),
      stack: STACK,
    });
    const report = buildReport({ stack: STACK, mode: 'plan', generatedAt: '2026-12-02T00:00:00Z', changes });
    expect(report.exitCode).toBe(0);
    expect(report.summary.byAction.unchanged).toBe(1);
    const text = renderText(report);
    expect(text).toContain('No changes. AWS matches the manifests.');
    expect(text).toContain(`    held (${HOLD.reason}):\n      = /spec/action/forward/targetGroups/0/weight: 10`);
    const md = renderMarkdown(report);
    expect(md).toContain(`Held (${HOLD.reason}):`);
    expect(md).toContain('| `/spec/action/forward/targetGroups/1/weight` | `90` | `0` |');
  });
});

describe('the holds the kinds derive', () => {
  const signal = (arn: string, names: string[]): ControllerSignal => ({
    topic: TRAFFIC_WEIGHTS_TOPIC,
    arn,
    reason: 'ECS moves them',
    inProgress: true,
    detail: {
      targetGroups: names.map((name) => ({ arn: `arn:aws:vpc-lattice:us-east-1:1:targetgroup/tg-${name}`, name })),
    },
  });

  it('a Lattice rule holds the weights of the target groups an ECS deployment names, on that rule only', () => {
    const a = held(rule(10, 90), []);
    expect(heldWeights(a, [signal(ARN, ['web-blue', 'web-green'])], '/spec/action')).toEqual([
      {
        pointers: ['/spec/action/forward/targetGroups/0/weight', '/spec/action/forward/targetGroups/1/weight'],
        reason: 'ECS moves them',
        inProgress: true,
      },
    ]);
    expect(heldWeights(a, [signal(`${ARN}x`, ['web-blue'])], '/spec/action')).toEqual([]);
    expect(heldWeights(a, [{ ...signal(ARN, ['web-blue']), topic: 'other' }], '/spec/action')).toEqual([]);
    // A target group the deployment does not name keeps its weight the manifest's.
    expect(heldWeights(a, [signal(ARN, ['web-green'])], '/spec/action')[0]?.pointers).toEqual([
      '/spec/action/forward/targetGroups/1/weight',
    ]);
  });

  // DescribeServices during a CANARY (the deployments[] members the ECS API reference lists).
  const describing = (deployments: Record<string, unknown>[]) => ({
    serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/shop/web',
    serviceName: 'web',
    deploymentConfiguration: { strategy: 'CANARY' },
    deployments,
  });
  const primary = { id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', runningCount: 1, desiredCount: 2 };
  const old = { id: 'ecs-svc/1', status: 'ACTIVE', rolloutState: 'COMPLETED', runningCount: 2, desiredCount: 2 };

  it('an ECS service is in a deployment while its PRIMARY rolls out or an older one still runs', () => {
    expect(deploymentInProgress(describing([primary, old]))).toBe(
      'CANARY, ecs-svc/2 IN_PROGRESS, 1/2 new tasks running',
    );
    expect(deploymentInProgress(describing([{ ...primary, rolloutState: 'COMPLETED' }, old]))).toMatch(/COMPLETED/);
    expect(
      deploymentInProgress(describing([{ ...primary, rolloutState: 'COMPLETED', runningCount: 2 }])),
    ).toBeUndefined();
    expect(deploymentInProgress({})).toBeUndefined();
  });

  it('the service notes its own deployment on a change, and holds no field for it', () => {
    const service = describing([primary, old]);
    const s = deploymentSignal(service, 'EcsService/shop/web');
    expect(s?.reason).toMatch(/^ECS deployment of shop\/web in progress \(CANARY, ecs-svc\/2 IN_PROGRESS/);
    const a = { ...actual({ kind: 'EcsService', parent: 'shop', name: 'web' }, {}), arn: service.serviceArn };
    expect(deploymentHolds(a, s ? [s] : [])).toEqual([{ pointers: [], reason: s?.reason, inProgress: true }]);
    expect(deploymentHolds({ ...a, arn: 'other' }, s ? [s] : [])).toEqual([]);
  });
});
