/**
 * Issue 13's verbs through run(argv), the real SDK and the emulator as "AWS" (AWS_ENDPOINT_URL, no --local, so
 * nothing seeds the account): the preflight stops plan and apply before any write when clusters or namespaces are
 * missing, or the target groups and roles the manifests name by ARN (a caller that may not read roles is warned); `plan --out FILE` / `apply FILE` applies exactly what was reviewed and refuses (exit 4) when AWS or the
 * manifests moved; `destroy` deletes what the stack owns, keeps what is protected and leaves what is not its own.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CreateVirtualNodeCommand,
  ListMeshesCommand,
  ListVirtualNodesCommand,
  TagResourceCommand,
} from '@aws-sdk/client-app-mesh';
import { CreateClusterCommand, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { stringify } from 'yaml';
import { type AwsClients, LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import * as apply from '../../src/cli/commands/apply';
import * as destroy from '../../src/cli/commands/destroy';
import * as plan from '../../src/cli/commands/plan';
import type { CliIO } from '../../src/cli/output';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { validateManifests } from '../../src/manifest/validate';
import { captureIo, type CapturedIo } from './helpers';

const MANIFESTS = resolve(__dirname, '../../manifests');
const ENV = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;

/** An access key whose iam:GetRole the emulator denies (a CI role without IAM reads). */
const NO_IAM_READ = 'no-iam-read';

let emulator: Emulator;
let clients: AwsClients;
let cwd: string;
const saved: Record<string, string | undefined> = {};

function capture(): CapturedIo {
  return captureIo(cwd);
}

async function meshes(): Promise<string[]> {
  const out = await clients.appMesh.send(new ListMeshesCommand({}));
  return (out.meshes ?? []).map((m) => m.meshName ?? '');
}

async function seed(): Promise<void> {
  const v = await validateManifests([join(cwd, 'manifests')]);
  await seedLocalInfrastructure(
    clients,
    v.documents.map((d) => d.doc),
  );
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, iam: { getRoleDeniedFor: [NO_IAM_READ] } });
  for (const k of ENV) saved[k] = process.env[k];
  process.env['AWS_ENDPOINT_URL'] = emulator.endpoint;
  process.env['AWS_REGION'] = emulator.region;
  process.env['AWS_ACCESS_KEY_ID'] = LOCAL_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = LOCAL_CREDENTIALS.secretAccessKey;
  delete process.env['AWS_PROFILE'];
  clients = createAwsClients({ endpoint: emulator.endpoint, region: emulator.region, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  clients.destroy();
  await emulator.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

beforeEach(() => {
  emulator.reset();
  cwd = mkdtempSync(join(tmpdir(), 'meshward-verbs-'));
  cpSync(MANIFESTS, join(cwd, 'manifests'), { recursive: true });
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

it('preflight: plan and apply stop before any write when the cluster and namespace do not exist', async () => {
  const p = capture();
  expect(await plan.run(['manifests'], p.io)).toBe(1);
  const said = p.out() + p.err();
  expect(said).toContain('ECS cluster "shop" does not exist');
  expect(said).toMatch(/Cloud Map namespace "shop\.local" does not exist .*needed by/);

  const a = capture();
  expect(await apply.run(['manifests', '--auto-approve'], a.io)).toBe(1);
  expect(a.out() + a.err()).toContain('ECS cluster "shop" does not exist');
  expect(await meshes()).toEqual([]);

  // Once the account has them, the same plan runs.
  await seed();
  expect(await plan.run(['manifests'], capture().io)).toBe(0);
});

it('plan --out / apply FILE applies what was reviewed, and refuses when AWS or the manifests moved', async () => {
  await seed();
  const saved1 = capture();
  expect(await plan.run(['manifests', '-out', 'reviewed.plan'], saved1.io)).toBe(0);
  expect(saved1.err()).toContain('meshward apply reviewed.plan');
  const file = readFileSync(join(cwd, 'reviewed.plan'), 'utf8');
  expect(file).toContain('"format": "meshward-plan/1"');
  // No values in the file: an environment value of the manifests never lands there.
  expect(file).not.toContain('PORT');

  const applied = capture();
  expect(await apply.run(['reviewed.plan'], applied.io)).toBe(0);
  expect(await meshes()).toEqual(['shop']);
  expect(await plan.run(['manifests', '--detailed-exitcode'], capture().io)).toBe(0);

  // AWS moves between plan and apply: someone tags a node in the console.
  const front = join(cwd, 'manifests', 'front.yaml');
  writeFileSync(front, readFileSync(front, 'utf8').replace('desiredCount: 2', 'desiredCount: 3'));
  expect(await plan.run(['manifests', '--out', 'second.plan'], capture().io)).toBe(0);
  const nodes = await clients.appMesh.send(new ListVirtualNodesCommand({ meshName: 'shop' }));
  const arn = nodes.virtualNodes?.find((n) => n.virtualNodeName === 'service-b')?.arn;
  await clients.appMesh.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'owner', value: 'console' }] }));
  const refused = capture();
  expect(await apply.run(['second.plan'], refused.io)).toBe(4);
  expect(refused.out()).toContain('AWS changed for VirtualNode/shop/service-b');
  expect(refused.out()).toContain('Nothing was applied');
  expect(await plan.run(['manifests', '--detailed-exitcode'], capture().io)).not.toBe(0);

  // The manifests move between plan and apply.
  expect(await plan.run(['manifests', '--out', 'third.plan'], capture().io)).toBe(0);
  writeFileSync(front, readFileSync(front, 'utf8').replace('desiredCount: 3', 'desiredCount: 4'));
  const moved = capture();
  expect(await apply.run(['third.plan'], moved.io)).toBe(4);
  expect(moved.out()).toContain('the manifests changed for EcsService/shop/front');

  // A saved plan fixes its options.
  const flags = capture();
  expect(await apply.run(['third.plan', '--prune'], flags.io)).toBe(1);
  expect(flags.err()).toContain('it fixes --prune');
});

