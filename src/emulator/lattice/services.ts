/** Services, listeners and rules (with BatchUpdateRule). */
import { createHash } from 'node:crypto';
import {
  beginDelete,
  requireNameAndQuota,
  checkQuota,
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
import { conflict, invalidField, notFound, validation } from './errors';
import { idOf, newId, arnFor } from './ids';
import { dropRecord, recordsOf, type Json, type LatticeRecord } from './state';

// ---- services ----

/** `name-<id suffix>.<hash>.vpc-lattice-svcs.<region>.on.aws`, the shape of the DNS names Lattice assigns. */
export function dnsEntryOf(call: LatticeCall, service: LatticeRecord): Json {
  const hash = createHash('sha256').update(`${call.ctx.accountId}/${call.ctx.region}`).digest('hex').slice(0, 7);
  return {
    domainName: `${service.name ?? ''}-${service.id.slice(4)}.${hash}.vpc-lattice-svcs.${call.ctx.region}.on.aws`,
    hostedZoneId: `Z${hash.toUpperCase()}LATTICE`,
  };
}

function serviceOut(call: LatticeCall, r: LatticeRecord, detail: boolean): Json {
  return compact({
    arn: r.arn,
    id: r.id,
    name: r.name,
    status: r.status,
    createdAt: iso(r.createdAt),
    lastUpdatedAt: iso(r.lastUpdatedAt),
    customDomainName: r.attrs.customDomainName,
    dnsEntry: dnsEntryOf(call, r),
    ...(detail
      ? {
          authType: r.attrs.authType,
          certificateArn: r.attrs.certificateArn,
          idleTimeoutSeconds: r.attrs.idleTimeoutSeconds,
        }
      : {}),
  });
}

export function createService(call: LatticeCall, input: Json): Json {
  return withToken(call, input, '', 'SERVICE', () => {
    const name = str(input.name);
    requireNameAndQuota(call, 'service', name, 'SERVICE', 'service', {
      limit: call.options.quotas.servicesPerRegion,
      name: 'services per Region',
    });
    const r = newRecord(call, 'service', {
      name,
      tags: input.tags,
      async: call.options.transitionMs.service,
      attrs: compact({
        authType: optStr(input.authType) ?? 'NONE',
        certificateArn: optStr(input.certificateArn),
        customDomainName: optStr(input.customDomainName),
        // AWS-FACTS.md: idleTimeoutSeconds 60..600, default 60.
        idleTimeoutSeconds: optNum(input.idleTimeoutSeconds) ?? 60,
      }),
    });
    const out = serviceOut(call, r, true);
    delete out.createdAt;
    delete out.lastUpdatedAt;
    return out;
  });
}

export function getService(call: LatticeCall, input: Json): Json {
  return serviceOut(call, find(call, 'service', input.serviceIdentifier), true);
}

export function listServices(call: LatticeCall, input: Json): Json {
  const page = paginate(call, recordsOf(call.state, 'service'), 'services', input);
  return compact({ items: page.items.map((r) => serviceOut(call, r, false)), nextToken: page.nextToken });
}

export function updateService(call: LatticeCall, input: Json): Json {
  const r = find(call, 'service', input.serviceIdentifier);
  requireSettled(r, 'update');
  for (const key of ['authType', 'certificateArn', 'idleTimeoutSeconds'] as const) {
    if (input[key] !== undefined) r.attrs[key] = input[key];
  }
  r.lastUpdatedAt = call.ctx.now;
  return compact({
    arn: r.arn,
    id: r.id,
    name: r.name,
    authType: r.attrs.authType,
    certificateArn: r.attrs.certificateArn,
    customDomainName: r.attrs.customDomainName,
    idleTimeoutSeconds: r.attrs.idleTimeoutSeconds,
  });
}

const listenersOf = (call: LatticeCall, serviceId: string): LatticeRecord[] =>
  recordsOf(call.state, 'listener').filter((l) => l.serviceId === serviceId);
const rulesOf = (call: LatticeCall, listenerId: string): LatticeRecord[] =>
  recordsOf(call.state, 'rule').filter((r) => r.listenerId === listenerId);

/**
 * "A service can't be deleted if it's associated with a service network. If you delete a service, all resources
 * related to the service, such as the resource policy, auth policy, listeners, listener rules, and access log
 * subscriptions, are also deleted." (DeleteService, API reference)
 */
export function deleteService(call: LatticeCall, input: Json): Json {
  const r = find(call, 'service', input.serviceIdentifier);
  if (r.status === 'DELETE_IN_PROGRESS') return { arn: r.arn, id: r.id, name: r.name, status: r.status };
  requireSettled(r, 'delete');
  const associations = recordsOf(call.state, 'serviceAssociation').filter((a) => a.attrs.serviceId === r.id);
  if (associations.length > 0) {
    throw conflict(
      'SERVICE',
      r.id,
      `Service ${r.id} cannot be deleted while it is associated with a service network (${associations.map((a) => a.id).join(', ')}).`,
    );
  }
  const listeners = listenersOf(call, r.id);
  if (listeners.length > 0 && call.options.serviceDeleteWithListeners === 'conflict') {
    throw conflict('SERVICE', r.id, `Service ${r.id} cannot be deleted while it has listeners.`);
  }
  for (const l of listeners) {
    for (const rule of rulesOf(call, l.id)) dropRecord(call.state, rule);
    dropRecord(call.state, l);
  }
  for (const als of recordsOf(call.state, 'accessLogSubscription')) {
    if (als.attrs.resourceId === r.id) dropRecord(call.state, als);
  }
  delete call.state.authPolicies[r.id];
  delete call.state.resourcePolicies[r.arn];
  beginDelete(call, r, call.options.transitionMs.service, () => dropRecord(call.state, r));
  return { arn: r.arn, id: r.id, name: r.name, status: 'DELETE_IN_PROGRESS' };
}

// ---- actions and matches ----

const HTTP_LISTENERS = new Set(['HTTP', 'HTTPS']);

/**
 * Fills the forward action's weights as Lattice does ("If there's only one target group specified, then the default
 * value is 100"; several without weights: defaultWeightWithSeveral) and checks that each target group exists and
 * speaks the listener's protocol (HTTP/HTTPS listeners forward to HTTP/HTTPS target groups, TLS_PASSTHROUGH to TCP).
 */
function prepareAction(call: LatticeCall, action: unknown, listenerProtocol: string, field: string): Json {
  if (!isJson(action)) throw invalidField(field, 'Member must not be null');
  if (isJson(action.fixedResponse)) {
    if (listenerProtocol === 'TLS_PASSTHROUGH') {
      throw invalidField(
        `${field}.fixedResponse`,
        'Fixed response actions are not supported by TLS_PASSTHROUGH listeners',
      );
    }
    return { fixedResponse: { statusCode: action.fixedResponse.statusCode } };
  }
  const forward = isJson(action.forward) ? action.forward : {};
  const groups = Array.isArray(forward.targetGroups) ? forward.targetGroups.filter(isJson) : [];
  const fallback = groups.length === 1 ? call.options.defaultWeightAlone : call.options.defaultWeightWithSeveral;
  const seen = new Set<string>();
  const targetGroups = groups.map((g, index) => {
    const tg = find(call, 'targetGroup', g.targetGroupIdentifier);
    if (seen.has(tg.id)) {
      throw invalidField(`${field}.forward.targetGroups.${index + 1}.member`, `Target group ${tg.id} is listed twice`);
    }
    seen.add(tg.id);
    const tgProtocol = str(tg.attrs.protocol);
    const compatible =
      tg.attrs.type === 'LAMBDA' ||
      (HTTP_LISTENERS.has(listenerProtocol) ? tgProtocol !== 'TCP' : tgProtocol === 'TCP' || tg.attrs.type === 'ALB');
    if (!compatible) {
      throw invalidField(
        `${field}.forward.targetGroups.${index + 1}.member.targetGroupIdentifier`,
        `Target group ${tg.id} with protocol ${tgProtocol} cannot be used by a ${listenerProtocol} listener`,
      );
    }
    return { targetGroupIdentifier: tg.id, weight: optNum(g.weight) ?? fallback };
  });
  return { forward: { targetGroups } };
}

/** caseSensitive defaults (AWS-FACTS.md): paths match case-sensitively, headers case-insensitively, unless set. */
function prepareMatch(match: unknown, field: string): Json {
  if (!isJson(match) || !isJson(match.httpMatch)) throw invalidField(field, 'Member must not be null');
  const http = match.httpMatch;
  const out: Json = {};
  if (typeof http.method === 'string') out.method = http.method;
  if (isJson(http.pathMatch)) {
    out.pathMatch = { match: http.pathMatch.match, caseSensitive: http.pathMatch.caseSensitive ?? true };
  }
  if (Array.isArray(http.headerMatches)) {
    out.headerMatches = http.headerMatches.filter(isJson).map((h) => ({
      name: h.name,
      match: h.match,
      caseSensitive: h.caseSensitive ?? false,
    }));
  }
  return { httpMatch: out };
}

// ---- listeners ----

function listenerOut(r: LatticeRecord, service: LatticeRecord | undefined, detail: boolean): Json {
  return compact({
    arn: r.arn,
    id: r.id,
    name: r.name,
    port: r.attrs.port,
    protocol: r.attrs.protocol,
    createdAt: iso(r.createdAt),
    lastUpdatedAt: iso(r.lastUpdatedAt),
    ...(detail
      ? { defaultAction: structuredClone(r.attrs.defaultAction), serviceArn: service?.arn, serviceId: r.serviceId }
      : {}),
  });
}

function findListener(call: LatticeCall, input: Json): { service: LatticeRecord; listener: LatticeRecord } {
  const service = find(call, 'service', input.serviceIdentifier);
  const listener = find(call, 'listener', input.listenerIdentifier);
  if (listener.serviceId !== service.id) throw notFound('LISTENER', str(input.listenerIdentifier));
  return { service, listener };
}

export function createListener(call: LatticeCall, input: Json): Json {
  const service = find(call, 'service', input.serviceIdentifier);
  return withToken(call, input, service.id, 'LISTENER', () => {
    if (service.status === 'DELETE_IN_PROGRESS') requireSettled(service, 'add a listener to');
    const name = str(input.name);
    const protocol = str(input.protocol);
    // CreateListener: "For HTTP, the default is 80. For HTTPS, the default is 443." TLS_PASSTHROUGH: 443 (unverified).
    const port = optNum(input.port) ?? (protocol === 'HTTP' ? 80 : 443);
    const siblings = listenersOf(call, service.id);
    const clash = siblings.find((l) => l.name === name || l.attrs.port === port);
    if (clash) {
      throw conflict(
        'LISTENER',
        clash.id,
        clash.name === name
          ? `A listener with the name ${name} already exists in service ${service.id}.`
          : `A listener on port ${port} already exists in service ${service.id}.`,
      );
    }
    checkQuota(siblings.length, call.options.quotas.listenersPerService, 'LISTENER', 'listeners per service');
    const defaultAction = prepareAction(call, input.defaultAction, protocol, 'defaultAction');
    const r = newRecord(call, 'listener', {
      name,
      serviceId: service.id,
      tags: input.tags,
      attrs: { protocol, port, defaultAction, defaultRuleId: newId('rule') },
    });
    const out = listenerOut(r, service, true);
    delete out.createdAt;
    delete out.lastUpdatedAt;
    return out;
  });
}

export function getListener(call: LatticeCall, input: Json): Json {
  const { service, listener } = findListener(call, input);
  return listenerOut(listener, service, true);
}

export function listListeners(call: LatticeCall, input: Json): Json {
  const service = find(call, 'service', input.serviceIdentifier);
  const page = paginate(call, listenersOf(call, service.id), `listeners/${service.id}`, input);
  return compact({ items: page.items.map((l) => listenerOut(l, service, false)), nextToken: page.nextToken });
}

export function updateListener(call: LatticeCall, input: Json): Json {
  const { service, listener } = findListener(call, input);
  listener.attrs.defaultAction = prepareAction(
    call,
    input.defaultAction,
    str(listener.attrs.protocol),
    'defaultAction',
  );
  listener.lastUpdatedAt = call.ctx.now;
  const out = listenerOut(listener, service, true);
  delete out.createdAt;
  delete out.lastUpdatedAt;
  return out;
}

export function deleteListener(call: LatticeCall, input: Json): Json {
  const { listener } = findListener(call, input);
  for (const rule of rulesOf(call, listener.id)) dropRecord(call.state, rule);
  dropRecord(call.state, listener);
  return {};
}

// ---- rules ----

function ruleOut(r: LatticeRecord, detail: boolean): Json {
  return compact({
    arn: r.arn,
    id: r.id,
    name: r.name,
    priority: r.attrs.priority,
    isDefault: false,
    createdAt: iso(r.createdAt),
    lastUpdatedAt: iso(r.lastUpdatedAt),
    ...(detail ? { match: structuredClone(r.attrs.match), action: structuredClone(r.attrs.action) } : {}),
  });
}

/**
 * The listener's default rule, as ListRules and GetRule show it: `isDefault: true`, the listener's default action,
 * no priority and no match (unverified shape; it is managed through UpdateListener).
 */
function defaultRuleOut(call: LatticeCall, listener: LatticeRecord, detail: boolean): Json {
  const id = str(listener.attrs.defaultRuleId);
  return compact({
    arn: arnFor(call.ctx, 'rule', id, { serviceId: listener.serviceId, listenerId: listener.id }),
    id,
    name: 'default',
    isDefault: true,
    createdAt: iso(listener.createdAt),
    lastUpdatedAt: iso(listener.lastUpdatedAt),
    ...(detail ? { action: structuredClone(listener.attrs.defaultAction) } : {}),
  });
}

function findRule(call: LatticeCall, listener: LatticeRecord, identifier: unknown): LatticeRecord {
  const rule = find(call, 'rule', identifier);
  if (rule.listenerId !== listener.id) throw notFound('RULE', str(identifier));
  return rule;
}

function checkPriority(call: LatticeCall, listener: LatticeRecord, priority: number, self?: string): void {
  const clash = rulesOf(call, listener.id).find((r) => r.attrs.priority === priority && r.id !== self);
  if (clash) {
    throw conflict(
      'RULE',
      clash.id,
      `Priority ${priority} is already used by rule ${clash.id} of listener ${listener.id}.`,
    );
  }
}

export function createRule(call: LatticeCall, input: Json): Json {
  const { listener } = findListener(call, input);
  return withToken(call, input, listener.id, 'RULE', () => {
    const name = str(input.name);
    const siblings = rulesOf(call, listener.id);
    const clash = siblings.find((r) => r.name === name);
    if (clash)
      throw conflict('RULE', clash.id, `A rule with the name ${name} already exists in listener ${listener.id}.`);
    const priority = optNum(input.priority) ?? 0;
    checkPriority(call, listener, priority);
    checkQuota(siblings.length, call.options.quotas.rulesPerListener, 'RULE', 'rules per listener');
    const protocol = str(listener.attrs.protocol);
    if (protocol === 'TLS_PASSTHROUGH') {
      throw validation(
        'TLS_PASSTHROUGH listeners support only the default action; rules cannot be added.',
        [],
        'other',
      );
    }
    const r = newRecord(call, 'rule', {
      name,
      serviceId: listener.serviceId,
      listenerId: listener.id,
      tags: input.tags,
      attrs: {
        priority,
        match: prepareMatch(input.match, 'match'),
        action: prepareAction(call, input.action, protocol, 'action'),
      },
    });
    const out = ruleOut(r, true);
    delete out.createdAt;
    delete out.lastUpdatedAt;
    delete out.isDefault;
    return out;
  });
}

export function getRule(call: LatticeCall, input: Json): Json {
  const { listener } = findListener(call, input);
  if (idOf(str(input.ruleIdentifier)) === listener.attrs.defaultRuleId) return defaultRuleOut(call, listener, true);
  return ruleOut(findRule(call, listener, input.ruleIdentifier), true);
}

/** Rules in priority order, lowest first, then the default rule (which the listener's default action is). */
export function listRules(call: LatticeCall, input: Json): Json {
  const { listener } = findListener(call, input);
  const rules = rulesOf(call, listener.id)
    .sort((a, b) => (optNum(a.attrs.priority) ?? 0) - (optNum(b.attrs.priority) ?? 0))
    .map((r) => ruleOut(r, false));
  const page = paginate(call, [...rules, defaultRuleOut(call, listener, false)], `rules/${listener.id}`, input);
  return compact({ items: page.items, nextToken: page.nextToken });
}

/** PATCH semantics: members left out keep their value. */
function applyRuleUpdate(
  call: LatticeCall,
  listener: LatticeRecord,
  rule: LatticeRecord,
  update: Json,
  field: string,
): void {
  const protocol = str(listener.attrs.protocol);
  const priority = optNum(update.priority);
  if (priority !== undefined) checkPriority(call, listener, priority, rule.id);
  const match = update.match !== undefined ? prepareMatch(update.match, `${field}match`) : undefined;
  const action =
    update.action !== undefined ? prepareAction(call, update.action, protocol, `${field}action`) : undefined;
  if (priority !== undefined) rule.attrs.priority = priority;
  if (match) rule.attrs.match = match;
  if (action) rule.attrs.action = action;
  rule.lastUpdatedAt = call.ctx.now;
}

function refuseDefaultRule(listener: LatticeRecord, identifier: unknown): void {
  if (idOf(str(identifier)) === listener.attrs.defaultRuleId) {
    throw validation('The default rule cannot be changed with this operation; use UpdateListener.', [], 'other');
  }
}

export function updateRule(call: LatticeCall, input: Json): Json {
  const { listener } = findListener(call, input);
  refuseDefaultRule(listener, input.ruleIdentifier);
  const rule = findRule(call, listener, input.ruleIdentifier);
  applyRuleUpdate(call, listener, rule, input, '');
  const out = ruleOut(rule, true);
  delete out.createdAt;
  delete out.lastUpdatedAt;
  return out;
}

export function deleteRule(call: LatticeCall, input: Json): Json {
  const { listener } = findListener(call, input);
  if (idOf(str(input.ruleIdentifier)) === listener.attrs.defaultRuleId) {
    // DeleteRule: "You can delete additional listener rules, but you cannot delete the default rule."
    throw validation('The default rule of a listener cannot be deleted.', [], 'other');
  }
  dropRecord(call.state, findRule(call, listener, input.ruleIdentifier));
  return {};
}

/**
 * Each update succeeds or fails on its own: failures come back in `unsuccessful` with a failureCode (the codes are
 * unverified: ResourceNotFound, Conflict, ValidationError), the successes are applied.
 */
export function batchUpdateRule(call: LatticeCall, input: Json): Json {
  const { listener } = findListener(call, input);
  const successful: Json[] = [];
  const unsuccessful: Json[] = [];
  const updates = Array.isArray(input.rules) ? input.rules.filter(isJson) : [];
  const priorities = new Map<number, string>();
  for (const update of updates) {
    const p = optNum(update.priority);
    if (p !== undefined) priorities.set(p, priorities.has(p) ? 'dup' : str(update.ruleIdentifier));
  }
  updates.forEach((update) => {
    const identifier = str(update.ruleIdentifier);
    try {
      refuseDefaultRule(listener, identifier);
      const rule = findRule(call, listener, identifier);
      const p = optNum(update.priority);
      if (p !== undefined && priorities.get(p) === 'dup') {
        throw conflict('RULE', rule.id, `Priority ${p} is given to more than one rule in the request.`);
      }
      applyRuleUpdate(call, listener, rule, update, '');
      const out = ruleOut(rule, true);
      delete out.createdAt;
      delete out.lastUpdatedAt;
      successful.push(out);
    } catch (err) {
      const e = err as { type?: string; message?: string };
      const code =
        e.type === 'ResourceNotFoundException'
          ? 'ResourceNotFound'
          : e.type === 'ConflictException'
            ? 'Conflict'
            : 'ValidationError';
      unsuccessful.push({ ruleIdentifier: identifier, failureCode: code, failureMessage: e.message ?? String(err) });
    }
  });
  return { successful, unsuccessful };
}

/** The services whose listeners or rules forward to a target group (GetTargetGroup's serviceArns). */
export function servicesUsing(call: LatticeCall, tgId: string): string[] {
  const arns = new Set<string>();
  const forwards = (action: unknown): boolean =>
    isJson(action) &&
    isJson(action.forward) &&
    Array.isArray(action.forward.targetGroups) &&
    action.forward.targetGroups.some((g) => isJson(g) && g.targetGroupIdentifier === tgId);
  for (const l of recordsOf(call.state, 'listener')) {
    const uses = forwards(l.attrs.defaultAction) || rulesOf(call, l.id).some((r) => forwards(r.attrs.action));
    const service = call.state.resources[l.serviceId ?? ''];
    if (uses && service) arns.add(service.arn);
  }
  return [...arns];
}

/** The rules and listeners that forward to a target group, for the in-use check of DeleteTargetGroup. */
export function usersOf(call: LatticeCall, tgId: string): string[] {
  const users: string[] = [];
  const forwards = (action: unknown): boolean =>
    isJson(action) &&
    isJson(action.forward) &&
    Array.isArray(action.forward.targetGroups) &&
    action.forward.targetGroups.some((g) => isJson(g) && g.targetGroupIdentifier === tgId);
  for (const l of recordsOf(call.state, 'listener')) if (forwards(l.attrs.defaultAction)) users.push(l.id);
  for (const r of recordsOf(call.state, 'rule')) if (forwards(r.attrs.action)) users.push(r.id);
  return users;
}
