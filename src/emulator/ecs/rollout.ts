import type { CloudMapRegistry } from '../servicediscovery/ecs-registry';
import { nextId } from './arns';
import type { DeploymentEventSink } from './deployment-events';
import type { EcsEmulatorOptions } from './options';
import { advanceServiceDeployment, type LifecycleActions } from './service-deployments';
import type { DeploymentRecord, EcsState, ServiceRecord } from './state';
import type { EcsEventBus, LatticeTargetSink } from './task-events';
import { startTasks, stopTasks, tasksOf } from './tasks';

const MAX_EVENTS = 100;

/** What moving services forward touches outside ECS: Cloud Map registrations, EventBridge, the task event bus. */
export interface RolloutDeps {
  registry: CloudMapRegistry;
  emitDeploymentEvent: DeploymentEventSink;
  events: EcsEventBus;
  options: EcsEmulatorOptions;
  /** The Lattice target groups, when EcsEmulatorOptions.latticeTargets connects them. */
  latticeTargets?: LatticeTargetSink;
}

export function addEvent(state: EcsState, s: ServiceRecord, now: number, message: string): void {
  // DescribeServices lists events newest first.
  s.events.unshift({ id: nextId(state, 'event'), createdAt: now, message: `(service ${s.serviceName}) ${message}` });
  s.events.length = Math.min(s.events.length, MAX_EVENTS);
}

function lifecycleActions(state: EcsState, deps: RolloutDeps, region: string): LifecycleActions {
  return {
    scaleUp(s, d, at) {
      const missing = d.desiredCount - tasksOf(s, d.id);
      if (missing > 0) startTasks(state, s, d, missing, at, deps, region);
      d.runningCount = d.desiredCount;
      d.updatedAt = at;
      if (missing > 0) {
        const started = s.taskIds
          .filter((t) => s.tasks?.[t]?.event.deploymentId === d.id)
          .map((t) => `(task ${t})`)
          .join(' ');
        addEvent(state, s, at, `has started ${missing} tasks: ${started}.`);
      }
    },
    complete(s, d, at) {
      d.rolloutState = 'COMPLETED';
      d.runningCount = d.desiredCount;
      d.updatedAt = at;
      // The old revisions' tasks go away in CLEAN_UP, and with them their Cloud Map registrations.
      stopTasks(s, at, deps, (id) => id !== d.id);
      s.deployments = [d];
      addEvent(state, s, at, `(deployment ${d.id}) deployment completed.`);
      addEvent(state, s, at, 'has reached a steady state.');
      deps.emitDeploymentEvent(s, d, 'SERVICE_DEPLOYMENT_COMPLETED', at);
    },
    rollBack(s, d, sd, at) {
      stopTasks(s, at, deps, (id) => id === d.id);
      const source = s.deployments.find((x) => x.id !== d.id && x.serviceRevisionArn === sd.sourceRevisionArns[0]);
      d.rolloutState = 'FAILED';
      d.failureReason = sd.statusReason ?? 'rolled back';
      d.runningCount = 0;
      deps.emitDeploymentEvent(s, d, 'SERVICE_DEPLOYMENT_FAILED', at);
      if (!source) return;
      // The previous revision serves again: it becomes the PRIMARY deployment and the service's task definition.
      s.deployments = [source];
      source.status = 'PRIMARY';
      source.updatedAt = at;
      // A source that was itself superseded mid-way settles as it is; the steady-state check resizes its tasks.
      source.rolloutState = 'COMPLETED';
      source.desiredCount = s.desiredCount;
      source.completesAt = Math.min(source.completesAt, at);
      s.taskDefinition = source.taskDefinition;
      addEvent(state, s, at, `(deployment ${d.id}) deployment failed: ${d.failureReason}`);
      addEvent(state, s, at, `rolled back to deployment ${source.id}.`);
    },
    abort(s, d, sd, at) {
      d.rolloutState = 'FAILED';
      d.failureReason = sd.statusReason ?? 'stopped';
      d.updatedAt = at;
      deps.emitDeploymentEvent(s, d, 'SERVICE_DEPLOYMENT_FAILED', at);
    },
    trafficShifted(s, sd, at) {
      const target = state.serviceRevisions[sd.targetRevisionArn];
      const configs = target?.body['vpcLatticeConfigurations'];
      deps.events.emit({
        type: 'TRAFFIC_SHIFTED',
        serviceArn: s.serviceArn,
        serviceDeploymentArn: sd.arn,
        targetServiceRevisionArn: sd.targetRevisionArn,
        productionWeight: sd.productionWeight,
        testWeight: sd.testWeight,
        vpcLatticeConfigurations: Array.isArray(configs) ? (configs as Record<string, unknown>[]) : [],
        at,
      });
    },
  };
}

/** A deployment without a service deployment (snapshots from before they existed) completes when its time comes. */
function advanceLegacy(s: ServiceRecord, d: DeploymentRecord, now: number, actions: LifecycleActions): void {
  if (d.rolloutState !== 'IN_PROGRESS' || d.completesAt > now) return;
  actions.scaleUp(s, d, d.completesAt);
  actions.complete(s, d, d.completesAt);
}

/**
 * Moves every service forward to `now`: walks service deployments through their lifecycle (tasks start at the end
 * of SCALE_UP, old ones stop in CLEAN_UP, Cloud Map and the task event bus follow), settles desired-count changes
 * and turns DRAINING services INACTIVE.
 */
export function advance(state: EcsState, now: number, deps: RolloutDeps, region: string): void {
  const actions = lifecycleActions(state, deps, region);
  for (const s of Object.values(state.services)) {
    if (s.status === 'DRAINING' && s.inactiveAt !== undefined && s.inactiveAt <= now) {
      s.status = 'INACTIVE';
      for (const d of s.deployments) d.runningCount = 0;
      stopTasks(s, s.inactiveAt, deps);
      continue;
    }
    if (s.status !== 'ACTIVE') continue;
    const primary = s.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) continue;
    if (primary.rolloutState === 'IN_PROGRESS') {
      if (primary.serviceDeploymentArn) advanceServiceDeployment(state, s, primary, now, deps, actions);
      else advanceLegacy(s, primary, now, actions);
      continue;
    }
    if (primary.completesAt > now) continue;
    const running = tasksOf(s, primary.id);
    if (primary.rolloutState === 'COMPLETED' && running !== primary.desiredCount) {
      // A desired-count change without a new deployment: scale the PRIMARY deployment in or out.
      if (running < primary.desiredCount)
        startTasks(state, s, primary, primary.desiredCount - running, now, deps, region);
      else stopTasks(s, now, deps, (id) => id === primary.id, running - primary.desiredCount);
      primary.runningCount = primary.desiredCount;
      primary.updatedAt = now;
      addEvent(state, s, now, 'has reached a steady state.');
    }
  }
}
