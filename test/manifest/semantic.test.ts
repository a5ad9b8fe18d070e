import { stringify } from 'yaml';
import { formatIssue } from '../../src/manifest/issues';
import { validateFiles } from '../../src/manifest/validate';

const API = 'meshward.dev/v1alpha1';
type Doc = Record<string, unknown>;

const mesh: Doc = { apiVersion: API, kind: 'Mesh', metadata: { name: 'shop' } };
const node = (name: string, ...ports: Array<[number, string]>): Doc => ({
  apiVersion: API,
  kind: 'VirtualNode',
  metadata: { name, mesh: 'shop' },
  spec: { listeners: ports.map(([port, protocol]) => ({ portMapping: { port, protocol } })) },
});
const router = (name: string, ...ports: Array<[number, string]>): Doc => ({
  apiVersion: API,
  kind: 'VirtualRouter',
  metadata: { name, mesh: 'shop' },
  spec: { listeners: ports.map(([port, protocol]) => ({ portMapping: { port, protocol } })) },
});
const route = (name: string, routeSpec: Doc, routerName = 'r'): Doc => ({
  apiVersion: API,
  kind: 'Route',
  metadata: { name, mesh: 'shop', virtualRouter: routerName },
  spec: routeSpec,
});
const service = (name: string, provider: Doc): Doc => ({
  apiVersion: API,
  kind: 'VirtualService',
  metadata: { name, mesh: 'shop' },
  spec: { provider },
});

/** Issues as `pointer message`, one per line; positions are covered by the fixture tests. */
function check(...docs: Doc[]): string[] {
  const text = docs.map((d) => stringify(d)).join('---\n');
  const result = validateFiles([{ name: 't.yaml', bytes: new TextEncoder().encode(text) }]);
  return result.issues.map((i) => formatIssue(i).replace(/^t\.yaml:\d+:\d+ /, ''));
}

describe('references', () => {
  it('accepts undeclared targets when the referencing document is annotated external', () => {
    const external = service('payments.shop.local', { virtualNode: { virtualNodeName: 'payments' } });
    (external['metadata'] as Doc)['annotations'] = { 'meshward.dev/external': 'true' };
    expect(check(mesh, external)).toEqual([]);
  });

  it('lets a declared placeholder annotated external satisfy references to it', () => {
    const placeholder = { ...mesh, metadata: { name: 'shop', annotations: { 'meshward.dev/external': 'true' } } };
    expect(check(placeholder, node('a', [8080, 'http']))).toEqual([]);
  });

  it('checks routers, weighted targets, backends and gateway route targets', () => {
    const withBackend = node('front', [8080, 'http']);
    (withBackend['spec'] as Doc)['backends'] = [{ virtualService: { virtualServiceName: 'nope.shop.local' } }];
    const gatewayRoute: Doc = {
      apiVersion: API,
      kind: 'GatewayRoute',
      metadata: { name: 'gr', mesh: 'shop', virtualGateway: 'gw' },
      spec: {
        httpRoute: { match: { prefix: '/' }, action: { target: { virtualService: { virtualServiceName: 'x' } } } },
      },
    };
    const weighted = route(
      'default',
      { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'ghost', weight: 1 }] } } },
      'missing-router',
    );
    expect(check(mesh, withBackend, gatewayRoute, weighted)).toEqual([
      expect.stringMatching(
        /^\/spec\/backends\/0\/virtualService\/virtualServiceName VirtualService "nope.shop.local" is not declared in mesh "shop"/,
      ),
      expect.stringMatching(/^\/metadata\/virtualGateway VirtualGateway "gw" is not declared/),
      expect.stringMatching(
        /^\/spec\/httpRoute\/action\/target\/virtualService\/virtualServiceName VirtualService "x" is not declared/,
      ),
      expect.stringMatching(/^\/metadata\/virtualRouter VirtualRouter "missing-router" is not declared/),
      expect.stringMatching(
        /^\/spec\/httpRoute\/action\/weightedTargets\/0\/virtualNode VirtualNode "ghost" is not declared/,
      ),
    ]);
  });

  it('does not resolve references across meshes', () => {
    const otherMesh = { ...node('a', [8080, 'http']), metadata: { name: 'a', mesh: 'other' } };
    expect(
      check(
        mesh,
        { ...mesh, metadata: { name: 'other' } },
        otherMesh,
        service('s', { virtualNode: { virtualNodeName: 'a' } }),
      ),
    ).toEqual([expect.stringMatching(/VirtualNode "a" is not declared in mesh "shop"/)]);
  });

  // Each dangling reference used to rescan every declared resource and compare names in full: 500 of them with
  // 200-character names took over two minutes.
  it('stays fast with many dangling references to long, similar names, still hinting at typos', () => {
    const long = (prefix: string, i: number): string => `${prefix}${i}`.padEnd(200, 'x');
    const docs: Doc[] = [mesh];
    for (let i = 0; i < 500; i++) {
      docs.push(node(long('n', i)));
      docs.push(service(`s${i}`, { virtualNode: { virtualNodeName: long('q', i) } }));
    }
    docs.push(service('typo', { virtualNode: { virtualNodeName: 'n7'.padEnd(199, 'x') } }));
    const started = Date.now();
    const issues = check(...docs);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(issues).toHaveLength(501);
    expect(issues.filter((i) => i.includes('did you mean "n7xxx'))).toHaveLength(1);
  });

  it('does not report references of a document that failed its schema', () => {
    const broken = service('s', { virtualNode: { virtualNodeName: 'ghost' } });
    (broken['spec'] as Doc)['extra'] = 1;
    expect(check(mesh, broken)).toEqual(['/spec/extra is not a known field; allowed: provider']);
  });
});

