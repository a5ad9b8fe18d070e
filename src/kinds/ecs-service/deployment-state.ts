/**
 * What DescribeServices already says about a deployment ECS is running (its `deployments[]`), so that observe
 * tells ECS's own moves from drift without another call (AWS-FACTS.md, "ECS deployments").
 */
import type { ActualResource, ControllerHold } from '../../core/model';
import type { ControllerSignal } from '../kind';
import { asArray, getPath, getString, isRecord } from '../shared/spec-utils';

/** Topic of the signal an observed service sends about itself while ECS rolls a deployment out. */
export const DEPLOYMENT_TOPIC = 'ecs-deployment-in-progress';

/**
 * The PRIMARY deployment while ECS is still rolling it out, in a few words (`CANARY, ecs-svc/1 IN_PROGRESS`), else
 * undefined: its rolloutState is IN_PROGRESS, or an older deployment (ACTIVE) still runs beside it.
 */
export function deploymentInProgress(service: Record<string, unknown>): string | undefined {
  const deployments = asArray(service['deployments']).filter(isRecord);
  const primary = deployments.find((d) => getString(d, 'status') === 'PRIMARY');
  if (!primary) return undefined;
  const state = getString(primary, 'rolloutState');
  if (state !== 'IN_PROGRESS' && deployments.length < 2) return undefined;
  const strategy = getString(getPath(service, 'deploymentConfiguration'), 'strategy') ?? 'ROLLING';
  const running = `${String(primary['runningCount'] ?? 0)}/${String(primary['desiredCount'] ?? 0)} new tasks running`;
  return `${strategy}, ${getString(primary, 'id') ?? 'deployment'} ${state ?? 'IN_PROGRESS'}, ${running}`;
}

/** The signal an observed service sends about its own deployment (read back by `deploymentHolds`). */
export function deploymentSignal(service: Record<string, unknown>, id: string): ControllerSignal | undefined {
  const moving = deploymentInProgress(service);
  const arn = getString(service, 'serviceArn');
  if (moving === undefined || arn === undefined) return undefined;
  return {
    topic: DEPLOYMENT_TOPIC,
    arn,
    inProgress: true,
    reason: `ECS deployment of ${id.split('/').slice(1).join('/')} in progress (${moving}): an update that changes its task definition, Service Connect or Lattice configuration starts a new deployment that supersedes it`,
    detail: {},
  };
}

/**
 * While a deployment is in progress nothing in the compared spec is ECS's to move (the PRIMARY deployment carries
 * what was asked for; counts and the ACTIVE deployment are not compared), so the hold is a note on a real change.
 */
export function deploymentHolds(actual: ActualResource, signals: readonly ControllerSignal[]): ControllerHold[] {
  return signals
    .filter((s) => s.topic === DEPLOYMENT_TOPIC && s.arn === actual.arn)
    .map((s) => ({ pointers: [], reason: s.reason, inProgress: true }));
}
