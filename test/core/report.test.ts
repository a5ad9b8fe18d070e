import { diffResources } from '../../src/core/diff';
import type { DesiredResource, ResourceChange } from '../../src/core/model';
import { buildPlan } from '../../src/core/plan';
import {
  buildReport,
  describeOutcome,
  exitCodeFor,
  PRUNE_OFF_REASON,
  renderText,
  type Report,
  type ReportResource,
} from '../../src/core/report';
import { resourceId } from '../../src/core/types';
import { actualOf, appliedState, byId, desired, referenceTopology, refs, STACK, stateOf } from './fixtures/resources';

const NOW = '2026-11-25T12:00:00.000Z';
const all = referenceTopology();
const nodeId = resourceId(refs.frontNode);

function edited(d: DesiredResource, perRequest: number): DesiredResource {
  const spec = structuredClone(d.spec) as { listeners: { timeout: { http: { perRequest: { value: number } } } }[] };
  const l = spec.listeners[0];
  if (l) l.timeout.http.perRequest.value = perRequest;
  return desired(d.ref, spec, { tags: d.tags, dependsOn: d.dependsOn });
}

/** A drifted front node (AWS says 60s, manifests and last apply say 15s). */
function driftChanges(): ResourceChange[] {
  const node = byId(all, nodeId);
  const a = actualOf(edited(node, 60));
  return diffResources({
    desired: all,
    actual: all.map((d) => (d.id === nodeId ? a : actualOf(d))),
    state: appliedState(all),
    stack: STACK,
  });
}

function resource(partial: Partial<ReportResource>): ReportResource {
  return { id: nodeId, kind: 'VirtualNode', action: 'update', cause: 'pending', changes: [], ...partial };
}

function codeOf(resources: ReportResource[], extra: Partial<Pick<Report, 'errors' | 'guards'>> = {}) {
  return exitCodeFor({ errors: [], guards: [], resources, ...extra });
}

