/**
 * ECS task definitions through the real SDK client: revision counter, server defaults and normalization
 * (AWS-FACTS.md), Fargate validation, describe by family / family:rev / ARN, include TAGS, deregistration and
 * the two list calls with paging.
 */
import * as ecs from '@aws-sdk/client-ecs';
import type { Emulator } from '../../src/emulator/server';
import { createEcsService } from '../../src/emulator/ecs/service';
import { createServiceDiscoveryService } from '../../src/emulator/servicediscovery/service';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let clock = T0;
let emu: Emulator;
let client: ecs.ECSClient;

beforeAll(async () => {
  emu = await startTestEmulator({ now: () => clock, services: [createEcsService, createServiceDiscoveryService] });
  client = new ecs.ECSClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  clock = T0;
});

const fargateTask = (family = 'web'): ecs.RegisterTaskDefinitionCommandInput => ({
  family,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '0.5 vCPU',
  memory: '1 GB',
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1',
      portMappings: [{ containerPort: 8080 }],
      healthCheck: { command: ['CMD-SHELL', 'true'] },
    },
  ],
});

describe('RegisterTaskDefinition', () => {
  it('counts revisions per family from 1 and builds the ARN', async () => {
    const a1 = await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask('a')));
    const a2 = await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask('a')));
    const b1 = await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask('b')));
    expect(a1.taskDefinition?.revision).toBe(1);
    expect(a2.taskDefinition?.revision).toBe(2);
    expect(b1.taskDefinition?.revision).toBe(1);
    expect(a2.taskDefinition?.taskDefinitionArn).toBe(`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/a:2`);
  });

  it('fills the server defaults and normalizes cpu/memory', async () => {
    const { taskDefinition: td } = await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask()));
    expect(td?.cpu).toBe('512');
    expect(td?.memory).toBe('1024');
    expect(td?.status).toBe('ACTIVE');
    expect(td?.compatibilities).toEqual(['EC2', 'FARGATE']);
    expect(td?.requiresAttributes).toEqual(expect.arrayContaining([{ name: 'ecs.capability.task-eni' }]));
    expect(td?.registeredAt).toEqual(new Date(T0));
    // registeredBy is the caller's principal (an unmapped access key is an IAM user of that name).
    expect(td?.registeredBy).toBe(`arn:aws:iam::${ACCOUNT}:user/AKIDTEST`);
    const app = td?.containerDefinitions?.[0];
    expect(app?.essential).toBe(true);
    expect(app?.portMappings).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }]);
    expect(app?.healthCheck).toEqual({ command: ['CMD-SHELL', 'true'], interval: 30, timeout: 5, retries: 3 });
    expect(app?.environment).toEqual([]);
    expect(app?.mountPoints).toEqual([]);
  });

  it('accepts "1 vCPU" / "2GB" forms and keeps explicit container values', async () => {
    const input = fargateTask();
    input.cpu = '1 vCPU';
    input.memory = '2GB';
    input.containerDefinitions = [
      { name: 'app', image: 'x', essential: false, portMappings: [{ containerPort: 9000, protocol: 'udp' }] },
    ];
    const { taskDefinition: td } = await client.send(new ecs.RegisterTaskDefinitionCommand(input));
    expect([td?.cpu, td?.memory]).toEqual(['1024', '2048']);
    expect(td?.containerDefinitions?.[0]?.essential).toBe(false);
    expect(td?.containerDefinitions?.[0]?.portMappings?.[0]?.protocol).toBe('udp');
  });

  it('rejects what Fargate does not support with ClientException', async () => {
    const bridge = { ...fargateTask(), networkMode: 'bridge' as const };
    expect(await failure(client.send(new ecs.RegisterTaskDefinitionCommand(bridge)))).toMatchObject({
      name: 'ClientException',
      status: 400,
      message: 'Fargate only supports network mode \u2018awsvpc\u2019.',
    });
    const badSize = { ...fargateTask(), cpu: '256', memory: '4096' };
    expect(await failure(client.send(new ecs.RegisterTaskDefinitionCommand(badSize)))).toMatchObject({
      name: 'ClientException',
      message: expect.stringContaining('No Fargate configuration exists for given values: 256 CPU, 4096 memory'),
    });
    const noMemory = { ...fargateTask(), memory: undefined };
    expect((await failure(client.send(new ecs.RegisterTaskDefinitionCommand(noMemory)))).message).toBe(
      "Fargate requires that 'memory' be defined at the task level.",
    );
  });

  it('rejects awsvpc port mappings whose host port differs', async () => {
    const input = fargateTask();
    input.containerDefinitions = [{ name: 'app', image: 'x', portMappings: [{ containerPort: 80, hostPort: 81 }] }];
    expect((await failure(client.send(new ecs.RegisterTaskDefinitionCommand(input)))).name).toBe('ClientException');
  });

  it('requires container memory when the task has none (EC2)', async () => {
    const input = { family: 'ec2', containerDefinitions: [{ name: 'app', image: 'x' }] };
    expect(await failure(client.send(new ecs.RegisterTaskDefinitionCommand(input)))).toMatchObject({
      name: 'ClientException',
      message:
        "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.",
    });
  });

  it('answers a missing containerDefinitions as ECS does, with ClientException "Container list cannot be empty."', async () => {
    // Source: awsdocs/aws-cloudformation-user-guide#454 quotes ECS for a TaskDefinition without ContainerDefinitions:
    // "Container list cannot be empty. (Service: AmazonECS; Status Code: 400; Error Code: ClientException)".
    const err = await failure(
      client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'x' } as ecs.RegisterTaskDefinitionCommandInput)),
    );
    expect(err).toMatchObject({ name: 'ClientException', status: 400, message: 'Container list cannot be empty.' });
  });

  it('surfaces other model validation as InvalidParameterException', async () => {
    const err = await failure(
      client.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'x',
          containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }],
          networkMode: 'bogus' as ecs.NetworkMode,
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });
});

