/** Service networks and their VPC and service associations. */
import {
  beginDelete,
  requireNameAndQuota,
  checkQuota,
  compact,
  countOf,
  find,
  findOptional,
  iso,
  newRecord,
  optStr,
  paginate,
  requireSettled,
  str,
  withToken,
  type LatticeCall,
} from './common';
import { conflict, validation } from './errors';
import { dnsEntryOf } from './services';
import { dropRecord, recordsOf, type Json, type LatticeRecord } from './state';

const associationsOf = (call: LatticeCall, networkId: string): LatticeRecord[] =>
  [...recordsOf(call.state, 'vpcAssociation'), ...recordsOf(call.state, 'serviceAssociation')].filter(
    (a) => a.attrs.serviceNetworkId === networkId,
  );

function networkOut(call: LatticeCall, r: LatticeRecord, detail: boolean): Json {
  const services = recordsOf(call.state, 'serviceAssociation').filter((a) => a.attrs.serviceNetworkId === r.id).length;
  const vpcs = recordsOf(call.state, 'vpcAssociation').filter((a) => a.attrs.serviceNetworkId === r.id).length;
  return compact({
    arn: r.arn,
    id: r.id,
    name: r.name,
    createdAt: iso(r.createdAt),
    lastUpdatedAt: iso(r.lastUpdatedAt),
    authType: detail ? r.attrs.authType : undefined,
    sharingConfig: detail ? r.attrs.sharingConfig : undefined,
    numberOfAssociatedServices: services,
    numberOfAssociatedVPCs: vpcs,
    ...(detail ? {} : { numberOfAssociatedResourceConfigurations: 0 }),
  });
}

export function createServiceNetwork(call: LatticeCall, input: Json): Json {
  return withToken(call, input, '', 'SERVICE_NETWORK', () => {
    const name = str(input.name);
    requireNameAndQuota(call, 'serviceNetwork', name, 'SERVICE_NETWORK', 'service network', {
      limit: call.options.quotas.serviceNetworksPerRegion,
      name: 'service networks per Region',
    });
    const r = newRecord(call, 'serviceNetwork', {
      name,
      tags: input.tags,
      attrs: compact({ authType: optStr(input.authType) ?? 'NONE', sharingConfig: input.sharingConfig }),
    });
    return compact({
      arn: r.arn,
      id: r.id,
      name: r.name,
      authType: r.attrs.authType,
      sharingConfig: r.attrs.sharingConfig,
    });
  });
}

export function getServiceNetwork(call: LatticeCall, input: Json): Json {
  return networkOut(call, find(call, 'serviceNetwork', input.serviceNetworkIdentifier), true);
}

export function listServiceNetworks(call: LatticeCall, input: Json): Json {
  const page = paginate(call, recordsOf(call.state, 'serviceNetwork'), 'servicenetworks', input);
  return compact({ items: page.items.map((r) => networkOut(call, r, false)), nextToken: page.nextToken });
}

export function updateServiceNetwork(call: LatticeCall, input: Json): Json {
  const r = find(call, 'serviceNetwork', input.serviceNetworkIdentifier);
  r.attrs.authType = str(input.authType);
  r.lastUpdatedAt = call.ctx.now;
  return compact({ arn: r.arn, id: r.id, name: r.name, authType: r.attrs.authType });
}

/**
 * "You can only delete the service network if there is no service or VPC associated with it. If you delete a
 * service network, all resources related to the service network, such as the resource policy, auth policy, and
 * access log subscriptions, are also deleted." (DeleteServiceNetwork, API reference)
 */
export function deleteServiceNetwork(call: LatticeCall, input: Json): Json {
  const r = find(call, 'serviceNetwork', input.serviceNetworkIdentifier);
  const linked = associationsOf(call, r.id);
  if (linked.length > 0) {
    throw conflict(
      'SERVICE_NETWORK',
      r.id,
      `Service network ${r.id} cannot be deleted while it has ${linked.length} association(s): ${linked.map((a) => a.id).join(', ')}.`,
    );
  }
  for (const als of recordsOf(call.state, 'accessLogSubscription')) {
    if (als.attrs.resourceId === r.id) dropRecord(call.state, als);
  }
  dropRecord(call.state, r);
  return {};
}

// ---- VPC associations ----

function vpcAssociationOut(call: LatticeCall, a: LatticeRecord, detail: boolean): Json {
  const network = call.state.resources[str(a.attrs.serviceNetworkId)];
  return compact({
    arn: a.arn,
    id: a.id,
    status: a.status,
    createdAt: iso(a.createdAt),
    lastUpdatedAt: iso(a.lastUpdatedAt),
    createdBy: call.ctx.accountId,
    serviceNetworkId: a.attrs.serviceNetworkId,
    serviceNetworkArn: network?.arn ?? a.attrs.serviceNetworkArn,
    serviceNetworkName: network?.name ?? a.attrs.serviceNetworkName,
    vpcId: a.attrs.vpcId,
    securityGroupIds: detail ? a.attrs.securityGroupIds : undefined,
    privateDnsEnabled: a.attrs.privateDnsEnabled,
    dnsOptions: a.attrs.dnsOptions,
  });
}

