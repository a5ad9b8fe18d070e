/** `--wait`: follow an ECS deployment to COMPLETED (or FAILED), with progress. */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
} from '@aws-sdk/client-ecs';
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

/** Statuses in which ECS is still moving the service deployment (ListServiceDeployments / DescribeServiceDeployments). */
const MOVING = new Set(['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED']);

/**
 * `--wait` on the ECS deployment controller's service deployment: stage, traffic weights and lifecycle hooks
 * awaiting action as progress, a failed, stopped or rolled-back deployment as an error naming the service. Falls
 * back to following DescribeServices where the account does not answer the service-deployment operations.
 */
export async function waitForServiceDeployment(ctx: KindContext, cluster: string, service: string): Promise<void> {
  let arn: string | undefined;
  try {
    const listed = await ctx.clients.ecs.send(new ListServiceDeploymentsCommand({ cluster, service, maxResults: 1 }));
    arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn;
  } catch {
    arn = undefined;
  }
  if (!arn) return waitForDeployment(ctx, cluster, service);
  const deadline = Date.now() + ctx.waitTimeoutMillis;
  let last = '';
  for (;;) {
    const out = await ctx.clients.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    const sd = out.serviceDeployments?.[0];
    const status = sd?.status ?? 'UNKNOWN';
    const target = sd?.targetServiceRevision;
    const weight = target?.requestedProductionTrafficWeight;
    const tasks = `${target?.runningTaskCount ?? 0}/${target?.requestedTaskCount ?? 0} running`;
    const waiting = (sd?.lifecycleHookDetails ?? []).filter((h) => h.status === 'AWAITING_ACTION');
    const line =
      `${cluster}/${service}: ${status}${sd?.lifecycleStage ? ` ${sd.lifecycleStage}` : ''}` +
      ` (${tasks}${weight !== undefined ? `, new revision ${weight}% of production traffic` : ''})` +
      (waiting.length > 0
        ? `; ${waiting.length} lifecycle hook(s) awaiting ContinueServiceDeployment (${waiting.map((h) => h.hookId).join(', ')})`
        : '');
    if (line !== last) ctx.progress(line);
    last = line;
    if (status === 'SUCCESSFUL') return;
    if (!MOVING.has(status)) {
      throw new MeshwardError(
        'AWS_TERMINAL',
        `deployment of ${cluster}/${service} ended ${status}${sd?.statusReason ? `: ${sd.statusReason}` : ''}${sd?.rollback?.reason ? ` (rollback: ${sd.rollback.reason})` : ''}`,
      );
    }
    if (Date.now() > deadline) {
      throw new MeshwardError(
        'AWS_RETRYABLE',
        `timed out waiting for the deployment of ${cluster}/${service} (${status})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMillis));
  }
}
