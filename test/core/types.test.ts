import { refOf, resourceId } from '../../src/core/types';
import { parseDuration } from '../../src/core/duration';

describe('resource identity', () => {
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
