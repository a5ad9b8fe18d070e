/**
 * What the model walk cannot see: the document envelope (apiVersion, kind, metadata), dispatch on kind, meshward's
 * own EcsService parts, and that the generated spec types describe documents the schemas accept.
 */
import type { KindName } from '../../scripts/gen-schemas';
import type {
  EcsServiceDocument,
  MeshwardDocument,
  RouteSpec,
  ServiceDiscovery,
  VirtualNodeDocument,
} from '../../src/kinds/spec-types';
import { brief, documentOf, errorsOf, loadSchemaSet, METADATA } from './schema-set';

const schemas = loadSchemaSet();

const MINIMAL_SPECS: Record<KindName, unknown> = {
  Mesh: {},
  VirtualNode: {},
  VirtualRouter: {},
  Route: { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] } } },
  VirtualService: {},
  VirtualGateway: { listeners: [] },
  GatewayRoute: { httpRoute: { action: { target: { virtualService: { virtualServiceName: 's' } } }, match: {} } },
  EcsService: {
    taskDefinition: { family: 'orders', containerDefinitions: [{ name: 'app', image: 'orders:1' }] },
    appMesh: { mesh: 'shop', virtualNode: 'orders', envoy: { image: 'envoy:v1' } },
  },
};

function errors(doc: unknown): string[] {
  return (errorsOf(schemas.any, doc) ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
}

function valid(kind: KindName, patch: (doc: Record<string, unknown>) => void = () => undefined): string[] {
  const doc = documentOf(kind, structuredClone(MINIMAL_SPECS[kind]));
  patch(doc);
  return errors(doc);
}

function metadataOf(doc: Record<string, unknown>): Record<string, unknown> {
  return doc['metadata'] as Record<string, unknown>;
}

describe('document envelope', () => {
  it.each(Object.keys(METADATA) as KindName[])('accepts a minimal %s', (kind) => {
    expect(valid(kind)).toEqual([]);
    expect(errorsOf(schemas.kind[kind], documentOf(kind, MINIMAL_SPECS[kind]))).toBeUndefined();
  });

  it('reports an unknown kind at /kind only', () => {
    expect(errors({ apiVersion: 'meshward.dev/v1alpha1', kind: 'VirtualNodes', metadata: { name: 'a' } })).toEqual([
      '/kind enum',
    ]);
  });

  it('reports a document that is no object, or has no kind, once at the root', () => {
    expect(errors('hello')).toEqual([' type']);
    expect(errors({ apiVersion: 'meshward.dev/v1alpha1', metadata: { name: 'a' } })).toEqual([' required']);
  });

  it('reports errors against the document’s own kind only', () => {
    const found = valid('VirtualNode', (doc) => {
      doc['spec'] = { listeners: [{ portMapping: { port: 0, protocol: 'http' } }] };
    });
    expect(found).toEqual(['/spec/listeners/0/portMapping/port minimum']);
  });

  it('requires the exact apiVersion and rejects unknown top-level fields', () => {
    expect(valid('Mesh', (doc) => (doc['apiVersion'] = 'meshward.dev/v1'))).toEqual(['/apiVersion const']);
    expect(valid('Mesh', (doc) => (doc['status'] = {}))).toEqual([' additionalProperties']);
  });

  it('makes spec optional for Mesh only', () => {
    expect(valid('Mesh', (doc) => delete doc['spec'])).toEqual([]);
    expect(valid('VirtualNode', (doc) => delete doc['spec'])).toEqual([' required']);
  });

  it('requires metadata.mesh on mesh resources and forbids it on Mesh and EcsService', () => {
    expect(valid('VirtualService', (doc) => delete metadataOf(doc)['mesh'])).toEqual(['/metadata required']);
    expect(valid('Mesh', (doc) => (metadataOf(doc)['mesh'] = 'shop'))).toEqual(['/metadata additionalProperties']);
    expect(valid('EcsService', (doc) => (metadataOf(doc)['mesh'] = 'shop'))).toEqual([
      '/metadata additionalProperties',
    ]);
  });

  it('puts virtualRouter on Route and virtualGateway on GatewayRoute, nowhere else', () => {
    expect(valid('Route', (doc) => delete metadataOf(doc)['virtualRouter'])).toEqual(['/metadata required']);
    expect(valid('GatewayRoute', (doc) => delete metadataOf(doc)['virtualGateway'])).toEqual(['/metadata required']);
    expect(valid('VirtualNode', (doc) => (metadataOf(doc)['virtualRouter'] = 'r'))).toEqual([
      '/metadata additionalProperties',
    ]);
    expect(valid('Route', (doc) => (metadataOf(doc)['virtualGateway'] = 'g'))).toEqual([
      '/metadata additionalProperties',
    ]);
  });

  it('bounds metadata.name like an App Mesh ResourceName', () => {
    expect(valid('VirtualRouter', (doc) => (metadataOf(doc)['name'] = 'r'.repeat(255)))).toEqual([]);
    expect(valid('VirtualRouter', (doc) => (metadataOf(doc)['name'] = 'r'.repeat(256)))).toEqual([
      '/metadata/name maxLength',
    ]);
    expect(valid('VirtualRouter', (doc) => (metadataOf(doc)['name'] = ''))).toEqual([
      '/metadata/name minLength',
      '/metadata/name pattern',
    ]);
    expect(valid('EcsService', (doc) => (metadataOf(doc)['name'] = 'web api'))).toEqual(['/metadata/name pattern']);
  });

  it('allows 48 user tags of AWS sizes and keeps meshward’s ownership tags and aws: keys out', () => {
    const tags = (n: number): Record<string, string> =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(valid('VirtualNode', (doc) => (metadataOf(doc)['tags'] = tags(48)))).toEqual([]);
    expect(valid('VirtualNode', (doc) => (metadataOf(doc)['tags'] = tags(49)))).toEqual([
      '/metadata/tags maxProperties',
    ]);
    const sized = { ['k'.repeat(128)]: 'v'.repeat(256), empty: '' };
    expect(valid('EcsService', (doc) => (metadataOf(doc)['tags'] = sized))).toEqual([]);
    expect(valid('Mesh', (doc) => (metadataOf(doc)['tags'] = { k: 'v'.repeat(257) }))).toEqual([
      '/metadata/tags/k maxLength',
    ]);
    for (const key of ['k'.repeat(129), 'meshward.dev/managed-by', 'meshward.dev/stack', 'AWS:x']) {
      const found = valid('Mesh', (doc) => (metadataOf(doc)['tags'] = { [key]: 'v' }));
      expect(found).toContain('/metadata/tags propertyNames');
    }
    expect(valid('EcsService', (doc) => (metadataOf(doc)['tags'] = { 'a#b': 'v' }))).toContain(
      '/metadata/tags propertyNames',
    );
  });

  it('takes annotations as strings, with "true"/"false" for the meshward switches', () => {
    expect(
      valid('VirtualNode', (doc) => (metadataOf(doc)['annotations'] = { 'meshward.dev/adopt': 'true', note: 'x' })),
    ).toEqual([]);
    expect(
      valid('VirtualNode', (doc) => (metadataOf(doc)['annotations'] = { 'meshward.dev/deletion-protection': 'yes' })),
    ).toEqual(['/metadata/annotations/meshward.dev~1deletion-protection enum']);
    expect(valid('VirtualNode', (doc) => (metadataOf(doc)['annotations'] = { 'meshward.dev/adpot': 'true' }))).toEqual([
      '/metadata/annotations pattern',
      '/metadata/annotations propertyNames',
    ]);
    expect(valid('VirtualNode', (doc) => (metadataOf(doc)['annotations'] = { 'example.com/x': 'y' }))).toEqual([]);
    expect(valid('VirtualNode', (doc) => (metadataOf(doc)['annotations'] = { note: 1 }))).toEqual([
      '/metadata/annotations/note type',
    ]);
  });
});

describe('App Mesh spec details', () => {
  it('takes exactly one route type per Route and GatewayRoute', () => {
    expect(valid('Route', (doc) => (doc['spec'] = { priority: 1 }))).toContain('/spec oneOf');
    const both = { ...(MINIMAL_SPECS.Route as object), grpcRoute: {} };
    expect(valid('Route', (doc) => (doc['spec'] = both))).toContain('/spec oneOf');
    expect(valid('GatewayRoute', (doc) => (doc['spec'] = {}))).toContain('/spec oneOf');
  });

  it('accepts durations as strings or {unit, value} and rejects anything else there', () => {
    const node = (idle: unknown): Record<string, unknown> => ({
      listeners: [{ portMapping: { port: 80, protocol: 'http' }, timeout: { http: { idle } } }],
    });
    const at = '/spec/listeners/0/timeout/http/idle';
    for (const ok of ['15s', '500ms', { unit: 'ms', value: 250 }]) {
      expect(valid('VirtualNode', (doc) => (doc['spec'] = node(ok)))).toEqual([]);
    }
    expect(valid('VirtualNode', (doc) => (doc['spec'] = node('15 s')))).toEqual([`${at} pattern`]);
    expect(valid('VirtualNode', (doc) => (doc['spec'] = node(15)))).toEqual([`${at} type`]);
    expect(valid('VirtualNode', (doc) => (doc['spec'] = node({ unit: 'm', value: 1 })))).toEqual([`${at}/unit enum`]);
    expect(valid('VirtualNode', (doc) => (doc['spec'] = node({ value: 1 })))).toEqual([`${at} required`]);
  });
});

describe('EcsService', () => {
  const ecs = (patch: (spec: Record<string, unknown>) => void): string[] =>
    valid('EcsService', (doc) => patch(doc['spec'] as Record<string, unknown>));
  const appMesh = (spec: Record<string, unknown>): Record<string, unknown> =>
    spec['appMesh'] as Record<string, unknown>;
  const taskDefinition = (spec: Record<string, unknown>): Record<string, unknown> =>
    spec['taskDefinition'] as Record<string, unknown>;

  it('takes the service fields of CreateService but not serviceName, tags or a task definition ARN', () => {
    expect(
      ecs((spec) =>
        Object.assign(spec, {
          cluster: 'prod',
          desiredCount: 2,
          launchType: 'FARGATE',
          platformVersion: 'LATEST',
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
          deploymentConfiguration: { maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
          serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:eu-west-1:1:service/srv-1' }],
          propagateTags: 'SERVICE',
          enableExecuteCommand: true,
          healthCheckGracePeriodSeconds: 30,
          schedulingStrategy: 'REPLICA',
        }),
      ),
    ).toEqual([]);
    for (const field of ['serviceName', 'tags', 'role']) {
      expect(ecs((spec) => (spec[field] = 'x'))).toEqual(['/spec additionalProperties']);
    }
    expect(ecs((spec) => (spec['taskDefinition'] = 'orders:3'))).toEqual(['/spec/taskDefinition type']);
  });

  it('mirrors RegisterTaskDefinition without tags and the proxy configuration meshward writes', () => {
    expect(
      ecs((spec) =>
        Object.assign(taskDefinition(spec), {
          cpu: '256',
          memory: '512',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
          ephemeralStorage: { sizeInGiB: 21 },
        }),
      ),
    ).toEqual([]);
    for (const field of ['proxyConfiguration', 'tags', 'inferenceAccelerators']) {
      expect(ecs((spec) => (taskDefinition(spec)[field] = []))).toEqual(['/spec/taskDefinition additionalProperties']);
    }
    expect(ecs((spec) => (taskDefinition(spec)['networkMode'] = 'bridge'))).toEqual([
      '/spec/taskDefinition/networkMode enum',
    ]);
    expect(ecs((spec) => (taskDefinition(spec)['containerDefinitions'] = []))).toEqual([
      '/spec/taskDefinition/containerDefinitions minItems',
    ]);
    expect(ecs((spec) => (taskDefinition(spec)['containerDefinitions'] = [{ name: 'app' }]))).toEqual([
      '/spec/taskDefinition/containerDefinitions/0 required',
    ]);
  });

  it('binds to exactly one of a virtual node or a virtual gateway, in a named mesh', () => {
    expect(ecs((spec) => (appMesh(spec)['virtualGateway'] = 'ingress'))).toContain('/spec/appMesh oneOf');
    expect(ecs((spec) => delete appMesh(spec)['virtualNode'])).toContain('/spec/appMesh oneOf');
    expect(ecs((spec) => delete appMesh(spec)['mesh'])).toEqual(['/spec/appMesh required']);
  });

  it('accepts a plain ECS service without any mesh (issue 9: appMesh is optional)', () => {
    expect(ecs((spec) => delete spec['appMesh'])).toEqual([]);
    expect(ecs((spec) => delete spec['taskDefinition'])).toEqual(['/spec required']);
  });

  it('configures the Envoy sidecar, but not the resource ARN meshward sets', () => {
    const envoy = {
      image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.12.0-prod',
      cpu: 64,
      memory: 128,
      logLevel: 'debug',
      environment: { ENABLE_ENVOY_STATS_TAGS: '1' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/mesh' } },
      egressIgnoredPorts: [22],
    };
    expect(ecs((spec) => (appMesh(spec)['envoy'] = envoy))).toEqual([]);
    expect(ecs((spec) => (appMesh(spec)['envoy'] = { ...envoy, logLevel: 'verbose' }))).toEqual([
      '/spec/appMesh/envoy/logLevel enum',
    ]);
    expect(
      ecs((spec) => (appMesh(spec)['envoy'] = { ...envoy, environment: { APPMESH_RESOURCE_ARN: 'arn' } })),
    ).toContain('/spec/appMesh/envoy/environment propertyNames');
    expect(ecs((spec) => (appMesh(spec)['envoy'] = { cpu: 1 }))).toEqual(['/spec/appMesh/envoy required']);
    expect(
      ecs(
        (spec) =>
          (appMesh(spec)['envoy'] = { ...envoy, egressIgnoredPorts: Array.from({ length: 16 }, (_, i) => i + 1) }),
      ),
    ).toEqual(['/spec/appMesh/envoy/egressIgnoredPorts maxItems']);
  });
});

describe('generated spec types', () => {
  it('describe documents the schemas accept', () => {
    const node: VirtualNodeDocument = {
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'VirtualNode',
      metadata: { name: 'orders-v1', mesh: 'shop', tags: { team: 'orders' } },
      spec: {
        listeners: [
          {
            portMapping: { port: 8080, protocol: 'http' },
            outlierDetection: {
              baseEjectionDuration: '30s',
              interval: { unit: 's', value: 10 },
              maxEjectionPercent: 50,
              maxServerErrors: 5,
            },
            connectionPool: { http: { maxConnections: 100, maxPendingRequests: 50 } },
          },
        ],
        serviceDiscovery: { awsCloudMap: { namespaceName: 'shop.local', serviceName: 'orders' } },
        backends: [{ virtualService: { virtualServiceName: 'payments.shop.local' } }],
      },
    };
    const route: RouteSpec = {
      httpRoute: {
        match: { prefix: '/' },
        action: {
          weightedTargets: [
            { virtualNode: 'orders-v1', weight: 90 },
            { virtualNode: 'orders-v2', weight: 10 },
          ],
        },
        retryPolicy: { maxRetries: 2, perRetryTimeout: '2s', httpRetryEvents: ['server-error'] },
      },
    };
    const service: EcsServiceDocument = {
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'EcsService',
      metadata: { name: 'orders' },
      spec: {
        cluster: 'prod',
        taskDefinition: { family: 'orders', containerDefinitions: [{ name: 'app', image: 'orders:1' }] },
        appMesh: { mesh: 'shop', virtualNode: 'orders-v1', envoy: { image: 'envoy:v1' } },
      },
    };
    const docs: MeshwardDocument[] = [
      node,
      service,
      {
        apiVersion: 'meshward.dev/v1alpha1',
        kind: 'Route',
        metadata: { name: 'r', mesh: 'shop', virtualRouter: 'orders' },
        spec: route,
      },
    ];
    for (const doc of docs) expect(brief(errorsOf(schemas.any, doc))).toBe('');

    const both = { dns: { hostname: 'a' }, awsCloudMap: { namespaceName: 'n', serviceName: 's' } };
    // @ts-expect-error a union takes exactly one member, in the types as in the schema
    const twoDiscoveries: ServiceDiscovery = both;
    expect(twoDiscoveries).toBeDefined();
  });
});
