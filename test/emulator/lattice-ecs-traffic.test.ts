/**
 * ECS moving the weights of the VPC Lattice rules named in a deployment's advancedConfiguration, through the real
 * SDK clients. Sources: AWS-FACTS.md "ECS deployments" (while a deployment is in progress ECS itself moves the
 * weights of the Lattice rules named in advancedConfiguration); the ECS developer guide "VPC Lattice resources for
 * blue/green, linear, and canary deployments" (a primary and an alternate target group, a production and an
 * optional test listener rule; canary deployments change weights twice, linear ones once per step,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-lattice-resources-for-blue-green.html); observed
 * on AWS, go-to-k/cdk-real-drift issue 1730 (the production rule is rewritten to both groups, weighted, and left at
 * 100 for the new revision's group after the first deployment) and terraform-provider-aws issue 45678 (successive
 * deployments alternate the two groups).
 */
import * as ecs from '@aws-sdk/client-ecs';
import * as vl from '@aws-sdk/client-vpc-lattice';
import type { Emulator } from '../../src/emulator/server';
import { REGION, startTestEmulator } from './helpers';
import { ipTargetGroup, lattice } from './lattice-helpers';

const MINUTE = 60_000;
let clock = Date.UTC(2026, 8, 1, 10, 0, 0);
let emu: Emulator;
let client: ecs.ECSClient;
let vpcl: vl.VPCLatticeClient;

beforeAll(async () => {
  emu = await startTestEmulator({ now: () => clock, ecs: { deploymentTiming: 'timed' } });
  client = new ecs.ECSClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  vpcl = lattice(emu);
});
afterAll(async () => {
  client.destroy();
  vpcl.destroy();
  await emu.stop();
});

interface Fixture {
  blue: string;
  green: string;
  rule: vl.CreateRuleCommandOutput;
  testRule: vl.CreateRuleCommandOutput;
  serviceId: string;
  listenerId: string;
}

async function fixture(): Promise<Fixture> {
  const blue = (await ipTargetGroup(vpcl, 'web-blue')).arn ?? '';
  const green = (await ipTargetGroup(vpcl, 'web-green')).arn ?? '';
  const svc = await vpcl.send(new vl.CreateServiceCommand({ name: 'web' }));
  const listener = await vpcl.send(
    new vl.CreateListenerCommand({
      serviceIdentifier: svc.id,
      name: 'http',
      protocol: 'HTTP',
      defaultAction: { fixedResponse: { statusCode: 404 } },
    }),
  );
  const forward = (): vl.RuleAction => ({
    forward: {
      targetGroups: [
        { targetGroupIdentifier: blue, weight: 100 },
        { targetGroupIdentifier: green, weight: 0 },
      ],
    },
  });
  const rule = await vpcl.send(
    new vl.CreateRuleCommand({
      serviceIdentifier: svc.id,
      listenerIdentifier: listener.id,
      name: 'production',
      priority: 10,
      match: { httpMatch: { pathMatch: { match: { prefix: '/' } } } },
      action: forward(),
    }),
  );
  const testRule = await vpcl.send(
    new vl.CreateRuleCommand({
      serviceIdentifier: svc.id,
      listenerIdentifier: listener.id,
      name: 'test',
      priority: 5,
      match: { httpMatch: { headerMatches: [{ name: 'x-test', match: { exact: '1' } }] } },
      action: forward(),
    }),
  );
  await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
  for (const image of ['web:1', 'web:2', 'web:3']) {
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image, portMappings: [{ name: 'http', containerPort: 8080 }] }],
      }),
    );
  }
  await client.send(
    new ecs.CreateServiceCommand({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web:1',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      deploymentConfiguration: {
        strategy: 'CANARY',
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
      },
      vpcLatticeConfigurations: [
        {
          targetGroupArn: blue,
          portName: 'http',
          roleArn: 'arn:aws:iam::111122223333:role/ecsInfrastructureRoleForVpcLattice',
          advancedConfiguration: {
            alternateTargetGroupArn: green,
            productionListenerRule: rule.arn,
            testListenerRule: testRule.arn,
          },
        },
      ],
    }),
  );
  return { blue, green, rule, testRule, serviceId: svc.id ?? '', listenerId: listener.id ?? '' };
}

