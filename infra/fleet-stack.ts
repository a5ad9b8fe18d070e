/**
 * One meshward operator for a fleet of stacks, serialized per stack on AWS's own engines:
 *
 *   EventBridge rules (per stack: its pointer, its account's CloudTrail writes, its ECS deployments) --\
 *   EventBridge Scheduler (one schedule per stack, spread over a flexible window) -----------------------> SQS FIFO
 *   (message group = stack, content-based deduplication: the body holds the event id) -> Lambda (event source
 *   mapping, maximum concurrency N, partial batch responses) -> per stack: assume its role -> reconcile.
 *
 * SQS gives one message group to one consumer at a time, so one stack never runs twice at once while N stacks run
 * side by side; the per-stack S3 lock (engine/lock.ts) still keeps the CLI out. No scheduler, queue or lock of
 * meshward's own. Each stack is reached through a role in its account (`meshward-reconciler` by default): the
 * operator's role may only assume those roles, read the manifests and write the state.
 */
import * as path from 'node:path';
import { Aws, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../src/operator/config';
import { WATCHED_SOURCES, WRITE_EVENT_NAMES } from '../src/operator/events';
import { acknowledgeWildcardResources, type ReasonedStatement, scopedStatement } from './nag';
import { RUNTIME_ENVIRONMENT, manifestBucket, reconcilerFunction, reconcilerIdentity } from './operator-base';

export interface FleetStackEntry {
  /** The meshward stack name: the message group, the manifest prefix `meshward/<name>`, the ownership tag. */
  name: string;
  /** The account its resources live in (the operator's own is fine: it is reached through a role too). */
  account: string;
  /** Default: arn:aws:iam::<account>:role/<roleName>. */
  roleArn?: string;
  mode?: 'enforce' | 'detect';
  prune?: boolean;
  maxDeletes?: number;
}

export interface MeshwardFleetStackProps extends StackProps {
  stacks: FleetStackEntry[];
  /** The role each account holds for meshward (trusting this stack's reconciler role). */
  roleName?: string;
  mode?: 'enforce' | 'detect';
  scheduleRate?: Duration;
  /**
   * How many stacks reconcile at once (the event source mapping's maximum concurrency, 2-1000). Default 10:
   * at 50 stacks a console change waits for at most the runs ahead of it in its own stack.
   */
  maxConcurrency?: number;
  slackSecretArn?: string;
  code?: lambda.Code;
  memorySize?: number;
  timeout?: Duration;
}

export const DEFAULT_FLEET_CODE_DIR = path.join(__dirname, '..', 'dist', 'lambda');
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{0,62}$/;

export class MeshwardFleetStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: MeshwardFleetStackProps) {
    super(scope, id, props);
    const roleName = props.roleName ?? 'meshward-reconciler';
    const timeout = props.timeout ?? Duration.minutes(5);
    const rate = props.scheduleRate ?? Duration.minutes(15);
    const names = new Set<string>();
    for (const s of props.stacks) {
      if (!STACK_NAME.test(s.name)) throw new Error(`fleet stack "${s.name}" is not a valid stack name`);
      if (names.has(s.name)) throw new Error(`fleet stack "${s.name}" is listed twice`);
      if (!/^\d{12}$/.test(s.account)) throw new Error(`fleet stack "${s.name}": account must be 12 digits`);
      names.add(s.name);
    }
    if (props.stacks.length === 0) throw new Error('a fleet needs at least one stack');
    const roleOf = (s: FleetStackEntry): string =>
      s.roleArn ?? `arn:${Aws.PARTITION}:iam::${s.account}:role/${roleName}`;

    this.bucket = manifestBucket(this);

