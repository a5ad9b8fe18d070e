/**
 * Generates valid manifest sets of a given size for the benchmark and the reliability suite. The shapes follow the
 * reference topology (manifests/): canary services behind routers with weighted, header and path routes, plain
 * services, nodes for dependencies that run outside ECS, one ingress gateway per mesh with gateway routes; every
 * mesh capability (health checks, connection pools, outlier detection, timeouts, retries) switched on somewhere.
 *
 * Sizes count App Mesh resources. Large sets are spread over several meshes so that no mesh exceeds App Mesh's
 * default quotas (200 nodes / services / routers per mesh, 50 routes per router, 3 gateways per mesh, 10 gateway
 * routes per gateway, 15 meshes per account). Generation is deterministic for a given size and seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { type KindName } from '../scripts/gen-schemas';
import { API_VERSION, type ManifestDocument } from '../src/core/types';
import { prng } from '../src/core/prng';

export interface GenerateOptions {
  /** App Mesh resources to generate, meshes included (smaller sizes are raised to 4: a mesh and one service). */
  resources: number;
  seed?: number;
  /** Mesh names are `${prefix}-${i}`; also the cluster and Cloud Map namespace names. */
  prefix?: string;
  /**
   * App Mesh resources per mesh (default 200: about 45 nodes, 35 services, 11 routers, under every quota; above
   * 3,000 resources, the total spread over the 15 meshes of the account quota).
   */
  perMesh?: number;
}

/** The App Mesh default quotas the generator stays within (AWS-FACTS.md / the App Mesh service quotas page). */
export const APP_MESH_QUOTAS = {
  meshes: 15,
  nodesPerMesh: 200,
  servicesPerMesh: 200,
  routersPerMesh: 200,
  routesPerRouter: 50,
  gatewaysPerMesh: 3,
  gatewayRoutesPerGateway: 10,
} as const;

/**
 * The most App Mesh resources the generator puts in one mesh. A mesh of 800 has about 180 nodes, 135 services and
 * 45 routers (seed 1), under the 200-per-mesh quotas with room for the generator's randomness; at about 870 the
 * nodes pass 200. So the largest set is 15 meshes x 800 = 12,000 resources (MAX_SET_RESOURCES): a larger one would
 * need more meshes than the account quota (which the emulator enforces, DEFAULT_QUOTAS.meshesPerAccount) or
 * fuller meshes than AWS accepts, and is refused.
 */
export const MAX_RESOURCES_PER_MESH = 800;
export const MAX_SET_RESOURCES = APP_MESH_QUOTAS.meshes * MAX_RESOURCES_PER_MESH;

export interface MeshCounts {
  mesh: string;
  cluster: string;
  namespace: string;
  virtualNodes: number;
  virtualServices: number;
  virtualRouters: number;
  virtualGateways: number;
  /** Routes of each router, by router name. */
  routesPerRouter: Record<string, number>;
  /** Gateway routes of each gateway, by gateway name. */
  gatewayRoutesPerGateway: Record<string, number>;
  ecsServices: number;
  /** ECS services that register in Cloud Map (all but the gateways'). */
  registeredEcsServices: number;
  /** Distinct Cloud Map services the ECS services register in. */
  cloudMapServices: number;
}

export interface SetCounts {
  appMeshResources: number;
  ecsServices: number;
  documents: number;
  byKind: Record<KindName, number>;
  meshes: MeshCounts[];
  registeredEcsServices: number;
}

export interface GeneratedFile {
  name: string;
  text: string;
}

export interface GeneratedSet {
  docs: ManifestDocument[];
  files: GeneratedFile[];
  counts: SetCounts;
}

const ENVOY_IMAGE = '840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod';
const ACCOUNT = '111122223333';
const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
const PORTS = [8080, 9090, 3000, 8443] as const;

/** Resources of each unit kind, so the budget can be split before anything is generated. */
const CANARY_BASE = 6; // router, service, two nodes, header route, weighted route
/** Path routes beside the two canary routes: 4..10, so a router carries 6..12 routes (quota: 50). */
const CANARY_MIN_EXTRA_ROUTES = 4;
const CANARY_MAX_EXTRA_ROUTES = 10;
const PLAIN_SIZE = 2; // node + service
const EXTERNAL_SIZE = 2; // DNS node + service, no ECS service

function doc(kind: KindName, metadata: ManifestDocument['metadata'], spec: Record<string, unknown>): ManifestDocument {
  return { apiVersion: API_VERSION, kind, metadata, spec };
}

