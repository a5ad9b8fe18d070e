/**
 * Service Connect and VPC Lattice attachments of a service, validated and defaulted as ECS does (AWS-FACTS.md,
 * "ECS Service Connect"): the stored configuration is what DescribeServices shows under deployments[].
 */
import type { CallContext } from '../contracts';
import { ecsErrors } from './errors';
import { clone, isObject, objectList, optNumber, optObject, optString, type JsonObject } from './input';
import type { ServiceDeps } from './services';
import type { ClusterRecord } from './state';
import type { LatticeTargetSink } from './task-events';
import { namedPorts } from './tasks';

/** The idle timeout defaults of the TimeoutConfiguration API reference: 5 min for http/http2/grpc, 1 h for TCP. */
const IDLE_DEFAULT_HTTP = 300;
const IDLE_DEFAULT_TCP = 3600;
/** The per-request default aws-cdk documents (Duration.seconds(15)); echoed only with the option on. */
const PER_REQUEST_DEFAULT = 15;

function tdName(td: JsonObject): string {
  return `${String(td['family'])}:${String(td['revision'])}`;
}

export interface ServiceConnectResult {
  configuration: JsonObject;
  /** {discoveryName, discoveryArn} of the Cloud Map services ECS uses (and creates when missing). */
  resources: JsonObject[];
}

/**
 * Validates `given` against the task definition and the namespaces Cloud Map has, and fills what ECS fills: the
 * namespace as its ARN (given by name or ARN, or the cluster's default), discoveryName = portName, client alias
 * dnsName = discoveryName.namespace, ingressPortOverride = the container port in awsvpc mode, access-log
 * includeQueryParameters DISABLED. ECS creates a Cloud Map service per services[] entry.
 */
export function normalizeServiceConnect(
  given: JsonObject | undefined,
  td: JsonObject,
  cluster: ClusterRecord,
  ctx: CallContext,
  deps: ServiceDeps,
): ServiceConnectResult | undefined {
  if (!given) return undefined;
  const configuration = clone(given);
  if (given['enabled'] !== true) return { configuration, resources: [] };
  const clusterDefault = optString(optObject(cluster.request, 'serviceConnectDefaults') ?? {}, 'namespace');
  const ref = optString(given, 'namespace') ?? clusterDefault;
  if (ref === undefined || ref === '') {
    throw ecsErrors.invalidParameter(
      'A Service Connect namespace is required when the cluster has no default Service Connect namespace.',
    );
  }
  const ns = deps.registry.findNamespace(ref);
  if (!ns) throw ecsErrors.namespaceNotFound(ref);
  // AWS-FACTS.md: "Service Connect needs task-level memory" (the proxy ECS adds takes its share of it).
  if (td['memory'] === undefined) {
    throw ecsErrors.invalidParameter(`Service Connect requires task-level memory in task definition ${tdName(td)}.`);
  }
  configuration['namespace'] = ns.arn;
  const awsvpc = td['networkMode'] === 'awsvpc';
  const ports = namedPorts(td);
  const discoveryNames: string[] = [];
  configuration['services'] = objectList(given, 'services').map((entry) => {
    const out = clone(entry);
    const portName = optString(entry, 'portName') ?? '';
    const port = ports.get(portName);
    if (!port) {
      throw ecsErrors.invalidParameter(
        `Service Connect portName '${portName}' does not match a named port mapping in task definition ${tdName(td)}.`,
      );
    }
    const aliases = objectList(entry, 'clientAliases');
    if (aliases.length > 1) {
      throw ecsErrors.invalidParameter('Only one client alias is supported per Service Connect service.');
    }
    const discoveryName = optString(entry, 'discoveryName') ?? portName;
    out['discoveryName'] = discoveryName;
    if (aliases.length > 0) {
      out['clientAliases'] = aliases.map((a) => ({
        ...clone(a),
        dnsName: optString(a, 'dnsName') ?? `${discoveryName}.${ns.name}`,
      }));
    }
    if (optNumber(entry, 'ingressPortOverride') === undefined && awsvpc && port.containerPort !== undefined) {
      out['ingressPortOverride'] = port.containerPort;
    }
    const tcp = port.appProtocol === undefined;
    const timeout = optObject(entry, 'timeout');
    // The TimeoutConfiguration API reference: "perRequestTimeout can only be set if Service Connect appProtocol
    // isn't TCP. Only idleTimeout is allowed for TCP appProtocol."
    if (tcp && timeout && optNumber(timeout, 'perRequestTimeoutSeconds') !== undefined) {
      throw ecsErrors.invalidParameter(
        `perRequestTimeoutSeconds can only be set if Service Connect appProtocol isn't TCP (portName '${portName}').`,
      );
    }
    if (deps.options.serviceConnectTimeoutDefaults) {
      out['timeout'] = {
        idleTimeoutSeconds: tcp ? IDLE_DEFAULT_TCP : IDLE_DEFAULT_HTTP,
        ...(tcp ? {} : { perRequestTimeoutSeconds: PER_REQUEST_DEFAULT }),
        ...clone(timeout ?? {}),
      };
    }
    discoveryNames.push(discoveryName);
    return out;
  });
  const accessLog = optObject(given, 'accessLogConfiguration');
  if (accessLog) {
    configuration['accessLogConfiguration'] = {
      ...clone(accessLog),
      includeQueryParameters: optString(accessLog, 'includeQueryParameters') ?? 'DISABLED',
    };
  }
  // Only a valid configuration changes anything in Cloud Map.
  const resources = discoveryNames.map((discoveryName) => ({
    discoveryName,
    discoveryArn: deps.registry.ensureServiceConnectService(ns.id, discoveryName, ctx),
  }));
  return { configuration, resources };
}

/**
 * `vpcLatticeConfigurations`: each portName must name a task-definition port mapping. `[]` removes them (AWS-FACTS.md:
 * removing needs `[]`, not null), so an empty list is returned as undefined (nothing shown under the deployment).
 */
export function normalizeVpcLattice(
  given: unknown,
  td: JsonObject,
  targets?: LatticeTargetSink,
  now = 0,
): JsonObject[] | undefined {
  if (!Array.isArray(given)) return undefined;
  const ports = namedPorts(td);
  const configs = given.filter(isObject).map((c) => {
    const targetGroupArn = optString(c, 'targetGroupArn') ?? '';
    if (targets?.findTargetGroup && !targets.findTargetGroup(targetGroupArn, now)) {
      throw ecsErrors.invalidParameter(`The target group ${targetGroupArn} does not exist.`);
    }
    const portName = optString(c, 'portName') ?? '';
    if (!ports.has(portName)) {
      throw ecsErrors.invalidParameter(
        `VPC Lattice portName '${portName}' does not match a named port mapping in task definition ${tdName(td)}.`,
      );
    }
    return clone(c);
  });
  return configs.length > 0 ? configs : undefined;
}
