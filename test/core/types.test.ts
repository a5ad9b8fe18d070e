import { type ManifestDocument, resourceId } from '../../src/core/types';
import { defaultRegistry } from '../../src/kinds/registry';

const refOf = (doc: ManifestDocument) => defaultRegistry.refOfDocument(doc);
import { parseDuration } from '../../src/core/duration';

describe('resource identity', () => {
  it('reads an id back into the identity it came from, for every kind', () => {
    for (const id of ['Mesh/shop', 'VirtualNode/shop/a', 'Route/shop/orders/canary', 'EcsService/prod/web']) {
      const ref = defaultRegistry.refOfId(id);
      expect(ref && resourceId(ref)).toBe(id);
    }
    expect(defaultRegistry.refOfId('Nope/x')).toBeUndefined();
    expect(defaultRegistry.refOfId('Route/shop/orders')).toBeUndefined();
  });

  it('keys a route by mesh, router and name', () => {
    const ref = refOf({
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'Route',
      metadata: { name: 'canary', mesh: 'shop', virtualRouter: 'orders' },
      spec: {},
    });
    expect(resourceId(ref)).toBe('Route/shop/orders/canary');
  });

  it('keys an ECS service by cluster, defaulting to the default cluster as ECS does', () => {
    const ref = refOf({ apiVersion: 'meshward.dev/v1alpha1', kind: 'EcsService', metadata: { name: 'web' }, spec: {} });
    expect(resourceId(ref)).toBe('EcsService/default/web');
  });
});

describe('durations', () => {
  it('reads the shorthand forms', () => {
    expect(parseDuration('15s')).toEqual({ unit: 's', value: 15 });
    expect(parseDuration('500ms')).toEqual({ unit: 'ms', value: 500 });
  });
  it('rejects what App Mesh cannot express', () => {
    expect(() => parseDuration('1.5s')).toThrow(/invalid duration/);
    expect(() => parseDuration('10m')).toThrow(/invalid duration/);
  });
});
