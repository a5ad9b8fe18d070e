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
import { normalizeServiceConnect, normalizeVpcLattice, type ServiceConnectResult } from './service-connect';
import { effectiveStrategy, startServiceDeployment } from './service-deployments';
import { serviceView } from './service-view';
import type { DeploymentRecord, EcsState, ServiceRecord } from './state';
import { mergeTags, readTags } from './tags';
import { findTaskDefinition } from './task-definitions';

const SERVICE_NAME_RE = /^[a-zA-Z0-9_-]{1,255}$/;

export type ServiceDeps = RolloutDeps;

/** The API reference (ECS_Idempotency.html): "up to 36 ASCII characters in the range of 33-126 (inclusive)". */
const CLIENT_TOKEN_RE = /^[\x21-\x7e]{1,36}$/;

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

/**
 * The deploymentConfiguration DescribeServices shows: AWS-FACTS.md's verified defaults (maximumPercent 200,
 * minimumHealthyPercent 100, circuit breaker {enable false, rollback false}, strategy ROLLING) and, with
 * `ecspressoDeploymentDefaults`, the ones ecspresso's fillDeploymentConfigurationDefaults fills.
 */
export function withDeploymentDefaults(
  given: JsonObject | undefined,
  daemon: boolean,
  options: Pick<EcsEmulatorOptions, 'ecspressoDeploymentDefaults'>,
): JsonObject {
  const g = given ?? {};
  const out: JsonObject = {
    ...clone(g),
    deploymentCircuitBreaker: clone(optObject(g, 'deploymentCircuitBreaker') ?? { enable: false, rollback: false }),
    maximumPercent: optNumber(g, 'maximumPercent') ?? (daemon ? 100 : 200),
    minimumHealthyPercent: optNumber(g, 'minimumHealthyPercent') ?? (daemon ? 0 : 100),
    strategy: optString(g, 'strategy') ?? 'ROLLING',
  };
  if (!options.ecspressoDeploymentDefaults) return out;
  const cb = optObject(out, 'deploymentCircuitBreaker') ?? {};
  cb['resetOnHealthyTask'] ??= true;
  cb['thresholdConfiguration'] ??= { type: 'BOUNDED_PERCENT', value: 50 };
  out['bakeTimeInMinutes'] ??= 0;
  const early = optObject(out, 'earlySuccessCriteria');
  if (early) {
    early['healthyPercent'] ??= 100;
    early['sourceServiceRevisionCleanup'] ??= 'BLOCKING';
  }
  out['lifecycleHooks'] = objectList(out, 'lifecycleHooks').map((h) => ({
    ...h,
    targetType: optString(h, 'targetType') ?? 'AWS_LAMBDA',
    timeoutConfiguration: {
      action: 'ROLLBACK',
      timeoutInMinutes: 1440,
      ...optObject(h, 'timeoutConfiguration'),
    },
  }));
  if (objectList(g, 'lifecycleHooks').length === 0 && g['lifecycleHooks'] === undefined) delete out['lifecycleHooks'];
  const e = effectiveStrategy(out);
  if (e.strategy === 'LINEAR') out['linearConfiguration'] = { ...e.linear };
  if (e.strategy === 'CANARY') out['canaryConfiguration'] = { ...e.canary };
  return out;
}

/** ECS's checks of the deployment strategy (AWS-FACTS.md, ECS deployments). */
function checkStrategy(dc: JsonObject, controller: string, traffic: boolean): void {
  const strategy = optString(dc, 'strategy') ?? 'ROLLING';
  if (strategy !== 'ROLLING' && controller !== 'ECS') {
    throw ecsErrors.invalidParameter(
      `The ${strategy} deployment strategy is only supported with the ECS deployment controller.`,
    );
  }
  if (strategy !== 'ROLLING' && !traffic) {
    throw ecsErrors.invalidParameter(
      `The ${strategy} deployment strategy requires a load balancer, Service Connect or VPC Lattice.`,
    );
  }
  for (const h of objectList(dc, 'lifecycleHooks')) {
    if (optString(h, 'targetType') !== 'PAUSE' && optString(h, 'hookTargetArn') === undefined) {
      throw ecsErrors.invalidParameter('A lifecycle hook with targetType AWS_LAMBDA requires hookTargetArn.');
    }
  }
}

