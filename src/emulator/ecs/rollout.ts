import type { CloudMapRegistry } from '../servicediscovery/ecs-registry';
import { nextId } from './arns';
import type { DeploymentEventSink } from './deployment-events';
import { findTaskDefinition } from './task-definitions';
import { objectList, optNumber, optString } from './input';
import type { DeploymentRecord, EcsState, ServiceRecord } from './state';

const MAX_EVENTS = 100;

/** What moving services forward touches outside ECS: Cloud Map registrations and EventBridge. */
export interface RolloutDeps {
  registry: CloudMapRegistry;
  emitDeploymentEvent: DeploymentEventSink;
}

export function addEvent(state: EcsState, s: ServiceRecord, now: number, message: string): void {
  // DescribeServices lists events newest first.
  s.events.unshift({ id: nextId(state, 'event'), createdAt: now, message: `(service ${s.serviceName}) ${message}` });
  s.events.length = Math.min(s.events.length, MAX_EVENTS);
}

/**
 * Moves every service forward to `now`: completes rollouts whose time has come (runningCount reaches desiredCount,
 * older deployments go away, tasks are (de)registered in Cloud Map) and turns DRAINING services INACTIVE.
 */
export function advance(state: EcsState, now: number, deps: RolloutDeps, region: string): void {
  const registry = deps.registry;
  for (const s of Object.values(state.services)) {
    if (s.status === 'DRAINING' && s.inactiveAt !== undefined && s.inactiveAt <= now) {
      s.status = 'INACTIVE';
      for (const d of s.deployments) d.runningCount = 0;
      syncTasks(state, s, 0, now, registry, region);
      continue;
    }
    if (s.status !== 'ACTIVE') continue;
    const primary = s.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary || primary.completesAt > now) continue;
    if (primary.rolloutState === 'IN_PROGRESS') {
      completeDeployment(state, s, primary, now, registry, region);
      deps.emitDeploymentEvent(s, primary, 'SERVICE_DEPLOYMENT_COMPLETED', now);
    } else if (primary.runningCount !== primary.desiredCount) {
      primary.runningCount = primary.desiredCount;
      primary.updatedAt = now;
      syncTasks(state, s, primary.desiredCount, now, registry, region);
      addEvent(state, s, now, 'has reached a steady state.');
    }
  }
}

function completeDeployment(
  state: EcsState,
  s: ServiceRecord,
  primary: DeploymentRecord,
  now: number,
  registry: CloudMapRegistry,
  region: string,
): void {
  primary.rolloutState = 'COMPLETED';
  primary.runningCount = primary.desiredCount;
  primary.updatedAt = now;
  s.deployments = [primary];
  // A new deployment replaces every task, so drop the old ones from Cloud Map before registering new ones.
  syncTasks(state, s, 0, now, registry, region);
  syncTasks(state, s, primary.desiredCount, now, registry, region);
  if (primary.desiredCount > 0) {
    const started = s.taskIds.map((t) => `(task ${t})`).join(' ');
    addEvent(state, s, now, `has started ${primary.desiredCount} tasks: ${started}.`);
  }
  addEvent(state, s, now, `(deployment ${primary.id}) deployment completed.`);
  addEvent(state, s, now, 'has reached a steady state.');
}

/** Grows or shrinks the service's task list to `count`, keeping Cloud Map registrations in step. */
function syncTasks(
  state: EcsState,
  s: ServiceRecord,
  count: number,
  now: number,
  registry: CloudMapRegistry,
  region: string,
): void {
  while (s.taskIds.length > count) {
    const taskId = s.taskIds.pop();
    if (taskId === undefined) break;
    for (const arn of s.registeredIn) registry.deregister(arn, taskId);
  }
  if (s.taskIds.length === 0) {
    // Tasks started from here on register where the service's current deployment says.
    s.registeredIn = objectList(s.fields, 'serviceRegistries').map((r) => optString(r, 'registryArn') ?? '');
  }
  const entries = objectList(s.fields, 'serviceRegistries');
  while (s.taskIds.length < count) {
    const taskId = nextId(state, 'task');
    const index = s.taskIds.length;
    s.taskIds.push(taskId);
    for (const r of entries) {
      const arn = optString(r, 'registryArn') ?? '';
      const found = s.registeredIn.includes(arn) ? registry.findService(arn) : undefined;
      if (!found) continue;
      registry.register(arn, taskId, instanceAttributes(state, s, r, found.usesSrv, index, region), now);
    }
  }
}

function instanceAttributes(
  state: EcsState,
  s: ServiceRecord,
  registryEntry: Record<string, unknown>,
  usesSrv: boolean,
  index: number,
  region: string,
): Record<string, string> {
  const td = findTaskDefinition(state, s.taskDefinition)?.taskDefinition;
  const family = td ? String(td['family']) : '';
  const zones = ['a', 'b', 'c'];
  const attributes: Record<string, string> = {
    AWS_INSTANCE_IPV4: `10.0.${Math.floor(index / 250) + 1}.${(index % 250) + 4}`,
    AWS_INIT_HEALTH_STATUS: 'HEALTHY',
    AVAILABILITY_ZONE: `${region}${zones[index % zones.length] ?? 'a'}`,
    REGION: region,
    ECS_CLUSTER_NAME: s.clusterName,
    ECS_SERVICE_NAME: s.serviceName,
    ECS_TASK_DEFINITION_FAMILY: family,
  };
  if (usesSrv) {
    const port = optNumber(registryEntry, 'containerPort') ?? optNumber(registryEntry, 'port') ?? firstPort(td);
    if (port !== undefined) attributes['AWS_INSTANCE_PORT'] = String(port);
  }
  return attributes;
}

function firstPort(td: Record<string, unknown> | undefined): number | undefined {
  if (!td) return undefined;
  for (const c of objectList(td, 'containerDefinitions')) {
    for (const pm of objectList(c, 'portMappings')) {
      const port = optNumber(pm, 'containerPort');
      if (port !== undefined) return port;
    }
  }
  return undefined;
}
