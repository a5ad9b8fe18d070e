import { KIND_NAMES as GENERATED } from '../../scripts/gen-schemas';
import { KINDS, KindRegistry, defaultRegistry } from '../../src/kinds/registry';

describe('the kind registry', () => {
  it('is the one list of kinds: every registered kind has a generated schema or brings its own', () => {
    const ownSchema = defaultRegistry.kinds.filter((k) => k.documentSchema !== undefined).map((k) => k.kind);
    expect(defaultRegistry.names().filter((k) => !ownSchema.includes(k))).toEqual([...GENERATED]);
    expect(ownSchema).toEqual([
      'CloudMapNamespace',
      // Generated from the VPC Lattice model by scripts/gen-lattice-schemas.ts (test/kinds/lattice/lattice-schemas.test.ts).
      'LatticeServiceNetwork',
      'LatticeTargetGroup',
      'LatticeService',
      'LatticeListener',
      'LatticeRule',
      'LatticeServiceNetworkVpcAssociation',
      'LatticeServiceNetworkServiceAssociation',
      'LatticeAccessLogSubscription',
      'LatticeAuthPolicy',
    ]);
  });

  it('refuses a kind registered twice, and knows nothing of unregistered kinds', () => {
    expect(() => new KindRegistry([...KINDS, KINDS[0] as (typeof KINDS)[number]])).toThrow(/registered twice/);
    expect(defaultRegistry.refOf({ kind: 'Nope', metadata: { name: 'x' } })).toBeUndefined();
    expect(defaultRegistry.has('Nope')).toBe(false);
  });

  it('derives every kind identity from string fields only (documents that failed their schema get there too)', () => {
    expect(defaultRegistry.refOf({ kind: 'Route', metadata: { name: 'r', mesh: 5, virtualRouter: 'v' } })).toEqual({
      kind: 'Route',
      name: 'r',
      parent: 'v',
    });
    expect(defaultRegistry.refOf({ kind: 'EcsService', metadata: { name: 'web' }, spec: { cluster: 3 } })).toEqual({
      kind: 'EcsService',
      name: 'web',
      parent: 'default',
    });
  });
});
