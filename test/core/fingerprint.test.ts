import { driftFingerprint, driftTransition, redact, redactDeep, type DriftCarrier } from '../../src/core/fingerprint';

const drift = (before: unknown, after: unknown = 15): DriftCarrier => ({
  id: 'VirtualNode/shop/front',
  cause: 'drift',
  changes: [{ path: '/spec/x', before, after }],
});

describe('driftFingerprint', () => {
  it('is undefined when nothing drifted', () => {
    expect(driftFingerprint([])).toBeUndefined();
    expect(
      driftFingerprint([{ id: 'a', cause: 'pending', changes: [{ path: '/x', before: 1, after: 2 }] }]),
    ).toBeUndefined();
  });

  it('is the same for the same drift, in any order', () => {
    const other: DriftCarrier = {
      id: 'Route/shop/r/a',
      cause: 'drift',
      changes: [{ path: '/spec/y', before: 1, after: 2 }],
    };
    expect(driftFingerprint([drift(60), other])).toBe(driftFingerprint([other, drift(60)]));
  });

  it('changes when the drifted value changes, not when only the desired value does', () => {
    expect(driftFingerprint([drift(60)])).not.toBe(driftFingerprint([drift(90)]));
    expect(driftFingerprint([drift(60, 15)])).toBe(driftFingerprint([drift(60, 20)]));
  });

  it('counts pending changes that also drifted, and lost resources', () => {
    expect(driftFingerprint([{ ...drift(60), cause: 'pending', alsoDrifted: true }])).toBeDefined();
    expect(driftFingerprint([{ id: 'a', cause: 'drift', changes: [] }])).toBeDefined();
  });
});

describe('driftTransition', () => {
  it('tells a notifier whether to post', () => {
    expect(driftTransition(undefined, undefined)).toBe('none');
    expect(driftTransition(undefined, 'a')).toBe('new');
    expect(driftTransition('a', 'a')).toBe('unchanged');
    expect(driftTransition('a', 'b')).toBe('changed');
    expect(driftTransition('a', undefined)).toBe('resolved');
  });
});

describe('redact', () => {
  it.each([
    'https://hooks.slack.com/services/T0001/B0001/abcdefABCDEF1234',
    'https://hooks.slack.com/workflows/T0001/A0001/123/abc',
    'https://hooks.slack-gov.com/services/T0001/B0001/abc',
    'xoxb-1234-5678-abcdEFGH',
    'xoxp-1-2-3-abc',
    'xapp-1-A111-222-abc',
    'xoxe.xoxp-1-abcdef',
  ])('removes %s', (secret) => {
    const out = redact(`posting to ${secret}: 404`);
    expect(out).toBe('posting to [redacted]: 404');
  });

  it('leaves ordinary text alone', () => {
    const text = 'https://example.com/hooks and arn:aws:iam::1:user/xoxo';
    expect(redact(text)).toBe(text);
  });

  it('redacts every string in a value', () => {
    expect(redactDeep({ a: ['xoxb-1-2'], b: { c: 'ok', d: 3 } })).toEqual({ a: ['[redacted]'], b: { c: 'ok', d: 3 } });
  });
});
