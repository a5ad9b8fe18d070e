/**
 * The `appMesh` attachment (App Mesh, the legacy backend): the tasks run as a virtual node or gateway. meshward
 * injects the Envoy sidecar, the APPMESH proxy configuration and the container dependencies (AWS-FACTS.md "App Mesh
 * on ECS Fargate"), and registers the tasks in the Cloud Map service the node discovers.
 */
import { MeshwardError } from '../../../../core/errors';
import type { ResourceRef } from '../../../../core/types';
import type { ConvertContext, SemanticChecker, SpecReference } from '../../../kind';
import { checkAppMeshService } from './checks';
import type { EcsAppMeshSpec } from '../../../spec-types';
import { asArray, getPath, getString, isRecord, stripEmpty } from '../../../shared/spec-utils';
import type { CloudMapName, EcsAttachment, EcsComparable } from '../../attachment';
import {
  ENVOY_CONTAINER,
  RESOURCE_ARN_ENV,
  containerPorts,
  foldAppMeshArn,
  idOfFoldedArn,
  injectEnvoy,
  mapEnvironmentValues,
} from './envoy';

const NODE = 'VirtualNode';
const GATEWAY = 'VirtualGateway';

function appMeshOf(spec: Record<string, unknown>): EcsAppMeshSpec | undefined {
  const value = spec['appMesh'];
  return isRecord(value) ? (value as unknown as EcsAppMeshSpec) : undefined;
}

/** The node or gateway the sidecar runs as. */
function memberOf(appMesh: EcsAppMeshSpec): { kind: string; name: string; pointer: string } | undefined {
  if (appMesh.virtualNode !== undefined) {
    return { kind: NODE, name: appMesh.virtualNode, pointer: '/spec/appMesh/virtualNode' };
  }
  if (appMesh.virtualGateway !== undefined) {
    return { kind: GATEWAY, name: appMesh.virtualGateway, pointer: '/spec/appMesh/virtualGateway' };
  }
  return undefined;
}

/** The node's (or gateway's) listener ports: what Envoy intercepts for the application. */
function appPortsOf(appMesh: EcsAppMeshSpec, td: Record<string, unknown>, ctx: ConvertContext): number[] {
  const member = memberOf(appMesh);
  const doc = member ? ctx.lookup({ kind: member.kind, name: member.name, mesh: appMesh.mesh }) : undefined;
  const ports = asArray(getPath(doc?.spec, 'listeners'))
    .map((l) => getPath(l, 'portMapping', 'port'))
    .filter((p): p is number => typeof p === 'number');
  return ports.length > 0 ? ports : containerPorts(td);
}

function cloudMapOf(appMesh: EcsAppMeshSpec, ctx: ConvertContext): CloudMapName | undefined {
  if (appMesh.cloudMapService) return { ...appMesh.cloudMapService };
  if (appMesh.virtualNode === undefined) return undefined;
  const node = ctx.lookup({ kind: NODE, name: appMesh.virtualNode, mesh: appMesh.mesh });
  const namespaceName = getString(node?.spec, 'serviceDiscovery', 'awsCloudMap', 'namespaceName');
  const serviceName = getString(node?.spec, 'serviceDiscovery', 'awsCloudMap', 'serviceName');
  return namespaceName !== undefined && serviceName !== undefined ? { namespaceName, serviceName } : undefined;
}

