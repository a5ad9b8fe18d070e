/**
 * ECS service deployments through the real SDK client: ListServiceDeployments, DescribeServiceDeployments,
 * DescribeServiceRevisions, ContinueServiceDeployment and StopServiceDeployment, with the emulator's lifecycle clock
 * walking ROLLING / CANARY / LINEAR / BLUE_GREEN stages and traffic weights (AWS-FACTS.md, "ECS deployments";
 * lifecycle stages as the ServiceDeployment API reference lists them).
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as sd from '@aws-sdk/client-servicediscovery';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEcsServiceWithOptions } from '../../src/emulator/ecs/service';
import type { EcsEmulatorOptions } from '../../src/emulator/ecs/options';
import { createEventsService, type EventsServiceImplementation } from '../../src/emulator/events/service';
import type { Emulator } from '../../src/emulator/server';
import { createServiceDiscoveryService } from '../../src/emulator/servicediscovery/service';
import { REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 8, 1, 10, 0, 0);
const MINUTE = 60_000;
let clock = T0;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const running: Emulator[] = [];

interface Env {
  emu: Emulator;
  client: ecs.ECSClient;
}

async function setup(options: Partial<EcsEmulatorOptions> = {}): Promise<Env> {
  clock = T0;
  const emu = await startTestEmulator({
    now: () => clock,
    services: [createEcsServiceWithOptions(options), createServiceDiscoveryService, createEventsService],
  });
  running.push(emu);
  const client = new ecs.ECSClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
  const cloudMap = new sd.ServiceDiscoveryClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials,
    maxAttempts: 1,
  });
  await cloudMap.send(new sd.CreateHttpNamespaceCommand({ Name: 'shop.local' }));
  await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
  for (const image of ['web:1', 'web:2']) {
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'app', image, portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }] },
        ],
      }),
    );
  }
  return { emu, client };
}
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});

const SC: ecs.ServiceConnectConfiguration = {
  enabled: true,
  namespace: 'shop.local',
  services: [{ portName: 'http', clientAliases: [{ port: 80 }] }],
};

async function createWeb(env: Env, deploymentConfiguration?: ecs.DeploymentConfiguration): Promise<void> {
  await env.client.send(
    new ecs.CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web:1',
      desiredCount: 4,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      serviceConnectConfiguration: SC,
      ...(deploymentConfiguration ? { deploymentConfiguration } : {}),
    }),
  );
}

/** Deploys web:2 and returns its service deployment ARN (the service's currentServiceDeployment). */
async function deployV2(env: Env): Promise<string> {
  const { service } = await env.client.send(
    new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' }),
  );
  const arn = service?.currentServiceDeployment;
  if (!arn) throw new Error('no currentServiceDeployment');
  return arn;
}

