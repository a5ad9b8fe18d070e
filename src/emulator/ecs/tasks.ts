/**
 * The tasks of ECS services as bookkeeping: started when a deployment scales up, stopped when it is cleaned up or
 * the service drains. Starting and stopping keeps Cloud Map registrations (serviceRegistries and Service Connect) in
 * step and tells the event bus (task-events.ts), which the VPC Lattice emulator follows.
 */
import { nextId } from './arns';
import { objectList, optNumber, optString, type JsonObject } from './input';
import type { RolloutDeps } from './rollout';
import type { DeploymentRecord, EcsState, ServiceRecord } from './state';
import type { EcsLatticeTarget, EcsTaskEvent } from './task-events';
import { findTaskDefinition } from './task-definitions';

const ZONES = ['a', 'b', 'c'];

interface NamedPort {
  containerPort?: number;
  hostPort?: number;
  appProtocol?: string;
}

/** The task definition's port mappings by name (Service Connect and VPC Lattice refer to them by `portName`). */
export function namedPorts(td: JsonObject | undefined): Map<string, NamedPort> {
  const ports = new Map<string, NamedPort>();
  if (!td) return ports;
  for (const c of objectList(td, 'containerDefinitions')) {
    for (const pm of objectList(c, 'portMappings')) {
      const name = optString(pm, 'name');
      if (name === undefined) continue;
      const containerPort = optNumber(pm, 'containerPort');
      const hostPort = optNumber(pm, 'hostPort');
      const appProtocol = optString(pm, 'appProtocol');
      ports.set(name, {
        ...(containerPort !== undefined ? { containerPort } : {}),
        ...(hostPort !== undefined ? { hostPort } : {}),
        ...(appProtocol !== undefined ? { appProtocol } : {}),
      });
    }
  }
  return ports;
}

function firstPort(td: JsonObject | undefined): number | undefined {
  if (!td) return undefined;
  for (const c of objectList(td, 'containerDefinitions')) {
    for (const pm of objectList(c, 'portMappings')) {
      const port = optNumber(pm, 'containerPort');
      if (port !== undefined) return port;
    }
  }
  return undefined;
}

/** The port a target sees: the container port in awsvpc mode, the host port (dynamic ones from 32768) otherwise. */
function reachablePort(td: JsonObject | undefined, port: NamedPort | undefined, address: number): number {
  if (td?.['networkMode'] === 'awsvpc') return port?.containerPort ?? 0;
  if (port?.hostPort !== undefined && port.hostPort > 0) return port.hostPort;
  return 32768 + (address % 28000);
}

interface Registration {
  arn: string;
  port?: number;
}

/** Where a task of `deployment` registers in Cloud Map: the service's registries and its Service Connect services. */
function registrationsFor(state: EcsState, s: ServiceRecord, deployment: DeploymentRecord, deps: RolloutDeps) {
  const td = findTaskDefinition(state, deployment.taskDefinition)?.taskDefinition;
  const out: Registration[] = [];
  for (const r of objectList(s.fields, 'serviceRegistries')) {
    const arn = optString(r, 'registryArn') ?? '';
    const found = deps.registry.findService(arn);
    if (!found) continue;
    const port = optNumber(r, 'containerPort') ?? optNumber(r, 'port') ?? firstPort(td);
    out.push({ arn, ...(found.usesSrv && port !== undefined ? { port } : {}) });
  }
  const ports = namedPorts(td);
  const services = objectList(deployment.serviceConnectConfiguration ?? {}, 'services');
  for (const resource of deployment.serviceConnectResources ?? []) {
    const arn = optString(resource, 'discoveryArn');
    if (!arn) continue;
    const entry = services.find(
      (e) => (optString(e, 'discoveryName') ?? optString(e, 'portName')) === optString(resource, 'discoveryName'),
    );
    const port = entry ? ports.get(optString(entry, 'portName') ?? '')?.containerPort : undefined;
    out.push({ arn, ...(port !== undefined ? { port } : {}) });
  }
  return { td, registrations: out };
}

function taskArnOf(s: ServiceRecord, taskId: string): string {
  return s.serviceArn.replace(':service/', ':task/').replace(/\/[^/]+$/, `/${taskId}`);
}