describe('DescribeTaskDefinition / DeregisterTaskDefinition', () => {
  it('resolves family, family:rev and ARN; returns tags only with include TAGS', async () => {
    await client.send(new ecs.RegisterTaskDefinitionCommand({ ...fargateTask(), tags: [{ key: 'k', value: 'v1' }] }));
    await client.send(new ecs.RegisterTaskDefinitionCommand({ ...fargateTask(), tags: [{ key: 'k', value: 'v2' }] }));
    const latest = await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
    expect(latest.taskDefinition?.revision).toBe(2);
    expect(latest.tags).toBeUndefined();
    const first = await client.send(
      new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] }),
    );
    expect(first.tags).toEqual([{ key: 'k', value: 'v1' }]);
    const byArn = await client.send(
      new ecs.DescribeTaskDefinitionCommand({
        taskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:2`,
      }),
    );
    expect(byArn.taskDefinition?.revision).toBe(2);
    expect(await failure(client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })))).toMatchObject(
      {
        name: 'ClientException',
        message: 'Unable to describe task definition.',
      },
    );
  });

  it('deregisters to INACTIVE, keeps it describable, and the family falls back to the latest ACTIVE', async () => {
    await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask()));
    await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask()));
    clock += 1000;
    const out = await client.send(new ecs.DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }));
    expect(out.taskDefinition?.status).toBe('INACTIVE');
    expect(out.taskDefinition?.deregisteredAt).toEqual(new Date(T0 + 1000));
    const rev2 = await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }));
    expect(rev2.taskDefinition?.status).toBe('INACTIVE');
    const latest = await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
    expect(latest.taskDefinition?.revision).toBe(1);
    // The counter keeps counting past deregistered revisions.
    const next = await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask()));
    expect(next.taskDefinition?.revision).toBe(3);
  });
});

describe('ListTaskDefinitions / ListTaskDefinitionFamilies', () => {
  it('filters by exact family and status, sorts, and pages', async () => {
    for (const f of ['api', 'api', 'api', 'apiworker', 'web']) {
      await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask(f)));
    }
    await client.send(new ecs.DeregisterTaskDefinitionCommand({ taskDefinition: 'api:2' }));
    const api = await client.send(new ecs.ListTaskDefinitionsCommand({ familyPrefix: 'api' }));
    expect(api.taskDefinitionArns?.map((a) => a.split('/')[1])).toEqual(['api:1', 'api:3']);
    const inactive = await client.send(new ecs.ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns?.map((a) => a.split('/')[1])).toEqual(['api:2']);
    const desc = await client.send(new ecs.ListTaskDefinitionsCommand({ sort: 'DESC', maxResults: 2 }));
    expect(desc.taskDefinitionArns?.map((a) => a.split('/')[1])).toEqual(['web:1', 'apiworker:1']);
    const rest = await client.send(
      new ecs.ListTaskDefinitionsCommand({ sort: 'DESC', maxResults: 2, nextToken: desc.nextToken }),
    );
    expect(rest.taskDefinitionArns?.map((a) => a.split('/')[1])).toEqual(['api:3', 'api:1']);
    expect(rest.nextToken).toBeUndefined();
    const all: string[] = [];
    for await (const page of ecs.paginateListTaskDefinitions({ client, pageSize: 1 }, {})) {
      all.push(...(page.taskDefinitionArns ?? []));
    }
    expect(all).toHaveLength(4);
  });

  it('lists families by prefix and status', async () => {
    for (const f of ['api', 'apiworker', 'web'])
      await client.send(new ecs.RegisterTaskDefinitionCommand(fargateTask(f)));
    await client.send(new ecs.DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }));
    expect((await client.send(new ecs.ListTaskDefinitionFamiliesCommand({ familyPrefix: 'api' }))).families).toEqual([
      'api',
      'apiworker',
    ]);
    expect((await client.send(new ecs.ListTaskDefinitionFamiliesCommand({ status: 'INACTIVE' }))).families).toEqual([
      'web',
    ]);
    expect((await client.send(new ecs.ListTaskDefinitionFamiliesCommand({ status: 'ALL' }))).families).toHaveLength(3);
  });
});
