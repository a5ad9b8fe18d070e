/**
 * Property: for random valid manifest sets, apply then plan gives no changes (no perpetual diff), whatever the
 * list orders, optional fields, duration units, task-size spellings and empty lists. Bounded and seeded.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { ManifestDocument } from '../../src/core/types';
import { validateFiles } from '../../src/manifest/validate';
import { type Harness, changedIds, startHarness } from './harness';

const API = 'meshward.dev/v1alpha1' as const;
const MESH = 'prop';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const duration = fc.constantFrom('15s', '1500ms', '60s', '2s', '500ms');

const nodeArb = fc.record({
  port: fc.constantFrom(8080, 9090),
  healthCheck: fc.option(
    fc.record({
      interval: fc.integer({ min: 5000, max: 30000 }),
      explicitPort: fc.boolean(),
    }),
    { nil: undefined },
  ),
  timeout: fc.option(fc.record({ perRequest: duration, idle: duration }), { nil: undefined }),
  backendPicks: fc.array(fc.nat({ max: 3 }), { maxLength: 4 }),
  emptyLists: fc.boolean(),
  tags: fc.option(fc.dictionary(fc.constantFrom('team', 'tier', 'owner'), fc.constantFrom('a', 'b')), {
    nil: undefined,
  }),
});

const routeArb = fc.record({
  weights: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
  retry: fc.option(
    fc.record({
      maxRetries: fc.integer({ min: 0, max: 5 }),
      perRetryTimeout: duration,
      events: fc.shuffledSubarray(['server-error', 'gateway-error', 'client-error', 'stream-error'], { minLength: 1 }),
    }),
    { nil: undefined },
  ),
  timeout: fc.option(duration, { nil: undefined }),
  header: fc.option(fc.constantFrom('x-a', 'x-b'), { nil: undefined }),
});

const setArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 3 }),
  routes: fc.array(routeArb, { minLength: 1, maxLength: 2 }),
  egress: fc.option(fc.constantFrom('ALLOW_ALL', 'DROP_ALL'), { nil: undefined }),
  gateway: fc.boolean(),
  ecs: fc.option(
    fc.record({
      env: fc.shuffledSubarray(['A', 'B', 'C', 'D'], { minLength: 0 }),
      size: fc.constantFrom(['256', '512'], ['0.25 vCPU', '0.5 GB'], ['512', '1 GB']),
      essential: fc.boolean(),
      desiredCount: fc.integer({ min: 0, max: 3 }),
    }),
    { nil: undefined },
  ),
});

type ManifestSet = typeof setArb extends fc.Arbitrary<infer T> ? T : never;

function manifests(set: ManifestSet): ManifestDocument[] {
  const docs: ManifestDocument[] = [];
  const meshSpec: Record<string, unknown> = set.egress ? { egressFilter: { type: set.egress } } : {};
  docs.push({ apiVersion: API, kind: 'Mesh', metadata: { name: MESH }, spec: meshSpec });
  const services = set.nodes.map((_, i) => `svc-${i}.${MESH}.local`);
  set.nodes.forEach((n, i) => {
    const listener: Record<string, unknown> = { portMapping: { port: n.port, protocol: 'http' } };
    if (n.healthCheck) {
      listener['healthCheck'] = {
        protocol: 'http',
        path: '/health',
        intervalMillis: n.healthCheck.interval,
        timeoutMillis: 2000,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        ...(n.healthCheck.explicitPort ? { port: n.port } : {}),
      };
    }
    if (n.timeout) listener['timeout'] = { http: { perRequest: n.timeout.perRequest, idle: n.timeout.idle } };
    const backends = n.backendPicks
      .map((p) => services[p % services.length])
      .filter((s): s is string => s !== undefined && s !== services[i])
      .map((s) => ({ virtualService: { virtualServiceName: s } }));
    const spec: Record<string, unknown> = {
      listeners: [listener],
      serviceDiscovery: { dns: { hostname: `node-${i}.${MESH}.local` } },
    };
    if (backends.length > 0 || n.emptyLists) spec['backends'] = backends;
    docs.push({
      apiVersion: API,
      kind: 'VirtualNode',
      metadata: { name: `node-${i}`, mesh: MESH, ...(n.tags && Object.keys(n.tags).length ? { tags: n.tags } : {}) },
      spec,
    });
  });
  docs.push({
    apiVersion: API,
    kind: 'VirtualRouter',
    metadata: { name: 'router', mesh: MESH },
    spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
  });
  set.routes.forEach((r, i) => {
    const targets = r.weights.slice(0, set.nodes.length).map((weight, t) => ({ virtualNode: `node-${t}`, weight }));
    const httpRoute: Record<string, unknown> = {
      match: {
        prefix: '/',
        ...(r.header ? { headers: [{ name: r.header, match: { exact: 'yes' } }] } : {}),
      },
      action: { weightedTargets: targets.reverse() },
    };
    if (r.retry) {
      httpRoute['retryPolicy'] = {
        maxRetries: r.retry.maxRetries,
        perRetryTimeout: r.retry.perRetryTimeout,
        httpRetryEvents: r.retry.events,
      };
    }
    if (r.timeout) httpRoute['timeout'] = { perRequest: r.timeout };
    docs.push({
      apiVersion: API,
      kind: 'Route',
      metadata: { name: `route-${i}`, mesh: MESH, virtualRouter: 'router' },
      spec: { priority: i + 1, httpRoute },
    });
  });
  services.forEach((name, i) => {
    const provider =
      i === 0 ? { virtualRouter: { virtualRouterName: 'router' } } : { virtualNode: { virtualNodeName: `node-${i}` } };
    docs.push({ apiVersion: API, kind: 'VirtualService', metadata: { name, mesh: MESH }, spec: { provider } });
  });
  if (set.gateway) {
    docs.push({
      apiVersion: API,
      kind: 'VirtualGateway',
      metadata: { name: 'gw', mesh: MESH },
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    });
    docs.push({
      apiVersion: API,
      kind: 'GatewayRoute',
      metadata: { name: 'all', mesh: MESH, virtualGateway: 'gw' },
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: services[0] ?? '' } } },
        },
      },
    });
  }
  const node0 = set.nodes[0];
  if (set.ecs && node0) {
    docs.push({
      apiVersion: API,
      kind: 'EcsService',
      metadata: { name: 'node-0' },
      spec: {
        cluster: 'shop',
        launchType: 'FARGATE',
        desiredCount: set.ecs.desiredCount,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-b', 'subnet-a'] } },
        taskDefinition: {
          family: 'prop-node-0',
          cpu: set.ecs.size[0],
          memory: set.ecs.size[1],
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          containerDefinitions: [
            {
              name: 'app',
              image: 'example/app:1',
              ...(set.ecs.essential ? { essential: true } : {}),
              portMappings: [{ containerPort: node0.port }],
              environment: set.ecs.env.map((name) => ({ name, value: name.toLowerCase() })),
            },
          ],
        },
        appMesh: { mesh: MESH, virtualNode: 'node-0', envoy: { image: 'example/envoy:1' } },
      },
    });
  }
  return docs;
}

it('apply then plan gives no changes for random valid manifest sets', async () => {
  await fc.assert(
    fc.asyncProperty(setArb, async (set) => {
      const docs = manifests(set);
      const yaml = docs.map((d) => stringify(d)).join('---\n');
      const validation = validateFiles([{ name: 'generated.yaml', bytes: new TextEncoder().encode(yaml) }]);
      expect(validation.issues.filter((i) => i.severity === 'error')).toEqual([]);
      await h.reset();
      const applied = await h.run('apply', docs);
      expect(applied.results.filter((r) => r.outcome !== 'created')).toEqual([]);
      expect(changedIds(await h.run('plan', docs))).toEqual([]);
    }),
    { numRuns: 25, seed: 20261125 },
  );
}, 60000);
