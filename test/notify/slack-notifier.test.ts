import { REPORTED_KEYS, planNotifications } from '../../src/notify/slack-notifier';
import { driftedNode, view } from './fixtures';

describe('planNotifications', () => {
  it('posts new drift once, not again while it is the same, and again when it changes', () => {
    const first = planNotifications(view(), {});
    expect(first.posts.map((p) => p.kind)).toEqual(['drift-new']);
    expect(first.next[REPORTED_KEYS.episode]).toBeDefined();

    // Same drift, later time and another attribution: not news.
    const again = planNotifications(
      view({ at: '2026-11-25T18:00:00Z', resources: [driftedNode({ attribution: [] })] }),
      first.next,
    );
    expect(again.posts).toEqual([]);
    expect(again.skipped).toContain('same drift already reported');

    const changed = planNotifications(
      view({ resources: [driftedNode({ changes: [{ path: '/spec/a', before: 1, after: 2 }] })] }),
      first.next,
    );
    expect(changed.posts.map((p) => p.kind)).toEqual(['drift-changed']);
    expect(changed.next[REPORTED_KEYS.episode]).not.toBe(first.next[REPORTED_KEYS.episode]);
  });

  it('posts "resolved" when reported drift clears, then nothing', () => {
    const first = planNotifications(view(), {});
    const cleared = planNotifications(view({ status: 'in-sync', resources: [], counts: {} }), first.next);
    expect(cleared.posts.map((p) => p.kind)).toEqual(['resolved']);
    expect(cleared.next[REPORTED_KEYS.episode]).toBeUndefined();
    const quiet = planNotifications(view({ status: 'in-sync', resources: [], counts: {} }), cleared.next);
    expect(quiet.posts).toEqual([]);
  });

  it('reports reverted drift (enforce) without opening an episode', () => {
    const plan = planNotifications(view({ mode: 'enforce', resources: [driftedNode({ outcome: 'reverted' })] }), {});
    expect(plan.posts.map((p) => p.kind)).toEqual(['report']);
    expect(plan.next[REPORTED_KEYS.episode]).toBeUndefined();
  });

  it('reports an invalid revision once', () => {
    const invalid = view({ status: 'invalid', resources: [], issues: ['a.yaml:1:1 bad'] });
    const first = planNotifications(invalid, {});
    expect(first.posts.map((p) => p.kind)).toEqual(['invalid']);
    expect(planNotifications(invalid, first.next).posts).toEqual([]);
    expect(planNotifications({ ...invalid, issues: ['a.yaml:2:1 worse'] }, first.next).posts).toHaveLength(1);
  });

  it('reports pending changes that detect mode does not apply once, then again only when they change', () => {
    const pending = driftedNode({ drifted: false, cause: 'pending', outcome: 'reported', attribution: undefined });
    const first = planNotifications(view({ status: 'pending', resources: [pending] }), {});
    expect(first.posts.map((p) => p.kind)).toEqual(['report']);
    const again = planNotifications(view({ status: 'pending', resources: [pending] }), first.next);
    expect(again.posts).toEqual([]);
    const other = { ...pending, changes: [{ path: '/spec/y', before: 1, after: 3 }] };
    expect(planNotifications(view({ status: 'pending', resources: [other] }), first.next).posts).toHaveLength(1);
    // Applied later: news again, and the standing memory is cleared once nothing differs.
    const applied = planNotifications(
      view({ status: 'changed', mode: 'enforce', resources: [{ ...pending, outcome: 'applied' }] }),
      first.next,
    );
    expect(applied.posts.map((p) => p.kind)).toEqual(['report']);
    expect(applied.next[REPORTED_KEYS.standing]).toBeUndefined();
  });

  it('reports a resource that keeps failing once, not on every schedule', () => {
    const failing = driftedNode({ drifted: false, cause: 'pending', outcome: 'failed', error: 'AWS_TERMINAL: nope' });
    const first = planNotifications(view({ status: 'failed', resources: [failing] }), {});
    expect(first.posts).toHaveLength(1);
    expect(planNotifications(view({ status: 'failed', resources: [failing] }), first.next).posts).toEqual([]);
  });
});