describe('listeners, ports and protocols', () => {
  const http = (match: Doc, targets: Doc[] = [{ virtualNode: 'a', weight: 1 }]): Doc => ({
    httpRoute: { match: { prefix: '/', ...match }, action: { weightedTargets: targets } },
  });

  it('requires match.port when the router has several listeners', () => {
    expect(
      check(mesh, node('a', [8080, 'http']), router('r', [8080, 'http'], [8081, 'http']), route('x', http({}))),
    ).toEqual([
      '/spec/httpRoute/match must set match.port: VirtualRouter "r" has several listeners (http 8080, http 8081)',
    ]);
  });

  it('requires the route type to match a listener protocol', () => {
    const grpc = {
      grpcRoute: { match: { serviceName: 'svc' }, action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] } },
    };
    expect(check(mesh, node('a', [8080, 'http']), router('r', [8080, 'http']), route('x', grpc))).toEqual([
      '/spec/grpcRoute a grpcRoute needs a grpc listener, but VirtualRouter "r" has http 8080',
    ]);
  });

  it('requires the matched port to be a listener of the route type', () => {
    const routerTwo = router('r', [8080, 'http'], [9090, 'grpc']);
    expect(check(mesh, node('a', [8080, 'http']), routerTwo, route('x', http({ port: 9090 })))).toEqual([
      '/spec/httpRoute/match/port port 9090 of VirtualRouter "r" is a grpc listener, not http',
    ]);
  });

  it('checks weighted target ports against the target node', () => {
    const twoPorts = node('a', [8080, 'http'], [8081, 'http']);
    expect(
      check(mesh, twoPorts, router('r', [8080, 'http']), route('x', http({}, [{ virtualNode: 'a', weight: 1 }]))),
    ).toEqual([
      '/spec/httpRoute/action/weightedTargets/0 must set port: VirtualNode "a" has several listeners (http 8080, http 8081)',
    ]);
    expect(
      check(
        mesh,
        twoPorts,
        router('r', [8080, 'http']),
        route('x', http({}, [{ virtualNode: 'a', weight: 1, port: 7000 }])),
      ),
    ).toEqual([
      '/spec/httpRoute/action/weightedTargets/0/port port 7000 is not a listener port of VirtualNode "a" (http 8080, http 8081)',
    ]);
  });

  it('checks gateway routes against the gateway listeners', () => {
    const gateway: Doc = {
      apiVersion: API,
      kind: 'VirtualGateway',
      metadata: { name: 'gw', mesh: 'shop' },
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    };
    const gatewayRoute: Doc = {
      apiVersion: API,
      kind: 'GatewayRoute',
      metadata: { name: 'gr', mesh: 'shop', virtualGateway: 'gw' },
      spec: {
        grpcRoute: { match: { serviceName: 'x' }, action: { target: { virtualService: { virtualServiceName: 's' } } } },
      },
    };
    expect(
      check(
        mesh,
        node('a', [8080, 'http']),
        service('s', { virtualNode: { virtualNodeName: 'a' } }),
        gateway,
        gatewayRoute,
      ),
    ).toEqual(['/spec/grpcRoute a grpcRoute needs a grpc listener, but VirtualGateway "gw" has http 8080']);
  });

  it('checks a gateway route target port against the listeners of the target service provider', () => {
    const gateway: Doc = {
      apiVersion: API,
      kind: 'VirtualGateway',
      metadata: { name: 'gw', mesh: 'shop' },
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    };
    const gatewayRoute = (target: Doc): Doc => ({
      apiVersion: API,
      kind: 'GatewayRoute',
      metadata: { name: 'gr', mesh: 'shop', virtualGateway: 'gw' },
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: 's' }, ...target } },
        },
      },
    });
    const twoPorts = node('a', [8080, 'http'], [8081, 'http']);
    const viaNode = service('s', { virtualNode: { virtualNodeName: 'a' } });
    const viaRouter = service('s', { virtualRouter: { virtualRouterName: 'r' } });
    const twoPortRouter = router('r', [8080, 'http'], [8081, 'http']);
    expect(check(mesh, twoPorts, viaNode, gateway, gatewayRoute({ port: 8081 }))).toEqual([]);
    expect(check(mesh, twoPorts, viaNode, gateway, gatewayRoute({ port: 9999 }))).toEqual([
      '/spec/httpRoute/action/target/port port 9999 is not a listener port of VirtualNode "a" (http 8080, http 8081)',
    ]);
    expect(check(mesh, twoPorts, twoPortRouter, viaRouter, gateway, gatewayRoute({}))).toEqual([
      '/spec/httpRoute/action/target must set port: VirtualRouter "r" has several listeners (http 8080, http 8081)',
    ]);
    // One listener: the port may be left out.
    expect(check(mesh, node('a', [8080, 'http']), viaNode, gateway, gatewayRoute({}))).toEqual([]);
  });

  it('requires listener connection pools to use the listener protocol, and warns about other timeouts', () => {
    const grpcPool = node('a', [8080, 'http']);
    const listener = ((grpcPool['spec'] as Doc)['listeners'] as Doc[])[0]!;
    listener['connectionPool'] = { grpc: { maxRequests: 10 } };
    listener['timeout'] = { tcp: { idle: '10s' } };
    expect(check(mesh, grpcPool)).toEqual([
      '/spec/listeners/0/connectionPool/grpc a grpc connection pool on a http listener: use connectionPool.http',
      '/spec/listeners/0/timeout/tcp warning: a tcp timeout on a http listener is never applied: use timeout.http',
    ]);
  });

  it('allows 1 to 10 weighted targets', () => {
    const nodes = Array.from({ length: 11 }, (_, i) => node(`n${i}`, [8080, 'http']));
    const targets = nodes.map((_, i) => ({ virtualNode: `n${i}`, weight: 1 }));
    expect(check(mesh, ...nodes, router('r', [8080, 'http']), route('x', http({}, targets)))).toEqual([
      '/spec/httpRoute/action/weightedTargets must have at most 10 items',
    ]);
    expect(check(mesh, router('r', [8080, 'http']), route('x', http({}, [])))).toEqual([
      '/spec/httpRoute/action/weightedTargets must have at least 1 item',
    ]);
  });

  it('passes when some weights are zero but not all', () => {
    const targets = [
      { virtualNode: 'a', weight: 0 },
      { virtualNode: 'b', weight: 1 },
    ];
    expect(
      check(
        mesh,
        node('a', [8080, 'http']),
        node('b', [8080, 'http']),
        router('r', [8080, 'http']),
        route('x', http({}, targets)),
      ),
    ).toEqual([]);
  });
});

