/** Auth policies, resource policies and access log subscriptions of service networks and services. */
import { compact, find, iso, newRecord, optStr, paginate, str, withToken, type LatticeCall } from './common';
import { conflict, invalidField, notFound } from './errors';
import { kindOfId } from './ids';
import { dropRecord, recordsOf, type Json, type LatticeRecord } from './state';

/** A service network or service named by id or ARN (the ResourceIdentifier of auth policies and access logs). */
function networkOrService(call: LatticeCall, identifier: unknown): LatticeRecord {
  const kind = kindOfId(str(identifier));
  if (kind !== 'serviceNetwork' && kind !== 'service') {
    throw invalidField('resourceIdentifier', 'Member must name a service network or a service');
  }
  return find(call, kind, identifier);
}

function parsePolicy(policy: unknown, field: string): string {
  const text = str(policy);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    throw invalidField(field, 'Member must be a valid JSON policy document');
  }
  return text;
}

/**
 * "If the auth type is NONE, then any auth policy that's provided remains inactive." (PutAuthPolicy, API reference):
 * the state follows the resource's authType.
 */
const stateOf = (r: LatticeRecord): string => (r.attrs.authType === 'AWS_IAM' ? 'Active' : 'Inactive');

export function putAuthPolicy(call: LatticeCall, input: Json): Json {
  const r = networkOrService(call, input.resourceIdentifier);
  const policy = parsePolicy(input.policy, 'policy');
  const previous = call.state.authPolicies[r.id];
  call.state.authPolicies[r.id] = {
    policy,
    createdAt: previous?.createdAt ?? call.ctx.now,
    lastUpdatedAt: call.ctx.now,
  };
  return { policy, state: stateOf(r) };
}

export function getAuthPolicy(call: LatticeCall, input: Json): Json {
  const r = networkOrService(call, input.resourceIdentifier);
  const p = call.state.authPolicies[r.id];
  if (!p) throw notFound('AUTH_POLICY', r.id);
  return { policy: p.policy, state: stateOf(r), createdAt: iso(p.createdAt), lastUpdatedAt: iso(p.lastUpdatedAt) };
}

export function deleteAuthPolicy(call: LatticeCall, input: Json): Json {
  const r = networkOrService(call, input.resourceIdentifier);
  if (!call.state.authPolicies[r.id]) throw notFound('AUTH_POLICY', r.id);
  delete call.state.authPolicies[r.id];
  return {};
}

function byArn(call: LatticeCall, arn: unknown): LatticeRecord {
  const kind = kindOfId(str(arn));
  if (kind !== 'serviceNetwork' && kind !== 'service')
    throw invalidField('resourceArn', 'Member must be the ARN of a service network or a service');
  return find(call, kind, arn);
}

export function putResourcePolicy(call: LatticeCall, input: Json): Json {
  const r = byArn(call, input.resourceArn);
  const policy = parsePolicy(input.policy, 'policy');
  const previous = call.state.resourcePolicies[r.arn];
  call.state.resourcePolicies[r.arn] = {
    policy,
    createdAt: previous?.createdAt ?? call.ctx.now,
    lastUpdatedAt: call.ctx.now,
  };
  return {};
}

export function getResourcePolicy(call: LatticeCall, input: Json): Json {
  const r = byArn(call, input.resourceArn);
  const p = call.state.resourcePolicies[r.arn];
  if (!p) throw notFound('RESOURCE_POLICY', r.arn);
  return { policy: p.policy };
}

export function deleteResourcePolicy(call: LatticeCall, input: Json): Json {
  const r = byArn(call, input.resourceArn);
  delete call.state.resourcePolicies[r.arn];
  return {};
}

// ---- access log subscriptions ----

/** The destination's service (s3, logs, firehose): one subscription per destination type and resource. */
function destinationType(arn: string): string {
  return arn.split(':')[2] ?? '';
}

function subscriptionOut(r: LatticeRecord): Json {
  return compact({
    arn: r.arn,
    id: r.id,
    resourceId: r.attrs.resourceId,
    resourceArn: r.attrs.resourceArn,
    destinationArn: r.attrs.destinationArn,
    serviceNetworkLogType: r.attrs.serviceNetworkLogType,
    createdAt: iso(r.createdAt),
    lastUpdatedAt: iso(r.lastUpdatedAt),
  });
}

export function createAccessLogSubscription(call: LatticeCall, input: Json): Json {
  const resource = networkOrService(call, input.resourceIdentifier);
  return withToken(call, input, resource.id, 'ACCESS_LOG_SUBSCRIPTION', () => {
    const destinationArn = str(input.destinationArn);
    const type = destinationType(destinationArn);
    if (!['s3', 'logs', 'firehose'].includes(type)) {
      throw invalidField(
        'destinationArn',
        'Member must be the ARN of an S3 bucket, a CloudWatch Logs log group or a Firehose delivery stream',
      );
    }
    const logType = resource.kind === 'serviceNetwork' ? (optStr(input.serviceNetworkLogType) ?? 'SERVICE') : undefined;
    const clash = recordsOf(call.state, 'accessLogSubscription').find(
      (s) =>
        s.attrs.resourceId === resource.id &&
        destinationType(str(s.attrs.destinationArn)) === type &&
        s.attrs.serviceNetworkLogType === logType,
    );
    if (clash) {
      throw conflict(
        'ACCESS_LOG_SUBSCRIPTION',
        clash.id,
        `${resource.id} already has an access log subscription to a ${type} destination.`,
      );
    }
    const r = newRecord(call, 'accessLogSubscription', {
      tags: input.tags,
      attrs: compact({
        resourceId: resource.id,
        resourceArn: resource.arn,
        destinationArn,
        serviceNetworkLogType: logType,
      }),
    });
    const out = subscriptionOut(r);
    delete out.createdAt;
    delete out.lastUpdatedAt;
    return out;
  });
}

export function getAccessLogSubscription(call: LatticeCall, input: Json): Json {
  return subscriptionOut(find(call, 'accessLogSubscription', input.accessLogSubscriptionIdentifier));
}

export function listAccessLogSubscriptions(call: LatticeCall, input: Json): Json {
  const resource = networkOrService(call, input.resourceIdentifier);
  const all = recordsOf(call.state, 'accessLogSubscription').filter((s) => s.attrs.resourceId === resource.id);
  const page = paginate(call, all, `als/${resource.id}`, input);
  return compact({ items: page.items.map((s) => subscriptionOut(s)), nextToken: page.nextToken });
}

export function updateAccessLogSubscription(call: LatticeCall, input: Json): Json {
  const r = find(call, 'accessLogSubscription', input.accessLogSubscriptionIdentifier);
  const destinationArn = str(input.destinationArn);
  if (destinationType(destinationArn) !== destinationType(str(r.attrs.destinationArn))) {
    throw invalidField('destinationArn', 'Member must be a destination of the same type as the current one');
  }
  r.attrs.destinationArn = destinationArn;
  r.lastUpdatedAt = call.ctx.now;
  const out = subscriptionOut(r);
  delete out.createdAt;
  delete out.lastUpdatedAt;
  delete out.serviceNetworkLogType;
  return out;
}

export function deleteAccessLogSubscription(call: LatticeCall, input: Json): Json {
  dropRecord(call.state, find(call, 'accessLogSubscription', input.accessLogSubscriptionIdentifier));
  return {};
}
