import type { CallContext } from '../contracts';
import { callerArn, nextId, serviceArn, serviceNameOf } from './arns';
import { requireCluster } from './clusters';
import { ecsErrors } from './errors';
import {
  canonicalJson,
  clone,
  objectList,
  optArray,
  optBoolean,
  optNumber,
  optObject,
  optString,
  stringList,
  type JsonObject,
} from './input';
import type { EcsEmulatorOptions } from './options';
import { addEvent, type RolloutDeps } from './rollout';
import { serviceView } from './service-view';
import type { DeploymentRecord, EcsState, ServiceRecord } from './state';
import { mergeTags, readTags } from './tags';
import { findTaskDefinition } from './task-definitions';

const SERVICE_NAME_RE = /^[a-zA-Z0-9_-]{1,255}$/;

export interface ServiceDeps extends RolloutDeps {
  options: EcsEmulatorOptions;
}

export const serviceKey = (cluster: string, name: string): string => `${cluster}/${name}`;

/**
 * Resolves the task definition a service runs, with ECS's errors: an empty reference is "Family should not be null
 * or empty." and a non-numeric revision "Invalid revision number. Number: <rev>" (both InvalidParameterException,
 * as terraform-provider-aws#27389 / #30313 and CodeDeploy's ECS_UPDATE_ERROR show them).
 */
function resolveTaskDefinition(state: EcsState, ref: string | undefined): JsonObject {
  if (ref === undefined) throw ecsErrors.invalidParameter('TaskDefinition must be specified.');
  const spec = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
  const [family = '', revision] = spec.split(':');
  if (family === '') throw ecsErrors.invalidParameter('Family should not be null or empty.');
  if (revision !== undefined && !/^\d+$/.test(revision)) {
    throw ecsErrors.invalidParameter(`Invalid revision number. Number: ${revision}`);
  }
  const record = findTaskDefinition(state, ref);
  if (!record) throw ecsErrors.client('TaskDefinition not found.');
  if (record.taskDefinition['status'] !== 'ACTIVE') {
    throw ecsErrors.invalidParameter(`TaskDefinition is inactive`);
  }
  return record.taskDefinition;
}

