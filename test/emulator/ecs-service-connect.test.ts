/**
 * ECS as it answers today, through the real SDK clients: task definition defaults (enableFaultInjection, bridge
 * hostPort), Service Connect validated and defaulted as AWS-FACTS.md ("ECS Service Connect") says, the Cloud Map
 * services ECS creates for it and the instances it registers there, and VPC Lattice configurations with the task
 * event hook the VPC Lattice emulator follows.
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as sd from '@aws-sdk/client-servicediscovery';
import type { ServiceFactory } from '../../src/emulator/contracts';
import { createEcsService, createEcsServiceWithOptions } from '../../src/emulator/ecs/service';
import {
  connectLatticeTargets,
  ecsEventBusFor,
  type EcsEmulatorEvent,
  type EcsEventBus,
} from '../../src/emulator/ecs/task-events';
import { createEventsService } from '../../src/emulator/events/service';
import type { Emulator } from '../../src/emulator/server';
import { createServiceDiscoveryService } from '../../src/emulator/servicediscovery/service';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
let clock = T0;
let emu: Emulator;
let client: ecs.ECSClient;
let cloudMap: sd.ServiceDiscoveryClient;
let bus: EcsEventBus | undefined;
const seen: EcsEmulatorEvent[] = [];
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** Another emulated service's factory sees the ECS event bus through the env, as the VPC Lattice emulator does. */
const followEcs: ServiceFactory = (env) => {
  bus = ecsEventBusFor(env);
  bus.subscribe((e) => seen.push(e));
  return createEventsService(env);
};

beforeAll(async () => {
  emu = await startTestEmulator({
    now: () => clock,
    services: [createEcsService, createServiceDiscoveryService, followEcs],
  });
  client = new ecs.ECSClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
  cloudMap = new sd.ServiceDiscoveryClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials,
    maxAttempts: 1,
    // DiscoverInstances is sent to `data-<host>`; against 127.0.0.1 that name does not resolve (see
    // servicediscovery.test.ts), so this client sends it to the endpoint as given.
    disableHostPrefix: true,
  });
});
afterAll(async () => {
  await emu.stop();
});

const network = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };
let namespaceArn = '';

beforeEach(async () => {
  emu.reset();
  seen.length = 0;
  clock = T0;
  await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
  const { OperationId } = await cloudMap.send(new sd.CreateHttpNamespaceCommand({ Name: 'shop.local' }));
  const op = await cloudMap.send(new sd.GetOperationCommand({ OperationId }));
  const ns = await cloudMap.send(new sd.GetNamespaceCommand({ Id: op.Operation?.Targets?.NAMESPACE }));
  namespaceArn = ns.Namespace?.Arn ?? '';
  await client.send(
    new ecs.RegisterTaskDefinitionCommand({
      family: 'api',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'app',
          image: 'api:1',
          portMappings: [
            { name: 'http', containerPort: 8080, appProtocol: 'http' },
            { name: 'grpc', containerPort: 9090, appProtocol: 'grpc' },
            { name: 'raw', containerPort: 7000 },
          ],
        },
      ],
    }),
  );
});

const create = (
  sc?: ecs.ServiceConnectConfiguration,
  extra: Partial<ecs.CreateServiceCommandInput> = {},
): Promise<ecs.CreateServiceCommandOutput> =>
  client.send(
    new ecs.CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'api',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: network,
      ...(sc ? { serviceConnectConfiguration: sc } : {}),
      ...extra,
    }),
  );
const primary = async (): Promise<ecs.Deployment | undefined> =>
  (await client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['api'] }))).services?.[0]
    ?.deployments?.[0];

