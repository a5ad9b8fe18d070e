import type { CallContext } from '../contracts';
import {
  canonicalJson,
  epochSeconds,
  objectList,
  optNumber,
  optObject,
  optString,
  stringList,
  type JsonObject,
} from '../ecs/input';
import { paginate } from '../ecs/paging';
import { AwsApiErrorWithFields, cloudMapErrors } from './errors';
import { idOf, namespaceArn, newHostedZoneId, newNamespaceId, newOperationId } from './ids';
import type { CloudMapState, NamespaceRecord, OperationRecord } from './state';
import { mergeTags, readTags } from './tags';

const DEFAULT_SOA_TTL = 15;

export function createPrivateDnsNamespace(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  return createNamespace(state, input, ctx, 'DNS_PRIVATE');
}

/** CreatePublicDnsNamespace: a namespace with a public hosted zone (no VPC). */
export function createPublicDnsNamespace(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  return createNamespace(state, input, ctx, 'DNS_PUBLIC');
}

/** CreateHttpNamespace: an API-only namespace (no hosted zone, no VPC); instances are found with DiscoverInstances. */
export function createHttpNamespace(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  return createNamespace(state, input, ctx, 'HTTP');
}

function createNamespace(
  state: CloudMapState,
  input: JsonObject,
  ctx: CallContext,
  type: NamespaceRecord['Type'],
): JsonObject {
  const name = (optString(input, 'Name') ?? '').replace(/\.$/, '');
  const creatorRequestId = optString(input, 'CreatorRequestId');
  const request = canonicalJson({ ...input, CreatorRequestId: undefined });
  const existing = Object.values(state.namespaces).find((n) => n.Name === name);
  if (creatorRequestId !== undefined) {
    const sameToken = Object.values(state.namespaces).find((n) => n.CreatorRequestId === creatorRequestId);
    if (sameToken) {
      // A retry of the same request is answered with the original operation; any other use of the id is a duplicate.
      if (sameToken.request === request) return { OperationId: sameToken.operationId };
      throw new AwsApiErrorWithFields('DuplicateRequest', 400, 'The operation is already in progress.', {
        DuplicateOperationId: sameToken.operationId,
      });
    }
  }
  if (existing) {
    throw new AwsApiErrorWithFields('NamespaceAlreadyExists', 400, `Namespace already exists: ${name}`, {
      NamespaceId: existing.Id,
      ...(existing.CreatorRequestId ? { CreatorRequestId: existing.CreatorRequestId } : {}),
    });
  }
  const soa = optObject(optObject(optObject(input, 'Properties') ?? {}, 'DnsProperties') ?? {}, 'SOA');
  const id = newNamespaceId(state);
  const operationId = newOperationId(state);
  const record: NamespaceRecord = {
    Id: id,
    Arn: namespaceArn(ctx, id),
    Name: name,
    Type: type,
    CreateDate: ctx.now,
    SoaTtl: (soa && optNumber(soa, 'TTL')) ?? DEFAULT_SOA_TTL,
    HostedZoneId: newHostedZoneId(state),
    tags: mergeTags([], readTags(input), () => cloudMapErrors.tooManyTags(namespaceArn(ctx, id))),
    request,
    operationId,
    ...(optString(input, 'Description') !== undefined ? { Description: optString(input, 'Description') } : {}),
    ...(creatorRequestId !== undefined ? { CreatorRequestId: creatorRequestId } : {}),
    ...(optString(input, 'Vpc') !== undefined ? { Vpc: optString(input, 'Vpc') } : {}),
  };
  state.namespaces[id] = record;
  // Namespace creation is asynchronous in AWS; here the operation has already succeeded when GetOperation asks.
  recordOperation(state, operationId, 'CREATE_NAMESPACE', { NAMESPACE: id }, ctx.now);
  return { OperationId: operationId };
}

const UPDATE_OPERATION: Record<NamespaceRecord['Type'], string> = {
  HTTP: 'UpdateHttpNamespace',
  DNS_PRIVATE: 'UpdatePrivateDnsNamespace',
  DNS_PUBLIC: 'UpdatePublicDnsNamespace',
};

