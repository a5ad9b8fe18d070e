/** Target groups, their targets (Register/Deregister/ListTargets) and target status. */
import {
  beginDelete,
  requireNameAndQuota,
  compact,
  find,
  isJson,
  iso,
  newRecord,
  optNum,
  optStr,
  paginate,
  requireSettled,
  str,
  withToken,
  type LatticeCall,
} from './common';
import { conflict, invalidField } from './errors';
import { servicesUsing, usersOf } from './services';
import { dropRecord, recordsOf, type Json, type LatticeRecord, type LatticeState, type TargetRecord } from './state';

/**
 * Health check defaults (HealthCheckConfig, API reference; "Health checks for your VPC Lattice target groups", user
 * guide): interval 30 s (5..300), timeout 5 s (1..120), healthy 5 (2..10), unhealthy 2 (2..10), path `/`; 0 resets a
 * setting to its default. Health checks are on by default for HTTP1 and off for HTTP2; gRPC has none unless
 * enabled with a health check protocolVersion of HTTP1 or HTTP2.
 */
const HC_RANGES = {
  healthCheckIntervalSeconds: [30, 5, 300],
  healthCheckTimeoutSeconds: [5, 1, 120],
  healthyThresholdCount: [5, 2, 10],
  unhealthyThresholdCount: [2, 2, 10],
} as const;

