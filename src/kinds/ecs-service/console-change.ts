/**
 * The demo's console change for an ECS service: the per-request timeout of its first Service Connect endpoint that
 * has one set to 30s (45s if it was 30s). ECS UpdateService replaces the whole serviceConnectConfiguration, so the
 * configuration of the PRIMARY deployment is sent back with only that field changed, as the console does.
 */
import {
  DescribeServicesCommand,
  ECSClient,
  type ServiceConnectConfiguration,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ManifestDocument } from '../../core/types';
import type { ConsoleUser } from '../kind';

export async function changeServiceConnectTimeout(
  user: ConsoleUser,
  docs: readonly ManifestDocument[],
): Promise<string | undefined> {
  const services = docs
    .filter((d) => d.kind === 'EcsService' && d.spec['serviceConnectConfiguration'] !== undefined)
    .map((d) => ({ cluster: String(d.spec['cluster'] ?? 'default'), name: d.metadata.name }));
  if (services.length === 0) return undefined;
  const ecs = new ECSClient(user);
  try {
    for (const svc of services) {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: svc.cluster, services: [svc.name] }));
      const primary = out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY');
      const config = structuredClone(primary?.serviceConnectConfiguration ?? {}) as ServiceConnectConfiguration;
      const timeout = config.services?.find((s) => s.timeout?.perRequestTimeoutSeconds !== undefined)?.timeout;
      if (!timeout) continue;
      const was = timeout.perRequestTimeoutSeconds;
      timeout.perRequestTimeoutSeconds = was === 30 ? 45 : 30;
      await ecs.send(
        new UpdateServiceCommand({ cluster: svc.cluster, service: svc.name, serviceConnectConfiguration: config }),
      );
      // Worded without an arrow: meshward's arrows all read "value in AWS now -> value after apply".
      return `EcsService ${svc.name}: Service Connect per-request timeout set to ${timeout.perRequestTimeoutSeconds}s (the manifests say ${was}s)`;
    }
    return undefined;
  } finally {
    ecs.destroy();
  }
}
