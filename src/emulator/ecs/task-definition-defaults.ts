import { clone, objectList, optArray, optNumber, optObject, optString, type JsonObject } from './input';
import { ecsErrors } from './errors';
import type { EcsEmulatorOptions } from './options';
import { assertFargateSize, isFargateSize, normalizeCpu, normalizeMemory } from './task-size';

/** Container list fields that DescribeTaskDefinition returns as [] when they were not given. */
const CONTAINER_EMPTY_LISTS = ['portMappings', 'environment', 'mountPoints', 'volumesFrom', 'systemControls'];

/**
 * Validates a RegisterTaskDefinition request the way ECS does beyond the model (Fargate rules, container
 * consistency) and returns the task definition body with ECS's server defaults filled in. Server-only fields
 * (arn, revision, status, registeredAt, ...) are added by the caller.
 */
export function buildTaskDefinitionBody(
  input: JsonObject,
  options: Pick<EcsEmulatorOptions, 'bridgeHostPort'>,
): JsonObject {
  const body = clone(input);
  delete body['tags'];
  // DescribeTaskDefinition shows `enableFaultInjection: false` on every task definition, given or not
  // (since 2025-01; aws-actions/amazon-ecs-deploy-task-definition #701, #706).
  body['enableFaultInjection'] = input['enableFaultInjection'] === true;

  const networkMode = optString(body, 'networkMode');
  const requires = (optArray(body, 'requiresCompatibilities') ?? []).filter((v) => typeof v === 'string');
  const fargate = requires.includes('FARGATE');

  const cpu = optString(body, 'cpu');
  const memory = optString(body, 'memory');
  if (cpu !== undefined) body['cpu'] = normalizeCpu(cpu);
  if (memory !== undefined) body['memory'] = normalizeMemory(memory);

  if (fargate) {
    if (networkMode !== 'awsvpc') throw ecsErrors.client('Fargate only supports network mode \u2018awsvpc\u2019.');
    if (body['cpu'] === undefined) throw ecsErrors.client("Fargate requires that 'cpu' be defined at the task level.");
    if (body['memory'] === undefined) {
      throw ecsErrors.client("Fargate requires that 'memory' be defined at the task level.");
    }
    if (optString(body, 'ipcMode') !== undefined) {
      throw ecsErrors.client('Tasks using the Fargate launch type do not support ipcMode.');
    }
    assertFargateSize(String(body['cpu']), String(body['memory']));
  }

  const containers = objectList(body, 'containerDefinitions');
  if (containers.length === 0) throw ecsErrors.client('Container list cannot be empty.');
  const names = new Set<string>();
  const taskMemory = body['memory'] === undefined ? undefined : Number(body['memory']);
  body['containerDefinitions'] = containers.map((c) => {
    const name = optString(c, 'name');
    if (!name) throw ecsErrors.client('Container.name should not be null or empty.');
    if (!optString(c, 'image')) throw ecsErrors.client('Container.image should not be null or empty.');
    if (names.has(name)) throw ecsErrors.client(`Duplicate container name: ${name}.`);
    names.add(name);
    const containerMemory = optNumber(c, 'memory');
    if (taskMemory === undefined && containerMemory === undefined && optNumber(c, 'memoryReservation') === undefined) {
      throw ecsErrors.client(
        `Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
    if (taskMemory !== undefined && containerMemory !== undefined && containerMemory > taskMemory) {
      throw ecsErrors.client(`The 'memory' setting for container '${name}' is greater than for the task.`);
    }
    if (networkMode === 'awsvpc' && optString(c, 'hostname') !== undefined) {
      throw ecsErrors.client('hostname is not supported on container when networkMode=awsvpc.');
    }
    return containerWithDefaults(c, networkMode, options);
  });

  body['volumes'] = optArray(body, 'volumes') ?? [];
  body['placementConstraints'] = optArray(body, 'placementConstraints') ?? [];
  return body;
}

function containerWithDefaults(
  container: JsonObject,
  networkMode: string | undefined,
  options: Pick<EcsEmulatorOptions, 'bridgeHostPort'>,
): JsonObject {
  const c: JsonObject = { ...container };
  if (c['essential'] === undefined) c['essential'] = true;
  // ECS reports an unset container cpu as 0 units.
  if (c['cpu'] === undefined) c['cpu'] = 0;
  for (const key of CONTAINER_EMPTY_LISTS) if (c[key] === undefined) c[key] = [];
  c['portMappings'] = objectList(c, 'portMappings').map((pm) => {
    const out: JsonObject = { ...pm };
    const containerPort = optNumber(pm, 'containerPort');
    const hostPort = optNumber(pm, 'hostPort');
    if ((networkMode === 'awsvpc' || networkMode === 'host') && containerPort !== undefined) {
      if (hostPort !== undefined && hostPort !== containerPort) {
        throw ecsErrors.client(
          `When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`,
        );
      }
      out['hostPort'] = containerPort;
    } else if ((networkMode === undefined || networkMode === 'bridge') && hostPort === undefined) {
      // Bridge mode (the default on EC2) without a hostPort means a dynamic host port; what Describe shows for it
      // is unverified (EcsEmulatorOptions.bridgeHostPort).
      if (containerPort !== undefined && options.bridgeHostPort === 'zero') out['hostPort'] = 0;
    }
    if (out['protocol'] === undefined) out['protocol'] = 'tcp';
    return out;
  });
  const healthCheck = optObject(c, 'healthCheck');
  if (healthCheck) {
    c['healthCheck'] = {
      ...healthCheck,
      interval: optNumber(healthCheck, 'interval') ?? 30,
      timeout: optNumber(healthCheck, 'timeout') ?? 5,
      retries: optNumber(healthCheck, 'retries') ?? 3,
    };
  }
  return c;
}

/** The capabilities ECS derives from what a task definition uses (a representative subset). */
export function requiresAttributes(body: JsonObject): JsonObject[] {
  const names = new Set<string>();
  const containers = objectList(body, 'containerDefinitions');
  if (optString(body, 'networkMode') === 'awsvpc') names.add('ecs.capability.task-eni');
  if (optString(body, 'taskRoleArn')) names.add('com.amazonaws.ecs.capability.task-iam-role');
  if (optObject(body, 'proxyConfiguration')) names.add('ecs.capability.aws-appmesh');
  for (const c of containers) {
    if (optObject(c, 'healthCheck')) names.add('ecs.capability.container-health-check');
    if ((optArray(c, 'dependsOn') ?? []).length > 0) names.add('ecs.capability.container-ordering');
    const log = optObject(c, 'logConfiguration');
    if (log && optString(log, 'logDriver') === 'awslogs') {
      names.add('com.amazonaws.ecs.capability.logging-driver.awslogs');
      if (optString(body, 'executionRoleArn')) names.add('ecs.capability.execution-role-awslogs');
    }
    if ((optArray(c, 'secrets') ?? []).length > 0) names.add('ecs.capability.secrets.asm.environment-variables');
  }
  if (optString(body, 'executionRoleArn')) names.add('ecs.capability.execution-role-ecr-pull');
  return [...names].sort().map((name) => ({ name }));
}

/** What the task definition can run on: EC2 always; FARGATE when awsvpc with a valid Fargate size. */
export function compatibilities(body: JsonObject): string[] {
  const cpu = optString(body, 'cpu');
  const memory = optString(body, 'memory');
  const fargate =
    optString(body, 'networkMode') === 'awsvpc' &&
    cpu !== undefined &&
    memory !== undefined &&
    isFargateSize(cpu, memory);
  return fargate ? ['EC2', 'FARGATE'] : ['EC2'];
}
