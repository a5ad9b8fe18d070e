/** Server defaults that several App Mesh kinds share. */
import type { FieldDefault } from './spec-utils';
import { getPath } from './spec-utils';

/** A listener health check without `port` comes back with the listener's port. */
export const listenerHealthCheckPortDefault: FieldDefault = {
  path: '/listeners/*/healthCheck/port',
  compute: (ancestors) => {
    const listener = ancestors[1];
    const port = getPath(listener, 'portMapping', 'port');
    return typeof port === 'number' ? port : undefined;
  },
};
