/**
 * Builds the CDK app from context (`-c key=value` or cdk.json) so one stack definition serves every deployment.
 * Context keys: meshwardStack, mode, manifestPrefix, scheduleMinutes, prune, maxDeletes, meshNames, clusterNames,
 * namespaceIds, latticeServiceNetworkIds, passRoleArns (lists comma separated), slackSecretArn, slackChannel.
 */
import { App, Duration, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { readFileSync } from 'node:fs';
import { MeshwardFleetStack, type MeshwardFleetStackProps } from './fleet-stack';
import { MeshwardStack, type MeshwardStackProps } from './meshward-stack';

function list(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function propsFromContext(app: App): MeshwardStackProps {
  const ctx = (key: string): unknown => app.node.tryGetContext(key);
  const mode = str(ctx('mode'));
  if (mode !== undefined && mode !== 'enforce' && mode !== 'detect') {
    throw new Error(`context mode must be enforce or detect, got "${mode}"`);
  }
  const minutes = Number(ctx('scheduleMinutes') ?? 15);
  if (!Number.isInteger(minutes) || minutes < 1) throw new Error('context scheduleMinutes must be a whole number >= 1');
  return {
    meshwardStack: str(ctx('meshwardStack')),
    mode,
    manifestPrefix: str(ctx('manifestPrefix')),
    scheduleRate: Duration.minutes(minutes),
    prune: String(ctx('prune') ?? 'false') === 'true',
    maxDeletes: ctx('maxDeletes') === undefined ? undefined : Number(ctx('maxDeletes')),
    meshNames: list(ctx('meshNames')),
    clusterNames: list(ctx('clusterNames')),
    namespaceIds: list(ctx('namespaceIds')),
    latticeServiceNetworkIds: list(ctx('latticeServiceNetworkIds')),
    passRoleArns: list(ctx('passRoleArns')),
    slackSecretArn: str(ctx('slackSecretArn')),
    slackChannel: str(ctx('slackChannel')),
  };
}

export function buildApp(options: { outdir?: string; code?: lambda.Code; context?: Record<string, unknown> } = {}): {
  app: App;
  stack: MeshwardStack;
} {
  const app = new App({ outdir: options.outdir, context: options.context });
  const props = propsFromContext(app);
  const stack = new MeshwardStack(app, `Meshward-${props.meshwardStack ?? 'default'}`, {
    ...props,
    code: options.code,
    description: 'meshward operator: reconciles App Mesh + ECS against manifests in S3',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

/**
 * A fleet (infra/fleet-stack.ts) from a JSON file (`MESHWARD_FLEET_FILE=fleet.json`, or `--fleet=fleet.json`): {"stacks": [{"name", "account", "roleArn"?,
 * "mode"?, "prune"?, "maxDeletes"?}], "roleName"?, "mode"?, "scheduleMinutes"?, "maxConcurrency"?,
 * "slackSecretArn"?}.
 */
export function buildFleetApp(
  file: string,
  options: { outdir?: string; code?: lambda.Code } = {},
): {
  app: App;
  stack: MeshwardFleetStack;
} {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Omit<MeshwardFleetStackProps, 'scheduleRate'> & {
    scheduleMinutes?: number;
  };
  const app = new App({ outdir: options.outdir });
  const { scheduleMinutes, ...rest } = raw;
  const stack = new MeshwardFleetStack(app, 'Meshward-fleet', {
    ...rest,
    ...(scheduleMinutes !== undefined ? { scheduleRate: Duration.minutes(scheduleMinutes) } : {}),
    ...(options.code ? { code: options.code } : {}),
    description: 'meshward fleet operator: SQS FIFO per stack, one role per stack account',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

// `cdk synth --app "npx tsx infra/app.ts"` runs this module directly.
if (require.main === module) {
  const fleetFile =
    process.argv.find((a) => a.startsWith('--fleet='))?.slice('--fleet='.length) ?? process.env.MESHWARD_FLEET_FILE;
  if (fleetFile) buildFleetApp(fleetFile).app.synth();
  else buildApp().app.synth();
}
