/**
 * The Lambda flow as a guided tour, for `meshward demo` to end with: publish the manifests to a fresh in-process
 * emulator's S3, handle the S3 event (resources created), change a timeout "in the console" as another user (a
 * Service Connect per-request timeout through ECS UpdateService, or an App Mesh virtual node's), handle the matching
 * CloudTrail event, print the drift report as Slack would show it, and check on a scheduled run that AWS is back in
 * sync. Nothing touches AWS.
 */
import {
  AppMeshClient,
  DescribeVirtualNodeCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { ServiceConnectConfiguration } from '@aws-sdk/client-ecs';
import {
  GetListenerCommand,
  ListListenersCommand,
  ListServicesCommand,
  UpdateListenerCommand,
  VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { ManifestDocument } from '../core/types';
import { LOCAL_CREDENTIALS } from '../aws/clients';
import { toCloudTrailApiCallEvent } from '../emulator/cloudtrail/events';
import { seedLocalInfrastructure } from '../engine/session';
import { validateManifests } from '../manifest/validate';
import { ConsoleTransport } from '../notify/console-transport';
import { renderSlackReport } from '../notify/slack-blocks';
import { ENV, loadConfig } from './config';
import { createOperatorDeps } from './deps';
import { ensureBucket } from './local';
import { publishManifests } from './publish';
import { handleEvent, type RunResult } from './run';

export interface LambdaDemoOptions {
  cwd: string;
  paths?: readonly string[];
  mode?: 'enforce' | 'detect';
  /** The stack the operator manages (default demo). */
  stack?: string;
  /** Narration and the Slack message, as text. */
  write: (text: string) => void;
}

export interface LambdaDemoResult {
  published: RunResult;
  drift: RunResult;
  /** The drift message as Slack would receive it. */
  slackText: string;
  /** What was changed in the console, as told on screen. */
  change?: string;
  /** A scheduled run after the drift run: the view's status ('in-sync' once converged). */
  after: string;
}

const ACCOUNT = '111122223333';
const CONSOLE_KEY = 'console-user';
const BUCKET = 'meshward-demo';

function envelope(source: string, detailType: string, detail: object, id: string): object {
  const time = new Date().toISOString();
  return {
    version: '0',
    id,
    source,
    'detail-type': detailType,
    account: ACCOUNT,
    region: 'us-east-1',
    time,
    resources: [],
    detail,
  };
}

/** The client a person in the console would use: another identity, the real SDK. */
export interface ConsoleUser {
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentity;
}

/**
 * Sets the per-request timeout of the first Service Connect endpoint that has one to 30s (45s if it was 30s), as
 * a person might in the ECS console. ECS UpdateService replaces the whole serviceConnectConfiguration, so the
 * configuration of the PRIMARY deployment is sent back with only that field changed.
 */
export async function changeServiceConnectTimeout(
  user: ConsoleUser,
  services: readonly { cluster: string; name: string }[],
): Promise<string | undefined> {
  const ecs = new ECSClient(user);
  try {
    for (const svc of services) {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: svc.cluster, services: [svc.name] }));
      const primary = out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY');
      const config = JSON.parse(
        JSON.stringify(primary?.serviceConnectConfiguration ?? {}),
      ) as ServiceConnectConfiguration;
      const timeout = config.services?.find((s) => s.timeout?.perRequestTimeoutSeconds !== undefined)?.timeout;
      if (!timeout) continue;
      const was = timeout.perRequestTimeoutSeconds;
      timeout.perRequestTimeoutSeconds = was === 30 ? 45 : 30;
      await ecs.send(
        new UpdateServiceCommand({ cluster: svc.cluster, service: svc.name, serviceConnectConfiguration: config }),
      );
      // Worded without an arrow: meshward's arrows all read "value in AWS now -> value after apply".
      return `EcsService ${svc.name}: Service Connect per-request timeout set to ${timeout.perRequestTimeoutSeconds}s (the manifests say ${was}s)`;
    }
    return undefined;
  } finally {
    ecs.destroy();
  }
}

