import type { CallContext } from '../contracts';
import {
  canonicalJson,
  clone,
  epochSeconds,
  objectList,
  optNumber,
  optObject,
  optString,
  type JsonObject,
} from '../ecs/input';
import { paginate } from '../ecs/paging';
import { AwsApiErrorWithFields, cloudMapErrors } from './errors';
import { idOf, newOperationId, newServiceId, serviceArn } from './ids';
import { matchesFilter, recordOperation, requireNamespace } from './namespaces';
import type { CloudMapState, ServiceRecord } from './state';
import { mergeTags, readTags } from './tags';

export function createService(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  const name = optString(input, 'Name') ?? '';
  const dnsConfig = optObject(input, 'DnsConfig');
  const namespaceRef = optString(input, 'NamespaceId') ?? (dnsConfig && optString(dnsConfig, 'NamespaceId'));
  if (!namespaceRef) throw cloudMapErrors.invalidInput('NamespaceId is required.');
  const ns = requireNamespace(state, namespaceRef);
  const creatorRequestId = optString(input, 'CreatorRequestId');

  const existing = Object.values(state.services).find((s) => s.NamespaceId === ns.Id && s.Name === name);
  if (existing) {
    // A retry with the CreatorRequestId that created the service gets the service back instead of an error.
    if (creatorRequestId !== undefined && existing.CreatorRequestId === creatorRequestId) {
      return { Service: serviceView(existing) };
    }
    throw new AwsApiErrorWithFields('ServiceAlreadyExists', 400, `Service already exists: ${name}`, {
      ServiceId: existing.Id,
      ServiceArn: existing.Arn,
      ...(existing.CreatorRequestId ? { CreatorRequestId: existing.CreatorRequestId } : {}),
    });
  }
  const healthCheckConfig = optObject(input, 'HealthCheckConfig');
  const healthCheckCustomConfig = optObject(input, 'HealthCheckCustomConfig');
  if (healthCheckConfig && healthCheckCustomConfig) {
    throw cloudMapErrors.invalidInput('HealthCheckConfig and HealthCheckCustomConfig cannot both be specified.');
  }
  if (healthCheckConfig && ns.Type !== 'DNS_PUBLIC') {
    throw cloudMapErrors.invalidInput('HealthCheckConfig is only supported for services in public DNS namespaces.');
  }
  if (dnsConfig && ns.Type === 'HTTP') {
    throw cloudMapErrors.invalidInput('DnsConfig is not supported for services in HTTP namespaces.');
  }
  if (dnsConfig) validateDnsRecords(dnsConfig);

  const id = newServiceId(state);
  const arn = serviceArn(ctx, id);
  const record: ServiceRecord = {
    Id: id,
    Arn: arn,
    Name: name,
    NamespaceId: ns.Id,
    Type: optString(input, 'Type') === 'HTTP' || !dnsConfig ? 'HTTP' : 'DNS_HTTP',
    CreateDate: ctx.now,
    tags: mergeTags([], readTags(input), () => cloudMapErrors.tooManyTags(arn)),
    instances: {},
    ...(optString(input, 'Description') !== undefined ? { Description: optString(input, 'Description') } : {}),
    ...(creatorRequestId !== undefined ? { CreatorRequestId: creatorRequestId } : {}),
    ...(dnsConfig
      ? {
          DnsConfig: {
            NamespaceId: ns.Id,
            RoutingPolicy: optString(dnsConfig, 'RoutingPolicy') ?? 'MULTIVALUE',
            DnsRecords: clone(objectList(dnsConfig, 'DnsRecords')),
          },
        }
      : {}),
    ...(healthCheckConfig ? { HealthCheckConfig: clone(healthCheckConfig) } : {}),
    ...(healthCheckCustomConfig ? { HealthCheckCustomConfig: clone(healthCheckCustomConfig) } : {}),
  };
  state.services[id] = record;
  return { Service: serviceView(record) };
}

function validateDnsRecords(dnsConfig: JsonObject): void {
  const records = objectList(dnsConfig, 'DnsRecords');
  const types = records.map((r) => optString(r, 'Type'));
  if (new Set(types).size !== types.length) throw cloudMapErrors.invalidInput('DnsRecords contains duplicate types.');
  if (types.includes('CNAME') && types.length > 1) {
    throw cloudMapErrors.invalidInput('A CNAME record cannot be combined with other record types.');
  }
  if (types.includes('CNAME') && optString(dnsConfig, 'RoutingPolicy') === 'MULTIVALUE') {
    throw cloudMapErrors.invalidInput('CNAME records require the WEIGHTED routing policy.');
  }
}