describe('outlier detection', () => {
  it('warns (without failing) when the node has no Cloud Map discovery', () => {
    const dns = node('a', [8080, 'http']);
    const spec = dns['spec'] as Doc;
    spec['serviceDiscovery'] = { dns: { hostname: 'a.shop.local' } };
    (spec['listeners'] as Doc[])[0]!['outlierDetection'] = {
      maxServerErrors: 5,
      interval: '10s',
      baseEjectionDuration: '30s',
      maxEjectionPercent: 50,
    };
    const text = stringify(mesh) + '---\n' + stringify(dns);
    const result = validateFiles([{ name: 't.yaml', bytes: new TextEncoder().encode(text) }]);
    expect(result.valid).toBe(true);
    expect(result.issues.map((i) => `${i.severity} ${i.pointer} ${i.message}`)).toEqual([
      'warning /spec/listeners/0/outlierDetection has no effect without Cloud Map service discovery (DNS discovery yields a single address)',
    ]);
  });
});

describe('EcsService', () => {
  const ecs = (ports: number[], extra: Doc[] = []): Doc => ({
    apiVersion: API,
    kind: 'EcsService',
    metadata: { name: 'a' },
    spec: {
      taskDefinition: {
        family: 'a',
        containerDefinitions: [
          { name: 'app', image: 'a:1', portMappings: ports.map((containerPort) => ({ containerPort })) },
          ...extra,
        ],
      },
      appMesh: { mesh: 'shop', virtualNode: 'a', envoy: { image: 'envoy:1' } },
    },
  });

  it('matches app ports to the node listeners, ignoring an envoy container', () => {
    const envoy = { name: 'envoy', image: 'envoy:1', portMappings: [{ containerPort: 9901 }] };
    expect(check(mesh, node('a', [8080, 'http']), ecs([8080], [envoy]))).toEqual([]);
    expect(check(mesh, node('a', [8080, 'http'], [8081, 'http']), ecs([8080]))).toEqual([
      expect.stringMatching(
        /^\/spec\/taskDefinition\/containerDefinitions application container ports \(8080\) must equal the listener ports of VirtualNode "a" \(8080, 8081\)/,
      ),
    ]);
  });

  it('requires the tasks to register in the Cloud Map service the node discovers', () => {
    const discovering = node('a', [8080, 'http']);
    (discovering['spec'] as Doc)['serviceDiscovery'] = {
      awsCloudMap: { namespaceName: 'shop.local', serviceName: 'a' },
    };
    const registering = ecs([8080]);
    ((registering['spec'] as Doc)['appMesh'] as Doc)['cloudMapService'] = {
      namespaceName: 'shop.local',
      serviceName: 'b',
    };
    expect(check(mesh, discovering, registering)).toEqual([
      '/spec/appMesh/cloudMapService registers tasks as b.shop.local, but VirtualNode "a" discovers a.shop.local',
    ]);
  });

  it('refuses a hand-written serviceRegistries: meshward derives it from the mesh', () => {
    const declared = ecs([8080]);
    (declared['spec'] as Doc)['serviceRegistries'] = [
      { registryArn: 'arn:aws:servicediscovery:us-east-1:111122223333:service/srv-0123456789abcdef' },
    ];
    expect(check(mesh, node('a', [8080, 'http']), declared)).toEqual([
      expect.stringMatching(/^\/spec\/serviceRegistries is set by meshward: name the Cloud Map service/),
    ]);
  });

  it('requires the mesh and the node to be declared', () => {
    expect(check(ecs([8080]))).toEqual([expect.stringMatching(/^\/spec\/appMesh\/mesh Mesh "shop" is not declared/)]);
    expect(check(mesh, ecs([8080]))).toEqual([
      expect.stringMatching(/^\/spec\/appMesh\/virtualNode VirtualNode "a" is not declared/),
    ]);
  });
});
