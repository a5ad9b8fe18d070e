/** `--wait`: follow an ECS deployment to COMPLETED (or FAILED), with progress. */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { MeshwardError } from '../../core/errors';
import type { KindContext } from '../kind';

/** One line per service: through `progressItem` (redrawn on a terminal) or, changed lines only, `progress`. */
function reporter(ctx: KindContext, cluster: string, service: string): (line: string, done: boolean) => void {
  const key = `${cluster}/${service}`;
  let last = '';
  return (line, done) => {
    if (ctx.progressItem) {
      ctx.progressItem(key, line, done);
      return;
    }
    if (line !== last) ctx.progress(`${key}: ${line}`);
    last = line;
  };
}

export async function waitForDeployment(ctx: KindContext, cluster: string, service: string): Promise<void> {
  const deadline = Date.now() + ctx.waitTimeoutMillis;
  const report = reporter(ctx, cluster, service);
  for (;;) {
    const out = await ctx.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.[0];
    const primary = svc?.deployments?.find((d) => d.status === 'PRIMARY') ?? svc?.deployments?.[0];
    const state = primary?.rolloutState ?? 'UNKNOWN';
    const done =
      state === 'COMPLETED' ||
      (primary !== undefined && (svc?.deployments?.length ?? 0) === 1 && primary.runningCount === primary.desiredCount);
    report(
      `${state} (${primary?.runningCount ?? 0}/${primary?.desiredCount ?? 0} running)`,
      done || state === 'FAILED',
    );
    if (state === 'FAILED') {
      throw new MeshwardError(
        'AWS_TERMINAL',
        `deployment of ${cluster}/${service} failed: ${primary?.rolloutStateReason ?? ''}`,
      );
    }
    if (done) return;
    if (Date.now() > deadline) {
      throw new MeshwardError('AWS_RETRYABLE', `timed out waiting for the deployment of ${cluster}/${service}`);
    }
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMillis));
  }
}

/**
 * A service deployment in one line: status and lifecycle stage, the new revision's tasks, its production and test
 * traffic weights, and the lifecycle hooks awaiting ContinueServiceDeployment.
 */
export function deploymentLine(sd: ServiceDeployment | undefined): string {
  const target = sd?.targetServiceRevision;
  const production = target?.requestedProductionTrafficWeight;
  const test = target?.requestedTestTrafficWeight;
  const parts = [`${target?.runningTaskCount ?? 0}/${target?.requestedTaskCount ?? 0} running`];
  if (production !== undefined) parts.push(`production ${production}%`);
  if (test !== undefined && test > 0) parts.push(`test ${test}%`);
  const waiting = (sd?.lifecycleHookDetails ?? []).filter((h) => h.status === 'AWAITING_ACTION');
  return (
    `${sd?.status ?? 'UNKNOWN'}${sd?.lifecycleStage ? ` ${sd.lifecycleStage}` : ''} (${parts.join(', ')})` +
    (waiting.length > 0
      ? `; ${waiting.length} hook${waiting.length === 1 ? '' : 's'} awaiting ContinueServiceDeployment (${waiting.map((h) => h.hookId).join(', ')})`
      : '')
  );
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
  const report = reporter(ctx, cluster, service);
  for (;;) {
    const out = await ctx.clients.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    const sd = out.serviceDeployments?.[0];
    const status = sd?.status ?? 'UNKNOWN';
    report(deploymentLine(sd), !MOVING.has(status));
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
