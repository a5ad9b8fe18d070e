/**
 * Issue 9 "Done when", through the real SDK against the emulator: an unseen Service Connect set (an HTTP namespace,
 * a client-only service, an HTTP server with timeouts, proxy logs and a canary strategy, a gRPC server with every
 * Service Connect default left to AWS and no desiredCount, a TCP server) applies, plans to 0, reports a console
 * change of a per-request timeout as drift naming the service and field, reverts it, and leaves an autoscaled
 * desiredCount alone. Servers go before their clients, and a new server redeploys its clients, with the reason.
 */
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { REDEPLOY_PATH } from '../../src/core/model';
import type { ManifestDocument } from '../../src/core/types';
import { validateFiles } from '../../src/manifest/validate';
import { stringify } from 'yaml';
import { type Harness, startHarness } from './harness';

type Spec = Record<string, unknown>;

const NS = 'orders.internal';

function namespace(): ManifestDocument {
  return {
    apiVersion: 'meshward.dev/v1alpha1',
    kind: 'CloudMapNamespace',
    metadata: { name: NS, tags: { team: 'platform' } },
    spec: { type: 'HTTP', description: 'Service Connect namespace of the orders domain' },
  };
}

function service(
  name: string,
  port: { name: string; containerPort: number; appProtocol?: string },
  extra: Spec,
): ManifestDocument {
  const { desiredCount, ...rest } = extra;
  return {
    apiVersion: 'meshward.dev/v1alpha1',
    kind: 'EcsService',
    metadata: { name },
    spec: {
      cluster: 'shop',
      launchType: 'FARGATE',
      ...(desiredCount === null ? {} : { desiredCount: desiredCount ?? 2 }),
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } },
      taskDefinition: {
        family: `orders-${name}`,
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        containerDefinitions: [
          { name: 'app', image: `public.ecr.aws/orders/${name}:1.0.0`, portMappings: [{ ...port }] },
        ],
      },
      ...rest,
    },
  };
}

const web = (): ManifestDocument =>
  service(
    'web',
    { name: 'web', containerPort: 8080, appProtocol: 'http' },
    {
      serviceConnectConfiguration: { enabled: true, namespace: NS },
    },
  );

const checkout = (): ManifestDocument =>
  service(
    'checkout',
    { name: 'api', containerPort: 8080, appProtocol: 'http' },
    {
      deploymentConfiguration: {
        strategy: 'CANARY',
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
        bakeTimeInMinutes: 10,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
      serviceConnectConfiguration: {
        enabled: true,
        namespace: NS,
        services: [
          {
            portName: 'api',
            discoveryName: 'checkout',
            clientAliases: [{ port: 80, dnsName: 'checkout' }],
            timeout: { perRequestTimeoutSeconds: 15, idleTimeoutSeconds: 120 },
          },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/orders/proxy', 'awslogs-region': 'eu-west-1' },
        },
        accessLogConfiguration: { format: 'JSON' },
      },
    },
  );

const stock = (): ManifestDocument =>
  service(
    'stock',
    { name: 'grpc', containerPort: 50051, appProtocol: 'grpc' },
    {
      desiredCount: null,
      serviceConnectConfiguration: {
        enabled: true,
        namespace: NS,
        services: [{ portName: 'grpc', clientAliases: [{ port: 50051 }] }],
      },
    },
  );

const cache = (): ManifestDocument =>
  service(
    'cache',
    { name: 'redis', containerPort: 6379 },
    {
      serviceConnectConfiguration: {
        enabled: true,
        namespace: NS,
        services: [{ portName: 'redis', clientAliases: [{ port: 6379 }], timeout: { idleTimeoutSeconds: 1800 } }],
      },
    },
  );

const set = (): ManifestDocument[] => [namespace(), web(), checkout(), stock(), cache()];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(async () => h.reset());

async function describe1(name: string) {
  const out = await h.clients.ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: [name] }));
  return out.services?.[0];
}

const changed = (o: { changes: { action: string; id: string }[] }) =>
  o.changes.filter((c) => c.action !== 'unchanged').map((c) => c.id);