it('destroy deletes what the stack owns, keeps the protected mesh and leaves what is not its own', async () => {
  await seed();
  const refusedTty = capture();
  expect(await destroy.run(['manifests'], refusedTty.io)).toBe(1);
  expect(refusedTty.err()).toContain('--auto-approve');

  expect(await apply.run(['manifests', '--auto-approve'], capture().io)).toBe(0);
  await clients.appMesh.send(
    new CreateVirtualNodeCommand({
      meshName: 'shop',
      virtualNodeName: 'someone-elses',
      spec: { listeners: [{ portMapping: { port: 1, protocol: 'tcp' } }] },
    }),
  );
  const d = capture();
  // The mesh carries meshward.dev/deletion-protection=true: kept, and the guard makes it exit 4.
  expect(await destroy.run(['manifests', '--auto-approve'], d.io)).toBe(4);
  expect(d.out()).toContain('Mesh/shop');
  expect(d.err()).toMatch(/Left in place, not owned by stack "default" \(\d+\): .*VirtualNode\/shop\/someone-elses/);
  const left = await clients.appMesh.send(new ListVirtualNodesCommand({ meshName: 'shop' }));
  expect(left.virtualNodes?.map((n) => n.virtualNodeName)).toEqual(['someone-elses']);
  const services = await clients.ecs.send(new ListServicesCommand({ cluster: 'shop' }));
  expect(services.serviceArns ?? []).toEqual([]);
  expect(await meshes()).toEqual(['shop']);

  // Nothing of the stack left (the state store alone knows where to look): nothing to destroy.
  const again = capture();
  expect(await destroy.run(['--auto-approve'], again.io)).toBe(4);
  expect(again.out()).toContain('0 to delete');
});

it('an empty set with --prune is refused by the guard, which points to destroy', async () => {
  await seed();
  expect(await apply.run(['manifests', '--auto-approve'], capture().io)).toBe(0);
  const mesh = readFileSync(join(cwd, 'manifests', 'mesh.yaml'), 'utf8');
  rmSync(join(cwd, 'manifests'), { recursive: true });
  cpSync(MANIFESTS, join(cwd, 'only'), { recursive: true, filter: (p) => !p.endsWith('.yaml') });
  writeFileSync(
    join(cwd, 'only', 'mesh.yaml'),
    mesh.replace('meshward.dev/deletion-protection: "true"', 'meshward.dev/placeholder: "true"'),
  );
  const p = capture();
  expect(await plan.run(['only', '--prune'], p.io)).toBe(4);
  expect(p.out()).toContain('run "meshward destroy"');
});

it('destroy on a terminal asks for the stack name, typed out: anything else changes nothing', async () => {
  await seed();
  expect(await apply.run(['manifests', '--auto-approve', '--stack', 'shop-prod'], capture().io)).toBe(0);
  const terminal = (answer: string): CliIO['stdin'] => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    input.end(`${answer}\n`);
    return input;
  };
  const declined = capture();
  const no = await destroy.run(['manifests', '--stack', 'shop-prod'], { ...declined.io, stdin: terminal('yes') });
  expect(no).toBe(1);
  expect(declined.err()).toContain('Destroy cancelled: nothing was changed.');
  expect(declined.out()).toMatch(/to delete/);
  const still = await clients.ecs.send(new ListServicesCommand({ cluster: 'shop' }));
  expect(still.serviceArns?.length).toBeGreaterThan(0);

  const typed = capture();
  expect(await destroy.run(['manifests', '--stack', 'shop-prod'], { ...typed.io, stdin: terminal('shop-prod') })).toBe(
    4,
  );
  const gone = await clients.ecs.send(new ListServicesCommand({ cluster: 'shop' }));
  expect(gone.serviceArns ?? []).toEqual([]);
});

describe('preflight of what the manifests name by ARN', () => {
  const ROLE = (name: string): string => `arn:aws:iam::111122223333:role/${name}`;
  const MISSING_TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/billing-web/0a1b2c3d4e5f6071';

  beforeEach(async () => {
    // The cluster exists: only the ARN-named resources are missing. The set is one service of its own.
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
    rmSync(join(cwd, 'manifests'), { recursive: true, force: true });
    mkdirSync(join(cwd, 'manifests'));
  });

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
    const services = await clients.ecs.send(new ListServicesCommand({ cluster: 'shop' }));
    const families = await clients.ecs.send(new ListTaskDefinitionsCommand({}));
    return { services: services.serviceArns?.length ?? 0, families: families.taskDefinitionArns?.length ?? 0 };
  }

  async function seedAccount(): Promise<string> {
    const elb = clients.elbv2;
    const iam = clients.iam;
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
    process.env['AWS_ACCESS_KEY_ID'] = NO_IAM_READ;
    try {
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
    } finally {
      process.env['AWS_ACCESS_KEY_ID'] = LOCAL_CREDENTIALS.accessKeyId;
    }
  });
});