describe('task definitions', () => {
  it('shows enableFaultInjection false on every task definition, given or not', async () => {
    // AWS-FACTS.md (ECS API): since 2025-01 (aws-actions/amazon-ecs-deploy-task-definition #701, #706).
    const { taskDefinition } = await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'api' }));
    expect(taskDefinition?.enableFaultInjection).toBe(false);
    const on = await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'chaos',
        enableFaultInjection: true,
        containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }],
      }),
    );
    expect(on.taskDefinition?.enableFaultInjection).toBe(true);
  });

  it('shows a bridge-mode port mapping without hostPort as hostPort 0, or leaves it out when configured', async () => {
    // Unverified (EcsEmulatorOptions.bridgeHostPort): terraform-provider-aws's ContainerDefinitionsAreEquivalent
    // treats hostPort 0 as unset, which suggests ECS answers 0 for a dynamic host port.
    const register = async (c: ecs.ECSClient): Promise<ecs.PortMapping[] | undefined> =>
      (
        await c.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'bridge',
            networkMode: 'bridge',
            containerDefinitions: [
              {
                name: 'a',
                image: 'x',
                memory: 64,
                portMappings: [{ containerPort: 80 }, { containerPort: 81, hostPort: 8081 }],
              },
            ],
          }),
        )
      ).taskDefinition?.containerDefinitions?.[0]?.portMappings;
    expect(await register(client)).toEqual([
      { containerPort: 80, hostPort: 0, protocol: 'tcp' },
      { containerPort: 81, hostPort: 8081, protocol: 'tcp' },
    ]);
    const other = await startTestEmulator({ services: [createEcsServiceWithOptions({ bridgeHostPort: 'omit' })] });
    try {
      const c = new ecs.ECSClient({ endpoint: other.endpoint, region: REGION, credentials, maxAttempts: 1 });
      expect((await register(c))?.[0]).toEqual({ containerPort: 80, protocol: 'tcp' });
    } finally {
      await other.stop();
    }
  });
});