/** The weights of a rule by target group ARN, as GetRule answers them. */
async function weights(f: Fixture, ruleId: string | undefined): Promise<Record<string, number | undefined>> {
  const out = await vpcl.send(
    new vl.GetRuleCommand({ serviceIdentifier: f.serviceId, listenerIdentifier: f.listenerId, ruleIdentifier: ruleId }),
  );
  const byId = Object.fromEntries(
    (out.action?.forward?.targetGroups ?? []).map((g) => [g.targetGroupIdentifier ?? '', g.weight]),
  );
  const id = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
  return { blue: byId[id(f.blue)], green: byId[id(f.green)] };
}

async function deploy(image: string): Promise<void> {
  await client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: image }));
}

it('moves the production and test rule weights step by step, alternating the two groups between deployments', async () => {
  const f = await fixture();
  // The first deployment has nothing to shift from: the new revision's group (the one without weight) gets it all.
  expect(await weights(f, f.rule.id)).toEqual({ blue: 0, green: 100 });
  const before = await vpcl.send(
    new vl.ListRulesCommand({ serviceIdentifier: f.serviceId, listenerIdentifier: f.listenerId }),
  );

  // A canary: test traffic to the new revision, then canaryPercent of production, bake, then the rest. The new
  // revision now goes to the group that has no production traffic: blue.
  await deploy('web:2');
  expect(await weights(f, f.rule.id)).toEqual({ blue: 10, green: 90 });
  expect(await weights(f, f.testRule.id)).toEqual({ blue: 100, green: 0 });
  // Readers cache on lastUpdatedAt from ListRules: ECS's change moves it.
  const during = await vpcl.send(
    new vl.ListRulesCommand({ serviceIdentifier: f.serviceId, listenerIdentifier: f.listenerId }),
  );
  const stamp = (l: vl.ListRulesCommandOutput): string | undefined =>
    l.items?.find((r) => r.name === 'production')?.lastUpdatedAt?.toISOString();
  expect(stamp(during)).not.toEqual(stamp(before));

  clock += 5 * MINUTE - 1;
  expect(await weights(f, f.rule.id)).toEqual({ blue: 10, green: 90 });
  clock += 1;
  expect(await weights(f, f.rule.id)).toEqual({ blue: 100, green: 0 });

  // The next deployment shifts back to green.
  await deploy('web:3');
  expect(await weights(f, f.rule.id)).toEqual({ blue: 90, green: 10 });
  clock += 5 * MINUTE;
  expect(await weights(f, f.rule.id)).toEqual({ blue: 0, green: 100 });
  const sd = await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }));
  expect(sd.serviceDeployments?.[0]?.status).toBe('SUCCESSFUL');
});

it('a LINEAR deployment moves the weights once per step; a rollback gives production back to the old group', async () => {
  emu.reset();
  const f = await fixture();
  await client.send(
    new ecs.UpdateServiceCommand({
      cluster: 'prod',
      service: 'web',
      deploymentConfiguration: {
        strategy: 'LINEAR',
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 },
      },
    }),
  );
  expect(await weights(f, f.rule.id)).toEqual({ blue: 0, green: 100 });
  await deploy('web:2');
  const seen: Record<string, number | undefined>[] = [await weights(f, f.rule.id)];
  for (let i = 0; i < 3; i += 1) {
    clock += 2 * MINUTE;
    seen.push(await weights(f, f.rule.id));
  }
  expect(seen).toEqual([
    { blue: 25, green: 75 },
    { blue: 50, green: 50 },
    { blue: 75, green: 25 },
    { blue: 100, green: 0 },
  ]);

  // The next deployment goes to green; stopped with ROLLBACK mid-way, production returns to blue.
  await deploy('web:3');
  expect(await weights(f, f.rule.id)).toEqual({ blue: 75, green: 25 });
  const [current] =
    (await client.send(new ecs.ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' })))
      .serviceDeployments ?? [];
  await client.send(new ecs.StopServiceDeploymentCommand({ serviceDeploymentArn: current?.serviceDeploymentArn }));
  expect(await weights(f, f.rule.id)).toEqual({ blue: 100, green: 0 });
});
