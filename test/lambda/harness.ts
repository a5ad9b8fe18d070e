/**
 * The operator against the local emulator: App Mesh/ECS/Cloud Map/CloudTrail/EventBridge and S3 on one port, a
 * Slack sink, and helpers that build the events EventBridge would deliver.
 */
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { toCloudTrailApiCallEvent } from '../../src/emulator/cloudtrail/events';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import { publishManifests } from '../../src/operator/publish';
import { loadConfig, ENV, type OperatorMode } from '../../src/operator/config';
import { createOperatorDeps } from '../../src/operator/deps';
import type { OperatorDeps } from '../../src/operator/run';
import { WebhookTransport } from '../../src/notify/slack-transport';
import { startSlackSink, type SlackSink } from '../notify/slack-sink';
import { manifestDir } from '../operator/helpers';

export const ACCOUNT = '111122223333';
export const OWN_ROLE = `arn:aws:iam::${ACCOUNT}:role/meshward-reconciler`;
export const OPERATOR_KEY = 'AKIAMESHWARDOPERATOR';
export const HUMAN_KEY = 'AKIAALICEINCONSOLE';
export const HUMAN_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const BUCKET = 'meshward-e2e';
export const WEBHOOK_SECRET_PART = 'E2EwebhookSECRET42';

export interface Harness {
  emulator: Emulator;
  sink: SlackSink;
  deps: OperatorDeps;
  emf: string[];
  logs: string[];
  human: AppMeshClient;
  prefix: string;
  publish(files: Record<string, string>, revision: string): Promise<void>;
  s3Event(id?: string): object;
  scheduleEvent(id?: string): object;
  /** The CloudTrail event of the newest served write made with the human's key. */
  lastHumanCallEvent(): object;
  close(): Promise<void>;
}

let counter = 0;

export async function startHarness(mode: OperatorMode, opts: { stack?: string } = {}): Promise<Harness> {
  const emulator = await startEmulator({
    port: 0,
    s3: true,
    accountId: ACCOUNT,
    identities: {
      [OPERATOR_KEY]: `arn:aws:sts::${ACCOUNT}:assumed-role/meshward-reconciler/meshward-session`,
      [HUMAN_KEY]: HUMAN_ARN,
    },
  });
  const sink = await startSlackSink();
  counter += 1;
  const stack = opts.stack ?? `e2e${counter}`;
  const prefix = `meshward/${stack}`;
  const config = loadConfig({
    [ENV.stack]: stack,
    [ENV.manifests]: `s3://${BUCKET}/${prefix}`,
    [ENV.mode]: mode,
    [ENV.ownRoleArn]: OWN_ROLE,
  });
  const emf: string[] = [];
  const logs: string[] = [];
  const credentials = { accessKeyId: OPERATOR_KEY, secretAccessKey: 'x' };
  const deps = createOperatorDeps(config, {
    aws: { endpoint: emulator.endpoint, region: 'us-east-1', credentials, maxAttempts: 2 },
    slack: new WebhookTransport(`${sink.url}/services/T0/B0/${WEBHOOK_SECRET_PART}`, {
      rateLimit: { sleep: async () => undefined },
    }),
    write: (line) => (line.includes('"_aws"') ? emf : logs).push(line),
    lookupIntervalMs: 0,
  });
  deps.redactor.add(`${sink.url}/services/T0/B0/${WEBHOOK_SECRET_PART}`);
  await deps.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const human = new AppMeshClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: HUMAN_KEY, secretAccessKey: 'y' },
  });
  const envelope = (source: string, detailType: string, detail: object, id: string): object => ({
    version: '0',
    id,
    source,
    'detail-type': detailType,
    account: ACCOUNT,
    region: 'us-east-1',
    time: new Date().toISOString(),
    resources: [],
    detail,
  });
  return {
    emulator,
    sink,
    deps,
    emf,
    logs,
    human,
    prefix,
    async publish(files, revision) {
      const cwd = manifestDir(files);
      const result = await publishManifests({
        paths: ['manifests'],
        to: `s3://${BUCKET}/${prefix}`,
        revision,
        cwd,
        client: deps.clients.s3,
        git: {},
      });
      if (!result.ok) throw new Error(`publish failed: ${JSON.stringify(result.issues)}`);
    },
    s3Event: (id = `s3-${Math.random()}`) =>
      envelope('aws.s3', 'Object Created', { bucket: { name: BUCKET }, object: { key: `${prefix}/current.json` } }, id),
    scheduleEvent: (id = `sched-${Math.random()}`) => envelope('aws.events', 'Scheduled Event', {}, id),
    lastHumanCallEvent() {
      const write = [...emulator.servedWrites()]
        .reverse()
        .find((w) => w.accessKeyId === HUMAN_KEY && w.errorCode === undefined);
      if (!write) throw new Error('no write by the human key');
      return toCloudTrailApiCallEvent(write, emulator.region, emulator.accountId);
    },
    async close() {
      human.destroy();
      deps.clients.destroy();
      deps.aws.destroy();
      await sink.close();
      await emulator.stop();
    },
  };
}