function healthCheckFor(config: Json, given: unknown, previous?: Json): Json {
  const hc: Json = isJson(given) ? { ...(previous ?? {}), ...given } : { ...(previous ?? {}) };
  const protocolVersion = str(config.protocolVersion);
  const enabled = typeof hc.enabled === 'boolean' ? hc.enabled : protocolVersion === 'HTTP1';
  const out: Json = { enabled };
  for (const [key, [dflt, min, max]] of Object.entries(HC_RANGES)) {
    const value = optNum(hc[key]);
    const effective = value === undefined || value === 0 ? dflt : value;
    if (effective < min || effective > max) {
      throw invalidField(`healthCheck.${key}`, `Member must be between ${min} and ${max}, or 0 for the default`);
    }
    out[key] = effective;
  }
  const hcVersion = optStr(hc.protocolVersion) ?? (protocolVersion === 'GRPC' ? undefined : protocolVersion || 'HTTP1');
  if (protocolVersion === 'GRPC' && enabled && hcVersion === undefined) {
    throw invalidField(
      'healthCheck.protocolVersion',
      'Health checks of a GRPC target group need a health check protocolVersion of HTTP1 or HTTP2',
    );
  }
  const protocol = optStr(hc.protocol) ?? (config.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP');
  return compact({
    ...out,
    path: optStr(hc.path) ?? '/',
    port: optNum(hc.port),
    protocol,
    protocolVersion: hcVersion,
    matcher: isJson(hc.matcher) ? hc.matcher : { httpCode: '200' },
  });
}

function configFor(type: string, given: unknown): Json | undefined {
  if (type === 'LAMBDA') {
    const c = isJson(given) ? given : {};
    return { lambdaEventStructureVersion: optStr(c.lambdaEventStructureVersion) ?? 'V1' };
  }
  if (!isJson(given)) throw invalidField('config', `config is required for target groups of type ${type}`);
  for (const key of ['port', 'protocol', 'vpcIdentifier'] as const) {
    if (given[key] === undefined)
      throw invalidField(`config.${key}`, `Member is required for target groups of type ${type}`);
  }
  const protocol = str(given.protocol);
  const config: Json = compact({
    port: given.port,
    protocol,
    vpcIdentifier: given.vpcIdentifier,
    ipAddressType: type === 'IP' ? (optStr(given.ipAddressType) ?? 'IPV4') : optStr(given.ipAddressType),
    // AWS-FACTS.md: protocolVersion HTTP1 unless given (TCP target groups have none).
    protocolVersion: protocol === 'TCP' ? undefined : (optStr(given.protocolVersion) ?? 'HTTP1'),
  });
  // "Health check configurations aren't used for target groups of type LAMBDA or ALB." (HealthCheckConfig)
  if (type !== 'ALB') config.healthCheck = healthCheckFor(config, given.healthCheck);
  return config;
}

function targetGroupOut(call: LatticeCall, r: LatticeRecord, detail: boolean): Json {
  const config = isJson(r.attrs.config) ? r.attrs.config : undefined;
  const common = {
    arn: r.arn,
    id: r.id,
    name: r.name,
    type: r.attrs.type,
    status: r.status,
    createdAt: iso(r.createdAt),
    lastUpdatedAt: iso(r.lastUpdatedAt),
    serviceArns: servicesUsing(call, r.id),
  };
  if (detail) return compact({ ...common, config: config ? structuredClone(config) : undefined });
  return compact({
    ...common,
    port: config?.port,
    protocol: config?.protocol,
    vpcIdentifier: config?.vpcIdentifier,
    ipAddressType: config?.ipAddressType,
    lambdaEventStructureVersion: config?.lambdaEventStructureVersion,
  });
}

export function createTargetGroup(call: LatticeCall, input: Json): Json {
  return withToken(call, input, '', 'TARGET_GROUP', () => {
    const name = str(input.name);
    requireNameAndQuota(call, 'targetGroup', name, 'TARGET_GROUP', 'target group', {
      limit: call.options.quotas.targetGroupsPerRegion,
      name: 'target groups per Region',
    });
    const type = str(input.type);
    const config = configFor(type, input.config);
    const r = newRecord(call, 'targetGroup', {
      name,
      tags: input.tags,
      async: call.options.transitionMs.targetGroup,
      attrs: compact({ type, config, protocol: config?.protocol }),
    });
    const out = targetGroupOut(call, r, true);
    delete out.createdAt;
    delete out.lastUpdatedAt;
    delete out.serviceArns;
    return out;
  });
}

export function getTargetGroup(call: LatticeCall, input: Json): Json {
  return targetGroupOut(call, find(call, 'targetGroup', input.targetGroupIdentifier), true);
}

export function listTargetGroups(call: LatticeCall, input: Json): Json {
  const vpc = optStr(input.vpcIdentifier);
  const type = optStr(input.targetGroupType);
  const all = recordsOf(call.state, 'targetGroup').filter(
    (t) =>
      (vpc === undefined || (isJson(t.attrs.config) && t.attrs.config.vpcIdentifier === vpc)) &&
      (type === undefined || t.attrs.type === type),
  );
  const page = paginate(call, all, `targetgroups/${vpc ?? ''}/${type ?? ''}`, input);
  return compact({ items: page.items.map((t) => targetGroupOut(call, t, false)), nextToken: page.nextToken });
}

/** UpdateTargetGroup changes the health check only; members left out keep their value. */
export function updateTargetGroup(call: LatticeCall, input: Json): Json {
  const r = find(call, 'targetGroup', input.targetGroupIdentifier);
  requireSettled(r, 'update');
  const config = isJson(r.attrs.config) ? r.attrs.config : undefined;
  if (!config || r.attrs.type === 'LAMBDA' || r.attrs.type === 'ALB') {
    throw invalidField('healthCheck', `Health checks are not supported by target groups of type ${str(r.attrs.type)}`);
  }
  const previous = isJson(config.healthCheck) ? config.healthCheck : undefined;
  config.healthCheck = healthCheckFor(config, input.healthCheck, previous);
  r.lastUpdatedAt = call.ctx.now;
  const out = targetGroupOut(call, r, true);
  delete out.createdAt;
  delete out.lastUpdatedAt;
  delete out.serviceArns;
  return out;
}

/**
 * "You can't delete a target group if it is used in a listener rule or if the target group creation is in
 * progress." (DeleteTargetGroup, API reference). A target group an ECS service still registers into is in use too
 * (ecsAttachmentBlocksDelete, unverified).
 */
export function deleteTargetGroup(call: LatticeCall, input: Json): Json {
  const r = find(call, 'targetGroup', input.targetGroupIdentifier);
  if (r.status === 'DELETE_IN_PROGRESS') return { arn: r.arn, id: r.id, status: r.status };
  requireSettled(r, 'delete');
  const users = usersOf(call, r.id);
  if (users.length > 0) {
    throw conflict('TARGET_GROUP', r.id, `Target group ${r.id} is in use by ${users.join(', ')}.`);
  }
  const ecs = call.state.ecsAttachments[r.id] ?? [];
  if (call.options.ecsAttachmentBlocksDelete && ecs.length > 0) {
    throw conflict('TARGET_GROUP', r.id, `Target group ${r.id} is in use by ECS service(s) ${ecs.join(', ')}.`);
  }
  beginDelete(call, r, call.options.transitionMs.targetGroup, () => dropRecord(call.state, r));
  return { arn: r.arn, id: r.id, status: 'DELETE_IN_PROGRESS' };
}

// ---- targets ----

/** A target's port: the one given, else the target group's (ListTargets: "For HTTP, the default is 80. For HTTPS, 443"). */
function portOf(tg: LatticeRecord, given: unknown): number | undefined {
  const config = isJson(tg.attrs.config) ? tg.attrs.config : {};
  if (tg.attrs.type === 'LAMBDA') return undefined;
  return optNum(given) ?? optNum(config.port) ?? (config.protocol === 'HTTPS' ? 443 : 80);
}

const keyOf = (t: { id: string; port?: number }): string => `${t.id}:${t.port ?? ''}`;

/** Adds or refreshes a target (a draining target registered again is back in service). */
export function putTarget(
  state: LatticeState,
  quota: number,
  tg: LatticeRecord,
  id: string,
  port: number | undefined,
  now: number,
): 'ok' | 'quota' {
  const targets = (state.targets[tg.id] ??= []);
  const existing = targets.find((t) => t.id === id && t.port === (port ?? 0));
  if (existing) {
    if (existing.drainingUntil !== undefined) {
      delete existing.drainingUntil;
      existing.registeredAt = now;
    }
    return 'ok';
  }
  if (targets.filter((t) => t.drainingUntil === undefined).length >= quota) return 'quota';
  targets.push({ id, port: port ?? 0, registeredAt: now });
  return 'ok';
}

/** Starts draining a target; with drainingMs 0 it is gone at once. False when it was not registered. */
export function drainTarget(
  state: LatticeState,
  drainingMs: number,
  tg: LatticeRecord,
  id: string,
  port: number | undefined,
  now: number,
): boolean {
  const targets = state.targets[tg.id] ?? [];
  const existing = targets.find((t) => t.id === id && t.port === (port ?? 0));
  if (!existing) return false;
  if (drainingMs <= 0) state.targets[tg.id] = targets.filter((t) => t !== existing);
  else existing.drainingUntil ??= now + drainingMs;
  return true;
}

export function registerTargets(call: LatticeCall, input: Json): Json {
  const tg = find(call, 'targetGroup', input.targetGroupIdentifier);
  requireSettled(tg, 'register targets with');
  const successful: Json[] = [];
  const unsuccessful: Json[] = [];
  for (const t of Array.isArray(input.targets) ? input.targets.filter(isJson) : []) {
    const id = str(t.id);
    const port = portOf(tg, t.port);
    const result = putTarget(call.state, call.options.quotas.targetsPerTargetGroup, tg, id, port, call.ctx.now);
    if (result === 'ok') successful.push(compact({ id, port }));
    else {
      unsuccessful.push(
        compact({
          id,
          port,
          failureCode: 'ServiceQuotaExceeded',
          failureMessage: `The quota of ${call.options.quotas.targetsPerTargetGroup} targets per target group is reached.`,
        }),
      );
    }
  }
  return { successful, unsuccessful };
}

export function deregisterTargets(call: LatticeCall, input: Json): Json {
  const tg = find(call, 'targetGroup', input.targetGroupIdentifier);
  const successful: Json[] = [];
  const unsuccessful: Json[] = [];
  for (const t of Array.isArray(input.targets) ? input.targets.filter(isJson) : []) {
    const id = str(t.id);
    const port = portOf(tg, t.port);
    if (drainTarget(call.state, call.options.targetDrainingMs, tg, id, port, call.ctx.now)) {
      successful.push(compact({ id, port }));
    } else {
      unsuccessful.push(
        compact({ id, port, failureCode: 'TargetNotFound', failureMessage: `Target ${id} is not registered.` }),
      );
    }
  }
  return { successful, unsuccessful };
}

/**
 * TargetSummary.status: DRAINING while deregistering; UNUSED when no service uses the target group; UNAVAILABLE
 * when its health checks are off (or it has none: LAMBDA, ALB); INITIAL for targetInitialMs after registration;
 * then HEALTHY, or what `setTargetHealth` asked for.
 */
export function targetStatus(call: LatticeCall, tg: LatticeRecord, t: TargetRecord, used: boolean): string {
  if (t.drainingUntil !== undefined) return 'DRAINING';
  if (!used) return 'UNUSED';
  const config = isJson(tg.attrs.config) ? tg.attrs.config : {};
  const hc = isJson(config.healthCheck) ? config.healthCheck : {};
  if (hc.enabled !== true) return 'UNAVAILABLE';
  if (call.ctx.now - t.registeredAt < call.options.targetInitialMs) return 'INITIAL';
  return call.state.targetHealth[tg.id]?.[keyOf(t)] ?? 'HEALTHY';
}

export function listTargets(call: LatticeCall, input: Json): Json {
  const tg = find(call, 'targetGroup', input.targetGroupIdentifier);
  const wanted = Array.isArray(input.targets) ? input.targets.filter(isJson) : [];
  const used = servicesUsing(call, tg.id).length > 0;
  const all = (call.state.targets[tg.id] ?? []).filter(
    (t) => wanted.length === 0 || wanted.some((w) => w.id === t.id && (w.port === undefined || w.port === t.port)),
  );
  const page = paginate(call, all, `targets/${tg.id}`, input);
  return compact({
    items: page.items.map((t) =>
      compact({ id: t.id, port: t.port === 0 ? undefined : t.port, status: targetStatus(call, tg, t, used) }),
    ),
    nextToken: page.nextToken,
  });
}
