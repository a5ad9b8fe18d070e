import type { ResourceChange } from '../../src/core/model';
import { buildPlan } from '../../src/core/plan';
import { buildReport } from '../../src/core/report';
import { failedView, invalidView, toReportView } from '../../src/operator/report-view';
import { outcomeDetail, outcomeDetailType } from '../../src/operator/outcome-event';

function change(
  id: string,
  cause: ResourceChange['cause'],
  action: ResourceChange['action'] = 'update',
): ResourceChange {
  return {
    id,
    ref: { kind: 'VirtualNode', name: id.split('/').pop() ?? id, mesh: 'shop' },
    kind: 'VirtualNode',
    action,
    cause,
    changes: [{ path: '/spec/x', before: 1, after: 2 }],
  };
}

const at = '2026-11-25T17:00:00Z';

describe('toReportView', () => {
  it('marks reverted drift and applied pending changes (enforce)', () => {
    const report = buildReport({
      stack: 'prod',
      mode: 'enforce',
      generatedAt: at,
      changes: [change('VirtualNode/shop/a', 'drift'), change('VirtualNode/shop/b', 'pending')],
      results: [
        { id: 'VirtualNode/shop/a', action: 'update', outcome: 'configured' },
        { id: 'VirtualNode/shop/b', action: 'update', outcome: 'configured' },
      ],
    });
    const who = new Map([['VirtualNode/shop/a', [{ identityArn: 'arn:aws:iam::1:user/alice' }]]]);
    const view = toReportView(report, { mode: 'enforce', trigger: 'schedule', attribution: who });
    expect(view.status).toBe('reverted');
    expect(view.resources.map((r) => [r.id, r.drifted, r.outcome])).toEqual([
      ['VirtualNode/shop/a', true, 'reverted'],
      ['VirtualNode/shop/b', false, 'applied'],
    ]);
    expect(view.resources[0]?.attribution?.[0]?.identityArn).toBe('arn:aws:iam::1:user/alice');
    expect(outcomeDetailType(view)).toBe('Drift Detected');
    expect(outcomeDetail(view, 'e1')).toMatchObject({
      stack: 'prod',
      drifted: [
        { id: 'VirtualNode/shop/a', outcome: 'reverted', fields: ['/spec/x'], changedBy: 'arn:aws:iam::1:user/alice' },
      ],
      eventId: 'e1',
    });
  });

  it('reports open drift and pending changes in detect mode', () => {
    const report = buildReport({
      stack: 'prod',
      mode: 'detect',
      generatedAt: at,
      changes: [change('VirtualNode/shop/b', 'pending')],
    });
    expect(toReportView(report, { mode: 'detect' }).status).toBe('pending');
    const drift = buildReport({
      stack: 'prod',
      mode: 'detect',
      generatedAt: at,
      changes: [change('VirtualNode/shop/a', 'drift')],
    });
    const view = toReportView(drift, { mode: 'detect' });
    expect(view.status).toBe('drift');
    expect(view.resources[0]?.outcome).toBe('reported');
  });

  it('turns failures and invalid manifests into failed views with redacted text', () => {
    const report = buildReport({
      stack: 'prod',
      generatedAt: at,
      changes: [],
      errors: [{ code: 'AWS_TERMINAL', message: 'posting to https://hooks.slack.com/services/T/B/secret failed' }],
    });
    const view = toReportView(report, { mode: 'enforce', redact: (t) => t.replace(/https:\S+/g, '[redacted]') });
    expect(view.status).toBe('failed');
    expect(view.error).toBe('AWS_TERMINAL: posting to [redacted] failed');
    expect(outcomeDetailType(view)).toBe('Reconcile Failed');

    const invalid = invalidView({
      stack: 'prod',
      mode: 'detect',
      at,
      issues: [
        { file: 'a.yaml', line: 3, column: 5, pointer: '/spec', message: 'bad', code: 'SCHEMA', severity: 'error' },
        { file: 'a.yaml', line: 4, column: 5, pointer: '/spec', message: 'meh', code: 'SCHEMA', severity: 'warning' },
      ],
    });
    expect(invalid.issues).toEqual(['a.yaml:3:5 /spec bad']);
    expect(outcomeDetailType(failedView({ stack: 'prod', mode: 'detect', at, error: 'x' }))).toBe('Reconcile Failed');
  });

  it("says which resource holds a conflict's dependents back, in detect and in enforce mode", () => {
    const mesh: ResourceChange = {
      ...change('Mesh/shop', 'none', 'conflict'),
      kind: 'Mesh',
      ref: { kind: 'Mesh', name: 'shop' },
      // A person's mesh: in AWS, without the ownership tags.
      actual: {
        id: 'Mesh/shop',
        ref: { kind: 'Mesh', name: 'shop' },
        arn: 'arn:mesh',
        spec: {},
        tags: {},
        ownership: {},
      },
    };
    const node: ResourceChange = {
      ...change('VirtualNode/shop/a', 'new', 'create'),
      desired: {
        id: 'VirtualNode/shop/a',
        ref: { kind: 'VirtualNode', name: 'a', mesh: 'shop' },
        spec: {},
        tags: {},
        annotations: {},
        dependsOn: ['Mesh/shop'],
        digest: 'd',
        manifest: {
          apiVersion: 'meshward.dev/v1alpha1',
          kind: 'VirtualNode',
          metadata: { name: 'a', mesh: 'shop' },
          spec: {},
        },
      },
    };
    const plan = buildPlan([mesh, node], { prune: false, desiredCount: 2 });
    const detect = toReportView(buildReport({ stack: 'prod', mode: 'detect', generatedAt: at, plan }), {
      mode: 'detect',
    });
    expect(detect.status).toBe('refused');
    expect(detect.counts).toMatchObject({ create: 0, 'create blocked': 1, conflict: 1 });
    expect(detect.resources.find((r) => r.id === 'VirtualNode/shop/a')).toMatchObject({
      outcome: 'refused',
      reason: 'blocked by Mesh/shop: not managed by this stack',
    });
    const enforce = toReportView(
      buildReport({
        stack: 'prod',
        mode: 'enforce',
        generatedAt: at,
        plan,
        results: [
          {
            id: 'VirtualNode/shop/a',
            action: 'create',
            outcome: 'blocked',
            error: { code: 'CONFLICT', message: 'blocked by Mesh/shop: not managed by this stack' },
          },
        ],
      }),
      { mode: 'enforce' },
    );
    expect(enforce.resources.find((r) => r.id === 'VirtualNode/shop/a')).toMatchObject({
      outcome: 'blocked',
      error: 'CONFLICT: blocked by Mesh/shop: not managed by this stack',
    });
  });
});