/** The ECS checks that tie a service's launch settings to its task definition. */
function checkCompatibility(
  td: JsonObject,
  launchType: string | undefined,
  input: JsonObject,
  deps: ServiceDeps,
): void {
  const awsvpc = td['networkMode'] === 'awsvpc';
  const network = optObject(input, 'networkConfiguration');
  if (awsvpc && !network?.['awsvpcConfiguration']) {
    throw ecsErrors.invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (!awsvpc && network) {
    throw ecsErrors.invalidParameter(
      'Network Configuration is not valid for the given networkMode of this task definition.',
    );
  }
  if (launchType === 'FARGATE' && !stringList(td, 'compatibilities').includes('FARGATE')) {
    throw ecsErrors.invalidParameter('Task definition does not support launch_type FARGATE.');
  }
  const registries = objectList(input, 'serviceRegistries');
  if (registries.length > 1) throw ecsErrors.invalidParameter('Only one service registry is supported per service.');
  for (const r of registries) {
    const arn = optString(r, 'registryArn') ?? '';
    if (!deps.registry.findService(arn)) {
      throw ecsErrors.invalidParameter(`The service registry ${arn} does not exist or is not a Cloud Map service.`);
    }
  }
  const serviceConnect = optObject(input, 'serviceConnectConfiguration');
  const proxy = optObject(td, 'proxyConfiguration');
  if (serviceConnect?.['enabled'] === true && proxy && optString(proxy, 'type') === 'APPMESH') {
    throw ecsErrors.invalidParameter('Service Connect cannot be used with a task definition that uses App Mesh.');
  }
}

function isFargate(launchType: string | undefined, capacityProviders: JsonObject[]): boolean {
  return launchType === 'FARGATE' || capacityProviders.some((c) => String(c['capacityProvider']).startsWith('FARGATE'));
}

function withDeploymentDefaults(given: JsonObject | undefined, daemon: boolean): JsonObject {
  const g = given ?? {};
  return {
    ...clone(g),
    deploymentCircuitBreaker: optObject(g, 'deploymentCircuitBreaker') ?? { enable: false, rollback: false },
    maximumPercent: optNumber(g, 'maximumPercent') ?? (daemon ? 100 : 200),
    minimumHealthyPercent: optNumber(g, 'minimumHealthyPercent') ?? (daemon ? 0 : 100),
  };
}

function newDeployment(
  state: EcsState,
  s: Pick<ServiceRecord, 'fields' | 'desiredCount' | 'taskDefinition'>,
  serviceConnect: JsonObject | undefined,
  now: number,
  options: EcsEmulatorOptions,
): DeploymentRecord {
  const f = s.fields;
  const launchType = optString(f, 'launchType');
  const platformVersion = optString(f, 'platformVersion');
  const platformFamily = optString(f, 'platformFamily');
  const network = optObject(f, 'networkConfiguration');
  const capacity = optArray(f, 'capacityProviderStrategy');
  return {
    id: nextId(state, 'deployment'),
    status: 'PRIMARY',
    taskDefinition: s.taskDefinition,
    desiredCount: s.desiredCount,
    runningCount: 0,
    createdAt: now,
    updatedAt: now,
    completesAt: now + options.rolloutMs,
    rolloutState: 'IN_PROGRESS',
    ...(launchType ? { launchType } : {}),
    ...(platformVersion ? { platformVersion } : {}),
    ...(platformFamily ? { platformFamily } : {}),
    ...(network ? { networkConfiguration: network } : {}),
    ...(serviceConnect ? { serviceConnectConfiguration: serviceConnect } : {}),
    ...(capacity ? { capacityProviderStrategy: objectList(f, 'capacityProviderStrategy') } : {}),
  };
}

export function createService(state: EcsState, input: JsonObject, ctx: CallContext, deps: ServiceDeps): JsonObject {
  const cluster = requireCluster(state, optString(input, 'cluster'));
  const name = optString(input, 'serviceName') ?? '';
  if (!SERVICE_NAME_RE.test(name)) {
    throw ecsErrors.invalidParameter(
      'Service name can only contain letters, numbers, hyphens and underscores, and be up to 255 characters long.',
    );
  }
  const request = canonicalJson({ ...input, clientToken: undefined });
  const clientToken = optString(input, 'clientToken');
  if (clientToken !== undefined) {
    const seen = state.clientTokens[clientToken];
    if (seen) {
      const prior = state.services[seen.serviceKey];
      if (seen.request !== request || !prior)
        throw ecsErrors.invalidParameter('Creation of service was not idempotent.');
      return { service: serviceView(prior, cluster.clusterArn, true) };
    }
  }
  const existing = state.services[serviceKey(cluster.clusterName, name)];
  if (existing && existing.status !== 'INACTIVE') {
    // ECS treats an identical re-create of an ACTIVE service as a no-op; anything else is an error.
    if (existing.status === 'ACTIVE' && existing.createRequest === request) {
      return { service: serviceView(existing, cluster.clusterArn, true) };
    }
    throw ecsErrors.invalidParameter('Creation of service was not idempotent.');
  }

  const scheduling = optString(input, 'schedulingStrategy') ?? 'REPLICA';
  const daemon = scheduling === 'DAEMON';
  const capacity = objectList(input, 'capacityProviderStrategy');
  const launchType = optString(input, 'launchType') ?? (capacity.length > 0 ? undefined : 'EC2');
  if (launchType && capacity.length > 0) {
    throw ecsErrors.invalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  const td = resolveTaskDefinition(state, optString(input, 'taskDefinition'));
  checkCompatibility(td, launchType, input, deps);
  // The API reference: desiredCount "is required if schedulingStrategy is REPLICA or isn't specified".
  const given = optNumber(input, 'desiredCount');
  if (given === undefined && !daemon) {
    throw ecsErrors.invalidParameter(
      'desiredCount must be specified for services using the REPLICA scheduling strategy.',
    );
  }
  const desiredCount = given ?? 0;
  if (desiredCount < 0) throw ecsErrors.invalidParameter('Desired count must be greater than or equal to 0.');
  const fargate = isFargate(launchType, capacity);

  const fields: JsonObject = {
    loadBalancers: clone(objectList(input, 'loadBalancers')),
    serviceRegistries: clone(objectList(input, 'serviceRegistries')),
    ...(launchType ? { launchType } : {}),
    ...(capacity.length > 0 ? { capacityProviderStrategy: clone(capacity) } : {}),
    ...(fargate ? { platformVersion: optString(input, 'platformVersion') ?? 'LATEST', platformFamily: 'Linux' } : {}),
    deploymentConfiguration: withDeploymentDefaults(optObject(input, 'deploymentConfiguration'), daemon),
    placementConstraints: clone(objectList(input, 'placementConstraints')),
    placementStrategy: clone(objectList(input, 'placementStrategy')),
    ...(optObject(input, 'networkConfiguration') ? { networkConfiguration: clone(input['networkConfiguration']) } : {}),
    ...(optNumber(input, 'healthCheckGracePeriodSeconds') !== undefined
      ? { healthCheckGracePeriodSeconds: optNumber(input, 'healthCheckGracePeriodSeconds') }
      : {}),
    schedulingStrategy: scheduling,
    deploymentController: optObject(input, 'deploymentController') ?? { type: 'ECS' },
    ...(optString(input, 'role') ? { roleArn: optString(input, 'role') } : {}),
    enableECSManagedTags: optBoolean(input, 'enableECSManagedTags') ?? false,
    propagateTags: optString(input, 'propagateTags') ?? 'NONE',
    enableExecuteCommand: optBoolean(input, 'enableExecuteCommand') ?? false,
    ...(optString(input, 'availabilityZoneRebalancing')
      ? { availabilityZoneRebalancing: optString(input, 'availabilityZoneRebalancing') }
      : {}),
  };
  const record: ServiceRecord = {
    serviceArn: serviceArn(ctx, cluster.clusterName, name),
    serviceName: name,
    clusterName: cluster.clusterName,
    status: 'ACTIVE',
    fields,
    desiredCount,
    taskDefinition: String(td['taskDefinitionArn']),
    deployments: [],
    events: [],
    tags: mergeTags([], readTags(input)),
    createdAt: ctx.now,
    createdBy: callerArn(ctx),
    createRequest: request,
    taskIds: [],
    registeredIn: [],
  };
  const deployment = newDeployment(
    state,
    record,
    optObject(input, 'serviceConnectConfiguration'),
    ctx.now,
    deps.options,
  );
  record.deployments.push(deployment);
  deps.emitDeploymentEvent(record, deployment, 'SERVICE_DEPLOYMENT_IN_PROGRESS', ctx.now);
  state.services[serviceKey(cluster.clusterName, name)] = record;
  if (clientToken !== undefined) {
    state.clientTokens[clientToken] = { request, serviceKey: serviceKey(cluster.clusterName, name) };
  }
  return { service: serviceView(record, cluster.clusterArn, true) };
}

function requireService(state: EcsState, clusterName: string, ref: string): ServiceRecord {
  const s = state.services[serviceKey(clusterName, serviceNameOf(ref))];
  if (!s) throw ecsErrors.serviceNotFound();
  return s;
}

/** Fields whose change makes ECS start a new deployment (replace every task). */
const REDEPLOY_FIELDS = [
  'networkConfiguration',
  'platformVersion',
  'serviceRegistries',
  'loadBalancers',
  'capacityProviderStrategy',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
];

export function updateService(state: EcsState, input: JsonObject, ctx: CallContext, deps: ServiceDeps): JsonObject {
  const cluster = requireCluster(state, optString(input, 'cluster'));
  const s = requireService(state, cluster.clusterName, optString(input, 'service') ?? '');
  if (s.status !== 'ACTIVE') throw ecsErrors.serviceNotActive();

  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  const tdRef = optString(input, 'taskDefinition');
  const controller = optString(optObject(s.fields, 'deploymentController') ?? {}, 'type');
  if (controller === 'CODE_DEPLOY' && tdRef !== undefined) {
    // Verbatim from ECS (aws-cdk and CodeDeploy users quote it): blue/green services change tasks through CodeDeploy.
    throw ecsErrors.invalidParameter(
      'Unable to update task definition on services with a CODE_DEPLOY deployment controller. ' +
        'Use AWS CodeDeploy to trigger a new deployment.',
    );
  }
  const td =
    tdRef !== undefined
      ? resolveTaskDefinition(state, tdRef)
      : findTaskDefinition(state, s.taskDefinition)?.taskDefinition;
  const launchType = optString(s.fields, 'launchType');
  const merged: JsonObject = {
    networkConfiguration: input['networkConfiguration'] ?? s.fields['networkConfiguration'],
    serviceRegistries: input['serviceRegistries'] ?? s.fields['serviceRegistries'],
    serviceConnectConfiguration: input['serviceConnectConfiguration'] ?? primary?.serviceConnectConfiguration,
  };
  if (td) checkCompatibility(td, launchType, merged, deps);

  const newTd = td ? String(td['taskDefinitionArn']) : s.taskDefinition;
  const redeploy =
    optBoolean(input, 'forceNewDeployment') === true ||
    newTd !== s.taskDefinition ||
    REDEPLOY_FIELDS.some(
      (f) => input[f] !== undefined && canonicalJson(input[f]) !== canonicalJson(currentValue(s, primary, f)),
    );

  for (const f of [
    'networkConfiguration',
    'serviceRegistries',
    'loadBalancers',
    'capacityProviderStrategy',
    'placementConstraints',
    'placementStrategy',
    'healthCheckGracePeriodSeconds',
    'enableExecuteCommand',
    'enableECSManagedTags',
    'propagateTags',
    'availabilityZoneRebalancing',
    'deploymentController',
  ]) {
    if (input[f] !== undefined) s.fields[f] = clone(input[f]);
  }
  if (input['platformVersion'] !== undefined && s.fields['platformVersion'] !== undefined) {
    s.fields['platformVersion'] = input['platformVersion'];
  }
  const deploymentConfiguration = optObject(input, 'deploymentConfiguration');
  if (deploymentConfiguration) {
    s.fields['deploymentConfiguration'] = {
      ...optObject(s.fields, 'deploymentConfiguration'),
      ...clone(deploymentConfiguration),
    };
  }
  const desired = optNumber(input, 'desiredCount');
  if (desired !== undefined) {
    if (desired < 0) throw ecsErrors.invalidParameter('Desired count must be greater than or equal to 0.');
    s.desiredCount = desired;
  }
  s.taskDefinition = newTd;

  if (redeploy || !primary) {
    for (const d of s.deployments) d.status = 'ACTIVE';
    const serviceConnect = optObject(input, 'serviceConnectConfiguration') ?? primary?.serviceConnectConfiguration;
    const deployment = newDeployment(state, s, serviceConnect, ctx.now, deps.options);
    s.deployments.unshift(deployment);
    deps.emitDeploymentEvent(s, deployment, 'SERVICE_DEPLOYMENT_IN_PROGRESS', ctx.now);
  } else if (desired !== undefined && desired !== primary.desiredCount) {
    primary.desiredCount = desired;
    primary.updatedAt = ctx.now;
    primary.completesAt = ctx.now + deps.options.rolloutMs;
    addEvent(state, s, ctx.now, `has updated its desired count to ${desired}.`);
  }
  return { service: serviceView(s, cluster.clusterArn, false) };
}

function currentValue(s: ServiceRecord, primary: DeploymentRecord | undefined, field: string): unknown {
  if (field === 'serviceConnectConfiguration') return primary?.serviceConnectConfiguration;
  return s.fields[field];
}

export function deleteService(state: EcsState, input: JsonObject, ctx: CallContext, deps: ServiceDeps): JsonObject {
  const cluster = requireCluster(state, optString(input, 'cluster'));
  const s = requireService(state, cluster.clusterName, optString(input, 'service') ?? '');
  if (s.status !== 'ACTIVE') throw ecsErrors.serviceNotActive();
  const replica = s.fields['schedulingStrategy'] !== 'DAEMON';
  // ECS refuses to delete a REPLICA service that still wants tasks unless forced; DAEMON services need no force.
  if (replica && s.desiredCount > 0 && optBoolean(input, 'force') !== true) {
    throw ecsErrors.invalidParameter('The service cannot be stopped while it is scaled above 0.');
  }
  s.desiredCount = 0;
  for (const d of s.deployments) d.desiredCount = 0;
  s.status = 'DRAINING';
  s.inactiveAt = ctx.now + deps.options.drainMs;
  return { service: serviceView(s, cluster.clusterArn, false) };
}