describe('a Service Connect set', () => {
  it('validates as written', () => {
    const file = {
      name: 'orders.yaml',
      bytes: new TextEncoder().encode(
        set()
          .map((d) => stringify(d))
          .join('---\n'),
      ),
    };
    const result = validateFiles([file]);
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('applies servers before their client, then plans to 0', async () => {
    const applied = await h.run('apply', set());
    expect(applied.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    const stageOf = (id: string) => applied.plan?.stages.findIndex((s) => s.steps.some((st) => st.id === id)) ?? -1;
    const client = stageOf('EcsService/shop/web');
    for (const server of ['checkout', 'stock', 'cache'])
      expect(stageOf(`EcsService/shop/${server}`)).toBeLessThan(client);
    expect(stageOf('CloudMapNamespace/orders.internal')).toBeLessThan(stageOf('EcsService/shop/checkout'));
    const namespaces = await h.clients.cloudMap.send(new ListNamespacesCommand({}));
    expect(namespaces.Namespaces?.find((n) => n.Name === NS)?.Type).toBe('HTTP');

    const plan = await h.run('plan', set());
    expect(changed(plan)).toEqual([]);
  });

  it('reports a console change of a per-request timeout as drift on that service and field, and reverts it', async () => {
    await h.run('apply', set());
    const before = (await describe1('checkout'))?.deployments?.find((d) => d.status === 'PRIMARY');
    const config = structuredClone(before?.serviceConnectConfiguration);
    const entry = config?.services?.[0];
    if (!config || !entry) throw new Error('no Service Connect configuration read back');
    entry.timeout = { ...entry.timeout, perRequestTimeoutSeconds: 60 };
    await h
      .consoleClients()
      .ecs.send(
        new UpdateServiceCommand({ cluster: 'shop', service: 'checkout', serviceConnectConfiguration: config }),
      );

    const drift = await h.run('drift', set());
    const drifted = drift.changes.filter((c) => c.action !== 'unchanged');
    expect(drifted.map((c) => [c.id, c.cause, c.changes.map((f) => [f.path, f.before, f.after])])).toEqual([
      [
        'EcsService/shop/checkout',
        'drift',
        [['/spec/service/serviceConnectConfiguration/services/0/timeout/perRequestTimeoutSeconds', 60, 15]],
      ],
    ]);
    await h.run('apply', set());
    const after = (await describe1('checkout'))?.deployments?.find((d) => d.status === 'PRIMARY');
    expect(after?.serviceConnectConfiguration?.services?.[0]?.timeout?.perRequestTimeoutSeconds).toBe(15);
    expect(changed(await h.run('plan', set()))).toEqual([]);
  });

  it('leaves a desiredCount autoscaling changed alone when the manifest does not declare one', async () => {
    await h.run('apply', set());
    await h.consoleClients().ecs.send(new UpdateServiceCommand({ cluster: 'shop', service: 'stock', desiredCount: 9 }));
    expect(changed(await h.run('plan', set()))).toEqual([]);
    await h.run('apply', set());
    expect((await describe1('stock'))?.desiredCount).toBe(9);
  });

  it('redeploys the clients when a new server endpoint appears, and says why', async () => {
    await h.run('apply', set());
    const reviews = service(
      'reviews',
      { name: 'api', containerPort: 8080, appProtocol: 'http' },
      {
        serviceConnectConfiguration: {
          enabled: true,
          namespace: NS,
          services: [{ portName: 'api', discoveryName: 'reviews', clientAliases: [{ port: 80 }] }],
        },
      },
    );
    const primaryOf = async () => (await describe1('web'))?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    const before = await primaryOf();
    const plan = await h.run('plan', [...set(), reviews]);
    const client = plan.changes.find((c) => c.id === 'EcsService/shop/web');
    expect(client?.action).toBe('update');
    expect(client?.reason).toMatch(/new Service Connect endpoint reviews\.orders\.internal:80 in orders\.internal/);
    expect(client?.changes.map((f) => f.path)).toEqual([REDEPLOY_PATH]);

    const applied = await h.run('apply', [...set(), reviews]);
    expect(applied.results.find((r) => r.id === 'EcsService/shop/web')?.outcome).toBe('configured');
    // Only tasks started after the endpoint exists resolve it: the client got a new deployment.
    expect(await primaryOf()).not.toBe(before);
    expect(changed(await h.run('plan', [...set(), reviews]))).toEqual([]);
  });

  it('--wait follows each service deployment to SUCCESSFUL, with its stage and traffic weight', async () => {
    const lines: string[] = [];
    const applied = await h.run('apply', set(), { wait: true, pollMillis: 5, progress: (m) => lines.push(m) });
    expect(applied.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    const checkoutLines = lines.filter((l) => l.startsWith('shop/checkout: '));
    expect(checkoutLines.at(-1)).toMatch(/^shop\/checkout: SUCCESSFUL/);
    expect(checkoutLines.some((l) => /production \d+%/.test(l))).toBe(true);
  });

  it('a warm no-op costs the ECS side one DescribeServices batch and nothing else', async () => {
    await h.run('apply', set());
    await h.run('plan', set());
    const warm = await h.run('plan', set());
    expect(changed(warm)).toEqual([]);
    const calls = warm.report.apiCalls ?? {};
    const ecs = Object.fromEntries(Object.entries(calls).filter(([k]) => k.startsWith('ecs:')));
    expect(ecs).toEqual({ 'ecs:DescribeServices': 1 });
    // The namespace kind lists namespaces; its tags come from the describe cache (read at create, again when the
    // cache expires); no per-service Cloud Map call.
    expect(calls).toEqual({ 'ecs:DescribeServices': 1, 'servicediscovery:ListNamespaces': 1 });
    // A cold cache reads the namespace's tags again.
    const cold = await h.run('plan', set(), { cacheMaxAgeMillis: 0 });
    expect(changed(cold)).toEqual([]);
    expect(cold.report.apiCalls?.['servicediscovery:ListTagsForResource']).toBe(1);
  });
});
