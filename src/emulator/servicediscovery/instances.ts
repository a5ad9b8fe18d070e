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
  delete service.instances[instanceId];
}