export function serviceView(s: ServiceRecord): JsonObject {
  return {
    Id: s.Id,
    Arn: s.Arn,
    Name: s.Name,
    NamespaceId: s.NamespaceId,
    Type: s.Type,
    ...(s.Description !== undefined ? { Description: s.Description } : {}),
    InstanceCount: Object.keys(s.instances).length,
    ...(s.DnsConfig ? { DnsConfig: s.DnsConfig } : {}),
    ...(s.HealthCheckConfig ? { HealthCheckConfig: s.HealthCheckConfig } : {}),
    ...(s.HealthCheckCustomConfig ? { HealthCheckCustomConfig: s.HealthCheckCustomConfig } : {}),
    CreateDate: epochSeconds(s.CreateDate),
    ...(s.CreatorRequestId !== undefined ? { CreatorRequestId: s.CreatorRequestId } : {}),
    CreatedByAccount: s.Arn.split(':')[4],
    ResourceOwner: s.Arn.split(':')[4],
  };
}

export function requireService(state: CloudMapState, idOrArn: string): ServiceRecord {
  const s = state.services[idOf(idOrArn)];
  if (!s) throw cloudMapErrors.serviceNotFound(idOf(idOrArn));
  return s;
}

export function getService(state: CloudMapState, input: JsonObject): JsonObject {
  return { Service: serviceView(requireService(state, optString(input, 'Id') ?? '')) };
}

export function listServices(state: CloudMapState, input: JsonObject): JsonObject {
  const filters = objectList(input, 'Filters');
  const maxResults = optNumber(input, 'MaxResults') ?? 100;
  const matching = Object.values(state.services)
    .sort((a, b) => a.CreateDate - b.CreateDate || a.Id.localeCompare(b.Id))
    .filter((s) =>
      filters.every((f) => {
        const name = optString(f, 'Name');
        if (name === 'NAMESPACE_ID') return matchesFilter(f, s.NamespaceId, ['EQ', 'IN']);
        if (name === 'RESOURCE_OWNER') return matchesFilter(f, 'SELF', ['EQ']);
        return true;
      }),
    );
  const page = paginate(
    matching,
    maxResults,
    optString(input, 'NextToken'),
    `srv|${canonicalJson(filters)}`,
    cloudMapErrors.badToken,
  );
  const summaries = page.items.map((s) => {
    const view = serviceView(s);
    delete view['NamespaceId'];
    delete view['CreatorRequestId'];
    return view;
  });
  return { Services: summaries, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export function updateService(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  const s = requireService(state, optString(input, 'Id') ?? '');
  const change = optObject(input, 'Service') ?? {};
  const description = optString(change, 'Description');
  if (description !== undefined) s.Description = description;
  const dnsChange = optObject(change, 'DnsConfig');
  if (dnsChange) {
    if (!s.DnsConfig) throw cloudMapErrors.invalidInput('The service has no DnsConfig to update.');
    const merged = { ...s.DnsConfig, DnsRecords: clone(objectList(dnsChange, 'DnsRecords')) };
    validateDnsRecords(merged);
    s.DnsConfig = merged;
  }
  const hc = optObject(change, 'HealthCheckConfig');
  if (hc) {
    if (!s.HealthCheckConfig) throw cloudMapErrors.invalidInput('The service has no HealthCheckConfig to update.');
    s.HealthCheckConfig = clone(hc);
  }
  const operationId = newOperationId(state);
  recordOperation(state, operationId, 'UPDATE_SERVICE', { SERVICE: s.Id }, ctx.now);
  return { OperationId: operationId };
}

export function deleteService(state: CloudMapState, input: JsonObject): JsonObject {
  const s = requireService(state, optString(input, 'Id') ?? '');
  if (Object.keys(s.instances).length > 0) {
    throw cloudMapErrors.resourceInUse(
      `Service ${s.Id} has registered instances; deregister them before deleting the service.`,
    );
  }
  delete state.services[s.Id];
  return {};
}