async function describeSd(env: Env, arn: string): Promise<ecs.ServiceDeployment> {
  const out = await env.client.send(new ecs.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const found = out.serviceDeployments?.[0];
  if (!found) throw new Error(`service deployment ${arn} not found`);
  return found;
}

/** What a waiter sees: stage, status and the target revision's production / test weights. */
async function snapshot(env: Env, arn: string): Promise<[string?, string?, number?, number?]> {
  const d = await describeSd(env, arn);
  return [
    d.status,
    d.lifecycleStage,
    d.targetServiceRevision?.requestedProductionTrafficWeight,
    d.targetServiceRevision?.requestedTestTrafficWeight,
  ];
}

describe('the lifecycle clock', () => {
  it('instant by default: ROLLING is IN_PROGRESS in the UpdateService answer and SUCCESSFUL on the next call', async () => {
    const env = await setup();
    await createWeb(env);
    const arn = await deployV2(env);
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:service-deployment\/prod\/web\/[A-Za-z0-9]{21}$/);
    const d = await describeSd(env, arn);
    expect(d).toMatchObject({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' });
    expect(d.targetServiceRevision).toMatchObject({
      requestedProductionTrafficWeight: 100,
      requestedTaskCount: 4,
      runningTaskCount: 4,
    });
    expect(d.sourceServiceRevisions).toHaveLength(1);
    expect(d.deploymentConfiguration?.strategy).toBe('ROLLING');
  });

  it('timed: CANARY shifts canaryPercent, bakes canaryBakeTimeInMinutes, then shifts the rest and bakes', async () => {
    // AWS-FACTS.md: canaryConfiguration {canaryPercent, canaryBakeTimeInMinutes}; bakeTimeInMinutes after the shift.
    const env = await setup({ deploymentTiming: 'timed' });
    await createWeb(env, {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 3 },
      bakeTimeInMinutes: 5,
    });
    const arn = await deployV2(env);
    expect(await snapshot(env, arn)).toEqual(['IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT', 20, 100]);
    clock += 3 * MINUTE - 1;
    expect(await snapshot(env, arn)).toEqual(['IN_PROGRESS', 'PRODUCTION_TRAFFIC_SHIFT', 20, 100]);
    clock += 1;
    expect(await snapshot(env, arn)).toEqual(['IN_PROGRESS', 'BAKE_TIME', 100, 100]);
    const d = await describeSd(env, arn);
    expect(d.sourceServiceRevisions?.[0]?.requestedProductionTrafficWeight).toBe(0);
    clock += 5 * MINUTE;
    expect(await snapshot(env, arn)).toEqual(['SUCCESSFUL', 'CLEAN_UP', 100, 100]);
  });

  it('timed: LINEAR moves stepPercent at a time, stepBakeTimeInMinutes apart (defaults 10% and 6 min)', async () => {
    const env = await setup({ deploymentTiming: 'timed' });
    await createWeb(env, { strategy: 'LINEAR' });
    const arn = await deployV2(env);
    const weights: (number | undefined)[] = [];
    // Bounded: 10 steps of 6 minutes.
    for (let i = 0; i < 12; i += 1) {
      const [status, , production] = await snapshot(env, arn);
      weights.push(production);
      if (status !== 'IN_PROGRESS') break;
      clock += 6 * MINUTE;
    }
    expect(weights).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    // ecspressoDeploymentDefaults (on by default) echoes the linear defaults.
    const { services } = await env.client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    expect(services?.[0]?.deploymentConfiguration?.linearConfiguration).toEqual({
      stepPercent: 10,
      stepBakeTimeInMinutes: 6,
    });
  });

  it('BLUE_GREEN waits at a PAUSE hook until ContinueServiceDeployment, then walks every stage', async () => {
    // The pause-lifecycle-hooks developer guide: the hook is AWAITING_ACTION with a hookId in lifecycleHookDetails;
    // ContinueServiceDeployment's action defaults to CONTINUE.
    const env = await setup();
    await createWeb(env, {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const arn = await deployV2(env);
    clock += MINUTE;
    const paused = await describeSd(env, arn);
    expect([paused.status, paused.lifecycleStage]).toEqual(['IN_PROGRESS', 'POST_TEST_TRAFFIC_SHIFT']);
    expect(paused.targetServiceRevision).toMatchObject({
      requestedProductionTrafficWeight: 0,
      requestedTestTrafficWeight: 100,
      runningTaskCount: 4,
    });
    const hook = paused.lifecycleHookDetails?.[0];
    expect(hook).toMatchObject({ targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' });
    expect(hook?.hookId).toMatch(/^ecs-pause-/);
    // Both revisions run while paused.
    const { services } = await env.client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    expect(services?.[0]?.currentServiceRevisions).toHaveLength(2);
    expect(services?.[0]?.runningCount).toBe(8);

    expect(
      (
        await failure(
          env.client.send(
            new ecs.ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: 'ecs-pause-x' }),
          ),
        )
      ).name,
    ).toBe('InvalidParameterException');
    await env.client.send(
      new ecs.ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook?.hookId }),
    );
    const done = await describeSd(env, arn);
    expect([done.status, done.lifecycleStage]).toEqual(['SUCCESSFUL', 'CLEAN_UP']);
    expect(done.lifecycleHookDetails?.[0]?.status).toBe('SUCCEEDED');
    const after = await env.client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    expect(after.services?.[0]?.deployments?.map((d) => d.taskDefinition?.split('/')[1])).toEqual(['web:2']);
    expect(after.services?.[0]?.runningCount).toBe(4);
  });

  it('ROLLBACK from a PAUSE hook restores the previous revision and reports the deployment FAILED', async () => {
    const env = await setup();
    await createWeb(env, {
      strategy: 'BLUE_GREEN',
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }],
    });
    const arn = await deployV2(env);
    const hookId = (await describeSd(env, arn)).lifecycleHookDetails?.[0]?.hookId;
    await env.client.send(
      new ecs.ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' }),
    );
    const d = await describeSd(env, arn);
    expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(d.rollback?.serviceRevisionArn).toBe(d.sourceServiceRevisions?.[0]?.arn);
    const { services } = await env.client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    expect(services?.[0]?.taskDefinition?.endsWith('web:1')).toBe(true);
    expect(services?.[0]?.deployments?.map((x) => [x.status, x.taskDefinition?.split('/')[1]])).toEqual([
      ['PRIMARY', 'web:1'],
    ]);
    const bus = env.emu.services.get('events') as EventsServiceImplementation;
    expect(bus.awsEvents().map((e) => e.detail['eventName'])).toContain('SERVICE_DEPLOYMENT_FAILED');
  });

  it('a PAUSE hook that times out takes its timeout action (ROLLBACK by default)', async () => {
    const env = await setup();
    await createWeb(env, {
      strategy: 'BLUE_GREEN',
      lifecycleHooks: [
        { targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 30 } },
      ],
    });
    const arn = await deployV2(env);
    clock += 30 * MINUTE - 1;
    expect((await describeSd(env, arn)).status).toBe('IN_PROGRESS');
    clock += 1;
    const d = await describeSd(env, arn);
    expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(d.lifecycleHookDetails?.[0]?.status).toBe('TIMED_OUT');
  });
});