    // A FIFO queue's dead-letter queue must be FIFO too.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the reconcile queue.',
    });
    this.queue = new sqs.Queue(this, 'Reconciles', {
      fifo: true,
      // The body is the EventBridge event (or the schedule's message): same id, same body, one delivery.
      contentBasedDeduplication: true,
      // High-throughput FIFO: deduplication and throughput per message group, i.e. per stack.
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice for SQS event sources: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    let secret: secretsmanager.ISecret;
    if (props.slackSecretArn) {
      secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'SlackSecret', props.slackSecretArn);
    } else {
      const created = new secretsmanager.Secret(this, 'SlackSecret', {
        description: 'meshward fleet: Slack webhook URL, or {"botToken": "xoxb-...", "channel": "C..."}',
      });
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Slack webhook URLs and bot tokens are issued by Slack; AWS cannot rotate them automatically.',
      });
      secret = created;
    }

    const { logGroup, role } = reconcilerIdentity(this, 'meshward fleet reconciler: assumes one role per stack');

    const fleetJson = JSON.stringify({
      stacks: Object.fromEntries(
        props.stacks.map((s) => [
          s.name,
          {
            account: s.account,
            role: s.roleArn ?? `arn:aws:iam::${s.account}:role/${roleName}`,
            ...(s.mode ? { mode: s.mode } : {}),
            ...(s.prune !== undefined ? { prune: s.prune } : {}),
            ...(s.maxDeletes !== undefined ? { maxDeletes: s.maxDeletes } : {}),
          },
        ]),
      ),
    });
    if (fleetJson.length > 3500) {
      throw new Error(
        `the fleet's ${props.stacks.length} stacks make ${fleetJson.length} bytes of MESHWARD_FLEET; Lambda's ` +
          'environment holds 4 KB: split the fleet across two operators',
      );
    }

    this.fn = reconcilerFunction(this, {
      code: props.code ?? lambda.Code.fromAsset(DEFAULT_FLEET_CODE_DIR),
      role,
      logGroup,
      memorySize: props.memorySize ?? 512,
      timeout,
      // No reserved concurrency: the queue serializes per stack; the mapping's maximum concurrency bounds the rest.
      environment: {
        ...RUNTIME_ENVIRONMENT,
        [ENV.fleet]: fleetJson,
        [ENV.manifests]: `s3://${this.bucket.bucketName}/meshward`,
        [ENV.mode]: props.mode ?? 'detect',
        [ENV.slackSecretArn]: secret.secretArn,
        [ENV.ownRoleArn]: role.roleArn,
        [ENV.accountId]: Aws.ACCOUNT_ID,
        [ENV.eventBus]: 'default',
        [ENV.schedule]: rate.toHumanString(),
        [ENV.metricsNamespace]: 'Meshward',
      },
    });
    secret.grantRead(role);
    this.fn.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize: 10,
        maxConcurrency: props.maxConcurrency ?? 10,
        reportBatchItemFailures: true,
      }),
    );

    const statements: ReasonedStatement[] = [
      scopedStatement('Logs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn], {
        reason: "The log streams of the reconciler's own log group (stream names are generated by Lambda).",
      }),
      scopedStatement(
        'ReadManifestsAndState',
        ['s3:GetObject'],
        props.stacks.map((s) => this.bucket.arnForObjects(`meshward/${s.name}/*`)),
        { reason: "Objects under each fleet stack's own manifest prefix: revisions, the pointer and the state." },
      ),
      scopedStatement('ListState', ['s3:ListBucket'], [this.bucket.bucketArn], {
        conditions: { StringLike: { 's3:prefix': props.stacks.map((s) => `meshward/${s.name}/*`) } },
      }),
      scopedStatement(
        'WriteState',
        ['s3:PutObject', 's3:DeleteObject'],
        props.stacks.map((s) => this.bucket.arnForObjects(`meshward/${s.name}/_state/${s.name}/*`)),
        { reason: "Objects under each stack's state prefix only (state, lock, snapshots): never the manifests." },
      ),
      scopedStatement('AssumeStackRoles', ['sts:AssumeRole'], [...new Set(props.stacks.map(roleOf))]),
      scopedStatement(
        'PublishOutcome',
        ['events:PutEvents'],
        [`arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`],
      ),
    ];
    const policy = new iam.Policy(this, 'ReconcilerPolicy', { statements: statements.map((s) => s.statement) });
    policy.attachToRole(role);
    acknowledgeWildcardResources(policy, statements);

    // Events of other accounts reach this bus only if they may send them (each member account forwards its
    // CloudTrail write calls and ECS deployment changes here with a rule of its own).
    const members = [...new Set(props.stacks.map((s) => s.account))];
    members.forEach((account, i) => {
      new events.CfnEventBusPolicy(this, `Member${i}`, {
        statementId: `meshward-member-${account}`,
        eventBusName: 'default',
        statement: {
          Effect: 'Allow',
          Principal: { AWS: `arn:${Aws.PARTITION}:iam::${account}:root` },
          Action: 'events:PutEvents',
          Resource: `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`,
        },
      });
    });

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'meshward fleet: EventBridge Scheduler puts each stack schedule on the reconcile queue',
    });
    this.queue.grantSendMessages(schedulerRole);
    const group = new scheduler.CfnScheduleGroup(this, 'Schedules', {});
    const writeNames = [...new Set(Object.values(WRITE_EVENT_NAMES).flat())].sort();

    for (const s of props.stacks) {
      const target = new targets.SqsQueue(this.queue, { messageGroupId: s.name, retryAttempts: 4 });
      const pointerKey = `meshward/${s.name}/current.json`;
      new events.Rule(this, `Published-${s.name}`, {
        description: `meshward ${s.name}: a new manifest revision was published`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [pointerKey] } },
        },
        targets: [target],
      });
      new events.Rule(this, `Writes-${s.name}`, {
        description: `meshward ${s.name}: App Mesh / ECS / Cloud Map / Lattice writes in account ${s.account}`,
        eventPattern: {
          account: [s.account],
          source: [...new Set(Object.values(WATCHED_SOURCES))].sort(),
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventSource: Object.keys(WRITE_EVENT_NAMES).sort(), eventName: writeNames },
        },
        targets: [target],
      });
      new events.Rule(this, `Deployments-${s.name}`, {
        description: `meshward ${s.name}: ECS deployment state changes in account ${s.account}`,
        eventPattern: { account: [s.account], source: ['aws.ecs'], detailType: ['ECS Deployment State Change'] },
        targets: [target],
      });
      // The stack's own schedule: a Scheduled Event in the shape the handler classifies, its id unique per run.
      new scheduler.CfnSchedule(this, `Schedule-${s.name}`, {
        groupName: group.ref,
        description: `meshward ${s.name}: full reconcile (drift detection, prune)`,
        scheduleExpression: `rate(${rate.toMinutes()} minutes)`,
        // Spread over the window: fifty stacks do not all call AWS in the same minute.
        flexibleTimeWindow: {
          mode: 'FLEXIBLE',
          maximumWindowInMinutes: Math.min(15, Math.max(1, rate.toMinutes() - 1)),
        },
        target: {
          arn: this.queue.queueArn,
          roleArn: schedulerRole.roleArn,
          sqsParameters: { messageGroupId: s.name },
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          input: JSON.stringify({
            version: '0',
            id: `schedule-${s.name}-<aws.scheduler.execution-id>`,
            source: 'aws.scheduler',
            'detail-type': 'Scheduled Event',
            time: '<aws.scheduler.scheduled-time>',
            detail: {},
          }),
        },
      });
    }

    new CfnOutput(this, 'ManifestBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'ReconcileQueue', { value: this.queue.queueUrl });
    new CfnOutput(this, 'ReconcilerRoleArn', {
      value: role.roleArn,
      description: `Each stack's account holds a role "${roleName}" that trusts this role (sts:AssumeRole)`,
    });
  }
}