export function createVpcAssociation(call: LatticeCall, input: Json): Json {
  const network = find(call, 'serviceNetwork', input.serviceNetworkIdentifier);
  return withToken(call, input, network.id, 'SERVICE_NETWORK_VPC_ASSOCIATION', () => {
    const vpcId = str(input.vpcIdentifier);
    const existing = recordsOf(call.state, 'vpcAssociation').find(
      (a) =>
        a.attrs.vpcId === vpcId && (a.attrs.serviceNetworkId === network.id || call.options.oneServiceNetworkPerVpc),
    );
    if (existing) {
      throw conflict(
        'SERVICE_NETWORK_VPC_ASSOCIATION',
        existing.id,
        `VPC ${vpcId} is already associated with service network ${str(existing.attrs.serviceNetworkId)}.`,
      );
    }
    checkQuota(
      countOf(call, 'vpcAssociation', (a) => a.attrs.serviceNetworkId === network.id),
      call.options.quotas.vpcAssociationsPerServiceNetwork,
      'SERVICE_NETWORK_VPC_ASSOCIATION',
      'VPC associations per service network',
    );
    const a = newRecord(call, 'vpcAssociation', {
      tags: input.tags,
      async: call.options.transitionMs.vpcAssociation,
      attrs: compact({
        serviceNetworkId: network.id,
        serviceNetworkArn: network.arn,
        serviceNetworkName: network.name,
        vpcId,
        securityGroupIds: Array.isArray(input.securityGroupIds) ? input.securityGroupIds : [],
        privateDnsEnabled: input.privateDnsEnabled,
        dnsOptions: input.dnsOptions,
      }),
    });
    return compact({
      arn: a.arn,
      id: a.id,
      status: a.status,
      createdBy: call.ctx.accountId,
      securityGroupIds: a.attrs.securityGroupIds,
      privateDnsEnabled: a.attrs.privateDnsEnabled,
      dnsOptions: a.attrs.dnsOptions,
    });
  });
}

export function getVpcAssociation(call: LatticeCall, input: Json): Json {
  return vpcAssociationOut(call, find(call, 'vpcAssociation', input.serviceNetworkVpcAssociationIdentifier), true);
}

export function updateVpcAssociation(call: LatticeCall, input: Json): Json {
  const a = find(call, 'vpcAssociation', input.serviceNetworkVpcAssociationIdentifier);
  requireSettled(a, 'update');
  if (Array.isArray(input.securityGroupIds)) a.attrs.securityGroupIds = input.securityGroupIds;
  if (typeof input.privateDnsEnabled === 'boolean') a.attrs.privateDnsEnabled = input.privateDnsEnabled;
  if (input.dnsOptions !== undefined) a.attrs.dnsOptions = input.dnsOptions;
  a.lastUpdatedAt = call.ctx.now;
  return compact({
    arn: a.arn,
    id: a.id,
    status: a.status,
    createdBy: call.ctx.accountId,
    securityGroupIds: a.attrs.securityGroupIds,
    privateDnsEnabled: a.attrs.privateDnsEnabled,
    dnsOptions: a.attrs.dnsOptions,
  });
}

/** "You can't disassociate the VPC if there is a create or update association in progress." */
export function deleteVpcAssociation(call: LatticeCall, input: Json): Json {
  const a = find(call, 'vpcAssociation', input.serviceNetworkVpcAssociationIdentifier);
  if (a.status === 'DELETE_IN_PROGRESS') return { arn: a.arn, id: a.id, status: a.status };
  requireSettled(a, 'delete');
  beginDelete(call, a, call.options.transitionMs.vpcAssociation, () => dropRecord(call.state, a));
  return { arn: a.arn, id: a.id, status: 'DELETE_IN_PROGRESS' };
}

/** "You must provide either the ID of the service network identifier or the ID of the VPC." */
export function listVpcAssociations(call: LatticeCall, input: Json): Json {
  const networkId = findOptional(call, 'serviceNetwork', input.serviceNetworkIdentifier)?.id;
  const vpcId = optStr(input.vpcIdentifier);
  if (input.serviceNetworkIdentifier === undefined && vpcId === undefined) {
    throw validation('Either serviceNetworkIdentifier or vpcIdentifier must be provided.', [
      { name: 'serviceNetworkIdentifier', message: 'Either serviceNetworkIdentifier or vpcIdentifier is required' },
    ]);
  }
  if (input.serviceNetworkIdentifier !== undefined && networkId === undefined) {
    find(call, 'serviceNetwork', input.serviceNetworkIdentifier);
  }
  const all = recordsOf(call.state, 'vpcAssociation').filter(
    (a) =>
      (networkId === undefined || a.attrs.serviceNetworkId === networkId) &&
      (vpcId === undefined || a.attrs.vpcId === vpcId),
  );
  const page = paginate(call, all, `snva/${networkId ?? ''}/${vpcId ?? ''}`, input);
  return compact({ items: page.items.map((a) => vpcAssociationOut(call, a, false)), nextToken: page.nextToken });
}

