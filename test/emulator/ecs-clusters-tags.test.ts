/**
 * ECS clusters and tags through the real SDK client, plus persistence: snapshot/restore round-trips ECS and
 * Cloud Map state through the emulator's data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ecs from '@aws-sdk/client-ecs';
import * as sd from '@aws-sdk/client-servicediscovery';
import type { Emulator } from '../../src/emulator/server';
import { createEcsService } from '../../src/emulator/ecs/service';
import { createServiceDiscoveryService } from '../../src/emulator/servicediscovery/service';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let clock = T0;
let emu: Emulator;
let client: ecs.ECSClient;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const services = [createEcsService, createServiceDiscoveryService];

beforeAll(async () => {
  emu = await startTestEmulator({ now: () => clock, services });
  client = new ecs.ECSClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  clock = T0;
});

describe('clusters', () => {
  it('creates idempotently, describes with failures and tags on request, and lists with paging', async () => {
    const created = await client.send(
      new ecs.CreateClusterCommand({ clusterName: 'prod', tags: [{ key: 'env', value: 'prod' }] }),
    );
    expect(created.cluster).toMatchObject({
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`,
      clusterName: 'prod',
      status: 'ACTIVE',
      activeServicesCount: 0,
    });
    const again = await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
    expect(again.cluster?.clusterArn).toBe(created.cluster?.clusterArn);
    clock += 1;
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'dev' }));

    const described = await client.send(
      new ecs.DescribeClustersCommand({ clusters: ['prod', 'ghost'], include: ['TAGS'] }),
    );
    expect(described.clusters?.[0]?.tags).toEqual([{ key: 'env', value: 'prod' }]);
    expect(described.failures).toEqual([{ arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ghost`, reason: 'MISSING' }]);
    const withoutTags = await client.send(
      new ecs.DescribeClustersCommand({ clusters: [String(created.cluster?.clusterArn)] }),
    );
    expect(withoutTags.clusters?.[0]?.tags).toEqual([]);

    const page1 = await client.send(new ecs.ListClustersCommand({ maxResults: 1 }));
    const page2 = await client.send(new ecs.ListClustersCommand({ maxResults: 1, nextToken: page1.nextToken }));
    expect([...(page1.clusterArns ?? []), ...(page2.clusterArns ?? [])].map((a) => a.split('/')[1])).toEqual([
      'prod',
      'dev',
    ]);
    expect(page2.nextToken).toBeUndefined();
    expect((await failure(client.send(new ecs.ListClustersCommand({ nextToken: 'garbage' })))).name).toBe(
      'InvalidParameterException',
    );
  });
});

describe('tags', () => {
  it('tags, untags and lists tags on clusters, services and task definitions', async () => {
    const cluster = await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
    const td = await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }],
      }),
    );
    const svc = await client.send(
      new ecs.CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 0 }),
    );
    const arns = [cluster.cluster?.clusterArn, td.taskDefinition?.taskDefinitionArn, svc.service?.serviceArn];
    for (const resourceArn of arns) {
      await client.send(
        new ecs.TagResourceCommand({
          resourceArn,
          tags: [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
          ],
        }),
      );
      await client.send(new ecs.TagResourceCommand({ resourceArn, tags: [{ key: 'a', value: '3' }] }));
      await client.send(new ecs.UntagResourceCommand({ resourceArn, tagKeys: ['b'] }));
      expect((await client.send(new ecs.ListTagsForResourceCommand({ resourceArn }))).tags).toEqual([
        { key: 'a', value: '3' },
      ]);
    }
    const services = await client.send(
      new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'], include: ['TAGS'] }),
    );
    expect(services.services?.[0]?.tags).toEqual([{ key: 'a', value: '3' }]);
  });

  it('answers errors for unknown resources and for more than 50 tags', async () => {
    const missingCluster = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ghost`;
    expect(
      (
        await failure(
          client.send(new ecs.TagResourceCommand({ resourceArn: missingCluster, tags: [{ key: 'a', value: 'b' }] })),
        )
      ).name,
    ).toBe('ClusterNotFoundException');
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
    const missingService = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/ghost`;
    expect((await failure(client.send(new ecs.ListTagsForResourceCommand({ resourceArn: missingService })))).name).toBe(
      'ResourceNotFoundException',
    );
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;
    expect((await failure(client.send(new ecs.TagResourceCommand({ resourceArn: clusterArn, tags })))).name).toBe(
      'InvalidParameterException',
    );
  });
});

describe('persistence', () => {
  it('round-trips ECS and Cloud Map state through snapshot/restore', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ecs-persist-'));
    try {
      const first = await startTestEmulator({ now: () => clock, services, dataDir });
      const c1 = new ecs.ECSClient({ endpoint: first.endpoint, region: REGION, credentials, maxAttempts: 1 });
      const m1 = new sd.ServiceDiscoveryClient({
        endpoint: first.endpoint,
        region: REGION,
        credentials,
        maxAttempts: 1,
      });
      await c1.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
      await c1.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }],
        }),
      );
      await c1.send(
        new ecs.CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }),
      );
      await m1.send(new sd.CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: 'vpc-1' }));
      await first.stop();

      const second = await startTestEmulator({ now: () => clock, services, dataDir });
      const c2 = new ecs.ECSClient({ endpoint: second.endpoint, region: REGION, credentials, maxAttempts: 1 });
      const m2 = new sd.ServiceDiscoveryClient({
        endpoint: second.endpoint,
        region: REGION,
        credentials,
        maxAttempts: 1,
      });
      try {
        const svc = await c2.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
        expect(svc.services?.[0]?.status).toBe('ACTIVE');
        const td = await c2.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'web',
            containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }],
          }),
        );
        expect(td.taskDefinition?.revision).toBe(2);
        expect((await m2.send(new sd.ListNamespacesCommand({}))).Namespaces?.map((n) => n.Name)).toEqual(['local']);
        expect(second.services.get('ecs')?.snapshot()).toEqual(
          JSON.parse(JSON.stringify(second.services.get('ecs')?.snapshot())),
        );
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
