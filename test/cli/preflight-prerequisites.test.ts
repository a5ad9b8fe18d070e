/**
 * Issue 13's preflight, for what the manifests name by ARN: through run(argv), the real SDK and the emulator as
 * "AWS" (AWS_ENDPOINT_URL, no --local, so nothing is seeded). A target group or a role that does not exist stops
 * plan and apply before any write, naming the ARN and who names it; once they exist the same plan runs; a caller
 * that may not read roles (AccessDenied on iam:GetRole) is warned and goes on.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, ECSClient, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { stringify } from 'yaml';
import * as apply from '../../src/cli/commands/apply';
import * as plan from '../../src/cli/commands/plan';
import type { CliIO } from '../../src/cli/output';
import { type Emulator, startEmulator } from '../../src/emulator/server';

const ENV = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;
const DENIED = 'no-iam-read';
const ROLE = (name: string): string => `arn:aws:iam::111122223333:role/${name}`;
const MISSING_TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/billing-web/0a1b2c3d4e5f6071';

let emulator: Emulator;
let cwd: string;
const saved: Record<string, string | undefined> = {};
const credentials = { accessKeyId: 'admin', secretAccessKey: 'x' };
let ecs: ECSClient;

function capture(): { io: CliIO; out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: { NO_COLOR: '1' },
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}

function writeService(targetGroupArn: string): void {
  const doc = {
    apiVersion: 'meshward.dev/v1alpha1',
    kind: 'EcsService',
    metadata: { name: 'billing' },
    spec: {
      cluster: 'shop',
      launchType: 'FARGATE',
      desiredCount: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } },
      loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 8080 }],
      taskDefinition: {
        family: 'shop-billing',
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: ROLE('shop-task-execution'),
        taskRoleArn: ROLE('shop-billing'),
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
  writeFileSync(join(cwd, 'manifests', 'billing.yaml'), stringify(doc));
}

async function written(): Promise<{ services: number; families: number }> {
  const services = await ecs.send(new ListServicesCommand({ cluster: 'shop' }));
  const families = await ecs.send(new ListTaskDefinitionsCommand({}));
  return { services: services.serviceArns?.length ?? 0, families: families.taskDefinitionArns?.length ?? 0 };
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, iam: { getRoleDeniedFor: [DENIED] } });
  for (const k of ENV) saved[k] = process.env[k];
  process.env['AWS_ENDPOINT_URL'] = emulator.endpoint;
  process.env['AWS_REGION'] = emulator.region;
  process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
  delete process.env['AWS_PROFILE'];
  ecs = new ECSClient({ endpoint: emulator.endpoint, region: emulator.region, credentials });
});

afterAll(async () => {
  ecs.destroy();
  await emulator.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

beforeEach(async () => {
  emulator.reset();
  process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
  cwd = mkdtempSync(join(tmpdir(), 'meshward-preflight-'));
  mkdirSync(join(cwd, 'manifests'));
  // The cluster exists: only the ARN-named resources are missing.
  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

async function seedAccount(): Promise<string> {
  const elb = new ElasticLoadBalancingV2Client({ endpoint: emulator.endpoint, region: emulator.region, credentials });
  const iam = new IAMClient({ endpoint: emulator.endpoint, region: emulator.region, credentials });
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const tg = await elb.send(
    new CreateTargetGroupCommand({
      Name: 'billing-web',
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-0a1b2c3d',
      TargetType: 'ip',
    }),
  );
  for (const name of ['shop-task-execution', 'shop-billing']) {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  }
  elb.destroy();
  iam.destroy();
  const arn = tg.TargetGroups?.[0]?.TargetGroupArn;
  if (!arn) throw new Error('no target group ARN');
  return arn;
}

it('plan and apply stop before any write naming the missing target group and roles, and where they are named', async () => {
  writeService(MISSING_TG);
  const p = capture();
  expect(await plan.run(['manifests'], p.io)).toBe(1);
  const said = p.out() + p.err();
  expect(said).toContain(
    `ELB target group "${MISSING_TG}" does not exist (named by EcsService/shop/billing at /spec/loadBalancers/0/targetGroupArn)`,
  );
  expect(said).toContain(
    `IAM role "${ROLE('shop-billing')}" does not exist (named by EcsService/shop/billing at /spec/taskDefinition/taskRoleArn)`,
  );
  expect(said).toContain(`IAM role "${ROLE('shop-task-execution')}" does not exist`);

  const a = capture();
  expect(await apply.run(['manifests', '--auto-approve'], a.io)).toBe(1);
  expect(a.out() + a.err()).toContain(`ELB target group "${MISSING_TG}" does not exist`);
  expect(await written()).toEqual({ services: 0, families: 0 });
});

it('passes once the target group and the roles exist, and the apply creates the service', async () => {
  const arn = await seedAccount();
  writeService(arn);
  const p = capture();
  expect(await plan.run(['manifests'], p.io)).toBe(0);
  expect(p.out()).not.toContain('PREFLIGHT');
  expect(await apply.run(['manifests', '--auto-approve'], capture().io)).toBe(0);
  expect((await written()).services).toBe(1);
});

it('a caller denied iam:GetRole is warned that the roles were not checked, and the plan goes on', async () => {
  const arn = await seedAccount();
  writeService(arn);
  process.env['AWS_ACCESS_KEY_ID'] = DENIED;
  const p = capture();
  expect(await plan.run(['manifests', '-o', 'json'], p.io)).toBe(0);
  const report = JSON.parse(p.out()) as { errors: unknown[]; warnings?: { code: string; message: string }[] };
  expect(report.errors).toEqual([]);
  expect(report.warnings?.map((w) => w.code)).toEqual(['PREFLIGHT_UNCHECKED', 'PREFLIGHT_UNCHECKED']);
  expect(report.warnings?.[0]?.message).toContain(`IAM role "${ROLE('shop-billing')}" not checked: AccessDenied`);

  const text = capture();
  expect(await plan.run(['manifests'], text.io)).toBe(0);
  expect(text.out()).toContain('warning PREFLIGHT_UNCHECKED: IAM role');
  // A missing target group still fails: only the unreadable is a warning.
  writeService(MISSING_TG);
  expect(await plan.run(['manifests'], capture().io)).toBe(1);
});