describe('buildReport', () => {
  it('summarizes by action and cause, listing only what is not unchanged', () => {
    const report = buildReport({ stack: STACK, mode: 'drift', generatedAt: NOW, changes: driftChanges() });
    expect(report.summary.total).toBe(all.length);
    expect(report.summary.byAction).toEqual({
      create: 0,
      update: 1,
      replace: 0,
      delete: 0,
      unchanged: all.length - 1,
      conflict: 0,
    });
    expect(report.summary.byCause.drift).toBe(1);
    expect(report.summary).toMatchObject({ drifted: 1, pending: 0 });
    expect(report.resources.map((r) => r.id)).toEqual([nodeId]);
    expect(report.resources[0]?.changes[0]).toEqual({
      path: '/spec/listeners/0/timeout/http/perRequest',
      before: { unit: 's', value: 60 },
      after: { unit: 's', value: 15 },
    });
    expect(report.exitCode).toBe(3);
    expect(report.driftFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(report.generatedAt).toBe(NOW);
  });

  it('lists unchanged resources when asked', () => {
    const report = buildReport({ stack: STACK, generatedAt: NOW, changes: driftChanges(), includeUnchanged: true });
    expect(report.resources).toHaveLength(all.length);
  });

  it('carries attribution, outcomes, skip reasons, guards and API calls', () => {
    const changes = diffResources({
      desired: all.filter((d) => d.id !== resourceId(refs.bService)),
      actual: all.map((d) => (d.id === nodeId ? actualOf(edited(d, 60)) : actualOf(d))),
      state: appliedState(all),
      stack: STACK,
    });
    const plan = buildPlan(changes, { prune: false, desiredCount: all.length - 1 });
    const report = buildReport({
      stack: STACK,
      revision: 'abc123',
      mode: 'enforce',
      generatedAt: NOW,
      plan,
      results: [{ id: nodeId, action: 'update', outcome: 'configured' }],
      attribution: {
        [nodeId]: {
          identityArn: 'arn:aws:iam::111122223333:user/alice',
          eventName: 'UpdateVirtualNode',
          eventTime: '2026-11-25T11:58:00Z',
          sourceIp: '203.0.113.7',
        },
      },
      apiCalls: { 'appmesh:UpdateVirtualNode': 1, 'appmesh:ListVirtualNodes': 1 },
    });
    const node = report.resources.find((r) => r.id === nodeId);
    expect(node).toMatchObject({
      outcome: 'configured',
      attribution: { identityArn: 'arn:aws:iam::111122223333:user/alice' },
    });
    expect(report.resources.find((r) => r.id === resourceId(refs.bService))).toMatchObject({
      action: 'delete',
      skippedReason: 'prune is off',
    });
    expect(Object.keys(report.apiCalls ?? {})).toEqual(['appmesh:ListVirtualNodes', 'appmesh:UpdateVirtualNode']);
    expect(report.summary.byOutcome).toEqual({ configured: 1 });
    // The drift was reverted; the skipped delete is still a pending change.
    expect(report.exitCode).toBe(2);
  });

  it('is deterministic', () => {
    const a = buildReport({ stack: STACK, generatedAt: NOW, changes: driftChanges() });
    const b = buildReport({ stack: STACK, generatedAt: NOW, changes: [...driftChanges()].reverse() });
    expect(b).toEqual(a);
  });
});

describe('exitCodeFor', () => {
  it('0 when in sync', () => {
    expect(codeOf([])).toBe(0);
    expect(codeOf([resource({ action: 'unchanged', cause: 'none' })])).toBe(0);
    expect(buildReport({ stack: STACK, generatedAt: NOW, changes: [] }).exitCode).toBe(0);
  });

  it('1 on errors or invalid input, and on failed or blocked resources', () => {
    expect(codeOf([], { errors: [{ code: 'VALIDATION_FAILED', message: 'bad' }] })).toBe(1);
    expect(codeOf([resource({ outcome: 'failed', error: { code: 'AWS_TERMINAL', message: 'x' } })])).toBe(1);
    expect(codeOf([resource({ outcome: 'blocked' })])).toBe(1);
  });

  it('2 for pending changes only (new and removed included)', () => {
    expect(codeOf([resource({ cause: 'pending' })])).toBe(2);
    expect(codeOf([resource({ action: 'create', cause: 'new' })])).toBe(2);
    expect(codeOf([resource({ action: 'delete', cause: 'removed', skippedReason: 'prune is off' })])).toBe(2);
  });

  it('3 for drift, with or without pending changes', () => {
    expect(codeOf([resource({ cause: 'drift' })])).toBe(3);
    expect(codeOf([resource({ cause: 'drift' }), resource({ id: 'b', cause: 'pending' })])).toBe(3);
    expect(codeOf([resource({ cause: 'pending', alsoDrifted: true })])).toBe(3);
    expect(codeOf([resource({ action: 'create', cause: 'drift' })])).toBe(3);
  });

  it('4 when a guard refused, over drift and pending', () => {
    const guard = { code: 'max-deletes' as const, message: 'm', ids: ['x'], scope: 'plan' as const };
    expect(codeOf([resource({ cause: 'drift' })], { guards: [guard] })).toBe(4);
    expect(codeOf([], { guards: [{ ...guard, code: 'conflict', scope: 'resources' }] })).toBe(4);
  });

  it('errors win over refusals', () => {
    const guard = { code: 'conflict' as const, message: 'm', ids: ['x'], scope: 'resources' as const };
    expect(codeOf([], { guards: [guard], errors: [{ code: 'INTERNAL', message: 'x' }] })).toBe(1);
  });

  it('counts applied resources as resolved after an apply', () => {
    expect(codeOf([resource({ cause: 'drift', outcome: 'configured' })])).toBe(0);
    expect(codeOf([resource({ action: 'create', cause: 'new', outcome: 'created' })])).toBe(0);
    expect(codeOf([resource({ action: 'delete', cause: 'removed', outcome: 'deleted' })])).toBe(0);
    expect(codeOf([resource({ cause: 'drift', outcome: 'skipped' })])).toBe(3);
  });

  it('4 for a plan the empty-set guard refused, end to end', () => {
    const changes = diffResources({ desired: [], actual: all.map((d) => actualOf(d)), state: stateOf(), stack: STACK });
    const plan = buildPlan(changes, { prune: true, desiredCount: 0 });
    expect(buildReport({ stack: STACK, generatedAt: NOW, plan }).exitCode).toBe(4);
  });
});

describe('describeOutcome', () => {
  it('says what meshward did, in words', () => {
    expect(describeOutcome(resource({ cause: 'drift', outcome: 'configured' }))).toBe('reverted');
    expect(describeOutcome(resource({ action: 'create', cause: 'drift', outcome: 'created' }))).toBe('reverted');
    expect(describeOutcome(resource({ cause: 'pending', outcome: 'configured' }))).toBe('applied');
    expect(describeOutcome(resource({ cause: 'drift' }))).toBe('reported only');
    expect(describeOutcome(resource({ action: 'delete', skippedReason: 'prune is off' }))).toBe(
      'skipped: prune is off',
    );
    expect(describeOutcome(resource({ outcome: 'failed', error: { code: 'AWS_TERMINAL', message: 'boom' } }))).toBe(
      'failed: boom',
    );
    expect(describeOutcome(resource({ outcome: 'blocked' }))).toBe('blocked by a failed dependency');
    expect(describeOutcome(resource({ action: 'conflict', cause: 'none' }))).toBe('left alone');
    expect(describeOutcome(resource({ outcome: 'unchanged' }))).toBe('already in sync');
  });
});

describe('report safety', () => {
  it('exits 4 for a conflict even without a plan', () => {
    expect(codeOf([resource({ action: 'conflict', cause: 'none' })])).toBe(4);
  });

  it('redacts secrets anywhere in the model, specs included', () => {
    const hook = 'https://hooks.slack.com/services/T1/B1/secretsecret';
    const change: ResourceChange = {
      id: 'EcsService/c/web',
      ref: { kind: 'EcsService', name: 'web', parent: 'c' },
      kind: 'EcsService',
      action: 'update',
      cause: 'drift',
      changes: [{ path: '/spec/env/HOOK', before: hook, after: 'x' }],
    };
    const report = buildReport({
      stack: STACK,
      generatedAt: NOW,
      changes: [change],
      errors: [{ code: 'CONFIG', message: `bad token xoxb-1-2-3` }],
    });
    expect(JSON.stringify(report)).not.toMatch(/hooks\.slack\.com|xoxb-/);
  });
});

describe('counting deletes the plan holds back', () => {
  // service-b's node left the manifests; AWS still has it, owned by this stack.
  const kept = all.filter((d) => d.id !== resourceId(refs.bNode));
  const changes = diffResources({
    desired: kept,
    actual: all.map((d) => actualOf(d)),
    state: appliedState(all),
    stack: STACK,
  });
  const reportWith = (prune: boolean): Report =>
    buildReport({ stack: STACK, generatedAt: NOW, plan: buildPlan(changes, { prune, desiredCount: kept.length }) });

  it('without prune: the delete is found, skipped, and counted as what --prune would add', () => {
    const { summary } = reportWith(false);
    expect(summary.byAction.delete).toBe(1);
    expect(summary.skipped).toEqual({ delete: 1 });
    expect(summary.prunable).toBe(1);
    // The reason buildPlan gives is the one the report counts by (they must not drift apart).
    expect(reportWith(false).resources.find((r) => r.action === 'delete')?.skippedReason).toBe(PRUNE_OFF_REASON);
    expect(renderText(reportWith(false))).toContain('0 to delete (1 with --prune)');
  });

  it('with prune: it is a delete', () => {
    const report = reportWith(true);
    expect(report.summary.skipped).toEqual({});
    expect(report.summary.prunable).toBe(0);
    expect(renderText(report)).toMatch(/1 to delete, /);
  });
});
