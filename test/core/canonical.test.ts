import { canonicalEqual, canonicalJson, canonicalize, digestOf } from '../../src/core/canonical';
import { escapeSegment, joinPointer, parsePointer, pointerTouches } from '../../src/core/pointer';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [{ z: 1, y: 2 }] } })).toBe('{"a":{"c":[{"y":2,"z":1}]},"b":1}');
  });

  it('writes undefined array slots as null, like JSON', () => {
    expect(canonicalize([1, undefined])).toEqual([1, null]);
  });

  it('gives the same digest for the same data whatever the key order', () => {
    expect(digestOf({ a: 1, b: [1, 2] })).toBe(digestOf({ b: [1, 2], a: 1 }));
    expect(digestOf({ a: 1 })).not.toBe(digestOf({ a: 2 }));
    expect(digestOf({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells undefined from null at the top', () => {
    expect(canonicalEqual(undefined, null)).toBe(false);
    expect(canonicalEqual(-0, 0)).toBe(true);
  });
});

describe('JSON pointers', () => {
  it('escapes ~ and / in segments and reads them back', () => {
    expect(escapeSegment('a/b~c')).toBe('a~1b~0c');
    expect(joinPointer('/tags', 'app.kubernetes.io/name')).toBe('/tags/app.kubernetes.io~1name');
    expect(parsePointer('/tags/app.kubernetes.io~1name')).toEqual(['tags', 'app.kubernetes.io/name']);
    expect(parsePointer('')).toEqual([]);
    expect(() => parsePointer('spec')).toThrow(/must start/);
  });

  it('says when a change touches an immutable field: itself, inside it, or a parent replaced whole', () => {
    expect(pointerTouches('/spec/serviceName', '/spec/serviceName')).toBe(true);
    expect(pointerTouches('/spec/serviceName', '/spec/serviceName/x')).toBe(true);
    expect(pointerTouches('/spec/serviceName', '/spec')).toBe(true);
    expect(pointerTouches('/spec/serviceName', '/spec/desiredCount')).toBe(false);
    expect(pointerTouches('/spec/listeners/*/portMapping', '/spec/listeners/3/portMapping/port')).toBe(true);
    expect(pointerTouches('/spec/listeners/*/portMapping', '/spec/listeners/3/timeout')).toBe(false);
  });
});
