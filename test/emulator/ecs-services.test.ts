/**
 * ECS services through the real SDK client: ARN and server defaults (AWS-FACTS.md), deterministic rollouts,
 * idempotency (clientToken and identical re-create), update/delete lifecycle, DescribeServices batching and
 * failures, ListServices paging, Service Connect under deployments, and Cloud Map registration of tasks.
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as sd from '@aws-sdk/client-servicediscovery';
import type { Emulator } from '../../src/emulator/server';
import { createEcsService, createEcsServiceWithOptions } from '../../src/emulator/ecs/service';
import { createEventsService, type EventsServiceImplementation } from '../../src/emulator/events/service';
import { createServiceDiscoveryService } from '../../src/emulator/servicediscovery/service';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let clock = T0;
let emu: Emulator;
let client: ecs.ECSClient;
let cloudMap: sd.ServiceDiscoveryClient;

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

beforeAll(async () => {
  emu = await startTestEmulator({
    now: () => clock,
    services: [createEcsService, createServiceDiscoveryService, createEventsService],
  });
  client = new ecs.ECSClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
  cloudMap = new sd.ServiceDiscoveryClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  emu.reset();
  clock = T0;
  await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
  for (let i = 0; i < 2; i += 1) {
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: `nginx:${i}`, portMappings: [{ containerPort: 8080 }] }],
      }),
    );
  }
});

const network = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };
const base = (name = 'web', extra: Partial<ecs.CreateServiceCommandInput> = {}): ecs.CreateServiceCommandInput => ({
  cluster: 'prod',
  serviceName: name,
  taskDefinition: 'web:1',
  desiredCount: 2,
  launchType: 'FARGATE',
  networkConfiguration: network,
  ...extra,
});
const describe1 = async (name = 'web', include?: ecs.ServiceField[]): Promise<ecs.Service | undefined> =>
  (await client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: [name], include }))).services?.[0];

describe('CreateService', () => {
  it('returns the service with its ARN, server defaults and a PRIMARY deployment in progress', async () => {
    const { service } = await client.send(new ecs.CreateServiceCommand(base()));
    expect(service?.serviceArn).toBe(`arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web`);
    expect(service?.clusterArn).toBe(`arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`);
    expect(service?.status).toBe('ACTIVE');
    // AWS-FACTS.md (ECS API): the verified defaults, strategy ROLLING included, and (ecspressoDeploymentDefaults,
    // on by default) what ecspresso's fillDeploymentConfigurationDefaults fills.
    expect(service?.deploymentConfiguration).toEqual({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      strategy: 'ROLLING',
      bakeTimeInMinutes: 0,
      deploymentCircuitBreaker: {
        enable: false,
        rollback: false,
        resetOnHealthyTask: true,
        thresholdConfiguration: { type: 'BOUNDED_PERCENT', value: 50 },
      },
    });
    expect(service?.availabilityZoneRebalancing).toBe('ENABLED');
    expect(service?.schedulingStrategy).toBe('REPLICA');
    expect(service?.enableECSManagedTags).toBe(false);
    expect(service?.propagateTags).toBe('NONE');
    expect(service?.enableExecuteCommand).toBe(false);
    expect(service?.platformVersion).toBe('LATEST');
    expect(service?.taskDefinition).toBe(`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:1`);
    expect(service?.runningCount).toBe(0);
    expect(service?.deployments).toHaveLength(1);
    expect(service?.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      desiredCount: 2,
    });
    expect(service?.deployments?.[0]?.id).toMatch(/^ecs-svc\/\d{19}$/);
  });

  it('completes the rollout on the next call: runningCount reaches desiredCount, steady-state event', async () => {
    await client.send(new ecs.CreateServiceCommand(base()));
    const s = await describe1();
    expect(s?.runningCount).toBe(2);
    expect(s?.deployments?.[0]).toMatchObject({ rolloutState: 'COMPLETED', runningCount: 2 });
    expect(s?.events?.[0]?.message).toBe('(service web) has reached a steady state.');
  });

  it('keeps a rollout IN_PROGRESS until the configured time has passed', async () => {
    const slow = await startTestEmulator({
      now: () => clock,
      services: [createEcsServiceWithOptions({ rolloutMs: 30_000 }), createServiceDiscoveryService],
    });
    const c = new ecs.ECSClient({ endpoint: slow.endpoint, region: REGION, credentials, maxAttempts: 1 });
    // A launch type outside the model's enum is rejected by model validation, as ECS does.
    expect((await failure(c.send(new ecs.ListServicesCommand({ launchType: 'MOON' as ecs.LaunchType })))).name).toBe(
      'InvalidParameterException',
    );
    try {
      await c.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
      await c.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }],
        }),
      );
      await c.send(
        new ecs.CreateServiceCommand({ cluster: 'prod', serviceName: 's', taskDefinition: 'web', desiredCount: 1 }),
      );
      const state = async (): Promise<string | undefined> =>
        (await c.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['s'] }))).services?.[0]
          ?.deployments?.[0]?.rolloutState;
      clock += 29_000;
      expect(await state()).toBe('IN_PROGRESS');
      clock += 1_000;
      expect(await state()).toBe('COMPLETED');
    } finally {
      await slow.stop();
    }
  });

  it('is idempotent for the same clientToken and rejects the token with another request', async () => {
    const first = await client.send(new ecs.CreateServiceCommand(base('web', { clientToken: 'tok-1' })));
    const again = await client.send(new ecs.CreateServiceCommand(base('web', { clientToken: 'tok-1' })));
    expect(again.service?.serviceArn).toBe(first.service?.serviceArn);
    expect(again.service?.deployments?.[0]?.id).toBe(first.service?.deployments?.[0]?.id);
    expect(
      await failure(client.send(new ecs.CreateServiceCommand(base('other', { clientToken: 'tok-1' })))),
    ).toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('refuses a second CreateService of an ACTIVE name without the creating clientToken, identical or not', async () => {
    // The CreateService API reference: service names "must be unique within a cluster"; ECS_Idempotency.html: only
    // a retry with the same client token and the same parameters succeeds without further action.
    await client.send(new ecs.CreateServiceCommand(base()));
    for (const again of [base(), base('web', { desiredCount: 3 }), base('web', { clientToken: 'new-token' })]) {
      expect(await failure(client.send(new ecs.CreateServiceCommand(again)))).toMatchObject({
        name: 'InvalidParameterException',
        status: 400,
        message: 'Creation of service was not idempotent.',
      });
    }
    expect((await describe1())?.desiredCount).toBe(2);
    expect(
      (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' })))
        .serviceDeployments,
    ).toHaveLength(1);
  });

  it('checks the clientToken form: up to 36 ASCII characters in 33-126', async () => {
    // ECS_Idempotency.html: "The client token can be up to 36 ASCII characters in the range of 33-126 (inclusive)."
    for (const clientToken of ['x'.repeat(37), 'has space']) {
      expect((await failure(client.send(new ecs.CreateServiceCommand(base('web', { clientToken }))))).name).toBe(
        'InvalidParameterException',
      );
    }
    await client.send(new ecs.CreateServiceCommand(base('web', { clientToken: '!~'.repeat(18) })));
  });

  it('answers ECS errors for a missing cluster, a missing task definition and a missing network configuration', async () => {
    expect(await failure(client.send(new ecs.CreateServiceCommand(base('web', { cluster: 'nope' }))))).toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    });
    // The API reference: desiredCount is required for REPLICA services.
    expect(
      (await failure(client.send(new ecs.CreateServiceCommand(base('web', { desiredCount: undefined }))))).name,
    ).toBe('InvalidParameterException');
    expect(
      (await failure(client.send(new ecs.CreateServiceCommand(base('web', { taskDefinition: 'zzz:1' }))))).name,
    ).toBe('ClientException');
    expect(
      await failure(client.send(new ecs.CreateServiceCommand(base('web', { networkConfiguration: undefined })))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    });
  });

  it('echoes serviceConnectConfiguration under deployments[], not at the top level', async () => {
    await cloudMap.send(new sd.CreateHttpNamespaceCommand({ Name: 'local' }));
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'named',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'app', image: 'x', portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }] },
        ],
      }),
    );
    const sc = { enabled: true, namespace: 'local', services: [{ portName: 'http', discoveryName: 'web' }] };
    await client.send(
      new ecs.CreateServiceCommand(base('web', { taskDefinition: 'named', serviceConnectConfiguration: sc })),
    );
    const s = await describe1();
    expect(s?.deployments?.[0]?.serviceConnectConfiguration).toMatchObject({
      enabled: true,
      services: [{ portName: 'http', discoveryName: 'web' }],
    });
    expect(s).not.toHaveProperty('serviceConnectConfiguration');
  });
});

describe('ECS Deployment State Change events', () => {
  it('puts IN_PROGRESS and COMPLETED events for each deployment on the default bus', async () => {
    const bus = emu.services.get('events');
    const isEvents = (impl: unknown): impl is EventsServiceImplementation =>
      typeof impl === 'object' && impl !== null && 'awsEvents' in impl;
    if (!isEvents(bus)) throw new Error('events service missing');
    const { service } = await client.send(new ecs.CreateServiceCommand(base()));
    clock += 1000;
    await describe1();
    const deploymentId = service?.deployments?.[0]?.id;
    expect(
      bus.awsEvents().map((e) => [e['detail-type'], e.source, e.detail['eventName'], e.detail['deploymentId']]),
    ).toEqual([
      ['ECS Deployment State Change', 'aws.ecs', 'SERVICE_DEPLOYMENT_IN_PROGRESS', deploymentId],
      ['ECS Deployment State Change', 'aws.ecs', 'SERVICE_DEPLOYMENT_COMPLETED', deploymentId],
    ]);
    expect(bus.awsEvents()[1]).toMatchObject({
      resources: [service?.serviceArn],
      time: '2026-01-01T12:00:01Z',
      detail: { eventType: 'INFO', reason: `ECS deployment ${deploymentId} completed.` },
    });
    // They are AWS's events, not something PutEvents received.
    expect(bus.receivedEvents()).toEqual([]);
  });
});

describe('UpdateService', () => {
  it('starts a new deployment when the task definition changes, then drops the old one', async () => {
    await client.send(new ecs.CreateServiceCommand(base()));
    const { service } = await client.send(
      new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' }),
    );
    expect(service?.deployments?.map((d) => [d.status, d.rolloutState, d.taskDefinition?.split('/')[1]])).toEqual([
      ['PRIMARY', 'IN_PROGRESS', 'web:2'],
      ['ACTIVE', 'COMPLETED', 'web:1'],
    ]);
    const after = await describe1();
    expect(after?.deployments).toHaveLength(1);
    expect(after?.taskDefinition?.endsWith('web:2')).toBe(true);
  });

  it('scales without a new deployment and merges deploymentConfiguration', async () => {
    await client.send(new ecs.CreateServiceCommand(base()));
    const before = await describe1();
    const { service } = await client.send(
      new ecs.UpdateServiceCommand({
        cluster: 'prod',
        service: 'web',
        desiredCount: 5,
        deploymentConfiguration: { maximumPercent: 150 },
      }),
    );
    expect(service?.deployments?.[0]?.id).toBe(before?.deployments?.[0]?.id);
    expect(service?.deploymentConfiguration).toMatchObject({ maximumPercent: 150, minimumHealthyPercent: 100 });
    expect((await describe1())?.runningCount).toBe(5);
  });

  it('answers ServiceNotFoundException and ServiceNotActiveException', async () => {
    expect(
      await failure(client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'ghost', desiredCount: 1 }))),
    ).toMatchObject({ name: 'ServiceNotFoundException', message: 'Service not found.' });
    await client.send(new ecs.CreateServiceCommand(base('web', { desiredCount: 0 })));
    await client.send(new ecs.DeleteServiceCommand({ cluster: 'prod', service: 'web' }));
    expect(
      await failure(client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 1 }))),
    ).toMatchObject({ name: 'ServiceNotActiveException', message: 'Service was not ACTIVE.' });
  });
});

describe('DeleteService', () => {
  it('needs force while scaled above 0, drains, turns INACTIVE, stays describable and frees the name', async () => {
    await client.send(new ecs.CreateServiceCommand(base()));
    expect(await failure(client.send(new ecs.DeleteServiceCommand({ cluster: 'prod', service: 'web' })))).toMatchObject(
      {
        name: 'InvalidParameterException',
        message: 'The service cannot be stopped while it is scaled above 0.',
      },
    );
    const { service } = await client.send(
      new ecs.DeleteServiceCommand({ cluster: 'prod', service: 'web', force: true }),
    );
    expect(service).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    expect((await describe1())?.status).toBe('INACTIVE');
    expect((await client.send(new ecs.ListServicesCommand({ cluster: 'prod' }))).serviceArns).toEqual([]);
    const again = await client.send(new ecs.CreateServiceCommand(base()));
    expect(again.service?.status).toBe('ACTIVE');
  });
});

describe('DescribeServices / ListServices', () => {
  it('takes at most 10 services, reports unknown ones as failures and includes tags on request', async () => {
    await client.send(new ecs.CreateServiceCommand(base('web', { tags: [{ key: 'team', value: 'a' }] })));
    const out = await client.send(
      new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web', 'ghost'], include: ['TAGS'] }),
    );
    expect(out.services?.map((s) => s.serviceName)).toEqual(['web']);
    expect(out.services?.[0]?.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(out.failures).toEqual([{ arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/ghost`, reason: 'MISSING' }]);
    expect((await describe1('web'))?.tags).toBeUndefined();
    const eleven = Array.from({ length: 11 }, (_, i) => `s${i}`);
    expect(
      await failure(client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: eleven }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: 'service names can have at most 10 items.',
    });
    expect(
      (await failure(client.send(new ecs.DescribeServicesCommand({ cluster: 'nope', services: ['web'] })))).name,
    ).toBe('ClusterNotFoundException');
  });

  it('pages with a default of 10 and rejects maxResults over 100', async () => {
    for (let i = 0; i < 12; i += 1) {
      clock += 1;
      await client.send(new ecs.CreateServiceCommand(base(`svc${String(i).padStart(2, '0')}`, { desiredCount: 0 })));
    }
    const first = await client.send(new ecs.ListServicesCommand({ cluster: 'prod' }));
    expect(first.serviceArns).toHaveLength(10);
    const second = await client.send(new ecs.ListServicesCommand({ cluster: 'prod', nextToken: first.nextToken }));
    expect(second.serviceArns?.map((a) => a.split('/').pop())).toEqual(['svc10', 'svc11']);
    expect(second.nextToken).toBeUndefined();
    expect((await failure(client.send(new ecs.ListServicesCommand({ cluster: 'prod', maxResults: 101 })))).name).toBe(
      'InvalidParameterException',
    );
  });
});

describe('Cloud Map registration', () => {
  it('registers the tasks of a service with a registry, with ECS attributes, and deregisters them on delete', async () => {
    const { OperationId } = await cloudMap.send(
      new sd.CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: 'vpc-1' }),
    );
    const op = await cloudMap.send(new sd.GetOperationCommand({ OperationId }));
    const namespaceId = op.Operation?.Targets?.NAMESPACE;
    const { Service } = await cloudMap.send(
      new sd.CreateServiceCommand({
        Name: 'web',
        NamespaceId: namespaceId,
        DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
        HealthCheckCustomConfig: { FailureThreshold: 1 },
      }),
    );
    await client.send(
      new ecs.CreateServiceCommand(base('web', { serviceRegistries: [{ registryArn: Service?.Arn }] })),
    );
    await describe1();
    const { Instances } = await cloudMap.send(new sd.ListInstancesCommand({ ServiceId: Service?.Id }));
    expect(Instances).toHaveLength(2);
    expect(Instances?.[0]?.Attributes).toMatchObject({
      ECS_CLUSTER_NAME: 'prod',
      ECS_SERVICE_NAME: 'web',
      ECS_TASK_DEFINITION_FAMILY: 'web',
      REGION,
      AWS_INIT_HEALTH_STATUS: 'HEALTHY',
    });
    expect(Instances?.[0]?.Attributes?.AWS_INSTANCE_IPV4).toMatch(/^10\.0\.\d+\.\d+$/);
    expect((await failure(cloudMap.send(new sd.DeleteServiceCommand({ Id: Service?.Id })))).name).toBe('ResourceInUse');

    // Pointing the service at another registry moves its tasks there once the new deployment completes.
    const moved = await cloudMap.send(
      new sd.CreateServiceCommand({
        Name: 'web2',
        NamespaceId: namespaceId,
        DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
      }),
    );
    await client.send(
      new ecs.UpdateServiceCommand({
        cluster: 'prod',
        service: 'web',
        serviceRegistries: [{ registryArn: moved.Service?.Arn }],
      }),
    );
    await describe1();
    expect((await cloudMap.send(new sd.ListInstancesCommand({ ServiceId: Service?.Id }))).Instances).toEqual([]);
    expect((await cloudMap.send(new sd.ListInstancesCommand({ ServiceId: moved.Service?.Id }))).Instances).toHaveLength(
      2,
    );

    await client.send(new ecs.DeleteServiceCommand({ cluster: 'prod', service: 'web', force: true }));
    await describe1();
    expect((await cloudMap.send(new sd.ListInstancesCommand({ ServiceId: moved.Service?.Id }))).Instances).toEqual([]);
    await cloudMap.send(new sd.DeleteServiceCommand({ Id: Service?.Id }));
  });

  it('rejects a registry that is not a Cloud Map service', async () => {
    const registryArn = `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:service/srv-missing`;
    expect(
      (await failure(client.send(new ecs.CreateServiceCommand(base('web', { serviceRegistries: [{ registryArn }] })))))
        .name,
    ).toBe('InvalidParameterException');
  });
});