/** Sets a weighted listener's default forward to an even split, as a person might in the VPC Lattice console. */
export async function changeLatticeWeights(
  user: ConsoleUser,
  listeners: readonly { service: string; name: string }[],
): Promise<string | undefined> {
  const lattice = new VPCLatticeClient(user);
  try {
    const services = (await lattice.send(new ListServicesCommand({}))).items ?? [];
    for (const l of listeners) {
      const service = services.find((s) => s.name === l.service);
      if (!service?.id) continue;
      const listener = (
        (await lattice.send(new ListListenersCommand({ serviceIdentifier: service.id }))).items ?? []
      ).find((x) => x.name === l.name);
      if (!listener?.id) continue;
      const got = await lattice.send(
        new GetListenerCommand({ serviceIdentifier: service.id, listenerIdentifier: listener.id }),
      );
      const groups = got.defaultAction?.forward?.targetGroups ?? [];
      if (groups.length < 2 || !got.defaultAction) continue;
      const before = groups.map((g) => g.weight ?? 1).join('/');
      const even = Math.floor(100 / groups.length);
      for (const g of groups) g.weight = even;
      await lattice.send(
        new UpdateListenerCommand({
          serviceIdentifier: service.id,
          listenerIdentifier: listener.id,
          defaultAction: got.defaultAction,
        }),
      );
      return `LatticeListener ${l.service}/${l.name}: default forward weights set to ${groups.map(() => even).join('/')} (the manifests say ${before})`;
    }
    return undefined;
  } finally {
    lattice.destroy();
  }
}

/** Picks a node with an HTTP listener timeout and sets the per-request timeout to 30s, as a person might. */
async function changeVirtualNodeTimeout(
  user: ConsoleUser,
  nodes: readonly { mesh: string; name: string }[],
): Promise<string | undefined> {
  const client = new AppMeshClient(user);
  try {
    for (const node of nodes) {
      const out = await client.send(
        new DescribeVirtualNodeCommand({ meshName: node.mesh, virtualNodeName: node.name }),
      );
      const spec = JSON.parse(JSON.stringify(out.virtualNode?.spec ?? {})) as VirtualNodeSpec;
      const http = spec.listeners?.[0]?.timeout?.http;
      if (!http) continue;
      const was = http.perRequest ? `${http.perRequest.value}${http.perRequest.unit}` : '(none)';
      http.perRequest = { unit: 's', value: http.perRequest?.value === 30 ? 45 : 30 };
      await client.send(new UpdateVirtualNodeCommand({ meshName: node.mesh, virtualNodeName: node.name, spec }));
      // Worded without an arrow: meshward's arrows all read "value in AWS now -> value after apply".
      return `VirtualNode ${node.mesh}/${node.name}: per-request timeout set to ${http.perRequest.value}s (the manifests say ${was})`;
    }
    return undefined;
  } finally {
    client.destroy();
  }
}

/**
 * A timeout changed by hand in whatever the manifests run on: a Service Connect endpoint when an ECS service
 * declares one (the successor of an App Mesh set), else an App Mesh virtual node (the legacy backend).
 */
export async function changeATimeout(
  user: ConsoleUser,
  docs: readonly ManifestDocument[],
): Promise<string | undefined> {
  const serviceConnect = docs
    .filter((d) => d.kind === 'EcsService' && d.spec['serviceConnectConfiguration'] !== undefined)
    .map((d) => ({ cluster: String(d.spec['cluster'] ?? 'default'), name: d.metadata.name }));
  if (serviceConnect.length > 0) return changeServiceConnectTimeout(user, serviceConnect);
  const nodes = docs
    .filter((d) => d.kind === 'VirtualNode' && d.metadata.mesh)
    .map((d) => ({ mesh: d.metadata.mesh as string, name: d.metadata.name }));
  return changeVirtualNodeTimeout(user, nodes);
}

