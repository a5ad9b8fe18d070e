/** `--wait`: follow an ECS deployment to COMPLETED (or FAILED), with progress. */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { MeshwardError } from '../../core/errors';
import type { KindContext } from '../kind';

export async function waitForDeployment(ctx: KindContext, cluster: string, service: string): Promise<void> {
  const deadline = Date.now() + ctx.waitTimeoutMillis;
  let last = '';
  for (;;) {
    const out = await ctx.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.[0];
    const primary = svc?.deployments?.find((d) => d.status === 'PRIMARY') ?? svc?.deployments?.[0];
    const state = primary?.rolloutState ?? 'UNKNOWN';
    const line = `${cluster}/${service}: ${state} (${primary?.runningCount ?? 0}/${primary?.desiredCount ?? 0} running)`;
    if (line !== last) ctx.progress(line);
    last = line;
    if (state === 'FAILED') {
      throw new MeshwardError(
        'AWS_TERMINAL',
        `deployment of ${cluster}/${service} failed: ${primary?.rolloutStateReason ?? ''}`,
      );
    }
    const done =
      state === 'COMPLETED' ||
      (primary !== undefined && (svc?.deployments?.length ?? 0) === 1 && primary.runningCount === primary.desiredCount);
    if (done) return;
    if (Date.now() > deadline) {
      throw new MeshwardError('AWS_RETRYABLE', `timed out waiting for the deployment of ${cluster}/${service}`);
    }
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMillis));
  }
}