describe('the operations', () => {
  it('StopServiceDeployment: ABORT stops where it is, a finished deployment is a ConflictException', async () => {
    const env = await setup();
    await createWeb(env, {
      strategy: 'BLUE_GREEN',
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }],
    });
    const arn = await deployV2(env);
    await env.client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ABORT' }));
    expect((await describeSd(env, arn)).status).toBe('STOPPED');
    expect(
      (await failure(env.client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: arn })))).name,
    ).toBe('ConflictException');
    const ghost = arn.replace(/[A-Za-z0-9]{21}$/, 'x'.repeat(21));
    expect(
      (await failure(env.client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: ghost })))).name,
    ).toBe('ServiceDeploymentNotFoundException');
  });

  it('ListServiceDeployments lists newest first, filters by status, pages; a new deployment supersedes one in progress', async () => {
    const env = await setup();
    await createWeb(env, {
      strategy: 'BLUE_GREEN',
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'] }],
    });
    clock += 1000;
    const first = await deployV2(env);
    clock += 1000;
    const { service } = await env.client.send(
      new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:1' }),
    );
    const second = service?.currentServiceDeployment;
    const all = await env.client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }));
    expect(all.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([
      second,
      first,
      expect.stringContaining(':service-deployment/prod/web/'),
    ]);
    expect(all.serviceDeployments?.[1]).toMatchObject({ status: 'STOPPED' });
    const stopped = await env.client.send(
      new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web', status: ['STOPPED'] }),
    );
    expect(stopped.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([first]);
    const page = await env.client.send(
      new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web', maxResults: 2 }),
    );
    expect(page.serviceDeployments).toHaveLength(2);
    const rest = await env.client.send(
      new ecs.ListServiceDeploymentsCommand({
        cluster: 'prod',
        service: 'web',
        maxResults: 2,
        nextToken: page.nextToken,
      }),
    );
    expect(rest.serviceDeployments).toHaveLength(1);
    expect(rest.nextToken).toBeUndefined();
    expect(
      (await failure(env.client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'ghost' }))))
        .name,
    ).toBe('ServiceNotFoundException');
  });

  it('DescribeServiceRevisions shows what a revision runs; unknown ARNs are failures, not errors', async () => {
    const env = await setup();
    await createWeb(env);
    const arn = await deployV2(env);
    const target = (await describeSd(env, arn)).targetServiceRevision?.arn ?? '';
    const missing = target.replace(/\d+$/, '1');
    const out = await env.client.send(
      new ecs.DescribeServiceRevisionsCommand({ serviceRevisionArns: [target, missing] }),
    );
    expect(out.serviceRevisions?.[0]).toMatchObject({
      serviceRevisionArn: target,
      launchType: 'FARGATE',
      containerImages: [{ containerName: 'app', image: 'web:2' }],
      serviceConnectConfiguration: { enabled: true, services: [{ portName: 'http', discoveryName: 'http' }] },
    });
    expect(out.serviceRevisions?.[0]?.taskDefinition?.endsWith('web:2')).toBe(true);
    expect(out.failures).toEqual([{ arn: missing, reason: 'MISSING' }]);
  });

  it('refuses LINEAR/CANARY/BLUE_GREEN without anything in front that shifts traffic', async () => {
    const env = await setup();
    const err = await failure(
      env.client.send(
        new ecs.CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'bare',
          taskDefinition: 'web:1',
          desiredCount: 1,
          launchType: 'FARGATE',
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
          deploymentConfiguration: { strategy: 'CANARY' },
        }),
      ),
    );
    expect(err.name).toBe('InvalidParameterException');
  });

  it('changing deploymentConfiguration alone starts no deployment', async () => {
    // AWS-FACTS.md: "Changing deploymentConfiguration does not start a deployment".
    const env = await setup();
    await createWeb(env);
    const before = await env.client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }));
    await env.client.send(
      new ecs.UpdateServiceCommand({
        cluster: 'prod',
        service: 'web',
        deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10 } },
      }),
    );
    const after = await env.client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }));
    expect(after.serviceDeployments).toHaveLength(before.serviceDeployments?.length ?? -1);
    const { services } = await env.client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    expect(services?.[0]?.deploymentConfiguration).toMatchObject({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 },
    });
  });
});

