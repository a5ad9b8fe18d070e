import { compactDurations, formatValue, truncate } from '../../src/core/format-value';
import { compareIds, kindOfId } from '../../src/core/kind-order';

describe('formatValue', () => {
  it('writes durations as manifests may: 15s, 500ms', () => {
    expect(formatValue({ unit: 's', value: 15 })).toBe('15s');
    expect(formatValue({ perRequest: { unit: 'ms', value: 500 } })).toBe('{"perRequest":"500ms"}');
    expect(compactDurations([{ unit: 's', value: 1 }, 2])).toEqual(['1s', 2]);
  });

  it('quotes strings, shows absence, keeps numbers and booleans bare', () => {
    expect(formatValue('5')).toBe('"5"');
    expect(formatValue(5)).toBe('5');
    expect(formatValue(false)).toBe('false');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('(none)');
  });

  it('cuts long values in the middle, keeping both ends', () => {
    const cut = truncate(`start-${'x'.repeat(100)}-end`, 20);
    expect(cut).toHaveLength(20);
    expect(cut.startsWith('start-')).toBe(true);
    expect(cut.endsWith('end')).toBe(true);
    expect(truncate('short', 20)).toBe('short');
  });
});

describe('kind order', () => {
  it('orders ids by kind as KIND_NAMES does, then by id; unknown kinds last', () => {
    const ids = ['EcsService/c/a', 'Route/m/r/a', 'Mesh/m', 'Unknown/x', 'VirtualNode/m/b', 'VirtualNode/m/a'];
    expect([...ids].sort(compareIds)).toEqual([
      'Mesh/m',
      'VirtualNode/m/a',
      'VirtualNode/m/b',
      'Route/m/r/a',
      'EcsService/c/a',
      'Unknown/x',
    ]);
    expect(kindOfId('GatewayRoute/m/g/r')).toBe('GatewayRoute');
    expect(kindOfId('Nope/x')).toBeUndefined();
  });
});
