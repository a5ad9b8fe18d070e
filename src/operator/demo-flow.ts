/**
 * The Lambda flow as a guided tour, for `meshward demo` to end with: publish the manifests to a fresh in-process
 * emulator's S3, handle the S3 event (resources created), change a timeout "in the console" as another user (a
 * Service Connect per-request timeout through ECS UpdateService, or an App Mesh virtual node's), handle the matching
 * CloudTrail event, print the drift report as Slack would show it, and check on a scheduled run that AWS is back in
 * sync. Nothing touches AWS.
 */
import type { ConsoleUser } from '../kinds/kind';
import { defaultRegistry } from '../kinds/registry';
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

export type { ConsoleUser } from '../kinds/kind';

/**
 * A change made by hand, as a person in the console would, to whatever the manifests run on: the newest backend
 * first (registry order reversed: an ECS service's Service Connect timeout, a Lattice listener's weights, then an
 * App Mesh virtual node's timeout). The line telling what changed, or undefined when nothing declared fits.
 */
export async function changeByHand(user: ConsoleUser, docs: readonly ManifestDocument[]): Promise<string | undefined> {
  for (const kind of [...defaultRegistry.kinds].reverse()) {
    const line = await kind.consoleChange?.(user, docs);
    if (line !== undefined) return line;
  }
  return undefined;
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

    const change = await changeByHand(consoleUser, docs);
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
