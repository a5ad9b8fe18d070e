/**
 * An unseen App Mesh + ECS topology (test/migrate/fixtures/unseen: a gateway with prefix, path and hostname
 * rewrites, a canary with header, query, method, scheme and regex routes, retries, timeouts in ms, TLS of every
 * kind, pools of every protocol, outlier detection, DNS and Cloud Map discovery, gRPC and TCP) migrates to both
 * targets with every input given, fits the models, and the report says exactly what is lost.
 */
import { join } from 'node:path';
import type { LoadedDocument } from '../../src/core/types';
import { STEP_WAVE } from '../../src/migrate';
import type { MigrationResult, MigrationStatus } from '../../src/migrate';
import { checkAlbRule, checkDocument } from './model-check';
import { docsOfKind, loadDir, migrateWithInputs, ROOT, validateOutput } from './helpers';

let source: LoadedDocument[];
let sc: MigrationResult;
let lattice: MigrationResult;

beforeAll(async () => {
  source = await loadDir(join(ROOT, 'test', 'migrate', 'fixtures', 'unseen'));
  sc = migrateWithInputs(source, 'service-connect');
  lattice = migrateWithInputs(source, 'vpc-lattice');
});

function status(result: MigrationResult, src: string): MigrationStatus | undefined {
  return result.report.entries.find((e) => e.source === src)?.status;
}

function spec(result: MigrationResult, kind: string, name: string, extra: Record<string, string> = {}) {
  const doc = docsOfKind(result, kind).find(
    (d) => d.metadata.name === name && Object.entries(extra).every(([k, v]) => d.metadata[k] === v),
  );
  if (!doc) throw new Error(`no ${kind} ${name}`);
  return doc.spec;
}