/** Starts `count` tasks of `deployment`: Cloud Map instances and TASK_STARTED events. */
export function startTasks(
  state: EcsState,
  s: ServiceRecord,
  deployment: DeploymentRecord,
  count: number,
  now: number,
  deps: RolloutDeps,
  region: string,
): void {
  const { td, registrations } = registrationsFor(state, s, deployment, deps);
  const ports = namedPorts(td);
  const family = td ? String(td['family']) : '';
  s.tasks ??= {};
  for (let i = 0; i < count; i += 1) {
    const taskId = nextId(state, 'task');
    const address = state.taskAddresses;
    state.taskAddresses += 1;
    const ipv4 = `10.0.${Math.floor(address / 250) + 1}.${(address % 250) + 4}`;
    const latticeTargets: EcsLatticeTarget[] = (deployment.vpcLatticeConfigurations ?? []).map((c) => {
      const portName = optString(c, 'portName') ?? '';
      return {
        targetGroupArn: optString(c, 'targetGroupArn') ?? '',
        portName,
        port: reachablePort(td, ports.get(portName), address),
      };
    });
    const event: EcsTaskEvent = {
      type: 'TASK_STARTED',
      clusterName: s.clusterName,
      serviceName: s.serviceName,
      serviceArn: s.serviceArn,
      taskId,
      taskArn: taskArnOf(s, taskId),
      deploymentId: deployment.id,
      ipv4,
      latticeTargets,
      at: now,
    };
    const attributes: Record<string, string> = {
      AWS_INSTANCE_IPV4: ipv4,
      AWS_INIT_HEALTH_STATUS: 'HEALTHY',
      AVAILABILITY_ZONE: `${region}${ZONES[address % ZONES.length] ?? 'a'}`,
      REGION: region,
      ECS_CLUSTER_NAME: s.clusterName,
      ECS_SERVICE_NAME: s.serviceName,
      ECS_TASK_DEFINITION_FAMILY: family,
    };
    for (const r of registrations) {
      const withPort = r.port !== undefined ? { ...attributes, AWS_INSTANCE_PORT: String(r.port) } : attributes;
      deps.registry.register(r.arn, taskId, withPort, now);
    }
    s.taskIds.push(taskId);
    s.tasks[taskId] = { event, registeredIn: registrations.map((r) => r.arn) };
    deps.events.emit(event);
  }
  s.registeredIn = [...new Set(Object.values(s.tasks).flatMap((t) => t.registeredIn))];
}

/** Stops the tasks `which` selects (all by default): Cloud Map deregistration and TASK_STOPPED events. */
export function stopTasks(
  s: ServiceRecord,
  now: number,
  deps: RolloutDeps,
  which: (deploymentId: string | undefined) => boolean = () => true,
  limit = Number.POSITIVE_INFINITY,
): void {
  let stopped = 0;
  // The newest tasks stop first, as a scale-in does.
  for (const taskId of [...s.taskIds].reverse()) {
    if (stopped >= limit) break;
    const task = s.tasks?.[taskId];
    if (!which(task?.event.deploymentId)) continue;
    // Tasks from snapshots written before per-task records existed are registered where the service said.
    for (const arn of task?.registeredIn ?? s.registeredIn) deps.registry.deregister(arn, taskId);
    s.taskIds = s.taskIds.filter((t) => t !== taskId);
    if (task) {
      delete s.tasks?.[taskId];
      deps.events.emit({ ...task.event, type: 'TASK_STOPPED', at: now });
    }
    stopped += 1;
  }
  s.registeredIn = [...new Set(Object.values(s.tasks ?? {}).flatMap((t) => t.registeredIn))];
}

export function tasksOf(s: ServiceRecord, deploymentId: string): number {
  return s.taskIds.filter((t) => s.tasks?.[t]?.event.deploymentId === deploymentId).length;
}

/** Every running task of every service, as TASK_STARTED events (EcsEventBus.runningTasks). */
export function runningTaskEvents(state: EcsState): EcsTaskEvent[] {
  return Object.values(state.services).flatMap((s) =>
    s.taskIds.flatMap((t) => {
      const task = s.tasks?.[t];
      return task ? [task.event] : [];
    }),
  );
}