describe('Service Connect', () => {
  it('fills what ECS fills: namespace ARN, discoveryName, dnsName, ingressPortOverride, access-log default', async () => {
    // AWS-FACTS.md (ECS Service Connect), "Read-back differs from what was sent".
    await create({
      enabled: true,
      namespace: 'shop.local',
      services: [
        { portName: 'http', clientAliases: [{ port: 80 }], timeout: { perRequestTimeoutSeconds: 20 } },
        { portName: 'grpc', discoveryName: 'api-grpc', clientAliases: [{ port: 9090, dnsName: 'grpc.api' }] },
      ],
      accessLogConfiguration: { format: 'JSON' },
    });
    const d = await primary();
    expect(d?.serviceConnectConfiguration).toEqual({
      enabled: true,
      namespace: namespaceArn,
      services: [
        {
          portName: 'http',
          discoveryName: 'http',
          clientAliases: [{ port: 80, dnsName: 'http.shop.local' }],
          ingressPortOverride: 8080,
          timeout: { perRequestTimeoutSeconds: 20 },
        },
        {
          portName: 'grpc',
          discoveryName: 'api-grpc',
          clientAliases: [{ port: 9090, dnsName: 'grpc.api' }],
          ingressPortOverride: 9090,
        },
      ],
      accessLogConfiguration: { format: 'JSON', includeQueryParameters: 'DISABLED' },
    });
  });

  it('answers NamespaceNotFoundException for an unknown namespace, and changes nothing', async () => {
    // ECS's wording, from terraform-aws-modules/terraform-aws-ecs#116.
    expect(
      await failure(create({ enabled: true, namespace: 'nope.local', services: [{ portName: 'http' }] })),
    ).toMatchObject({
      name: 'NamespaceNotFoundException',
      status: 400,
      message: 'Failed to retrieve namespace for nope.local',
    });
    expect((await client.send(new ecs.ListServicesCommand({ cluster: 'prod' }))).serviceArns).toEqual([]);
  });

  it('refuses a task definition without task-level memory', async () => {
    // AWS-FACTS.md (ECS Service Connect): "Service Connect needs task-level memory."
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'small',
        containerDefinitions: [
          { name: 'a', image: 'x', memory: 64, portMappings: [{ name: 'http', containerPort: 80 }] },
        ],
      }),
    );
    const err = await failure(
      create(
        { enabled: true, namespace: 'shop.local', services: [{ portName: 'http' }] },
        { taskDefinition: 'small', launchType: 'EC2', networkConfiguration: undefined },
      ),
    );
    expect(err.name).toBe('InvalidParameterException');
    expect((await cloudMap.send(new sd.ListServicesCommand({}))).Services).toEqual([]);
  });

  it('refuses a portName that no port mapping has, two client aliases, and a per-request timeout on TCP', async () => {
    const bad: ecs.ServiceConnectService[] = [
      { portName: 'admin' },
      { portName: 'http', clientAliases: [{ port: 80 }, { port: 81 }] },
      // The TimeoutConfiguration API reference: "perRequestTimeout can only be set if Service Connect appProtocol
      // isn't TCP. Only idleTimeout is allowed for TCP appProtocol."
      { portName: 'raw', timeout: { perRequestTimeoutSeconds: 5 } },
    ];
    for (const service of bad) {
      const err = await failure(create({ enabled: true, namespace: namespaceArn, services: [service] }));
      expect(err.name).toBe('InvalidParameterException');
    }
    // Idle timeouts are fine on TCP; nothing was created in Cloud Map by the refused calls.
    await create({
      enabled: true,
      namespace: namespaceArn,
      services: [{ portName: 'raw', timeout: { idleTimeoutSeconds: 60 } }],
    });
    const { Services } = await cloudMap.send(new sd.ListServicesCommand({}));
    expect(Services?.map((s) => s.Name)).toEqual(['raw']);
  });

  it('uses the cluster default namespace, which CreateCluster creates as an HTTP namespace when missing', async () => {
    // aws-cdk #25616: a cluster's serviceConnectDefaults.namespace naming an unknown namespace makes ECS create one.
    const { cluster } = await client.send(
      new ecs.CreateClusterCommand({ clusterName: 'edge', serviceConnectDefaults: { namespace: 'edge.local' } }),
    );
    const { Namespaces } = await cloudMap.send(new sd.ListNamespacesCommand({}));
    const created = Namespaces?.find((n) => n.Name === 'edge.local');
    expect(created?.Type).toBe('HTTP');
    expect(cluster?.serviceConnectDefaults?.namespace).toBe(created?.Arn);
    await create({ enabled: true, services: [{ portName: 'http' }] }, { cluster: 'edge' });
    const d = (await client.send(new ecs.DescribeServicesCommand({ cluster: 'edge', services: ['api'] }))).services?.[0]
      ?.deployments?.[0];
    expect(d?.serviceConnectConfiguration?.namespace).toBe(created?.Arn);
  });

  it('creates a Cloud Map service per entry, registers each task there and DiscoverInstances finds them', async () => {
    await create({ enabled: true, namespace: 'shop.local', services: [{ portName: 'http', discoveryName: 'api' }] });
    const d = await primary();
    const resource = d?.serviceConnectResources?.[0];
    expect(resource?.discoveryName).toBe('api');
    expect(resource?.discoveryArn).toMatch(new RegExp(`^arn:aws:servicediscovery:${REGION}:${ACCOUNT}:service/srv-`));
    const { Instances } = await cloudMap.send(
      new sd.DiscoverInstancesCommand({ NamespaceName: 'shop.local', ServiceName: 'api' }),
    );
    expect(Instances).toHaveLength(2);
    expect(Instances?.[0]).toMatchObject({ NamespaceName: 'shop.local', ServiceName: 'api', HealthStatus: 'HEALTHY' });
    expect(Instances?.[0]?.Attributes).toMatchObject({ AWS_INSTANCE_PORT: '8080', ECS_SERVICE_NAME: 'api' });
    // Deleting the ECS service deregisters its tasks.
    await client.send(new ecs.DeleteServiceCommand({ cluster: 'prod', service: 'api', force: true }));
    await primary();
    expect(
      (await cloudMap.send(new sd.DiscoverInstancesCommand({ NamespaceName: 'shop.local', ServiceName: 'api' })))
        .Instances,
    ).toEqual([]);
  });

  it('replaces the configuration whole on UpdateService and starts a deployment only when it changed', async () => {
    // AWS-FACTS.md: "UpdateService replaces the whole serviceConnectConfiguration: a member left out (timeout, tls) is
    // reset. A change to it starts a new deployment."
    const sc: ecs.ServiceConnectConfiguration = {
      enabled: true,
      namespace: 'shop.local',
      services: [{ portName: 'http', clientAliases: [{ port: 80 }], timeout: { perRequestTimeoutSeconds: 20 } }],
    };
    await create(sc);
    const first = await primary();
    const same = await client.send(
      new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'api', serviceConnectConfiguration: sc }),
    );
    expect(same.service?.deployments?.map((d) => d.id)).toEqual([first?.id]);
    await client.send(
      new ecs.UpdateServiceCommand({
        cluster: 'prod',
        service: 'api',
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'shop.local',
          services: [{ portName: 'http', clientAliases: [{ port: 80 }] }],
        },
      }),
    );
    const next = await primary();
    expect(next?.id).not.toBe(first?.id);
    expect(next?.serviceConnectConfiguration?.services?.[0]?.timeout).toBeUndefined();
  });

  it('echoes the timeout defaults only when configured to (unverified)', async () => {
    const other = await startTestEmulator({
      services: [createEcsServiceWithOptions({ serviceConnectTimeoutDefaults: true }), createServiceDiscoveryService],
    });
    try {
      const c = new ecs.ECSClient({ endpoint: other.endpoint, region: REGION, credentials, maxAttempts: 1 });
      const m = new sd.ServiceDiscoveryClient({
        endpoint: other.endpoint,
        region: REGION,
        credentials,
        maxAttempts: 1,
      });
      await m.send(new sd.CreateHttpNamespaceCommand({ Name: 'n' }));
      await c.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
      await c.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'api',
          memory: '512',
          containerDefinitions: [
            {
              name: 'app',
              image: 'x',
              memory: 64,
              portMappings: [
                { name: 'http', containerPort: 80, appProtocol: 'http' },
                { name: 'raw', containerPort: 81 },
              ],
            },
          ],
        }),
      );
      const { service } = await c.send(
        new ecs.CreateServiceCommand({
          cluster: 'prod',
          serviceName: 's',
          taskDefinition: 'api',
          desiredCount: 1,
          serviceConnectConfiguration: {
            enabled: true,
            namespace: 'n',
            services: [{ portName: 'http' }, { portName: 'raw' }],
          },
        }),
      );
      // The TimeoutConfiguration API reference: idle 5 minutes for HTTP/HTTP2/GRPC, 1 hour for TCP.
      expect(service?.deployments?.[0]?.serviceConnectConfiguration?.services?.map((s) => s.timeout)).toEqual([
        { idleTimeoutSeconds: 300, perRequestTimeoutSeconds: 15 },
        { idleTimeoutSeconds: 3600 },
      ]);
      // Bridge mode: no ingressPortOverride default (it is the awsvpc container port).
      expect(
        service?.deployments?.[0]?.serviceConnectConfiguration?.services?.[0]?.ingressPortOverride,
      ).toBeUndefined();
    } finally {
      await other.stop();
    }
  });
});

