/**
 * The emulator's ELBv2 and IAM (awsQuery, XML) through the real SDK clients: what meshward's preflight reads and
 * what tests seed, with the errors in AWS's words. Sources are in src/emulator/elbv2.ts and iam.ts; in short:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (names are not distinguished by case)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

let emulator: Emulator;
let elb: ElasticLoadBalancingV2Client;
let iam: IAMClient;

function clientsFor(e: Emulator, accessKeyId = 'AKIDTEST'): { elb: ElasticLoadBalancingV2Client; iam: IAMClient } {
  const common = {
    endpoint: e.endpoint,
    region: REGION,
    credentials: { accessKeyId, secretAccessKey: 's' },
    maxAttempts: 1,
  };
  return { elb: new ElasticLoadBalancingV2Client(common), iam: new IAMClient(common) };
}

beforeAll(async () => {
  emulator = await startTestEmulator({ iam: { getRoleDeniedFor: ['AKIDREADONLY'] } });
  ({ elb, iam } = clientsFor(emulator));
});
afterAll(async () => {
  elb.destroy();
  iam.destroy();
  await emulator.stop();
});
beforeEach(() => emulator.reset());

const create = (name: string, port = 8080) =>
  elb.send(
    new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: port, VpcId: 'vpc-0a1b2c3d', TargetType: 'ip' }),
  );

describe('ELBv2 target groups', () => {
  it('creates a target group with an ARN in AWS shape and describes it by ARN and by name', async () => {
    const arn = (await create('web')).TargetGroups?.[0]?.TargetGroupArn ?? '';
    expect(arn).toMatch(new RegExp(`^arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web/[0-9a-f]{16}$`));
    const byArn = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
    expect(byArn.TargetGroups?.map((t) => [t.TargetGroupName, t.Port, t.TargetType, t.HealthCheckPath])).toEqual([
      ['web', 8080, 'ip', '/'],
    ]);
    const byName = await elb.send(new DescribeTargetGroupsCommand({ Names: ['web'] }));
    expect(byName.TargetGroups?.[0]?.TargetGroupArn).toBe(arn);
  });

  it('answers a list with one unknown ARN with TargetGroupNotFound for the whole call', async () => {
    const arn = (await create('web')).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const unknown = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/gone/0123456789abcdef`;
    const f = await failure(elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn, unknown] })));
    expect(f).toMatchObject({
      name: 'TargetGroupNotFoundException',
      status: 400,
      message: 'One or more target groups not found',
    });
  });

  it('refuses names together with ARNs, and a page size over 400', async () => {
    const f = await failure(
      elb.send(new DescribeTargetGroupsCommand({ Names: ['a'], TargetGroupArns: ['arn:aws:elasticloadbalancing:x'] })),
    );
    expect(f).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(f.message).toContain('cannot be specified at the same time');
    expect((await failure(elb.send(new DescribeTargetGroupsCommand({ PageSize: 401 })))).name).toBe('ValidationError');
  });

  it('is idempotent on the same name and settings, and refuses the name with other settings', async () => {
    const first = (await create('web')).TargetGroups?.[0]?.TargetGroupArn;
    expect((await create('web')).TargetGroups?.[0]?.TargetGroupArn).toBe(first);
    const f = await failure(create('web', 9090));
    expect(f).toMatchObject({
      name: 'DuplicateTargetGroupNameException',
      message: "A target group with the same name 'web' exists, but with different settings",
    });
    expect((await failure(create('-bad'))).name).toBe('ValidationError');
    expect((await failure(create('internal-web'))).name).toBe('ValidationError');
  });

  it('pages all target groups with Marker and PageSize', async () => {
    for (const n of ['a', 'b', 'c']) await create(n);
    const first = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 2 }));
    expect(first.TargetGroups?.map((t) => t.TargetGroupName)).toEqual(['a', 'b']);
    const second = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: first.NextMarker }));
    expect(second.TargetGroups?.map((t) => t.TargetGroupName)).toEqual(['c']);
    expect(second.NextMarker).toBeUndefined();
  });

  it('describes seeded listeners by ARN and answers ListenerNotFound for others', async () => {
    const listener = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2`;
    emulator.elbv2.seed({ listeners: [listener] });
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listener] }));
    expect(out.Listeners?.[0]?.LoadBalancerArn).toBe(
      `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/shop/50dc6c495c0c9188`,
    );
    const f = await failure(elb.send(new DescribeListenersCommand({ ListenerArns: [`${listener.slice(0, -1)}3`] })));
    expect(f).toMatchObject({ name: 'ListenerNotFoundException', message: 'One or more listeners not found' });
  });
});

describe('IAM roles', () => {
  it('creates a role and reads it back, its trust policy URL-encoded as IAM answers it', async () => {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: 'shop-task', Path: '/ecs/', AssumeRolePolicyDocument: TRUST }),
    );
    expect(created.Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/ecs/shop-task`);
    expect(created.Role?.RoleId).toMatch(/^AROA[0-9A-Z]{17}$/);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'shop-task' }));
    expect(got.Role?.Arn).toBe(created.Role?.Arn);
    expect(got.Role?.MaxSessionDuration).toBe(3600);
    expect(JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(JSON.parse(TRUST));
  });

  it('answers an unknown role with NoSuchEntity (404) in AWS words', async () => {
    const f = await failure(iam.send(new GetRoleCommand({ RoleName: 'nobody' })));
    expect(f).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
      message: 'The role with name nobody cannot be found.',
    });
  });

  it('treats role names without regard to case', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'ShopTask', AssumeRolePolicyDocument: TRUST }));
    const f = await failure(iam.send(new CreateRoleCommand({ RoleName: 'shoptask', AssumeRolePolicyDocument: TRUST })));
    expect(f).toMatchObject({
      name: 'EntityAlreadyExistsException',
      status: 409,
      message: 'Role with name shoptask already exists.',
    });
    expect((await iam.send(new GetRoleCommand({ RoleName: 'SHOPTASK' }))).Role?.RoleName).toBe('ShopTask');
  });

  it('denies GetRole to a caller the option names, with AccessDenied (403)', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'shop-task', AssumeRolePolicyDocument: TRUST }));
    const reader = clientsFor(emulator, 'AKIDREADONLY');
    const f = await failure(reader.iam.send(new GetRoleCommand({ RoleName: 'shop-task' })));
    reader.elb.destroy();
    reader.iam.destroy();
    expect(f).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(f.message).toContain('is not authorized to perform: iam:GetRole');
  });

  it('refuses a role name outside the pattern', async () => {
    const f = await failure(iam.send(new GetRoleCommand({ RoleName: 'a b' })));
    expect(f).toMatchObject({ name: 'ValidationError', status: 400 });
  });
});

it('keeps target groups and roles across a restart on the same data directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-elb-iam-'));
  try {
    const first = await startTestEmulator({ dataDir: dir });
    const a = clientsFor(first);
    const arn =
      (
        await a.elb.send(
          new CreateTargetGroupCommand({ Name: 'kept', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', TargetType: 'ip' }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? '';
    await a.iam.send(new CreateRoleCommand({ RoleName: 'kept', AssumeRolePolicyDocument: TRUST }));
    a.elb.destroy();
    a.iam.destroy();
    await first.stop();

    const second = await startTestEmulator({ dataDir: dir });
    const b = clientsFor(second);
    expect((await b.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))).TargetGroups).toHaveLength(
      1,
    );
    expect((await b.iam.send(new GetRoleCommand({ RoleName: 'kept' }))).Role?.RoleName).toBe('kept');
    b.elb.destroy();
    b.iam.destroy();
    await second.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