interface MeshBuilder {
  mesh: string;
  namespace: string;
  cluster: string;
  random: () => number;
  docs: ManifestDocument[];
  /** Virtual service names declared so far, for backends and gateway routes. */
  services: string[];
  counts: MeshCounts;
  cloudMap: Set<string>;
  unitFiles: { name: string; docs: ManifestDocument[] }[];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function seconds(random: () => number, min: number, max: number): string {
  return `${min + Math.floor(random() * (max - min + 1))}s`;
}

function virtualNode(b: MeshBuilder, name: string, port: number, cloudMapService: string, version?: string) {
  const r = b.random;
  const backends = b.services.slice(-2).map((s) => ({ virtualService: { virtualServiceName: s } }));
  const listener: Record<string, unknown> = {
    portMapping: { port, protocol: 'http' },
    healthCheck: {
      protocol: 'http',
      path: '/health',
      intervalMillis: 5000 + 1000 * Math.floor(r() * 6),
      timeoutMillis: 2000,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    timeout: { http: { perRequest: seconds(r, 5, 30), idle: seconds(r, 30, 120) } },
  };
  // Circuit breaking and outlier detection on most nodes, not all: real meshes are uneven.
  if (r() < 0.8) {
    listener['connectionPool'] = {
      http: { maxConnections: 50 + Math.floor(r() * 200), maxPendingRequests: 25 + Math.floor(r() * 100) },
    };
    listener['outlierDetection'] = {
      maxServerErrors: 3 + Math.floor(r() * 5),
      interval: '10s',
      baseEjectionDuration: seconds(r, 15, 60),
      maxEjectionPercent: 50,
    };
  }
  const awsCloudMap: Record<string, unknown> = { namespaceName: b.namespace, serviceName: cloudMapService };
  if (version) awsCloudMap['attributes'] = [{ key: 'version', value: version }];
  b.counts.virtualNodes += 1;
  return doc(
    'VirtualNode',
    { name, mesh: b.mesh, tags: { team: `team-${Math.floor(r() * 12)}` } },
    {
      listeners: [listener],
      ...(backends.length > 0 ? { backends } : {}),
      serviceDiscovery: { awsCloudMap },
      logging: { accessLog: { file: { path: '/dev/stdout' } } },
    },
  );
}

function ecsService(b: MeshBuilder, name: string, port: number, appMesh: Record<string, unknown>, image: string) {
  const r = b.random;
  b.counts.ecsServices += 1;
  if ('cloudMapService' in appMesh) b.counts.registeredEcsServices += 1;
  const gateway = 'virtualGateway' in appMesh;
  const container: Record<string, unknown> = gateway
    ? { name: 'envoy', image: ENVOY_IMAGE, essential: true, portMappings: [{ containerPort: port, protocol: 'tcp' }] }
    : {
        name: 'app',
        image,
        essential: true,
        portMappings: [{ containerPort: port, protocol: 'tcp' }],
        environment: [
          { name: 'PORT', value: String(port) },
          { name: 'LOG_LEVEL', value: pick(r, ['info', 'warn', 'debug']) },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/${b.mesh}/${name}`,
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'app',
          },
        },
      };
  return doc(
    'EcsService',
    { name },
    {
      cluster: b.cluster,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      desiredCount: 1 + Math.floor(r() * 4),
      networkConfiguration: {
        awsvpcConfiguration: { subnets: SUBNETS, securityGroups: ['sg-0a1b2c3d4e5f60020'], assignPublicIp: 'DISABLED' },
      },
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
      propagateTags: 'SERVICE',
      taskDefinition: {
        family: `${b.mesh}-${name}`,
        cpu: pick(r, ['256', '512']),
        memory: '1024',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${b.mesh}-task-execution`,
        taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${b.mesh}-${name}`,
        containerDefinitions: [container],
      },
      appMesh: { mesh: b.mesh, ...appMesh, envoy: { image: ENVOY_IMAGE, memoryReservation: 128, logLevel: 'info' } },
    },
  );
}

/** A service with two versions behind a router: header canary, weighted split, and path routes to fill. */
function canaryUnit(b: MeshBuilder, index: number, extraRoutes: number): ManifestDocument[] {
  const r = b.random;
  const name = `svc-${index}`;
  const port = pick(r, PORTS);
  const vsName = `${name}.${b.namespace}`;
  const nodes = [`${name}-v1`, `${name}-v2`];
  const docs: ManifestDocument[] = [
    doc('VirtualRouter', { name, mesh: b.mesh }, { listeners: [{ portMapping: { port, protocol: 'http' } }] }),
  ];
  b.counts.virtualRouters += 1;
  docs.push(...nodes.map((n, i) => virtualNode(b, n, port, name, `v${i + 1}`)));
  const retryPolicy = {
    maxRetries: 1 + Math.floor(r() * 3),
    perRetryTimeout: seconds(r, 1, 5),
    httpRetryEvents: ['server-error', 'gateway-error'],
    tcpRetryEvents: ['connection-error'],
  };
  const timeout = { perRequest: seconds(r, 5, 30), idle: seconds(r, 30, 120) };
  const route = (routeName: string, priority: number, match: Record<string, unknown>, targets: unknown[]) =>
    doc(
      'Route',
      { name: routeName, mesh: b.mesh, virtualRouter: name },
      { priority, httpRoute: { match, action: { weightedTargets: targets }, retryPolicy, timeout } },
    );
  const canary = 1 + Math.floor(r() * 30);
  docs.push(
    route('canary-header', 10, { prefix: '/', headers: [{ name: 'x-canary', match: { exact: 'true' } }] }, [
      { virtualNode: nodes[1], weight: 1 },
    ]),
    route('canary-weighted', 1000, { prefix: '/' }, [
      { virtualNode: nodes[0], weight: 100 - canary },
      { virtualNode: nodes[1], weight: canary },
    ]),
  );
  for (let k = 0; k < extraRoutes; k++) {
    docs.push(
      route(`path-${k}`, 100 + k, { path: { exact: `/api/v${k + 1}/orders` }, method: pick(r, ['GET', 'POST']) }, [
        { virtualNode: nodes[0], weight: 1 },
      ]),
    );
  }
  b.counts.routesPerRouter[name] = 2 + extraRoutes;
  docs.push(
    doc('VirtualService', { name: vsName, mesh: b.mesh }, { provider: { virtualRouter: { virtualRouterName: name } } }),
  );
  b.counts.virtualServices += 1;
  const image = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${b.mesh}/${name}`;
  nodes.forEach((n, i) => {
    docs.push(
      ecsService(
        b,
        n,
        port,
        { virtualNode: n, cloudMapService: { namespaceName: b.namespace, serviceName: name } },
        `${image}:1.${i}.0`,
      ),
    );
  });
  b.cloudMap.add(name);
  b.services.push(vsName);
  return docs;
}

/** One node behind its virtual service, on ECS. */
function plainUnit(b: MeshBuilder, index: number): ManifestDocument[] {
  const name = `svc-${index}`;
  const port = pick(b.random, PORTS);
  const vsName = `${name}.${b.namespace}`;
  const docs = [
    virtualNode(b, name, port, name),
    doc('VirtualService', { name: vsName, mesh: b.mesh }, { provider: { virtualNode: { virtualNodeName: name } } }),
    ecsService(
      b,
      name,
      port,
      { virtualNode: name, cloudMapService: { namespaceName: b.namespace, serviceName: name } },
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${b.mesh}/${name}:2.0.0`,
    ),
  ];
  b.counts.virtualServices += 1;
  b.cloudMap.add(name);
  b.services.push(vsName);
  return docs;
}

/** A dependency outside ECS (a database proxy, a legacy host) reached by DNS: in the mesh, not on ECS. */
function externalUnit(b: MeshBuilder, index: number): ManifestDocument[] {
  const name = `ext-${index}`;
  const port = pick(b.random, [5432, 6379, 443]);
  b.counts.virtualNodes += 1;
  b.counts.virtualServices += 1;
  const vsName = `${name}.${b.namespace}`;
  b.services.push(vsName);
  return [
    doc(
      'VirtualNode',
      { name, mesh: b.mesh },
      {
        listeners: [{ portMapping: { port, protocol: 'tcp' }, timeout: { tcp: { idle: seconds(b.random, 60, 600) } } }],
        serviceDiscovery: { dns: { hostname: `${name}.internal.example.com` } },
      },
    ),
    doc('VirtualService', { name: vsName, mesh: b.mesh }, { provider: { virtualNode: { virtualNodeName: name } } }),
  ];
}

function gatewayDocs(b: MeshBuilder, routes: number): ManifestDocument[] {
  const name = 'ingress-gw';
  const port = 8080;
  const docs: ManifestDocument[] = [
    doc(
      'VirtualGateway',
      { name, mesh: b.mesh },
      {
        listeners: [
          {
            portMapping: { port, protocol: 'http' },
            healthCheck: {
              protocol: 'http',
              path: '/ping',
              intervalMillis: 5000,
              timeoutMillis: 2000,
              healthyThreshold: 2,
              unhealthyThreshold: 3,
            },
            connectionPool: { http: { maxConnections: 1024, maxPendingRequests: 512 } },
          },
        ],
        logging: { accessLog: { file: { path: '/dev/stdout' } } },
      },
    ),
  ];
  b.counts.virtualGateways += 1;
  // Gateway routes spread over the mesh's services; the last one is the catch-all.
  for (let i = 0; i < routes; i++) {
    const target = b.services[Math.floor((i * b.services.length) / Math.max(1, routes))] ?? b.services[0];
    const last = i === routes - 1;
    docs.push(
      doc(
        'GatewayRoute',
        { name: `to-${i}`, mesh: b.mesh, virtualGateway: name },
        {
          priority: last ? 1000 : 10 + i,
          httpRoute: {
            match: { prefix: last ? '/' : `/r${i}/` },
            action: {
              target: { virtualService: { virtualServiceName: target } },
              ...(last ? {} : { rewrite: { prefix: { value: '/' } } }),
            },
          },
        },
      ),
    );
  }
  b.counts.gatewayRoutesPerGateway[name] = routes;
  docs.push(ecsService(b, name, port, { virtualGateway: name }, ENVOY_IMAGE));
  return docs;
}

/** One mesh of exactly `budget` App Mesh resources (budget >= 3). */
function generateMesh(meshName: string, budget: number, random: () => number): MeshBuilder {
  const namespace = `${meshName}.local`;
  const b: MeshBuilder = {
    mesh: meshName,
    namespace,
    cluster: meshName,
    random,
    docs: [],
    services: [],
    cloudMap: new Set(),
    unitFiles: [],
    counts: {
      mesh: meshName,
      cluster: meshName,
      namespace,
      virtualNodes: 0,
      virtualServices: 0,
      virtualRouters: 0,
      virtualGateways: 0,
      routesPerRouter: {},
      gatewayRoutesPerGateway: {},
      ecsServices: 0,
      registeredEcsServices: 0,
      cloudMapServices: 0,
    },
  };
  const meshDoc = doc(
    'Mesh',
    { name: meshName, tags: { team: 'platform' } },
    { egressFilter: { type: 'DROP_ALL' }, serviceDiscovery: { ipPreference: 'IPv4_ONLY' } },
  );
  b.unitFiles.push({ name: 'mesh', docs: [meshDoc] });
  let left = budget - 1;
  // A gateway with gateway routes when the mesh is big enough to have an ingress worth routing.
  const gatewayRoutes =
    left >= 9 ? Math.min(APP_MESH_QUOTAS.gatewayRoutesPerGateway, Math.max(1, Math.floor(budget / 20))) : 0;
  if (gatewayRoutes > 0) left -= 1 + gatewayRoutes;
  // Units in a fixed rhythm: about one ECS service per seven App Mesh resources. Meshes often span compute that is
  // not ECS (EKS, EC2, managed databases behind DNS nodes), and ECS's RegisterTaskDefinition quota (1/s sustained)
  // would otherwise make a first apply of 1,000 resources take most of the benchmark's time budget.
  const rhythm = ['canary', 'external', 'external', 'canary', 'external', 'plain'] as const;
  let unit = 0;
  while (left > 0) {
    const wanted = rhythm[unit % rhythm.length];
    let docs: ManifestDocument[];
    if (wanted === 'canary' && left >= CANARY_BASE) {
      const span = CANARY_MAX_EXTRA_ROUTES - CANARY_MIN_EXTRA_ROUTES + 1;
      const extra = Math.min(left - CANARY_BASE, CANARY_MIN_EXTRA_ROUTES + Math.floor(random() * span));
      docs = canaryUnit(b, unit, extra);
    } else if (wanted === 'external' && left >= EXTERNAL_SIZE) {
      docs = externalUnit(b, unit);
    } else if (left >= PLAIN_SIZE) {
      docs = plainUnit(b, unit);
    } else {
      // One resource left: a service with no provider (an alias kept for clients that still call the old name).
      docs = [doc('VirtualService', { name: `legacy-${unit}.${namespace}`, mesh: meshName }, {})];
      b.counts.virtualServices += 1;
    }
    left -= docs.filter((d) => d.kind !== 'EcsService').length;
    b.unitFiles.push({ name: `unit-${String(unit).padStart(3, '0')}`, docs });
    unit += 1;
  }
  if (gatewayRoutes > 0) b.unitFiles.push({ name: 'ingress', docs: gatewayDocs(b, gatewayRoutes) });
  b.counts.cloudMapServices = b.cloudMap.size;
  b.docs = b.unitFiles.flatMap((f) => f.docs);
  return b;
}

function countByKind(docs: readonly ManifestDocument[]): Record<KindName, number> {
  const byKind: Record<KindName, number> = {
    Mesh: 0,
    VirtualNode: 0,
    VirtualRouter: 0,
    Route: 0,
    VirtualService: 0,
    VirtualGateway: 0,
    GatewayRoute: 0,
    EcsService: 0,
  };
  for (const d of docs) byKind[d.kind as KindName] += 1;
  return byKind;
}

export function generateManifestSet(options: GenerateOptions): GeneratedSet {
  const total = Math.max(4, Math.floor(options.resources));
  if (total > MAX_SET_RESOURCES) {
    throw new RangeError(
      `${total} resources do not fit the App Mesh default quotas: at most ${MAX_SET_RESOURCES} (${APP_MESH_QUOTAS.meshes} meshes of ${MAX_RESOURCES_PER_MESH})`,
    );
  }
  // 200 per mesh until the 15 meshes are full (3,000), then fuller meshes: a mesh of 334 still has about 75 nodes,
  // 60 services and 20 routers, far under the per-mesh quotas, so 5,000 fits the account's default quotas too.
  const perMesh = Math.max(4, options.perMesh ?? Math.max(200, Math.ceil(total / APP_MESH_QUOTAS.meshes)));
  const prefix = options.prefix ?? 'bench';
  const random = prng(options.seed ?? 1);
  const meshCount = Math.ceil(total / perMesh);
  if (meshCount > APP_MESH_QUOTAS.meshes)
    throw new RangeError(`${total} resources need ${meshCount} meshes, over the quota of ${APP_MESH_QUOTAS.meshes}`);
  const builders: MeshBuilder[] = [];
  for (let m = 0; m < meshCount; m++) {
    // Even split; the first meshes take the remainder.
    const budget = Math.floor(total / meshCount) + (m < total % meshCount ? 1 : 0);
    builders.push(generateMesh(`${prefix}-${m}`, budget, random));
  }
  const docs = builders.flatMap((b) => b.docs);
  const files = builders.flatMap((b) =>
    b.unitFiles.map((f) => ({
      name: `${b.mesh}/${f.name}.yaml`,
      text: f.docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'),
    })),
  );
  const byKind = countByKind(docs);
  const counts: SetCounts = {
    appMeshResources: docs.length - byKind.EcsService,
    ecsServices: byKind.EcsService,
    documents: docs.length,
    byKind,
    meshes: builders.map((b) => b.counts),
    registeredEcsServices: builders.reduce((a, b) => a + b.counts.registeredEcsServices, 0),
  };
  // Never hand out a set AWS (or the emulator) would refuse half way: a `perMesh` too full for the quotas fails here.
  const over = quotaViolations(counts);
  if (over.length > 0) {
    throw new RangeError(`${total} resources at ${perMesh} per mesh exceed the App Mesh quotas: ${over.join(', ')}`);
  }
  return { docs, files, counts };
}

/** Writes the set under `dir` (one directory per mesh); returns the directory. */
export async function writeManifestSet(set: GeneratedSet, dir: string): Promise<string> {
  for (const file of set.files) {
    const target = path.join(dir, file.name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text, 'utf8');
  }
  return dir;
}

/** Every quota the generator promises to respect; an empty list means the set fits App Mesh's defaults. */
export function quotaViolations(counts: SetCounts): string[] {
  const out: string[] = [];
  if (counts.meshes.length > APP_MESH_QUOTAS.meshes) out.push(`${counts.meshes.length} meshes`);
  for (const m of counts.meshes) {
    if (m.virtualNodes > APP_MESH_QUOTAS.nodesPerMesh) out.push(`${m.mesh}: ${m.virtualNodes} nodes`);
    if (m.virtualServices > APP_MESH_QUOTAS.servicesPerMesh) out.push(`${m.mesh}: ${m.virtualServices} services`);
    if (m.virtualRouters > APP_MESH_QUOTAS.routersPerMesh) out.push(`${m.mesh}: ${m.virtualRouters} routers`);
    if (m.virtualGateways > APP_MESH_QUOTAS.gatewaysPerMesh) out.push(`${m.mesh}: ${m.virtualGateways} gateways`);
    for (const [router, n] of Object.entries(m.routesPerRouter))
      if (n > APP_MESH_QUOTAS.routesPerRouter) out.push(`${m.mesh}/${router}: ${n} routes`);
    for (const [gateway, n] of Object.entries(m.gatewayRoutesPerGateway))
      if (n > APP_MESH_QUOTAS.gatewayRoutesPerGateway) out.push(`${m.mesh}/${gateway}: ${n} gateway routes`);
  }
  return out;
}
