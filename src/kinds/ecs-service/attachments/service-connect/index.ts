/**
 * The `serviceConnectConfiguration` attachment (ECS Service Connect, AWS's successor to App Mesh on ECS): the ECS
 * API member key for key, in the CreateService member of the same name. ECS injects and runs the proxy itself, so
 * nothing is added to the task definition; this module owns the member's read-back (under the PRIMARY deployment,
 * the namespace as its ARN), the defaults ECS fills (AWS-FACTS.md "ECS Service Connect"), its validation, and the
 * ordering and redeploy rules between servers and clients.
 */
import type { ResourceRef } from '../../../../core/types';
import { pointerTouches } from '../../../../core/pointer';
import type { SpecReference } from '../../../kind';
import { prerequisitesOf } from '../../../shared/prerequisite';
import { asArray, clone, getPath, getString, isRecord } from '../../../shared/spec-utils';
import type { EcsAttachment, EcsComparable } from '../../attachment';
import { namespaceName, rememberNamespaceName } from '../../cloud-map';
import { checkServiceConnect } from './checks';
import {
  IDLE_DEFAULT_SECONDS,
  MEMBER,
  NAMESPACE_ARN,
  NAMESPACE_KIND,
  aliasesOf,
  configOf,
  namedPortMappings,
  namespaceOf,
} from './model';

export { MEMBER } from './model';

function isEnabled(config: Record<string, unknown> | undefined): config is Record<string, unknown> {
  return config !== undefined && config['enabled'] === true;
}

/** Both sides: ECS's read-back defaults written down, lists in a stable order. */
function normalize(c: EcsComparable): EcsComparable {
  const config = configOf(c);
  if (!config) return c;
  const out = clone(config);
  const namespace = namespaceOf(out);
  const ports = namedPortMappings(c.taskDefinition);
  const awsvpc = (c.taskDefinition['networkMode'] ?? 'awsvpc') === 'awsvpc';
  const services = asArray(out['services'])
    .filter(isRecord)
    .map((raw) => {
      const s = clone(raw);
      const portName = getString(s, 'portName') ?? '';
      const mapping = ports.get(portName);
      if (s['discoveryName'] === undefined) s['discoveryName'] = portName;
      if (s['ingressPortOverride'] === undefined && awsvpc && mapping?.containerPort !== undefined) {
        s['ingressPortOverride'] = mapping.containerPort;
      }
      const aliases = asArray(s['clientAliases'])
        .filter(isRecord)
        .map((alias) => {
          const a = clone(alias);
          if (a['dnsName'] === undefined && namespace !== undefined)
            a['dnsName'] = `${String(s['discoveryName'])}.${namespace}`;
          return a;
        })
        .sort((x, y) => Number(x['port']) - Number(y['port']));
      if (aliases.length > 0) s['clientAliases'] = aliases;
      else delete s['clientAliases'];
      const tcp = mapping !== undefined && mapping.appProtocol === undefined;
      const timeout = isRecord(s['timeout']) ? clone(s['timeout']) : {};
      if (timeout['idleTimeoutSeconds'] === undefined && mapping !== undefined) {
        timeout['idleTimeoutSeconds'] = tcp ? IDLE_DEFAULT_SECONDS.tcp : IDLE_DEFAULT_SECONDS.http;
      }
      if (Object.keys(timeout).length > 0) s['timeout'] = timeout;
      return s;
    })
    .sort((x, y) => String(x['portName']).localeCompare(String(y['portName'])));
  if (services.length > 0) out['services'] = services;
  else delete out['services'];
  const accessLog = out['accessLogConfiguration'];
  if (isRecord(accessLog) && accessLog['includeQueryParameters'] === undefined) {
    out['accessLogConfiguration'] = { ...accessLog, includeQueryParameters: 'DISABLED' };
  }
  return { ...c, service: { ...c.service, [MEMBER]: out } };
}

function channelOf(namespace: string): string {
  return `service-connect:${namespace}`;
}