describe('VPC Lattice configurations and the task event hook', () => {
  const tg = (n: number): string => `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:targetgroup/tg-0000000000000000${n}`;
  const lattice = (n: number): ecs.VpcLatticeConfiguration => ({
    targetGroupArn: tg(n),
    portName: 'http',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-infra`,
  });

  it('stores them under the deployment, tells the hook each task IP and port, and [] removes them', async () => {
    await create(undefined, { vpcLatticeConfigurations: [lattice(1)] });
    const d = await primary();
    expect(d?.vpcLatticeConfigurations).toEqual([lattice(1)]);
    const started = seen.filter((e) => e.type === 'TASK_STARTED');
    expect(started).toHaveLength(2);
    const ips = started.map((e) => (e.type === 'TASK_STARTED' ? e.ipv4 : ''));
    expect(new Set(ips).size).toBe(2);
    expect(started[0]).toMatchObject({
      serviceName: 'api',
      deploymentId: d?.id,
      latticeTargets: [{ targetGroupArn: tg(1), portName: 'http', port: 8080 }],
    });
    expect(bus?.runningTasks().map((e) => e.ipv4)).toEqual(ips);

    // Order has no meaning: the same set in another order is no change (no new deployment).
    await client.send(
      new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'api', vpcLatticeConfigurations: [lattice(1)] }),
    );
    expect((await primary())?.id).toBe(d?.id);

    seen.length = 0;
    await client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'api', vpcLatticeConfigurations: [] }));
    const after = await primary();
    expect(after?.id).not.toBe(d?.id);
    expect(after?.vpcLatticeConfigurations).toBeUndefined();
    // The new tasks start without Lattice targets; the old ones stop, carrying the targets to deregister.
    const types = seen.map((e) => [e.type, e.type === 'TRAFFIC_SHIFTED' ? 0 : e.latticeTargets.length]);
    expect(types).toEqual([
      ['TASK_STARTED', 0],
      ['TASK_STARTED', 0],
      ['TRAFFIC_SHIFTED', 0],
      ['TASK_STOPPED', 1],
      ['TASK_STOPPED', 1],
    ]);
  });

  it('refuses a portName that names no port mapping', async () => {
    expect(
      (await failure(create(undefined, { vpcLatticeConfigurations: [{ ...lattice(1), portName: 'admin' }] }))).name,
    ).toBe('InvalidParameterException');
    expect(seen).toEqual([]);
  });
});

describe('connectLatticeTargets', () => {
  /** A stand-in with the VPC Lattice emulator's registry methods, recording what ECS asks of it. */
  class RecordingTargetGroups {
    readonly targets = new Map<string, Set<string>>();
    readonly attached = new Set<string>();
    registerTarget(tg: string, ip: string, port: number): boolean {
      if (!tg.endsWith('1')) return false; // only tg ...1 exists
      const set = this.targets.get(tg) ?? new Set<string>();
      set.add(`${ip}:${port}`);
      this.targets.set(tg, set);
      return true;
    }
    deregisterTarget(tg: string, ip: string, port: number): boolean {
      return this.targets.get(tg)?.delete(`${ip}:${port}`) ?? false;
    }
    attachEcsService(tg: string, service: string): void {
      this.attached.add(`${tg}|${service}`);
    }
    detachEcsService(tg: string, service: string): void {
      this.attached.delete(`${tg}|${service}`);
    }
    findTargetGroup(tg: string): { arn: string } | undefined {
      return tg.endsWith('1') ? { arn: tg } : undefined;
    }
  }
  const tg1 = `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:targetgroup/tg-00000000000000001`;
  const role = `arn:aws:iam::${ACCOUNT}:role/ecs-infra`;

  it('registers running and new tasks, deregisters stopped ones and detaches a service with none left', async () => {
    await create(undefined, { vpcLatticeConfigurations: [{ targetGroupArn: tg1, portName: 'http', roleArn: role }] });
    await primary();
    if (!bus) throw new Error('no bus');
    const groups = new RecordingTargetGroups();
    // Connected after the tasks started: the running ones are replayed.
    const disconnect = connectLatticeTargets(bus, groups);
    try {
      expect([...(groups.targets.get(tg1) ?? [])]).toHaveLength(2);
      expect([...(groups.targets.get(tg1) ?? [])].every((t) => t.endsWith(':8080'))).toBe(true);
      expect([...groups.attached]).toEqual([`${tg1}|arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/api`]);
      await client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 3 }));
      await primary();
      expect(groups.targets.get(tg1)?.size).toBe(3);
      await client.send(
        new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'api', vpcLatticeConfigurations: [] }),
      );
      await primary();
      expect(groups.targets.get(tg1)?.size).toBe(0);
      expect(groups.attached.size).toBe(0);
    } finally {
      disconnect();
    }
  });

  it('through the latticeTargets option: tasks are registered and an unknown target group is refused', async () => {
    const groups = new RecordingTargetGroups();
    const other = await startTestEmulator({
      services: [createEcsServiceWithOptions({ latticeTargets: () => groups }), createServiceDiscoveryService],
    });
    try {
      const c = new ecs.ECSClient({ endpoint: other.endpoint, region: REGION, credentials, maxAttempts: 1 });
      await c.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
      await c.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'api',
          networkMode: 'awsvpc',
          containerDefinitions: [
            { name: 'app', image: 'x', memory: 64, portMappings: [{ name: 'http', containerPort: 80 }] },
          ],
        }),
      );
      const input = (targetGroupArn: string): ecs.CreateServiceCommandInput => ({
        cluster: 'prod',
        serviceName: 'api',
        taskDefinition: 'api',
        desiredCount: 1,
        networkConfiguration: network,
        vpcLatticeConfigurations: [{ targetGroupArn, portName: 'http', roleArn: role }],
      });
      const missing = tg1.replace(/1$/, '2');
      expect(await failure(c.send(new ecs.CreateServiceCommand(input(missing))))).toMatchObject({
        name: 'InvalidParameterException',
        message: `The target group ${missing} does not exist.`,
      });
      await c.send(new ecs.CreateServiceCommand(input(tg1)));
      await c.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
      expect([...(groups.targets.get(tg1) ?? [])]).toEqual([expect.stringMatching(/^10\.0\.\d+\.\d+:80$/)]);
    } finally {
      await other.stop();
    }
  });
});
