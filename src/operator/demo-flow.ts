/**
 * The Lambda flow as a guided tour, for `meshward demo` to end with: publish the manifests to a fresh in-process
 * emulator's S3, handle the S3 event (resources created), change a virtual node "in the console" as another user,
 * handle the matching CloudTrail event, and print the drift report as Slack would show it. Nothing touches AWS.
 */
import {
  AppMeshClient,
  DescribeVirtualNodeCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
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
  /** Narration and the Slack message, as text. */
  write: (text: string) => void;
}

export interface LambdaDemoResult {
  published: RunResult;
  drift: RunResult;
  /** The drift message as Slack would receive it. */
  slackText: string;
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

/** Picks a node with an HTTP listener timeout and sets the per-request timeout to 30s, as a person might. */
async function changeInTheConsole(
  client: AppMeshClient,
  nodes: readonly { mesh: string; name: string }[],
): Promise<string | undefined> {
  for (const node of nodes) {
    const out = await client.send(new DescribeVirtualNodeCommand({ meshName: node.mesh, virtualNodeName: node.name }));
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
}

export async function runLambdaDemo(options: LambdaDemoOptions): Promise<LambdaDemoResult> {
  const { write } = options;
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
    [ENV.stack]: 'demo',
    [ENV.manifests]: `s3://${BUCKET}/meshward/demo`,
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
  const consoleUser = new AppMeshClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: CONSOLE_KEY, secretAccessKey: CONSOLE_KEY },
  });
  try {
    write(`Lambda flow (${config.mode} mode): publish to S3, S3 event, reconcile, change by hand, CloudTrail event\n`);
    await ensureBucket(deps.clients.s3, BUCKET);
    const paths = options.paths && options.paths.length > 0 ? options.paths : ['manifests/'];
    const validation = await validateManifests(paths, { cwd: options.cwd });
    if (validation.valid)
      await seedLocalInfrastructure(
        deps.aws,
        validation.documents.map((d) => d.doc),
      );
    const pub = await publishManifests({
      paths,
      to: `s3://${BUCKET}/meshward/demo`,
      cwd: options.cwd,
      client: deps.clients.s3,
    });
    if (!pub.ok) throw new Error(`the manifests are invalid; run "meshward validate" first`);
    write(`  published ${pub.uploaded} file(s) as revision ${pub.pointer.revision.slice(0, 12)}\n`);

    const published = await handleEvent(
      envelope(
        'aws.s3',
        'Object Created',
        { bucket: { name: BUCKET }, object: { key: 'meshward/demo/current.json' } },
        'demo-s3',
      ),
      deps,
    );
    write(
      `  S3 event -> ${published.view?.status ?? published.status}; outcome event "${published.published ?? '-'}"\n`,
    );

    const nodes = validation.documents
      .filter((d) => d.doc.kind === 'VirtualNode' && d.doc.metadata.mesh)
      .map((d) => ({ mesh: d.doc.metadata.mesh as string, name: d.doc.metadata.name }));
    const change = await changeInTheConsole(consoleUser, nodes);
    write(`  in the console, as console-user: ${change ?? 'no virtual node with an HTTP timeout to change'}\n`);

    const write0 = [...emulator.servedWrites()]
      .reverse()
      .find((w) => w.accessKeyId === CONSOLE_KEY && w.errorCode === undefined);
    const cloudTrailEvent = write0
      ? toCloudTrailApiCallEvent(write0, emulator.region, emulator.accountId)
      : envelope('aws.events', 'Scheduled Event', {}, 'demo-schedule');
    const before = slack.sent.length;
    const drift = await handleEvent(cloudTrailEvent, deps);
    write(`  CloudTrail event -> ${drift.view?.status ?? drift.status}; outcome event "${drift.published ?? '-'}"\n`);
    const message =
      slack.sent.slice(before).find((m) => m.update === undefined)?.message ??
      (drift.view ? renderSlackReport(drift.view) : undefined);
    const slackText = message ? slackAsText(message.blocks) : '';
    write(`\nWhat Slack receives:\n${slackText}\n`);
    return { published, drift, slackText };
  } finally {
    consoleUser.destroy();
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