function newDeployment(
  state: EcsState,
  s: Pick<ServiceRecord, 'fields' | 'desiredCount' | 'taskDefinition'>,
  serviceConnect: ServiceConnectResult | undefined,
  lattice: JsonObject[] | undefined,
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
    ...(serviceConnect ? { serviceConnectConfiguration: serviceConnect.configuration } : {}),
    ...(serviceConnect && serviceConnect.resources.length > 0
      ? { serviceConnectResources: serviceConnect.resources }
      : {}),
    ...(lattice ? { vpcLatticeConfigurations: lattice } : {}),
    ...(capacity ? { capacityProviderStrategy: objectList(f, 'capacityProviderStrategy') } : {}),
  };
}

/** Linear, canary and blue/green deployments need something in front that shifts traffic. */
function hasTrafficControl(fields: JsonObject, serviceConnect: JsonObject | undefined, lattice: unknown): boolean {
  return (
    objectList(fields, 'loadBalancers').length > 0 ||
    serviceConnect?.['enabled'] === true ||
    (Array.isArray(lattice) && lattice.length > 0)
  );
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
  if (clientToken !== undefined && !CLIENT_TOKEN_RE.test(clientToken)) {
    throw ecsErrors.invalidParameter(
      'clientToken can be up to 36 ASCII characters in the range of 33-126 (inclusive).',
    );
  }
  if (clientToken !== undefined) {
    // ECS_Idempotency.html: a retry "using the same client token and the same parameters" succeeds without
    // performing any further actions; the same token with other parameters is refused.
    const seen = state.clientTokens[clientToken];
    if (seen) {
      const prior = state.services[seen.serviceKey];
      if (seen.request !== request || !prior)
        throw ecsErrors.invalidParameter('Creation of service was not idempotent.');
      return { service: serviceView(prior, cluster.clusterArn, true) };
    }
  }
  const existing = state.services[serviceKey(cluster.clusterName, name)];
  // The API reference: service names "must be unique within a cluster". Without the creating clientToken, a second
  // CreateService of an existing name is refused, identical or not.
  if (existing?.status === 'DRAINING') {
    throw ecsErrors.invalidParameter('Unable to Start a service that is still Draining.');
  }
  if (existing?.status === 'ACTIVE') throw ecsErrors.invalidParameter('Creation of service was not idempotent.');

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
    deploymentConfiguration: withDeploymentDefaults(optObject(input, 'deploymentConfiguration'), daemon, deps.options),
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
    // AWS-FACTS.md: services created since 2025-09 without it come back with availabilityZoneRebalancing ENABLED
    // (a DAEMON service has one task per instance, nothing to rebalance).
    ...(optString(input, 'availabilityZoneRebalancing') || !daemon
      ? { availabilityZoneRebalancing: optString(input, 'availabilityZoneRebalancing') ?? 'ENABLED' }
      : {}),
  };
  const lattice = normalizeVpcLattice(input['vpcLatticeConfigurations'], td, deps.latticeTargets, ctx.now);
  checkStrategy(
    optObject(fields, 'deploymentConfiguration') ?? {},
    optString(optObject(fields, 'deploymentController') ?? {}, 'type') ?? 'ECS',
    hasTrafficControl(fields, optObject(input, 'serviceConnectConfiguration'), lattice),
  );
  const serviceConnect = normalizeServiceConnect(
    optObject(input, 'serviceConnectConfiguration'),
    td,
    cluster,
    ctx,
    deps,
  );
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
  const deployment = newDeployment(state, record, serviceConnect, lattice, ctx.now, deps.options);
  record.deployments.push(deployment);
  state.services[serviceKey(cluster.clusterName, name)] = record;
  startServiceDeployment(state, record, deployment, ctx, deps);
  deps.emitDeploymentEvent(record, deployment, 'SERVICE_DEPLOYMENT_IN_PROGRESS', ctx.now);
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
  // UpdateService replaces serviceConnectConfiguration whole (AWS-FACTS.md); left out, the current one stays and is
  // checked again against a new task definition.
  const scInput = optObject(input, 'serviceConnectConfiguration') ?? primary?.serviceConnectConfiguration;
  const merged: JsonObject = {
    networkConfiguration: input['networkConfiguration'] ?? s.fields['networkConfiguration'],
    serviceRegistries: input['serviceRegistries'] ?? s.fields['serviceRegistries'],
    serviceConnectConfiguration: scInput,
  };
  if (td) checkCompatibility(td, launchType, merged, deps);
  const latticeGiven = input['vpcLatticeConfigurations'] !== undefined;
  const lattice = td
    ? normalizeVpcLattice(
        latticeGiven ? input['vpcLatticeConfigurations'] : primary?.vpcLatticeConfigurations,
        td,
        deps.latticeTargets,
        ctx.now,
      )
    : primary?.vpcLatticeConfigurations;
  const deploymentConfiguration = optObject(input, 'deploymentConfiguration');
  const nextConfiguration = deploymentConfiguration
    ? withDeploymentDefaults(
        { ...optObject(s.fields, 'deploymentConfiguration'), ...clone(deploymentConfiguration) },
        s.fields['schedulingStrategy'] === 'DAEMON',
        deps.options,
      )
    : optObject(s.fields, 'deploymentConfiguration');
  const nextFields = { ...s.fields, loadBalancers: input['loadBalancers'] ?? s.fields['loadBalancers'] };
  checkStrategy(
    nextConfiguration ?? {},
    optString(optObject(input, 'deploymentController') ?? optObject(s.fields, 'deploymentController') ?? {}, 'type') ??
      'ECS',
    hasTrafficControl(nextFields, scInput, lattice),
  );
  const desired = optNumber(input, 'desiredCount');
  if (desired !== undefined && desired < 0) {
    throw ecsErrors.invalidParameter('Desired count must be greater than or equal to 0.');
  }
  const serviceConnect = td ? normalizeServiceConnect(scInput, td, cluster, ctx, deps) : undefined;

  const newTd = td ? String(td['taskDefinitionArn']) : s.taskDefinition;
  const current = (f: string): unknown => currentValue(s, primary, f);
  const changed = (f: string, next: unknown): boolean => canonicalJson(next) !== canonicalJson(current(f));
  const redeploy =
    optBoolean(input, 'forceNewDeployment') === true ||
    newTd !== s.taskDefinition ||
    REDEPLOY_FIELDS.some((f) => {
      if (f === 'serviceConnectConfiguration') {
        return input[f] !== undefined && changed(f, serviceConnect?.configuration);
      }
      if (f === 'vpcLatticeConfigurations') return latticeGiven && changed(f, sortedConfigs(lattice));
      return input[f] !== undefined && changed(f, input[f]);
    });

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
  // Changing deploymentConfiguration alone starts no deployment (AWS-FACTS.md); the next deployment uses it.
  if (nextConfiguration) s.fields['deploymentConfiguration'] = nextConfiguration;
  if (desired !== undefined) s.desiredCount = desired;
  s.taskDefinition = newTd;

  if (redeploy || !primary) {
    for (const d of s.deployments) d.status = 'ACTIVE';
    const deployment = newDeployment(state, s, serviceConnect, lattice, ctx.now, deps.options);
    s.deployments.unshift(deployment);
    startServiceDeployment(state, s, deployment, ctx, deps);
    deps.emitDeploymentEvent(s, deployment, 'SERVICE_DEPLOYMENT_IN_PROGRESS', ctx.now);
  } else if (desired !== undefined && desired !== primary.desiredCount) {
    primary.desiredCount = desired;
    primary.updatedAt = ctx.now;
    primary.completesAt = ctx.now + deps.options.rolloutMs;
    addEvent(state, s, ctx.now, `has updated its desired count to ${desired}.`);
  }
  return { service: serviceView(s, cluster.clusterArn, false) };
}

/** The order of vpcLatticeConfigurations has no meaning (AWS-FACTS.md). */
function sortedConfigs(configs: JsonObject[] | undefined): JsonObject[] | undefined {
  return configs ? [...configs].sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b))) : undefined;
}

function currentValue(s: ServiceRecord, primary: DeploymentRecord | undefined, field: string): unknown {
  if (field === 'serviceConnectConfiguration') return primary?.serviceConnectConfiguration;
  if (field === 'vpcLatticeConfigurations') return sortedConfigs(primary?.vpcLatticeConfigurations);
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