export async function runLambdaDemo(options: LambdaDemoOptions): Promise<LambdaDemoResult> {
  const { write } = options;
  const stack = options.stack ?? 'demo';
  const prefix = `meshward/${stack}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmulator } = require('../emulator/server') as typeof import('../emulator/server');
  const emulator = await startEmulator({
    port: 0,
    s3: true,
    accountId: ACCOUNT,
    identities: {
      [LOCAL_CREDENTIALS.accessKeyId]: `arn:aws:sts::${ACCOUNT}:assumed-role/meshward-reconciler/lambda`,
      [CONSOLE_KEY]: `arn:aws:iam::${ACCOUNT}:user/console-user`,
    },
  });
  const config = loadConfig({
    [ENV.stack]: stack,
    [ENV.manifests]: `s3://${BUCKET}/${prefix}`,
    [ENV.mode]: options.mode ?? 'enforce',
    [ENV.ownRoleArn]: `arn:aws:iam::${ACCOUNT}:role/meshward-reconciler`,
  });
  const slack = new ConsoleTransport(() => undefined);
  const deps = createOperatorDeps(config, {
    aws: { endpoint: emulator.endpoint, region: emulator.region, credentials: LOCAL_CREDENTIALS },
    slack,
    write: () => undefined,
    lookupIntervalMs: 0,
  });
  // The full report the Slack message links to lives in the emulator's S3: link there (path-style), not to the AWS
  // console, so the link opens while the demo's emulator runs.
  deps.reportUrlBase = `${emulator.endpoint}/${BUCKET}`;
  const consoleUser: ConsoleUser = {
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: CONSOLE_KEY, secretAccessKey: CONSOLE_KEY },
  };
  try {
    await ensureBucket(deps.clients.s3, BUCKET);
    const paths = options.paths && options.paths.length > 0 ? options.paths : ['manifests/'];
    const validation = await validateManifests(paths, { cwd: options.cwd });
    const docs = validation.documents.map((d) => d.doc);
    if (validation.valid) await seedLocalInfrastructure(deps.aws, docs);
    const pub = await publishManifests({
      paths,
      to: `s3://${BUCKET}/${prefix}`,
      cwd: options.cwd,
      client: deps.clients.s3,
    });
    if (!pub.ok) throw new Error(`the manifests are invalid; run "meshward validate" first`);

    const published = await handleEvent(
      envelope(
        'aws.s3',
        'Object Created',
        { bucket: { name: BUCKET }, object: { key: `${prefix}/current.json` } },
        'demo-s3',
      ),
      deps,
    );
    write(
      `  published ${pub.uploaded} file(s) to s3://${BUCKET}/${prefix} · S3 event -> ${published.view?.status ?? published.status} ("${published.published ?? '-'}")\n`,
    );

    const change = await changeATimeout(consoleUser, docs);
    write(`  in the console, as console-user: ${change ?? 'nothing with a timeout to change'}\n`);

    const write0 = [...emulator.servedWrites()]
      .reverse()
      .find((w) => w.accessKeyId === CONSOLE_KEY && w.errorCode === undefined);
    const cloudTrailEvent = write0
      ? toCloudTrailApiCallEvent(write0, emulator.region, emulator.accountId)
      : envelope('aws.events', 'Scheduled Event', {}, 'demo-schedule');
    const before = slack.sent.length;
    const drift = await handleEvent(cloudTrailEvent, deps);
    write(
      `  CloudTrail event ${write0?.eventName ?? ''} -> ${drift.view?.status ?? drift.status} ("${drift.published ?? '-'}")\n`,
    );
    const message =
      slack.sent.slice(before).find((m) => m.update === undefined)?.message ??
      (drift.view ? renderSlackReport(drift.view) : undefined);
    const slackText = message ? slackAsText(message.blocks) : '';
    write(`\nWhat Slack receives:\n${slackText}\n`);

    // The hourly schedule's run: enforce mode put the declared value back, so there is nothing left to do.
    const scheduled = await handleEvent(envelope('aws.events', 'Scheduled Event', {}, 'demo-schedule-after'), deps);
    const after = scheduled.view?.status ?? scheduled.status;
    write(`\n  next scheduled run -> ${after}\n`);
    return { published, drift, slackText, ...(change !== undefined ? { change } : {}), after };
  } finally {
    deps.clients.destroy();
    deps.aws.destroy();
    await emulator.stop();
  }
}

/** A terminal rendering of Block Kit: headers, sections and context lines, indented. */
export function slackAsText(blocks: ReturnType<typeof renderSlackReport>['blocks']): string {
  const lines: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header') lines.push(`  ${block.text.text}`);
    else if (block.type === 'context') lines.push(...block.elements.map((e) => `  ${e.text}`));
    else if (block.type === 'divider') lines.push('  ' + '-'.repeat(40));
    else {
      if (block.text) lines.push(...block.text.text.split('\n').map((l) => `  ${l}`));
      if (block.fields) lines.push(`  ${block.fields.map((f) => f.text.replace('\n', ': ')).join('   ')}`);
    }
  }
  // Slack shows its links as their labels and its entities as characters; so does the terminal (the text was made
  // printable when rendered).
  return lines
    .join('\n')
    .replace(/<([^|>\s]+)\|([^>]*)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