/** Undoes injectEnvoy: the sidecar becomes `appMesh` again (export). */
function fromApi(c: EcsComparable): { comparable: EcsComparable; member: Record<string, unknown> } | undefined {
  const containers = asArray(c.taskDefinition['containerDefinitions']).filter(isRecord);
  const envoy = containers.find((x) => x['name'] === ENVOY_CONTAINER);
  if (!envoy) return undefined;
  const envEntries = asArray(envoy['environment']).filter(isRecord);
  const resourceArn = envEntries.find((e) => e['name'] === RESOURCE_ARN_ENV)?.['value'];
  const target = typeof resourceArn === 'string' ? (idOfFoldedArn(resourceArn) ?? '') : '';
  const [targetKind = '', mesh = '', targetName = ''] = target.split('/');
  const environment: Record<string, string> = {};
  let logLevel: string | undefined;
  for (const e of envEntries) {
    const name = String(e['name']);
    const value = String(e['value'] ?? '');
    if (name === RESOURCE_ARN_ENV) continue;
    if (name === 'ENVOY_LOG_LEVEL') logLevel = value;
    else environment[name] = value;
  }
  const properties = asArray(getPath(c.taskDefinition, 'proxyConfiguration', 'properties')).filter(isRecord);
  const ignoredPorts = properties.find((p) => p['name'] === 'EgressIgnoredPorts')?.['value'];
  const member: Record<string, unknown> = {
    mesh,
    ...(targetKind === GATEWAY ? { virtualGateway: targetName } : { virtualNode: targetName }),
    envoy: stripEmpty({
      image: envoy['image'],
      cpu: envoy['cpu'],
      memory: envoy['memory'],
      memoryReservation: envoy['memoryReservation'],
      logConfiguration: envoy['logConfiguration'],
      environment,
      logLevel,
      egressIgnoredPorts:
        typeof ignoredPorts === 'string' && ignoredPorts !== '' ? ignoredPorts.split(',').map(Number) : undefined,
    }),
  };
  if (c.cloudMap) member['cloudMapService'] = c.cloudMap;
  const apps = containers
    .filter((x) => x['name'] !== ENVOY_CONTAINER)
    .map((x) => ({
      ...x,
      dependsOn: asArray(x['dependsOn']).filter((d) => getPath(d, 'containerName') !== ENVOY_CONTAINER),
    }));
  // A gateway's declared envoy entry carried its port mappings; give them back.
  const envoyPorts = envoy['portMappings'];
  const declaredEnvoy = Array.isArray(envoyPorts)
    ? [{ name: ENVOY_CONTAINER, image: envoy['image'], portMappings: envoyPorts }]
    : [];
  const td: Record<string, unknown> = { ...c.taskDefinition, containerDefinitions: [...apps, ...declaredEnvoy] };
  delete td['proxyConfiguration'];
  const comparable: EcsComparable = { service: c.service, taskDefinition: td };
  return { comparable, member };
}

export const appMeshAttachment: EcsAttachment = {
  member: 'appMesh',

  references(_ref: ResourceRef, spec): SpecReference[] {
    const appMesh = appMeshOf(spec);
    if (!appMesh) return [];
    const member = memberOf(appMesh);
    const mesh = typeof appMesh.mesh === 'string' && appMesh.mesh !== '' ? appMesh.mesh : undefined;
    const out: SpecReference[] = [];
    if (mesh !== undefined) {
      // App Mesh does not know the service, so the mesh holds nothing and orders nothing beyond the node.
      out.push({
        pointer: '/spec/appMesh/mesh',
        target: { kind: 'Mesh', name: mesh },
        order: false,
        root: true,
        missingCode: 'UNDECLARED_MESH',
      });
    }
    const namespace = getString(appMesh, 'cloudMapService', 'namespaceName');
    if (namespace !== undefined) {
      out.push({
        pointer: '/spec/appMesh/cloudMapService/namespaceName',
        target: { kind: 'CloudMapNamespace', name: namespace },
        byName: true,
      });
    }
    if (member) {
      out.push({
        pointer: member.pointer,
        target: { kind: member.kind, name: member.name, ...(mesh !== undefined ? { mesh } : {}) },
        ...(mesh === undefined ? { byName: true } : {}),
        // Drawn from the node or gateway to this service: its tasks run that Envoy.
        relation: 'runs',
      });
    }
    return out;
  },

  dependencies(spec) {
    const appMesh = appMeshOf(spec);
    const member = appMesh ? memberOf(appMesh) : undefined;
    return member && appMesh ? [{ kind: member.kind, name: member.name, mesh: appMesh.mesh }] : [];
  },

  check: (checker: SemanticChecker) => checkAppMeshService(checker),

  toApi(spec, out, ctx) {
    const appMesh = appMeshOf(spec);
    if (!appMesh) return;
    out.taskDefinition = injectEnvoy(out.taskDefinition, appMesh, appPortsOf(appMesh, out.taskDefinition, ctx));
    const cloudMap = cloudMapOf(appMesh, ctx);
    if (cloudMap) out.cloudMap = cloudMap;
  },

  // The node's ARN travels region- and account-free, so the desired side never needs the account.
  normalize: (c) => ({ ...c, taskDefinition: mapEnvironmentValues(c.taskDefinition, foldAppMeshArn) }),

  fromApi,

  expandTaskDefinition(ctx, td) {
    return mapEnvironmentValues(td, (value) => {
      const id = idOfFoldedArn(value);
      if (id === undefined) return value;
      const arn = ctx.arnOf(id);
      if (!arn) throw new MeshwardError('AWS_TERMINAL', `cannot set ${RESOURCE_ARN_ENV}: ${id} does not exist`);
      return arn;
    });
  },

  infrastructure(doc) {
    const ns = getString(doc.spec, 'appMesh', 'cloudMapService', 'namespaceName');
    return ns ? [{ type: 'cloud-map-namespace', name: ns }] : [];
  },

  // Only services whose Envoy belongs to the exported mesh are part of it.
  inExport: (member, scopes) =>
    (scopes['mesh'] ?? []).includes(String(member['mesh'])) && getString(member, 'envoy', 'image') !== undefined,
};
