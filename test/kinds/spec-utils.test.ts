import {
  applyDefaults,
  durationsToApi,
  durationsToManifest,
  sortLists,
  stableJson,
  stripDefaults,
  stripEmpty,
} from '../../src/kinds/shared/spec-utils';

describe('spec-utils', () => {
  it('removes empty lists and structures but keeps the root', () => {
    expect(stripEmpty({ a: [], b: {}, c: { d: [] }, e: [{}], f: 0, g: false, h: '' })).toEqual({
      f: 0,
      g: false,
      h: '',
    });
    expect(stripEmpty({})).toEqual({});
  });

  it('fills and strips declared defaults, including computed ones', () => {
    const defaults = [
      { path: '/a/*/b', value: 1 },
      { path: '/a/*/c', compute: (anc: readonly Record<string, unknown>[]) => anc[1]?.['x'] },
    ];
    const filled = applyDefaults({ a: [{ x: 5 }, { x: 6, b: 2 }] }, defaults);
    expect(filled).toEqual({
      a: [
        { x: 5, b: 1, c: 5 },
        { x: 6, b: 2, c: 6 },
      ],
    });
    expect(stripDefaults(filled, defaults)).toEqual({ a: [{ x: 5 }, { x: 6, b: 2 }] });
  });

  it('sorts order-free lists by key and merges duplicates', () => {
    const out = sortLists({ l: [{ n: 'b' }, { n: 'a' }, { n: 'b' }] }, [
      { path: '/l', key: (i) => String((i as { n: string }).n) },
    ]);
    expect(out).toEqual({ l: [{ n: 'a' }, { n: 'b' }] });
  });

  it('converts durations only where the API has a Duration', () => {
    const spec = { timeout: { http: { perRequest: '15s', idle: '500ms' } }, match: { exact: '15s' } };
    const api = durationsToApi(spec);
    expect(api).toEqual({
      timeout: { http: { perRequest: { unit: 's', value: 15 }, idle: { unit: 'ms', value: 500 } } },
      match: { exact: '15s' },
    });
    expect(durationsToManifest(api)).toEqual(spec);
  });

  it('writes key-sorted JSON', () => {
    expect(stableJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
  });
});
