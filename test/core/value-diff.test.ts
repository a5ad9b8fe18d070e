import fc from 'fast-check';
import { canonicalJson } from '../../src/core/canonical';
import { applyChanges, diffValues, leafChanges } from '../../src/core/value-diff';

describe('diffValues', () => {
  it('reports nothing for equal values, whatever the key order', () => {
    expect(diffValues({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('writes JSON-pointer paths under the base path, durations as whole values', () => {
    const actual = { listeners: [{ timeout: { http: { perRequest: { unit: 's', value: 15 } } } }] };
    const desired = { listeners: [{ timeout: { http: { perRequest: { unit: 's', value: 5 } } } }] };
    expect(diffValues(actual, desired, '/spec')).toEqual([
      {
        path: '/spec/listeners/0/timeout/http/perRequest',
        before: { unit: 's', value: 15 },
        after: { unit: 's', value: 5 },
      },
    ]);
  });

  it('goes into every field when asked to treat nothing as a leaf', () => {
    const changes = diffValues({ d: { unit: 's', value: 15 } }, { d: { unit: 's', value: 5 } }, '/spec', {
      isLeaf: () => false,
    });
    expect(changes).toEqual([{ path: '/spec/d/value', before: 15, after: 5 }]);
  });

  it('reports a missing member with undefined on that side', () => {
    expect(diffValues({ a: 1 }, { a: 1, b: 2 })).toEqual([{ path: '/b', before: undefined, after: 2 }]);
    expect(diffValues({ a: 1, b: 2 }, { a: 1, b: undefined })).toEqual([{ path: '/b', before: 2, after: undefined }]);
  });

  it('compares arrays index by index, reporting extra slots', () => {
    expect(diffValues([1, 2, 3], [1, 5])).toEqual([
      { path: '/1', before: 2, after: 5 },
      { path: '/2', before: 3, after: undefined },
    ]);
  });

  it('reports a type change once, at the place it happens', () => {
    expect(diffValues({ a: { b: 1 } }, { a: [1] })).toEqual([{ path: '/a', before: { b: 1 }, after: [1] }]);
    expect(diffValues(undefined, { a: 1 }, '/spec')).toEqual([{ path: '/spec', before: undefined, after: { a: 1 } }]);
  });

  it('escapes keys that contain / or ~', () => {
    expect(diffValues({}, { 'a/b': 1 }, '/tags')).toEqual([{ path: '/tags/a~1b', before: undefined, after: 1 }]);
  });
});

describe('leafChanges', () => {
  it('lists every leaf of a value, durations and empty containers as leaves', () => {
    expect(leafChanges({ a: { b: 1, t: { unit: 'ms', value: 5 } }, l: [], c: [{ d: 'x' }] }, '/spec', 'after')).toEqual(
      [
        { path: '/spec/a/b', before: undefined, after: 1 },
        { path: '/spec/a/t', before: undefined, after: { unit: 'ms', value: 5 } },
        { path: '/spec/c/0/d', before: undefined, after: 'x' },
        { path: '/spec/l', before: undefined, after: [] },
      ],
    );
    expect(leafChanges({ a: 1 }, '', 'before')).toEqual([{ path: '/a', before: 1, after: undefined }]);
    expect(leafChanges(undefined, '/spec', 'after')).toEqual([]);
  });
});

describe('applyChanges', () => {
  it('turns the actual value into the desired one without touching its input', () => {
    const a = { keep: 1, list: [1, 2, 3], gone: true, nested: { x: 1 } };
    const b = { keep: 1, list: [9], nested: { x: 2, y: [1] } };
    expect(applyChanges(a, diffValues(a, b))).toEqual(b);
    expect(a.list).toEqual([1, 2, 3]);
  });

  it('replaces the root for a root-level change', () => {
    expect(applyChanges(1, diffValues(1, 'x'))).toBe('x');
    expect(applyChanges({ a: 1 }, diffValues({ a: 1 }, undefined))).toBeUndefined();
  });

  it('creates the containers a path needs', () => {
    expect(applyChanges({}, [{ path: '/a/0/b', before: undefined, after: 1 }])).toEqual({ a: [{ b: 1 }] });
  });
});

describe('diffValues properties', () => {
  // Undefined is not JSON, so the properties are about what manifests and AWS can actually hold.
  const json = fc.jsonValue({ maxDepth: 4 });

  it('finds no change exactly when the canonical forms are equal', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(diffValues(a, b).length === 0).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });

  it('finds no change between a value and a mutated copy only when the mutation was a no-op', () => {
    fc.assert(
      fc.property(json, (a) => {
        expect(diffValues(a, structuredClone(a))).toEqual([]);
      }),
    );
  });

  it('turns a into b when its changes are applied', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(canonicalJson(applyChanges(a, diffValues(a, b)))).toBe(canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('keys that look like object internals', () => {
  it('treats __proto__, constructor and valueOf as ordinary data keys', () => {
    const desiredValue = JSON.parse('{"__proto__": {"x": 1}, "constructor": 2, "valueOf": 3}') as unknown;
    const changes = diffValues({}, desiredValue);
    expect(changes.map((c) => c.path)).toEqual(['/__proto__', '/constructor', '/valueOf']);
    const applied = applyChanges({}, changes);
    expect(canonicalJson(applied)).toBe(canonicalJson(desiredValue));
    expect(Object.hasOwn(applied as object, '__proto__')).toBe(true);
    expect((applied as { x?: unknown }).x).toBeUndefined();
  });
});
