import type { CallContext } from '../contracts';
import { isObject, optNumber, optString, type JsonObject } from '../ecs/input';
import { paginate } from '../ecs/paging';
import { cloudMapErrors } from './errors';
import { newOperationId } from './ids';
import { recordOperation } from './namespaces';
import { requireService } from './services';
import type { CloudMapState, ServiceRecord } from './state';

/** RegisterInstance is an upsert in Cloud Map: the same InstanceId replaces the attributes. */
export function putInstance(
  state: CloudMapState,
  service: ServiceRecord,
  instanceId: string,
  attributes: Record<string, string>,
  now: number,
  creatorRequestId?: string,
): string {
  service.instances[instanceId] = {
    Id: instanceId,
    Attributes: { ...attributes },
    CreatedAt: service.instances[instanceId]?.CreatedAt ?? now,
    ...(creatorRequestId !== undefined ? { CreatorRequestId: creatorRequestId } : {}),
  };
  service.revision = (service.revision ?? 1) + 1;
  const operationId = newOperationId(state);
  recordOperation(state, operationId, 'REGISTER_INSTANCE', { SERVICE: service.Id, INSTANCE: instanceId }, now);
  return operationId;
}

export function registerInstance(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  const service = requireService(state, optString(input, 'ServiceId') ?? '');
  const raw = input['Attributes'];
  const attributes: Record<string, string> = {};
  if (isObject(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') attributes[k] = v;
  const needsAddress = service.DnsConfig !== undefined;
  if (
    needsAddress &&
    !attributes['AWS_INSTANCE_IPV4'] &&
    !attributes['AWS_INSTANCE_IPV6'] &&
    !attributes['AWS_INSTANCE_CNAME']
  ) {
    throw cloudMapErrors.invalidInput(
      'An instance of a DNS service needs AWS_INSTANCE_IPV4, AWS_INSTANCE_IPV6 or AWS_INSTANCE_CNAME.',
    );
  }
  const operationId = putInstance(
    state,
    service,
    optString(input, 'InstanceId') ?? '',
    attributes,
    ctx.now,
    optString(input, 'CreatorRequestId'),
  );
  return { OperationId: operationId };
}

export function deregisterInstance(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  const service = requireService(state, optString(input, 'ServiceId') ?? '');
  const instanceId = optString(input, 'InstanceId') ?? '';
  if (!service.instances[instanceId]) throw cloudMapErrors.instanceNotFound(instanceId);
  delete service.instances[instanceId];
  service.revision = (service.revision ?? 1) + 1;
  const operationId = newOperationId(state);
  recordOperation(state, operationId, 'DEREGISTER_INSTANCE', { SERVICE: service.Id, INSTANCE: instanceId }, ctx.now);
  return { OperationId: operationId };
}

export function listInstances(state: CloudMapState, input: JsonObject): JsonObject {
  const service = requireService(state, optString(input, 'ServiceId') ?? '');
  const all = Object.values(service.instances).sort((a, b) => a.CreatedAt - b.CreatedAt || a.Id.localeCompare(b.Id));
  const page = paginate(
    all,
    optNumber(input, 'MaxResults') ?? 100,
    optString(input, 'NextToken'),
    `inst|${service.Id}`,
    cloudMapErrors.badToken,
  );
  const account = service.Arn.split(':')[4];
  return {
    Instances: page.items.map((i) => ({ Id: i.Id, Attributes: i.Attributes, CreatedByAccount: account })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export function getInstance(state: CloudMapState, input: JsonObject): JsonObject {
  const service = requireService(state, optString(input, 'ServiceId') ?? '');
  const instanceId = optString(input, 'InstanceId') ?? '';
  const i = service.instances[instanceId];
  if (!i) throw cloudMapErrors.instanceNotFound(instanceId);
  return {
    ResourceOwner: service.Arn.split(':')[4],
    Instance: {
      Id: i.Id,
      Attributes: i.Attributes,
      CreatedByAccount: service.Arn.split(':')[4],
      ...(i.CreatorRequestId !== undefined ? { CreatorRequestId: i.CreatorRequestId } : {}),
    },
  };
}

/** Removes an instance without an operation record; used when ECS stops a task. */
export function dropInstance(service: ServiceRecord, instanceId: string): void {
  if (!service.instances[instanceId]) return;
  delete service.instances[instanceId];
  service.revision = (service.revision ?? 1) + 1;
}

const HEALTH_FILTERS = ['HEALTHY', 'UNHEALTHY', 'ALL', 'HEALTHY_OR_ELSE_ALL'];

/** An instance's health as DiscoverInstances reports it: custom health starts at AWS_INIT_HEALTH_STATUS. */
function healthOf(attributes: Record<string, string>): 'HEALTHY' | 'UNHEALTHY' {
  return attributes['AWS_INIT_HEALTH_STATUS'] === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY';
}

function attributesMatch(attributes: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => attributes[k] === v);
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * DiscoverInstances (the data plane; the SDK sends it to the `data-` host prefix, see README): instances of the
 * service named `ServiceName` in the namespace named `NamespaceName`, filtered by health (default HEALTHY),
 * `QueryParameters` (all must match) and `OptionalParameters` (applied only when some instance matches them).
 */
export function discoverInstances(state: CloudMapState, input: JsonObject): JsonObject {
  const namespaceName = optString(input, 'NamespaceName') ?? '';
  const serviceName = optString(input, 'ServiceName') ?? '';
  const ns = Object.values(state.namespaces).find((n) => n.Name === namespaceName);
  if (!ns) throw cloudMapErrors.namespaceNotFound(namespaceName);
  const service = Object.values(state.services).find((s) => s.NamespaceId === ns.Id && s.Name === serviceName);
  if (!service) throw cloudMapErrors.serviceNotFound(serviceName);
  const health = optString(input, 'HealthStatus') ?? 'HEALTHY';
  if (!HEALTH_FILTERS.includes(health)) throw cloudMapErrors.invalidInput(`HealthStatus ${health} is not valid.`);
  const query = stringMap(input['QueryParameters']);
  const optional = stringMap(input['OptionalParameters']);
  const all = Object.values(service.instances)
    .sort((a, b) => a.CreatedAt - b.CreatedAt || a.Id.localeCompare(b.Id))
    .filter((i) => attributesMatch(i.Attributes, query));
  const healthy = all.filter((i) => healthOf(i.Attributes) === 'HEALTHY');
  let chosen =
    health === 'ALL'
      ? all
      : health === 'UNHEALTHY'
        ? all.filter((i) => healthOf(i.Attributes) === 'UNHEALTHY')
        : health === 'HEALTHY_OR_ELSE_ALL' && healthy.length === 0
          ? all
          : healthy;
  const withOptional = chosen.filter((i) => attributesMatch(i.Attributes, optional));
  if (withOptional.length > 0) chosen = withOptional;
  const max = optNumber(input, 'MaxResults') ?? 100;
  return {
    Instances: chosen.slice(0, max).map((i) => ({
      InstanceId: i.Id,
      NamespaceName: ns.Name,
      ServiceName: service.Name,
      HealthStatus: healthOf(i.Attributes),
      Attributes: i.Attributes,
    })),
    InstancesRevision: service.revision ?? 1,
  };
}