export const updateHttpNamespace = (state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject =>
  updateNamespace(state, input, ctx, 'HTTP');
export const updatePrivateDnsNamespace = (state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject =>
  updateNamespace(state, input, ctx, 'DNS_PRIVATE');
export const updatePublicDnsNamespace = (state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject =>
  updateNamespace(state, input, ctx, 'DNS_PUBLIC');

/**
 * Update{Http,PrivateDns,PublicDns}Namespace: only what the model's *NamespaceChange shapes hold can change (the
 * description; for DNS namespaces the SOA record's TTL), never the name, type or VPC. Asynchronous in AWS: the
 * answer is an OperationId whose GetOperation reports UPDATE_NAMESPACE (already SUCCESS here). `UpdaterRequestId`
 * makes a retry safe: the same request again gets the same operation and changes nothing twice; the same id with
 * another request is DuplicateRequest, as for CreatorRequestId. A namespace of another type is InvalidInput (the
 * likely answer: each call's change shape fits only its own type; unverified, see README).
 */
function updateNamespace(
  state: CloudMapState,
  input: JsonObject,
  ctx: CallContext,
  type: NamespaceRecord['Type'],
): JsonObject {
  const ns = requireNamespace(state, optString(input, 'Id') ?? '');
  const token = optString(input, 'UpdaterRequestId');
  const request = canonicalJson({ ...input, Id: ns.Id, UpdaterRequestId: undefined });
  const requests = (state.updateRequests ??= {});
  if (token !== undefined) {
    const earlier = requests[token];
    if (earlier) {
      if (earlier.request === request) return { OperationId: earlier.operationId };
      throw new AwsApiErrorWithFields('DuplicateRequest', 400, 'The operation is already in progress.', {
        DuplicateOperationId: earlier.operationId,
      });
    }
  }
  if (ns.Type !== type) {
    throw cloudMapErrors.invalidInput(
      `Namespace ${ns.Id} is of type ${ns.Type}; ${UPDATE_OPERATION[type]} updates only ${type} namespaces (use ${UPDATE_OPERATION[ns.Type]}).`,
    );
  }
  const change = optObject(input, 'Namespace') ?? {};
  const description = optString(change, 'Description');
  const soa = optObject(optObject(optObject(change, 'Properties') ?? {}, 'DnsProperties') ?? {}, 'SOA');
  const ttl = soa ? optNumber(soa, 'TTL') : undefined;
  if (description !== undefined) {
    // An empty description is no description: GetNamespace and ListNamespaces then leave the member out.
    if (description === '') delete ns.Description;
    else ns.Description = description;
  }
  if (ttl !== undefined) ns.SoaTtl = ttl;
  const operationId = newOperationId(state);
  if (token !== undefined) requests[token] = { request, operationId };
  recordOperation(state, operationId, 'UPDATE_NAMESPACE', { NAMESPACE: ns.Id }, ctx.now);
  return { OperationId: operationId };
}

export function recordOperation(
  state: CloudMapState,
  id: string,
  type: OperationRecord['Type'],
  targets: Record<string, string>,
  now: number,
): void {
  state.operations[id] = { Id: id, Type: type, Status: 'SUCCESS', CreateDate: now, UpdateDate: now, Targets: targets };
}

export function requireNamespace(state: CloudMapState, idOrArn: string): NamespaceRecord {
  const ns = state.namespaces[idOf(idOrArn)];
  if (!ns) throw cloudMapErrors.namespaceNotFound(idOf(idOrArn));
  return ns;
}

function serviceCount(state: CloudMapState, namespaceId: string): number {
  return Object.values(state.services).filter((s) => s.NamespaceId === namespaceId).length;
}

function properties(ns: NamespaceRecord): JsonObject {
  return {
    DnsProperties: ns.Type === 'HTTP' ? {} : { HostedZoneId: ns.HostedZoneId, SOA: { TTL: ns.SoaTtl } },
    HttpProperties: { HttpName: ns.Name },
  };
}

export function namespaceSummary(state: CloudMapState, ns: NamespaceRecord): JsonObject {
  return {
    Id: ns.Id,
    Arn: ns.Arn,
    Name: ns.Name,
    Type: ns.Type,
    ...(ns.Description !== undefined ? { Description: ns.Description } : {}),
    ServiceCount: serviceCount(state, ns.Id),
    Properties: properties(ns),
    CreateDate: epochSeconds(ns.CreateDate),
    ResourceOwner: ns.Arn.split(':')[4],
  };
}

export function getNamespace(state: CloudMapState, input: JsonObject): JsonObject {
  const ns = requireNamespace(state, optString(input, 'Id') ?? '');
  return {
    Namespace: {
      ...namespaceSummary(state, ns),
      ...(ns.CreatorRequestId !== undefined ? { CreatorRequestId: ns.CreatorRequestId } : {}),
    },
  };
}

/** Evaluates one Cloud Map list filter (EQ by default, IN, BEGINS_WITH) against a value. */
export function matchesFilter(filter: JsonObject, value: string, allowed: readonly string[]): boolean {
  const condition = optString(filter, 'Condition') ?? 'EQ';
  const values = stringList(filter, 'Values');
  if (!allowed.includes(condition)) {
    throw cloudMapErrors.invalidInput(`Condition ${condition} is not supported for filter ${String(filter['Name'])}.`);
  }
  if (condition === 'EQ') {
    if (values.length !== 1) throw cloudMapErrors.invalidInput('EQ filters take exactly one value.');
    return values[0] === value;
  }
  if (condition === 'BEGINS_WITH') {
    if (values.length !== 1) throw cloudMapErrors.invalidInput('BEGINS_WITH filters take exactly one value.');
    return value.startsWith(values[0] ?? '');
  }
  return values.includes(value);
}

export function listNamespaces(state: CloudMapState, input: JsonObject): JsonObject {
  const filters = objectList(input, 'Filters');
  const maxResults = optNumber(input, 'MaxResults') ?? 100;
  const matching = Object.values(state.namespaces)
    .sort((a, b) => a.CreateDate - b.CreateDate || a.Id.localeCompare(b.Id))
    .filter((ns) =>
      filters.every((f) => {
        switch (optString(f, 'Name')) {
          case 'TYPE':
            return matchesFilter(f, ns.Type, ['EQ', 'IN']);
          case 'NAME':
            return matchesFilter(f, ns.Name, ['EQ', 'BEGINS_WITH']);
          case 'HTTP_NAME':
            return matchesFilter(f, ns.Name, ['EQ', 'BEGINS_WITH']);
          case 'RESOURCE_OWNER':
            // Everything in this emulator belongs to the caller's account.
            return matchesFilter(f, 'SELF', ['EQ']);
          default:
            return true;
        }
      }),
    );
  const page = paginate(
    matching,
    maxResults,
    optString(input, 'NextToken'),
    `ns|${canonicalJson(filters)}`,
    cloudMapErrors.badToken,
  );
  return {
    Namespaces: page.items.map((ns) => namespaceSummary(state, ns)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export function deleteNamespace(state: CloudMapState, input: JsonObject, ctx: CallContext): JsonObject {
  const ns = requireNamespace(state, optString(input, 'Id') ?? '');
  if (serviceCount(state, ns.Id) > 0) {
    throw cloudMapErrors.resourceInUse(`Namespace ${ns.Id} has associated services; delete them first.`);
  }
  delete state.namespaces[ns.Id];
  const operationId = newOperationId(state);
  recordOperation(state, operationId, 'DELETE_NAMESPACE', { NAMESPACE: ns.Id }, ctx.now);
  return { OperationId: operationId };
}

export function getOperation(state: CloudMapState, input: JsonObject): JsonObject {
  const id = optString(input, 'OperationId') ?? '';
  const op = state.operations[id];
  if (!op) throw cloudMapErrors.operationNotFound(id);
  return {
    Operation: {
      Id: op.Id,
      Type: op.Type,
      Status: op.Status,
      CreateDate: epochSeconds(op.CreateDate),
      UpdateDate: epochSeconds(op.UpdateDate),
      Targets: op.Targets,
    },
  };
}