// ---- service associations ----

function serviceAssociationOut(call: LatticeCall, a: LatticeRecord): Json {
  const network = call.state.resources[str(a.attrs.serviceNetworkId)];
  const service = call.state.resources[str(a.attrs.serviceId)];
  return compact({
    arn: a.arn,
    id: a.id,
    status: a.status,
    createdAt: iso(a.createdAt),
    createdBy: call.ctx.accountId,
    serviceId: a.attrs.serviceId,
    serviceArn: service?.arn ?? a.attrs.serviceArn,
    serviceName: service?.name ?? a.attrs.serviceName,
    serviceNetworkId: a.attrs.serviceNetworkId,
    serviceNetworkArn: network?.arn ?? a.attrs.serviceNetworkArn,
    serviceNetworkName: network?.name ?? a.attrs.serviceNetworkName,
    customDomainName: service?.attrs.customDomainName,
    dnsEntry: service ? dnsEntryOf(call, service) : undefined,
  });
}

export function createServiceAssociation(call: LatticeCall, input: Json): Json {
  const network = find(call, 'serviceNetwork', input.serviceNetworkIdentifier);
  const service = find(call, 'service', input.serviceIdentifier);
  return withToken(call, input, `${network.id}/${service.id}`, 'SERVICE_NETWORK_SERVICE_ASSOCIATION', () => {
    const existing = recordsOf(call.state, 'serviceAssociation').find(
      (a) => a.attrs.serviceId === service.id && a.attrs.serviceNetworkId === network.id,
    );
    if (existing) {
      throw conflict(
        'SERVICE_NETWORK_SERVICE_ASSOCIATION',
        existing.id,
        `Service ${service.id} is already associated with service network ${network.id}.`,
      );
    }
    if (service.status === 'DELETE_IN_PROGRESS') requireSettled(service, 'associate');
    checkQuota(
      countOf(call, 'serviceAssociation', (a) => a.attrs.serviceId === service.id),
      call.options.quotas.serviceNetworkAssociationsPerService,
      'SERVICE_NETWORK_SERVICE_ASSOCIATION',
      'service network associations per service',
    );
    const a = newRecord(call, 'serviceAssociation', {
      tags: input.tags,
      async: call.options.transitionMs.serviceAssociation,
      attrs: {
        serviceNetworkId: network.id,
        serviceNetworkArn: network.arn,
        serviceNetworkName: network.name,
        serviceId: service.id,
        serviceArn: service.arn,
        serviceName: service.name,
      },
    });
    return compact({
      arn: a.arn,
      id: a.id,
      status: a.status,
      createdBy: call.ctx.accountId,
      customDomainName: service.attrs.customDomainName,
      dnsEntry: dnsEntryOf(call, service),
    });
  });
}

export function getServiceAssociation(call: LatticeCall, input: Json): Json {
  return serviceAssociationOut(
    call,
    find(call, 'serviceAssociation', input.serviceNetworkServiceAssociationIdentifier),
  );
}

/** "This operation fails if an association is still in progress." */
export function deleteServiceAssociation(call: LatticeCall, input: Json): Json {
  const a = find(call, 'serviceAssociation', input.serviceNetworkServiceAssociationIdentifier);
  if (a.status === 'DELETE_IN_PROGRESS') return { arn: a.arn, id: a.id, status: a.status };
  requireSettled(a, 'delete');
  beginDelete(call, a, call.options.transitionMs.serviceAssociation, () => dropRecord(call.state, a));
  return { arn: a.arn, id: a.id, status: 'DELETE_IN_PROGRESS' };
}

/** "You must provide either the service network identifier or the service identifier." */
export function listServiceAssociations(call: LatticeCall, input: Json): Json {
  if (input.serviceNetworkIdentifier === undefined && input.serviceIdentifier === undefined) {
    throw validation('Either serviceNetworkIdentifier or serviceIdentifier must be provided.', [
      { name: 'serviceNetworkIdentifier', message: 'Either serviceNetworkIdentifier or serviceIdentifier is required' },
    ]);
  }
  const networkId =
    input.serviceNetworkIdentifier !== undefined
      ? find(call, 'serviceNetwork', input.serviceNetworkIdentifier).id
      : undefined;
  const serviceId =
    input.serviceIdentifier !== undefined ? find(call, 'service', input.serviceIdentifier).id : undefined;
  const all = recordsOf(call.state, 'serviceAssociation').filter(
    (a) =>
      (networkId === undefined || a.attrs.serviceNetworkId === networkId) &&
      (serviceId === undefined || a.attrs.serviceId === serviceId),
  );
  const page = paginate(call, all, `snsa/${networkId ?? ''}/${serviceId ?? ''}`, input);
  return compact({ items: page.items.map((a) => serviceAssociationOut(call, a)), nextToken: page.nextToken });
}
