/** VirtualRouter -> its listeners become the client alias port (Service Connect) or Lattice listeners. */
import type { KindMigration } from '../../migrate/model';

export const virtualRouterMigration: KindMigration = {
  kind: 'VirtualRouter',
  specShape: 'VirtualRouterSpec',
  rules: [
    {
      path: '/listeners/*/portMapping',
      'service-connect': {
        status: 'carried',
        detail: "the client alias port of the virtual service's endpoint (clients keep calling the same host:port)",
      },
      'vpc-lattice': (m) => ({
        status:
          m.value !== null && typeof m.value === 'object' && (m.value as Record<string, unknown>)['protocol'] === 'tcp'
            ? 'dropped'
            : 'carried',
        detail:
          (m.value as Record<string, unknown> | null)?.['protocol'] === 'tcp'
            ? 'TCP has no VPC Lattice listener (HTTP, HTTPS, TLS_PASSTHROUGH only)'
            : 'a Lattice listener on the same port, on the service of each virtual service this router provides',
      }),
    },
  ],
  migrate: () => undefined,
};
