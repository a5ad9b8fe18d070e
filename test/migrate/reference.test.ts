/**
 * The reference topology (manifests/) migrates to both targets: successors carry what the successor can do, say
 * what they cannot, point back at their sources, and every emitted spec key is a member of the AWS model shape
 * the DESIGN.md contract names (and, once the target kinds exist, passes meshward validate).
 */
import type { LoadedDocument } from '../../src/core/types';
import { migrateDocuments, renderJson, renderManifests, renderMarkdown } from '../../src/migrate';
import { STEP_WAVE } from '../../src/migrate';
import type { MigrationResult, ReportEntry } from '../../src/migrate';
import { checkAlbRule, checkDocument } from './model-check';
import { APP_MESH_KINDS, docsOfKind, loadReference, migrateWithInputs, validateOutput } from './helpers';

let reference: LoadedDocument[];
let sc: MigrationResult;
let lattice: MigrationResult;

beforeAll(async () => {
  reference = await loadReference();
  sc = migrateWithInputs(reference, 'service-connect');
  lattice = migrateWithInputs(reference, 'vpc-lattice');
});

/** The value at a JSON pointer, or undefined. */
function valueAt(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(token)];
    else if (typeof node === 'object' && node !== null) node = (node as Record<string, unknown>)[token];
    else return undefined;
  }
  return node;
}

function entry(result: MigrationResult, source: string): ReportEntry {
  const found = result.report.entries.find((e) => e.source === source);
  if (!found) throw new Error(`no entry for ${source}`);
  return found;
}

function ecs(result: MigrationResult, name: string): Record<string, unknown> {
  const doc = docsOfKind(result, 'EcsService').find((d) => d.metadata.name === name);
  if (!doc)
    throw new Error(
      `no EcsService ${name}: ${docsOfKind(result, 'EcsService')
        .map((d) => d.metadata.name)
        .join(', ')}`,
    );
  return doc.spec;
}

