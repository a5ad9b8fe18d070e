/**
 * What a meshed Fargate task needs (AWS-FACTS.md "App Mesh on ECS Fargate"): the Envoy sidecar, the APPMESH proxy
 * configuration and the application containers' dependency on a healthy Envoy. Pure: the node's ARN is written in
 * a region- and account-free form (`appmesh:mesh/<mesh>/virtualNode/<name>`) that apply expands and observe folds
 * back, so the desired side never needs to know the account.
 */
import type { EcsAppMeshSpec } from '../../../spec-types';
import { asArray, getPath, isRecord } from '../../../shared/spec-utils';

export const ENVOY_CONTAINER = 'envoy';
export const ENVOY_UID = '1337';
export const RESOURCE_ARN_ENV = 'APPMESH_RESOURCE_ARN';
export const ENVOY_HEALTH_CHECK = {
  command: ['CMD-SHELL', 'curl -s http://localhost:9901/server_info | grep state | grep -q LIVE'],
  startPeriod: 10,
  interval: 5,
  timeout: 2,
  retries: 3,
};
const EGRESS_IGNORED_IPS = '169.254.170.2,169.254.169.254';
const ARN_PLACEHOLDER_PREFIX = 'appmesh:';
const APPMESH_ARN = /^arn:aws[a-z-]*:appmesh:[^:]*:[^:]*:(mesh\/.+)$/;

export function appMeshResourcePath(appMesh: EcsAppMeshSpec): string {
  return appMesh.virtualNode !== undefined
    ? `mesh/${appMesh.mesh}/virtualNode/${appMesh.virtualNode}`
    : `mesh/${appMesh.mesh}/virtualGateway/${appMesh.virtualGateway ?? ''}`;
}

/** `arn:aws:appmesh:r:a:mesh/m/virtualNode/n` -> `appmesh:mesh/m/virtualNode/n`; other values unchanged. */
export function foldAppMeshArn(value: string): string {
  const m = APPMESH_ARN.exec(value);
  return m ? `${ARN_PLACEHOLDER_PREFIX}${m[1] ?? ''}` : value;
}

/** The resource id (`VirtualNode/m/n`) a folded ARN names, for resolving the real ARN at apply time. */
export function idOfFoldedArn(value: string): string | undefined {
  if (!value.startsWith(ARN_PLACEHOLDER_PREFIX)) return undefined;
  const parts = value.slice(ARN_PLACEHOLDER_PREFIX.length).split('/');
  if (parts.length !== 4 || parts[0] !== 'mesh') return undefined;
  const kind =
    parts[2] === 'virtualNode' ? 'VirtualNode' : parts[2] === 'virtualGateway' ? 'VirtualGateway' : undefined;
  return kind ? `${kind}/${parts[1]}/${parts[3]}` : undefined;
}

/** Maps every container environment value through `fn` (fold on observe, expand on apply). */
export function mapEnvironmentValues(td: Record<string, unknown>, fn: (v: string) => string): Record<string, unknown> {
  const containers = asArray(td['containerDefinitions']).map((c) => {
    if (!isRecord(c) || !Array.isArray(c['environment'])) return c;
    return {
      ...c,
      environment: c['environment'].map((e) =>
        isRecord(e) && typeof e['value'] === 'string' ? { ...e, value: fn(e['value']) } : e,
      ),
    };
  });
  return { ...td, containerDefinitions: containers };
}

/** Adds the sidecar, the proxy configuration and the container dependencies to a task definition. */
export function injectEnvoy(
  td: Record<string, unknown>,
  appMesh: EcsAppMeshSpec,
  appPorts: readonly number[],
): Record<string, unknown> {
  const envoy = appMesh.envoy;
  const environment = [
    { name: RESOURCE_ARN_ENV, value: `${ARN_PLACEHOLDER_PREFIX}${appMeshResourcePath(appMesh)}` },
    ...Object.entries(envoy.environment ?? {}).map(([name, value]) => ({ name, value })),
    ...(envoy.logLevel !== undefined ? [{ name: 'ENVOY_LOG_LEVEL', value: envoy.logLevel }] : []),
  ];
  const sidecar: Record<string, unknown> = {
    name: ENVOY_CONTAINER,
    image: envoy.image,
    essential: true,
    user: ENVOY_UID,
    environment,
    healthCheck: ENVOY_HEALTH_CHECK,
  };
  if (envoy.cpu !== undefined) sidecar['cpu'] = envoy.cpu;
  if (envoy.memory !== undefined) sidecar['memory'] = envoy.memory;
  if (envoy.memoryReservation !== undefined) sidecar['memoryReservation'] = envoy.memoryReservation;
  if (envoy.logConfiguration !== undefined) sidecar['logConfiguration'] = envoy.logConfiguration;

  const declared = asArray(td['containerDefinitions']).filter(isRecord);
  // A gateway task is Envoy alone; a declared `envoy` entry contributes what only the user knows (port mappings).
  const declaredEnvoy = declared.find((c) => c['name'] === ENVOY_CONTAINER);
  const merged = declaredEnvoy ? { ...declaredEnvoy, ...sidecar } : sidecar;
  const isNode = appMesh.virtualNode !== undefined;
  const apps = declared
    .filter((c) => c['name'] !== ENVOY_CONTAINER)
    .map((container) => {
      const deps = asArray(container['dependsOn']).filter((d) => getPath(d, 'containerName') !== ENVOY_CONTAINER);
      return { ...container, dependsOn: [...deps, { containerName: ENVOY_CONTAINER, condition: 'HEALTHY' }] };
    });
  const out: Record<string, unknown> = { ...td, networkMode: 'awsvpc', containerDefinitions: [...apps, merged] };
  if (!isNode) return out; // a virtual gateway's Envoy is the ingress itself: no traffic interception
  const properties = [
    { name: 'IgnoredUID', value: ENVOY_UID },
    { name: 'ProxyIngressPort', value: '15000' },
    { name: 'ProxyEgressPort', value: '15001' },
    { name: 'AppPorts', value: appPorts.join(',') },
    { name: 'EgressIgnoredIPs', value: EGRESS_IGNORED_IPS },
    ...(envoy.egressIgnoredPorts && envoy.egressIgnoredPorts.length > 0
      ? [{ name: 'EgressIgnoredPorts', value: envoy.egressIgnoredPorts.join(',') }]
      : []),
  ];
  return { ...out, proxyConfiguration: { type: 'APPMESH', containerName: ENVOY_CONTAINER, properties } };
}

/** The application container ports: AppPorts when the node's listeners are not known. */
export function containerPorts(td: Record<string, unknown>): number[] {
  const ports: number[] = [];
  for (const c of asArray(td['containerDefinitions'])) {
    if (getPath(c, 'name') === ENVOY_CONTAINER) continue;
    for (const pm of asArray(getPath(c, 'portMappings'))) {
      const port = getPath(pm, 'containerPort');
      if (typeof port === 'number') ports.push(port);
    }
  }
  return ports;
}
