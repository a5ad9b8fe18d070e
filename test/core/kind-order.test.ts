import fc from 'fast-check';
import { compareIds, sortByIds, sortIds } from '../../src/core/kind-order';

const KINDS = ['Mesh', 'VirtualNode', 'Route', 'EcsService', 'NotAKind', ''];

describe('sortIds', () => {
  it('orders exactly as sorting with compareIds (kind rank, then id), for any ids', () => {
    const id = fc
      .tuple(fc.constantFrom(...KINDS), fc.array(fc.constantFrom('a', 'b', 'shop', '/', 'Z'), { maxLength: 4 }))
      .map(([kind, rest]) => `${kind}${rest.length > 0 ? '/' : ''}${rest.join('')}`);
    fc.assert(
      fc.property(fc.array(id, { maxLength: 40 }), (ids) => {
        expect(sortIds(ids)).toEqual([...ids].sort(compareIds));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts items by their ids, kinds in registry order first', () => {
    const items = [{ id: 'EcsService/c/x' }, { id: 'VirtualNode/m/b' }, { id: 'Mesh/m' }, { id: 'VirtualNode/m/a' }];
    expect(sortByIds(items, (i) => i.id).map((i) => i.id)).toEqual([
      'Mesh/m',
      'VirtualNode/m/a',
      'VirtualNode/m/b',
      'EcsService/c/x',
    ]);
  });
});
