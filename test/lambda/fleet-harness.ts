/**
 * A fleet on one local AWS: stacks in the operator's account and in others (told apart by the access keys the
 * emulator's STS issues for each assumed role), one S3 bucket for every stack's manifests and state, and SQS
 * records built the way Lambda's event source mapping delivers a FIFO queue's messages.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { toCloudTrailApiCallEvent } from '../../src/emulator/cloudtrail/events';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server';
import { ENV, loadFleetConfig } from '../../src/operator/config';
import { createFleetDeps, type FleetDeps } from '../../src/operator/fleet';
import { publishManifests } from '../../src/operator/publish';
import { WebhookTransport } from '../../src/notify/slack-transport';
import { startSlackSink, type SlackSink } from '../notify/slack-sink';
import { manifestDir } from '../operator/helpers';

export const OPERATOR_ACCOUNT = '111122223333';
export const OPERATOR_KEY = 'AKIAMESHWARDFLEETOP';
export const HUMAN_KEY = 'AKIAFLEETHUMAN';
export const FLEET_BUCKET = 'meshward-fleet';
export const ROLE_NAME = 'meshward-reconciler';

/** Stack name -> its account (the operator's own, or another one reached through the role). */
export type FleetLayout = Record<string, string>;

export interface FleetHarness {
  emulator: Emulator;
  sink: SlackSink;
  fleet: FleetDeps;
  human: AppMeshClient;
  layout: FleetLayout;
  publish(stack: string, files: Record<string, string>, revision: string): Promise<void>;
  /** An S3 "Object Created" event for the stack's pointer, as EventBridge sends it. */
  s3Event(stack: string): object;
  /** What the stack's EventBridge Scheduler schedule puts on the queue (infra: the schedule's input). */
  scheduleMessage(stack: string): object;
  /** The CloudTrail event of the newest successful write by the human key, in the stack's account. */
  lastHumanCallEvent(stack: string): object;
  close(): Promise<void>;
}

let sequence = 18_000_000_000_000_000_000;

/** One SQS record as Lambda's event source mapping delivers a FIFO queue's message. */
export function sqsRecord(stack: string, body: object | string, opts: { attempt?: number } = {}): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const now = String(Date.now());
  sequence += 1;
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${createHash('sha256').update(text).digest('base64')}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: String(opts.attempt ?? 1),
      SentTimestamp: now,
      SenderId: 'AROAEVENTBRIDGE:events',
      ApproximateFirstReceiveTimestamp: now,
      SequenceNumber: String(sequence),
      MessageGroupId: stack,
      // Content-based deduplication (infra): the SHA-256 of the body, which holds the event's id.
      MessageDeduplicationId: createHash('sha256').update(text).digest('hex'),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:${OPERATOR_ACCOUNT}:meshward-events.fifo`,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

export async function startFleet(
  layout: FleetLayout,
  opts: { emulator?: EmulatorOptions; mode?: 'enforce' | 'detect' } = {},
): Promise<FleetHarness> {
  const emulator = await startEmulator({
    port: 0,
    s3: true,
    accountId: OPERATOR_ACCOUNT,
    identities: {
      [OPERATOR_KEY]: `arn:aws:sts::${OPERATOR_ACCOUNT}:assumed-role/${ROLE_NAME}/fleet`,
      [HUMAN_KEY]: `arn:aws:iam::${OPERATOR_ACCOUNT}:user/alice`,
    },
    ...opts.emulator,
  });
  const sink = await startSlackSink();
  const fleetJson = JSON.stringify({
    roleName: ROLE_NAME,
    stacks: Object.fromEntries(Object.entries(layout).map(([stack, account]) => [stack, { account }])),
  });
  const config = loadFleetConfig({
    [ENV.fleet]: fleetJson,
    [ENV.manifests]: `s3://${FLEET_BUCKET}/meshward`,
    [ENV.mode]: opts.mode ?? 'enforce',
    [ENV.ownRoleArn]: `arn:aws:iam::${OPERATOR_ACCOUNT}:role/${ROLE_NAME}`,
  });
  const fleet = createFleetDeps(config, {
    aws: {
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: OPERATOR_KEY, secretAccessKey: 'x' },
      maxAttempts: 2,
      disableRateLimit: true,
    },
    slack: new WebhookTransport(`${sink.url}/services/T0/B0/fleet`, { rateLimit: { sleep: async () => undefined } }),
    write: () => undefined,
    lookupIntervalMs: 0,
  });
  const first = fleet.depsFor(fleet.stacks[0] ?? '');
  await first?.clients.s3.send(new CreateBucketCommand({ Bucket: FLEET_BUCKET }));
  const human = new AppMeshClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: HUMAN_KEY, secretAccessKey: 'y' },
  });
  const envelope = (stack: string, source: string, detailType: string, detail: object): object => ({
    version: '0',
    id: randomUUID(),
    source,
    'detail-type': detailType,
    account: layout[stack],
    region: 'us-east-1',
    time: new Date().toISOString(),
    resources: [],
    detail,
  });
  return {
    emulator,
    sink,
    fleet,
    human,
    layout,
    async publish(stack, files, revision) {
      const deps = fleet.depsFor(stack);
      if (!deps) throw new Error(`no stack ${stack}`);
      const result = await publishManifests({
        paths: ['manifests'],
        to: `s3://${FLEET_BUCKET}/meshward/${stack}`,
        revision,
        cwd: manifestDir(files),
        client: deps.clients.s3,
        git: {},
      });
      if (!result.ok) throw new Error(`publish failed: ${JSON.stringify(result.issues)}`);
    },
    s3Event: (stack) =>
      envelope(stack, 'aws.s3', 'Object Created', {
        bucket: { name: FLEET_BUCKET },
        object: { key: `meshward/${stack}/current.json` },
      }),
    scheduleMessage: (stack) => ({
      version: '0',
      id: `schedule-${stack}-${randomUUID()}`,
      source: 'aws.scheduler',
      'detail-type': 'Scheduled Event',
      time: new Date().toISOString(),
      detail: {},
    }),
    lastHumanCallEvent(stack) {
      const write = [...emulator.servedWrites()]
        .reverse()
        .find((w) => w.accessKeyId === HUMAN_KEY && w.errorCode === undefined);
      if (!write) throw new Error('no write by the human key');
      return toCloudTrailApiCallEvent(write, emulator.region, layout[stack] ?? OPERATOR_ACCOUNT);
    },
    async close() {
      human.destroy();
      for (const stack of fleet.stacks) fleet.depsFor(stack)?.aws.destroy();
      fleet.depsFor(fleet.stacks[0] ?? '')?.clients.destroy();
      await sink.close();
      await emulator.stop();
    },
  };
}

/** A mesh and one virtual node per stack, named after it, so stacks never share a resource. */
export function stackManifests(stack: string, nodes = 1, perRequest = '15s'): Record<string, string> {
  const files: Record<string, string> = {
    'mesh.yaml': `apiVersion: meshward.dev/v1alpha1\nkind: Mesh\nmetadata:\n  name: mesh-${stack}\nspec: {}\n`,
  };
  for (let i = 0; i < nodes; i += 1) {
    files[`node-${i}.yaml`] = `apiVersion: meshward.dev/v1alpha1
kind: VirtualNode
metadata:
  name: node-${i}
  mesh: mesh-${stack}
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
      timeout:
        http:
          perRequest: ${perRequest}
  serviceDiscovery:
    dns: { hostname: node-${i}.${stack}.local }
`;
  }
  return files;
}