export const serviceConnectAttachment: EcsAttachment = {
  member: MEMBER,

  references(_ref: ResourceRef, spec): SpecReference[] {
    const namespace = namespaceOf(spec[MEMBER]);
    // A namespace given as an ARN is someone else's; by name it must be declared (or annotated external).
    if (namespace === undefined || NAMESPACE_ARN.test(namespace)) return [];
    return [{ pointer: `/spec/${MEMBER}/namespace`, target: { kind: NAMESPACE_KIND, name: namespace } }];
  },

  dependencies(spec) {
    const namespace = namespaceOf(spec[MEMBER]);
    return namespace === undefined || NAMESPACE_ARN.test(namespace) ? [] : [{ kind: NAMESPACE_KIND, name: namespace }];
  },

  check: checkServiceConnect,

  // The member is a CreateService member: the core already carries it in `service`.
  normalize,

  async readBack(ctx, service, c) {
    const primary = asArray(service['deployments']).find((d) => getString(d, 'status') === 'PRIMARY');
    const config = getPath(primary, MEMBER);
    const next: EcsComparable = { ...c, service: { ...c.service } };
    delete next.service[MEMBER];
    if (!isRecord(config)) return next;
    const read = clone(config);
    const namespace = getString(read, 'namespace');
    const id = namespace ? NAMESPACE_ARN.exec(namespace)?.[1] : undefined;
    if (id) {
      const name = await namespaceName(ctx, id);
      if (name) read['namespace'] = name;
    }
    next.service[MEMBER] = read;
    return next;
  },

  afterWrite(ctx, desired, service) {
    const sent = namespaceOf(configOf(desired));
    const primary = asArray(service['deployments']).find((d) => getString(d, 'status') === 'PRIMARY');
    const answered = getString(getPath(primary, MEMBER), 'namespace');
    const id = answered ? NAMESPACE_ARN.exec(answered)?.[1] : undefined;
    if (sent !== undefined && id !== undefined && !NAMESPACE_ARN.test(sent)) rememberNamespaceName(ctx, id, sent);
  },

  awsDefaulted: [`/service/${MEMBER}`],

  replaceReason(desired, actual, changes) {
    if (!isEnabled(configOf(actual))) return undefined;
    const touched = changes.find((f) =>
      ['appProtocol', 'protocol'].some((m) =>
        pointerTouches(`/spec/taskDefinition/containerDefinitions/*/portMappings/*/${m}`, f.path),
      ),
    );
    if (!touched || !isEnabled(configOf(desired))) return undefined;
    return `${touched.path} changes while the service uses Service Connect, which ECS does not allow: delete and create`;
  },

  channels(c) {
    const config = configOf(c);
    const namespace = namespaceOf(config);
    if (!isEnabled(config) || namespace === undefined) return { offers: [], uses: [] };
    // Servers offer endpoints in their namespace; a client-only service uses them. Servers are clients too, but
    // ordering servers among themselves would turn any two that call each other into a cycle.
    return aliasesOf(config).length > 0
      ? { offers: [channelOf(namespace)], uses: [] }
      : { offers: [], uses: [channelOf(namespace)] };
  },

  redeploysUsers(change, desired) {
    const config = configOf(desired);
    const namespace = namespaceOf(config);
    const aliases = aliasesOf(config);
    if (!isEnabled(config) || namespace === undefined || aliases.length === 0) return undefined;
    const before = change.actual ? aliasesOf(getPath(change.actual.spec, 'service', MEMBER)) : [];
    const added = aliases.filter((a) => !before.includes(a));
    if (change.action !== 'create' && change.action !== 'replace' && added.length === 0) return undefined;
    if (added.length === 0) return undefined;
    return `new Service Connect endpoint ${added.join(', ')} in ${namespace}: only tasks started after it exists resolve it`;
  },

  // The TLS role ECS Service Connect assumes to reach AWS Private CA.
  prerequisites: (doc) =>
    prerequisitesOf(
      asArray(getPath(doc.spec, MEMBER, 'services')).map(
        (service, i) => [getPath(service, 'tls', 'roleArn'), `/spec/${MEMBER}/services/${i}/tls/roleArn`] as const,
      ),
    ),

  infrastructure(doc) {
    const namespace = namespaceOf(doc.spec[MEMBER]);
    return namespace && !NAMESPACE_ARN.test(namespace) ? [{ type: 'cloud-map-namespace', name: namespace }] : [];
  },
};