describe.each(['service-connect', 'vpc-lattice'] as const)('reference topology -> %s', (target) => {
  const result = (): MigrationResult => (target === 'service-connect' ? sc : lattice);

  it('writes no App Mesh kind and no appMesh attachment, and no Envoy', () => {
    const docs = result().documents.map((d) => d.doc);
    expect(docs.filter((d) => APP_MESH_KINDS.includes(d.kind))).toEqual([]);
    for (const d of docsOfKind(result(), 'EcsService')) {
      expect(d.spec['appMesh']).toBeUndefined();
      expect(JSON.stringify(d.spec)).not.toContain('aws-appmesh-envoy');
      expect(JSON.stringify(d.spec)).not.toContain('APPMESH');
    }
  });

  it('every emitted spec key is a member of the AWS model shape of its kind, within its constraints', () => {
    const problems = result().documents.flatMap((d) => checkDocument(d.doc));
    expect(problems).toEqual([]);
  });

  it('the output validates with meshward validate once the target kinds exist', () => {
    const { problems } = validateOutput(result());
    expect(problems).toEqual([]);
  });

  it('has one entry per source field path, each pointing at a value the source has', () => {
    const sources = result().report.entries.map((e) => e.source);
    expect(new Set(sources).size).toBe(sources.length);
    for (const e of result().report.entries) {
      const [id, pointer] = [e.source.slice(0, e.source.indexOf(':')), e.source.slice(e.source.indexOf(':') + 1)];
      const doc = reference.find((d) => `${d.doc.kind}` === id.split('/')[0] && id.endsWith(`/${d.doc.metadata.name}`));
      expect(doc).toBeDefined();
      expect(valueAt(doc?.doc, pointer)).toBeDefined();
      expect(e.location).toMatch(/^manifests\/[a-z-]+\.yaml:\d+$/);
    }
    const counts = result().report.counts;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(result().report.entries.length);
  });

  it('connection pools are dropped, egress DROP_ALL is dropped, and the gateway service retires', () => {
    expect(entry(result(), 'VirtualNode/shop/service-b:/spec/listeners/0/connectionPool').status).toBe('dropped');
    expect(entry(result(), 'Mesh/shop:/spec/egressFilter').status).toBe('dropped');
    expect(entry(result(), 'EcsService/shop/ingress-gw:/spec/appMesh/virtualGateway').status).toBe('dropped');
    expect(docsOfKind(result(), 'EcsService').map((d) => d.metadata.name)).not.toContain(
      target === 'service-connect' ? 'ingress-gw-sc' : 'ingress-gw-lattice',
    );
  });

  it('turns the gateway routes into ALB rules valid against the ELBv2 model, with the rewrite as a transform', () => {
    const rules = result().report.albRules;
    expect(rules.map((r) => r.source).sort()).toEqual([
      'GatewayRoute/shop/ingress-gw/to-front',
      'GatewayRoute/shop/ingress-gw/to-service-a-api',
    ]);
    for (const r of rules) expect(checkAlbRule(r.createRule)).toEqual([]);
    const api = rules.find((r) => r.source.endsWith('to-service-a-api'));
    expect(api?.port).toBe(8080);
    expect(api?.createRule['Conditions']).toEqual([
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/a/*'] } },
    ]);
    expect(JSON.stringify(api?.createRule['Transforms'])).toContain('"Regex":"^/api/a/(.*)$","Replace":"/$1"');
    // Evaluated in the gateway's order: the /api/a/ rule before the catch-all.
    const front = rules.find((r) => r.source.endsWith('to-front'));
    expect(Number(api?.createRule['Priority'])).toBeLessThan(Number(front?.createRule['Priority']));
    // With the target group given, the successor registers in it.
    expect(api?.targets[0]?.service).toMatch(/^EcsService\/shop\/service-a-v1-/);
    const svc = ecs(result(), target === 'service-connect' ? 'service-a-v1-sc' : 'service-a-v1-lattice');
    expect(svc['loadBalancers']).toEqual([expect.objectContaining({ containerName: 'app', containerPort: 8080 })]);
  });

  it('renders manifests with a comment naming the source file and line above each document', () => {
    const files = renderManifests(result());
    expect(files.map((f) => f.name).sort()).toEqual(['front.yaml', 'mesh.yaml', 'service-a.yaml', 'service-b.yaml']);
    for (const f of files) {
      const docs = f.text.split(/^---$/m);
      for (const d of docs) expect(d).toMatch(/^# from manifests\/[a-z-]+\.yaml:\d+ \(/m);
    }
    const md = renderMarkdown(result(), { sources: ['manifests/'], outDir: 'out', deletionProtected: ['Mesh/shop'] });
    expect(md).toContain('## Migration sequence');
    expect(md).toContain('meshward destroy manifests/');
    expect(md).toContain('deletion-protection');
    const json = JSON.parse(renderJson(result().report)) as { entries: unknown[]; inputs: { key: string }[] };
    expect(json.entries).toHaveLength(result().report.entries.length);
    expect(json.entries[0]).toEqual({
      source: expect.any(String),
      target: expect.any(String),
      status: expect.any(String),
      detail: expect.any(String),
    });
  });
});

describe('reference topology -> service-connect specifics', () => {
  it('collapses the 90/10 router into one endpoint with a 10% canary deployment and the header as test traffic', () => {
    const a = ecs(sc, 'service-a-v1-sc');
    expect(a['deploymentConfiguration']).toMatchObject({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10 },
    });
    const services = (a['serviceConnectConfiguration'] as { services: Record<string, unknown>[] }).services;
    expect(services[0]).toMatchObject({
      portName: 'port-8080',
      clientAliases: [
        {
          port: 8080,
          dnsName: 'service-a.shop.local',
          testTrafficRules: { header: { name: 'x-canary', value: { exact: 'true' } } },
        },
      ],
      timeout: { perRequestTimeoutSeconds: 10, idleTimeoutSeconds: 60 },
    });
    expect(docsOfKind(sc, 'EcsService').map((d) => d.metadata.name)).not.toContain('service-a-v2-sc');
    expect(entry(sc, 'Route/shop/service-a/canary-weighted:/spec/httpRoute/action/weightedTargets').status).toBe(
      'approx',
    );
    expect(entry(sc, 'Route/shop/service-a/canary-header:/spec/httpRoute/match/headers').status).toBe('approx');
    expect(entry(sc, 'Route/shop/service-a/canary-header:/spec/httpRoute/retryPolicy').status).toBe('builtin');
    expect(entry(sc, 'VirtualNode/shop/service-b:/spec/listeners/0/outlierDetection').status).toBe('builtin');
  });

  it('carries timeouts to seconds, names the port with its app protocol, and makes the health check a container check', () => {
    const front = ecs(sc, 'front-sc');
    const td = front['taskDefinition'] as { family: string; containerDefinitions: Record<string, unknown>[] };
    expect(td.family).toBe('shop-front-sc');
    expect(td.containerDefinitions).toHaveLength(1);
    expect(td.containerDefinitions[0]?.['portMappings']).toEqual([
      { containerPort: 8080, protocol: 'tcp', name: 'port-8080', appProtocol: 'http' },
    ]);
    expect(td.containerDefinitions[0]?.['healthCheck']).toEqual({
      command: ['CMD-SHELL', 'curl -fs http://localhost:8080/health > /dev/null || exit 1'],
      interval: 10,
      timeout: 2,
      retries: 3,
    });
    expect(front['serviceConnectConfiguration']).toMatchObject({
      enabled: true,
      namespace: 'shop-sc',
      services: [
        {
          clientAliases: [{ dnsName: 'front.shop.local', port: 8080 }],
          timeout: { perRequestTimeoutSeconds: 15, idleTimeoutSeconds: 60 },
        },
      ],
      accessLogConfiguration: { format: 'TEXT' },
    });
    expect(entry(sc, 'VirtualNode/shop/front:/spec/listeners/0/healthCheck').status).toBe('approx');
    expect(docsOfKind(sc, 'CloudMapNamespace')).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'shop-sc' }),
        spec: expect.objectContaining({ type: 'HTTP' }),
      }),
    ]);
  });

  it('orders the sequence servers before clients: service-b, then service-a, then front', () => {
    const waves = sc.report.steps.filter((s) => s.wave >= 0 && s.wave < STEP_WAVE.canary).map((s) => [s.wave, s.text]);
    expect(waves).toEqual([
      [0, 'EcsService service-b-sc (from service-b)'],
      [1, 'EcsService service-a-v1-sc (from service-a-v1)'],
      [2, 'EcsService front-sc (from front)'],
    ]);
  });

  it('new-cluster mode keeps the names and moves the services to <cluster>-sc', () => {
    const result = migrateWithInputs(reference, 'service-connect', 'new-cluster');
    const names = docsOfKind(result, 'EcsService')
      .map((d) => `${String(d.spec['cluster'])}/${d.metadata.name}`)
      .sort();
    expect(names).toEqual(['shop-sc/front', 'shop-sc/service-a-v1', 'shop-sc/service-b']);
  });
});

describe('reference topology -> vpc-lattice specifics', () => {
  it('the gateway route to service A becomes a 90/10 weighted ALB forward over both versions', () => {
    const api = lattice.report.albRules.find((r) => r.source.endsWith('to-service-a-api'));
    expect(api?.createRule['Actions']).toEqual([
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: expect.stringContaining('targetgroup/service-a-v1-lattice/'), Weight: 90 },
            { TargetGroupArn: expect.stringContaining('targetgroup/service-a-v2-lattice/'), Weight: 10 },
          ],
        },
      },
    ]);
    expect(api?.targets.map((t) => t.service)).toEqual([
      'EcsService/shop/service-a-v1-lattice',
      'EcsService/shop/service-a-v2-lattice',
    ]);
    expect(ecs(lattice, 'service-a-v2-lattice')['loadBalancers']).toEqual([
      {
        targetGroupArn: expect.stringContaining('targetgroup/service-a-v2-lattice/'),
        containerName: 'app',
        containerPort: 8080,
      },
    ]);
  });

  it('keeps the 90/10 split as weighted target groups and the header route as a rule', () => {
    const listener = docsOfKind(lattice, 'LatticeListener').find(
      (d) => d.metadata['service'] === 'service-a-shop-local',
    );
    expect(listener?.spec).toEqual({
      protocol: 'HTTP',
      port: 8080,
      defaultAction: {
        forward: {
          targetGroups: [
            { targetGroupIdentifier: 'shop-service-a-v1-8080', weight: 90 },
            { targetGroupIdentifier: 'shop-service-a-v2-8080', weight: 10 },
          ],
        },
      },
    });
    const rule = docsOfKind(lattice, 'LatticeRule');
    expect(rule).toHaveLength(1);
    expect(rule[0]?.spec['match']).toEqual({
      httpMatch: { headerMatches: [{ name: 'x-canary', match: { exact: 'true' }, caseSensitive: true }] },
    });
    expect(entry(lattice, 'Route/shop/service-a/canary-weighted:/spec/httpRoute/action/weightedTargets').status).toBe(
      'carried',
    );
    expect(entry(lattice, 'Route/shop/service-a/canary-header:/spec/httpRoute/retryPolicy').status).toBe('dropped');
    expect(entry(lattice, 'VirtualNode/shop/service-b:/spec/listeners/0/outlierDetection').status).toBe('dropped');
  });

  it('health checks become target group health checks in seconds; ECS registers through vpcLatticeConfigurations', () => {
    const tg = docsOfKind(lattice, 'LatticeTargetGroup').find((d) => d.metadata.name === 'shop-service-b-9090');
    expect(tg?.spec).toEqual({
      type: 'IP',
      config: {
        port: 9090,
        protocol: 'HTTP',
        protocolVersion: 'HTTP1',
        vpcIdentifier: 'vpc-0a1b2c3d4e5f67890',
        healthCheck: {
          enabled: true,
          protocol: 'HTTP',
          protocolVersion: 'HTTP1',
          path: '/health',
          healthCheckIntervalSeconds: 10,
          healthCheckTimeoutSeconds: 2,
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
      },
    });
    expect(ecs(lattice, 'service-b-lattice')['vpcLatticeConfigurations']).toEqual([
      {
        targetGroupArn: 'shop-service-b-9090',
        portName: 'port-9090',
        roleArn: 'arn:aws:iam::111122223333:role/ecsInfrastructureRole',
      },
    ]);
  });

  it('without inputs, placeholders stand where values are missing and the inputs are listed', () => {
    const bare = migrateDocuments(reference, { target: 'vpc-lattice' });
    expect(
      bare.report.inputs
        .filter((i) => i.blocking)
        .map((i) => i.key)
        .sort(),
    ).toEqual(['ecs.infrastructureRoleArn', 'vpc.id']);
    const tg = docsOfKind(bare, 'LatticeTargetGroup')[0];
    expect((tg?.spec['config'] as Record<string, unknown>)['vpcIdentifier']).toBe('<needs-input: vpc.id>');
    expect(
      bare.documents
        .flatMap((d) => checkDocument(d.doc))
        .some((p) => p.includes('does not match the pattern of VpcId')),
    ).toBe(true);
  });
});