describe('unseen topology: both targets', () => {
  it.each(['service-connect', 'vpc-lattice'] as const)('%s: output fits the AWS models and validates', (target) => {
    const result = target === 'service-connect' ? sc : lattice;
    expect(result.documents.flatMap((d) => checkDocument(d.doc))).toEqual([]);
    expect(validateOutput(result).problems).toEqual([]);
    expect(result.report.inputs.every((i) => i.given)).toBe(true);
    expect(JSON.stringify(result.documents)).not.toContain('<needs-input');
  });

  it.each(['service-connect', 'vpc-lattice'] as const)(
    '%s: the gateway becomes three ALB rules with the right conditions and transforms',
    (target) => {
      const rules = (target === 'service-connect' ? sc : lattice).report.albRules;
      for (const r of rules) expect(checkAlbRule(r.createRule)).toEqual([]);
      const byName = (n: string) => rules.find((r) => r.source === `GatewayRoute/bank/edge/${n}`)?.createRule ?? {};
      expect(byName('payments-api')['Conditions']).toEqual([
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/payments/*'] } },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } },
        { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'version', Value: '2' }] } },
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'x-client', Values: ['mobile-*'] } },
      ]);
      // hostname rewrite DISABLED: only the prefix transform.
      expect(byName('payments-api')['Transforms']).toEqual([
        { Type: 'url-rewrite', UrlRewriteConfig: { Rewrites: [{ Regex: '^/payments/(.*)$', Replace: '/v2/$1' }] } },
      ]);
      expect(byName('health')['Transforms']).toEqual([
        { Type: 'url-rewrite', UrlRewriteConfig: { Rewrites: [{ Regex: '^.*$', Replace: '/health' }] } },
        {
          Type: 'host-header-rewrite',
          HostHeaderRewriteConfig: { Rewrites: [{ Regex: '^.*$', Replace: 'api.bank.local' }] },
        },
      ]);
      expect(byName('api')['Conditions']).toContainEqual({
        Field: 'host-header',
        HostHeaderConfig: { Values: ['*.bank.example.com'] },
      });
      const order = ['health', 'payments-api', 'api'].map((n) => Number(byName(n)['Priority']));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(rules.every((r) => r.port === 8443)).toBe(true);
      expect(
        status(
          target === 'service-connect' ? sc : lattice,
          'VirtualGateway/bank/edge:/spec/listeners/0/connectionPool',
        ),
      ).toBe('dropped');
    },
  );

  it.each(['service-connect', 'vpc-lattice'] as const)(
    '%s: the cache outside ECS (TCP, DNS) has no successor and says so',
    (target) => {
      const result = target === 'service-connect' ? sc : lattice;
      expect(status(result, 'VirtualNode/bank/cache:/spec/serviceDiscovery/dns')).toBe('dropped');
      expect(status(result, 'VirtualService/bank/cache.bank.local:/spec/provider/virtualNode')).toBe('dropped');
      expect(status(result, 'VirtualNode/bank/cache:/spec/listeners/0/connectionPool')).toBe('dropped');
      expect(JSON.stringify(result.documents.map((d) => d.doc))).not.toContain('cache.bank.local');
    },
  );
});

describe('unseen topology -> service-connect', () => {
  it('payments: the 80/20 canary and the header pin become a 20% canary deployment with test traffic', () => {
    const p = spec(sc, 'EcsService', 'payments-v1-sc');
    expect(p['deploymentConfiguration']).toEqual({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 10 },
    });
    const conf = p['serviceConnectConfiguration'] as { services: Record<string, unknown>[] };
    expect(conf.services[0]).toMatchObject({
      clientAliases: [
        {
          port: 8443,
          dnsName: 'payments.bank.local',
          testTrafficRules: { header: { name: 'x-payments-version', value: { exact: 'v2' } } },
        },
      ],
      tls: {
        issuerCertificateAuthority: { awsPcaAuthorityArn: expect.stringMatching(/^arn:aws:acm-pca:/) },
        roleArn: expect.stringMatching(/^arn:aws:iam::/),
      },
    });
    expect(
      docsOfKind(sc, 'EcsService')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['api-sc', 'ledger-sc', 'payments-v1-sc']);
  });

  it('reports query, scheme, method and regex routes dropped, retries and outlier detection built in, pools dropped', () => {
    expect(status(sc, 'Route/bank/payments/beta-query:/spec/httpRoute/match/queryParameters')).toBe('dropped');
    expect(status(sc, 'Route/bank/payments/secure-posts:/spec/httpRoute/match/scheme')).toBe('dropped');
    expect(status(sc, 'Route/bank/payments/secure-posts:/spec/httpRoute/match/method')).toBe('dropped');
    expect(status(sc, 'Route/bank/payments/refunds:/spec/httpRoute/match/path')).toBe('dropped');
    expect(status(sc, 'Route/bank/payments/canary:/spec/httpRoute/retryPolicy')).toBe('builtin');
    expect(status(sc, 'Route/bank/ledger/post-with-tenant:/spec/grpcRoute/retryPolicy')).toBe('builtin');
    expect(status(sc, 'VirtualNode/bank/payments-v1:/spec/listeners/0/outlierDetection')).toBe('builtin');
    expect(status(sc, 'VirtualNode/bank/ledger:/spec/listeners/0/connectionPool')).toBe('dropped');
    expect(status(sc, 'Route/bank/payments/canary:/spec/httpRoute/action/weightedTargets')).toBe('approx');
  });

  it('TLS: listener TLS needs the Private CA, mTLS and client certificates are dropped, PERMISSIVE is approx', () => {
    expect(status(sc, 'VirtualNode/bank/ledger:/spec/listeners/0/tls/certificate')).toBe('needs-input');
    expect(status(sc, 'VirtualNode/bank/payments-v1:/spec/listeners/0/tls/validation')).toBe('dropped');
    expect(status(sc, 'VirtualNode/bank/api:/spec/backendDefaults/clientPolicy/tls/certificate')).toBe('dropped');
    expect(status(sc, 'VirtualNode/bank/api:/spec/backendDefaults/clientPolicy/tls/enforce')).toBe('builtin');
    expect(status(sc, 'VirtualNode/bank/payments-v2:/spec/listeners/0/tls/mode')).toBe('approx');
  });

  it('gRPC: named port with appProtocol grpc, timeouts rounded up to whole seconds (approx), no grpc health check', () => {
    const ledger = spec(sc, 'EcsService', 'ledger-sc');
    const td = ledger['taskDefinition'] as { containerDefinitions: Record<string, unknown>[] };
    expect(td.containerDefinitions[0]?.['portMappings']).toEqual([
      { containerPort: 50051, name: 'port-50051', appProtocol: 'grpc' },
    ]);
    expect(td.containerDefinitions[0]?.['healthCheck']).toBeUndefined();
    expect(
      (ledger['serviceConnectConfiguration'] as { services: Record<string, unknown>[] }).services[0]?.['timeout'],
    ).toEqual({
      idleTimeoutSeconds: 120,
      perRequestTimeoutSeconds: 2,
    });
    expect(status(sc, 'VirtualNode/bank/ledger:/spec/listeners/0/timeout/grpc/perRequest')).toBe('approx');
    expect(status(sc, 'VirtualNode/bank/ledger:/spec/listeners/0/healthCheck')).toBe('dropped');
  });

  it('api: DNS discovery becomes Service Connect discovery, JSON access logs, and it registers in the ALB target group', () => {
    expect(status(sc, 'VirtualNode/bank/api:/spec/serviceDiscovery/dns')).toBe('approx');
    const api = spec(sc, 'EcsService', 'api-sc');
    expect(api['serviceConnectConfiguration']).toMatchObject({
      accessLogConfiguration: { format: 'JSON' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'service-connect' } },
    });
    expect(api['loadBalancers']).toEqual([
      {
        targetGroupArn: expect.stringContaining(':targetgroup/api-sc/'),
        containerName: 'app',
        containerPort: 8080,
      },
    ]);
    // servers before clients: ledger, then payments, then api.
    const waves = sc.report.steps
      .filter((s) => s.wave >= 0 && s.wave < STEP_WAVE.canary)
      .map((s) => s.text.split(' ')[1]);
    expect(waves).toEqual(['ledger-sc', 'payments-v1-sc', 'api-sc']);
  });
});

describe('unseen topology -> vpc-lattice', () => {
  it('payments: header and exact-path rules kept, query/scheme/regex rules left out, the canary is the default action', () => {
    const rules = docsOfKind(lattice, 'LatticeRule').filter((d) => d.metadata['service'] === 'payments-bank-local');
    expect(rules.map((r) => [r.metadata.name, r.spec['priority']])).toEqual([
      ['pin-v2', 1],
      ['orders-get', 5],
    ]);
    expect(rules[1]?.spec['match']).toEqual({
      httpMatch: { pathMatch: { match: { exact: '/orders' }, caseSensitive: true }, method: 'GET' },
    });
    const listener = spec(lattice, 'LatticeListener', 'port-8443', { service: 'payments-bank-local' });
    expect(listener).toEqual({
      protocol: 'HTTPS',
      port: 8443,
      defaultAction: {
        forward: {
          targetGroups: [
            { targetGroupIdentifier: 'bank-payments-v1-8443', weight: 80 },
            { targetGroupIdentifier: 'bank-payments-v2-8443', weight: 20 },
          ],
        },
      },
    });
    expect(spec(lattice, 'LatticeService', 'payments-bank-local')['certificateArn']).toBe(
      'arn:aws:acm:us-east-1:111122223333:certificate/cccccccc-1111-2222-3333-444444444444',
    );
    for (const r of ['beta-query', 'secure-posts', 'refunds']) {
      expect(status(lattice, `Route/bank/payments/${r}:/spec/httpRoute/action/weightedTargets`)).toBe('dropped');
    }
  });

  it('ledger: gRPC service/method and metadata become path and header matches; unmatched requests get 404', () => {
    const rules = docsOfKind(lattice, 'LatticeRule').filter((d) => d.metadata['service'] === 'ledger-bank-local');
    expect(rules.map((r) => r.spec['match'])).toEqual([
      {
        httpMatch: {
          pathMatch: { match: { exact: '/bank.Ledger/Post' }, caseSensitive: true },
          method: 'POST',
          headerMatches: [{ name: 'x-tenant', match: { exact: 'gold' }, caseSensitive: true }],
        },
      },
      { httpMatch: { pathMatch: { match: { prefix: '/bank.Ledger/' }, caseSensitive: true }, method: 'POST' } },
    ]);
    expect(spec(lattice, 'LatticeListener', 'port-50051', { service: 'ledger-bank-local' })['defaultAction']).toEqual({
      fixedResponse: { statusCode: 404 },
    });
    const tg = spec(lattice, 'LatticeTargetGroup', 'bank-ledger-50051');
    expect(tg['config']).toMatchObject({ protocolVersion: 'GRPC', port: 50051 });
    expect((tg['config'] as Record<string, unknown>)['healthCheck']).toBeUndefined();
    expect(spec(lattice, 'LatticeService', 'ledger-bank-local')['certificateArn']).toBe(
      'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
    );
    expect(status(lattice, 'VirtualNode/bank/ledger:/spec/listeners/0/tls/certificate')).toBe('needs-input');
  });

  it('reports retries, per-request timeouts, outlier detection, pools and mTLS dropped; idle timeout approx', () => {
    expect(status(lattice, 'Route/bank/payments/canary:/spec/httpRoute/retryPolicy')).toBe('dropped');
    expect(status(lattice, 'Route/bank/payments/canary:/spec/httpRoute/timeout/perRequest')).toBe('dropped');
    expect(status(lattice, 'VirtualNode/bank/payments-v1:/spec/listeners/0/outlierDetection')).toBe('dropped');
    expect(status(lattice, 'VirtualNode/bank/payments-v1:/spec/listeners/0/connectionPool')).toBe('dropped');
    expect(status(lattice, 'VirtualNode/bank/payments-v1:/spec/listeners/0/tls/validation')).toBe('dropped');
    expect(status(lattice, 'VirtualNode/bank/api:/spec/listeners/0/timeout/http/idle')).toBe('approx');
    expect(spec(lattice, 'LatticeService', 'api-bank-local')['idleTimeoutSeconds']).toBe(90);
    // Both payments versions keep a service of their own on Lattice (no canary collapse).
    expect(
      docsOfKind(lattice, 'EcsService')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['api-lattice', 'ledger-lattice', 'payments-v1-lattice', 'payments-v2-lattice']);
  });
});