describe('persistence', () => {
  it('a deployment paused at a hook survives a restart and continues from where it was', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meshward-ecs-sd-'));
    try {
      const env = await setup();
      await env.emu.stop();
      running.length = 0;
      const first = await startTestEmulator({
        now: () => clock,
        dataDir,
        services: [createEcsServiceWithOptions(), createServiceDiscoveryService],
      });
      running.push(first);
      const c1: Env = {
        emu: first,
        client: new ecs.ECSClient({ endpoint: first.endpoint, region: REGION, credentials, maxAttempts: 1 }),
      };
      const m1 = new sd.ServiceDiscoveryClient({
        endpoint: first.endpoint,
        region: REGION,
        credentials,
        maxAttempts: 1,
      });
      await m1.send(new sd.CreateHttpNamespaceCommand({ Name: 'shop.local' }));
      await c1.client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
      for (const image of ['web:1', 'web:2']) {
        await c1.client.send(
          new ecs.RegisterTaskDefinitionCommand({
            family: 'web',
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: '256',
            memory: '512',
            containerDefinitions: [
              { name: 'app', image, portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }] },
            ],
          }),
        );
      }
      await createWeb(c1, {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
      });
      const arn = await deployV2(c1);
      const hookId = (await describeSd(c1, arn)).lifecycleHookDetails?.[0]?.hookId;
      await first.stop();
      running.length = 0;

      const second = await startTestEmulator({
        now: () => clock,
        dataDir,
        services: [createEcsServiceWithOptions(), createServiceDiscoveryService],
      });
      running.push(second);
      const c2: Env = {
        emu: second,
        client: new ecs.ECSClient({ endpoint: second.endpoint, region: REGION, credentials, maxAttempts: 1 }),
      };
      expect(await snapshot(c2, arn)).toEqual(['IN_PROGRESS', 'POST_SCALE_UP', 0, 0]);
      await c2.client.send(new ecs.ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId }));
      expect(await snapshot(c2, arn)).toEqual(['SUCCESSFUL', 'CLEAN_UP', 100, 100]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
