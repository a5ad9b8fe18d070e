/**
 * Issue 9: an EcsService without `appMesh` is a plain ECS service, reconciled fully: no sidecar, no proxy
 * configuration, its own serviceRegistries allowed; apply then plan is 0; a console change is drift and reverted.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { ManifestDocument } from '../../src/core/types';
import { stringify } from 'yaml';
import { validateFiles } from '../../src/manifest/validate';
import { type Harness, startHarness } from './harness';

const plain: ManifestDocument = {
  apiVersion: 'meshward.dev/v1alpha1',
  kind: 'EcsService',
  metadata: { name: 'billing', tags: { team: 'payments' } },
  spec: {
    cluster: 'shop',
    launchType: 'FARGATE',
    desiredCount: 2,
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'], assignPublicIp: 'DISABLED' },
    },
    taskDefinition: {
      family: 'shop-billing',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/nginx/nginx:1.27',
          essential: true,
          portMappings: [{ containerPort: 8080 }],
        },
      ],
    },
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(async () => h.reset());

describe('a plain ECS service (no mesh)', () => {
  it('validates without appMesh and is applied as declared: no Envoy, no proxy configuration', async () => {
    const file = { name: 'billing.yaml', bytes: new TextEncoder().encode(stringify(plain)) };
    expect(validateFiles([file]).issues).toEqual([]);
    const applied = await h.run('apply', [plain]);
    expect(applied.results.map((r) => [r.id, r.outcome])).toEqual([['EcsService/shop/billing', 'created']]);
    const svc = (await h.clients.ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['billing'] })))
      .services?.[0];
    const td = (await h.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc?.taskDefinition })))
      .taskDefinition;
    expect(td?.containerDefinitions?.map((c) => c.name)).toEqual(['app']);
    expect(td?.proxyConfiguration).toBeUndefined();
    expect(td?.containerDefinitions?.[0]?.dependsOn ?? []).toEqual([]);

    const plan = await h.run('plan', [plain]);
    expect(plan.changes.map((c) => c.action)).toEqual(['unchanged']);
  });

  it('reports a console change of its desired count as drift and reverts it', async () => {
    await h.run('apply', [plain]);
    await h
      .consoleClients()
      .ecs.send(new UpdateServiceCommand({ cluster: 'shop', service: 'billing', desiredCount: 5 }));
    const drift = await h.run('drift', [plain]);
    const changed = drift.changes.filter((c) => c.action !== 'unchanged');
    expect(changed.map((c) => [c.id, c.cause, c.changes.map((f) => f.path)])).toEqual([
      ['EcsService/shop/billing', 'drift', ['/spec/service/desiredCount']],
    ]);
    await h.run('apply', [plain]);
    const svc = (await h.clients.ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['billing'] })))
      .services?.[0];
    expect(svc?.desiredCount).toBe(2);
  });
});
