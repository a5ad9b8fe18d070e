/**
 * The meshward operator in one AWS account: manifest bucket, reconciler Lambda, the EventBridge rules that start
 * it, the Slack secret, least-privilege IAM and alarms. Synthesizes without credentials (environment-agnostic).
 */
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';

import type { Construct } from 'constructs';
import { ENV } from '../src/operator/config';
// The handler's own lists: the rules forward exactly the write calls the handler treats as changes.
import { WATCHED_SOURCES, WRITE_EVENT_NAMES } from '../src/operator/events';
import { keyUnder } from '../src/operator/s3-uri';
import { acknowledgeWildcardResources } from './nag';
import {
  APPMESH_ACTIONS,
  CLOUD_MAP_READ_ACTIONS,
  CLOUD_MAP_WRITE_ACTIONS,
  ECS_READ_ACTIONS,
  ECS_WRITE_ACTIONS,
} from './iam-actions';

export interface MeshwardStackProps extends StackProps {
  /** The meshward stack name (ownership tag value); one operator per meshward stack. */
  meshwardStack?: string;
  mode?: 'enforce' | 'detect';
  /** Key prefix of the manifests inside the bucket (no leading or trailing slash). */
  manifestPrefix?: string;
  scheduleRate?: Duration;
  prune?: boolean;
  maxDeletes?: number;
  /** Meshes the operator may touch; resources are scoped to them. Empty = every mesh in the account/region. */
  meshNames?: string[];
  /** ECS clusters the operator may touch; services are scoped to them. Empty = every cluster. */
  clusterNames?: string[];
  /** Task and execution roles the manifests' task definitions use: the only roles iam:PassRole allows. */
  passRoleArns?: string[];
  /** Use an existing Slack secret instead of creating one. */
  slackSecretArn?: string;
  slackChannel?: string;
  /** The bundled handler (`npx tsx lambda/build.ts` writes dist/lambda); tests pass inline code. */
  code?: lambda.Code;
  /** Sized from bench/lambda.ts: the bundle loads in well under a second; a reconcile of the reference mesh
   * makes ~40 API calls. 512 MB keeps CPU (proportional to memory) high enough for a fast cold start. */
  memorySize?: number;
  timeout?: Duration;
}

export const DEFAULT_CODE_DIR = path.join(__dirname, '..', 'dist', 'lambda');
export const METRICS_NAMESPACE = 'Meshward';

export class MeshwardStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly fn: lambda.Function;
  readonly deadLetterQueue: sqs.Queue;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly driftAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MeshwardStackProps = {}) {
    super(scope, id, props);
    const stackName = props.meshwardStack ?? 'default';
    const mode = props.mode ?? 'detect';
    const manifestPrefix = (props.manifestPrefix ?? `meshward/${stackName}`).replace(/^\/+|\/+$/g, '');
    // keyUnder: a manifest prefix of '' (the bucket root) must not produce keys with a leading slash.
    const pointerKey = keyUnder(manifestPrefix, 'current.json');
    const statePrefix = keyUnder(manifestPrefix, `_state/${stackName}`);
    const schedule = props.scheduleRate ?? Duration.minutes(15);

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log target bucket; logging it to itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Manifests', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'manifests/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    });
    // Native CloudFormation property instead of `eventBridgeEnabled: true`, which deploys a notification custom
    // resource (an extra Lambda with s3:PutBucketNotification on "*").
    (this.bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
      'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
      true,
    );

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the reconciler.',
    });

    const secret = props.slackSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'SlackSecret', props.slackSecretArn)
      : new secretsmanager.Secret(this, 'SlackSecret', {
          description: `meshward ${stackName}: Slack webhook URL, or {"botToken": "xoxb-...", "channel": "C..."}`,
        });
    if (secret instanceof secretsmanager.Secret) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Slack webhook URLs and bot tokens are issued by Slack; AWS cannot rotate them automatically.',
      });
    }

    const logGroup = new logs.LogGroup(this, 'ReconcilerLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new iam.Role(this, 'ReconcilerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `meshward reconciler for stack ${stackName}`,
    });
    this.grantOperator(role, props, logGroup, manifestPrefix, statePrefix);

    this.fn = new lambda.Function(this, 'Reconciler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'handler.handler',
      code: props.code ?? lambda.Code.fromAsset(DEFAULT_CODE_DIR),
      role,
      logGroup,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(5),
      // One reconcile per stack at a time: two concurrent applies would race each other's writes.
      reservedConcurrentExecutions: 1,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      environment: {
        [ENV.stack]: stackName,
        [ENV.manifests]: `s3://${this.bucket.bucketName}/${manifestPrefix}`.replace(/\/$/, ''),
        [ENV.state]: `s3://${this.bucket.bucketName}/${statePrefix}`,
        [ENV.mode]: mode,
        [ENV.prune]: String(props.prune ?? false),
        [ENV.maxDeletes]: String(props.maxDeletes ?? 5),
        [ENV.slackSecretArn]: secret.secretArn,
        ...(props.slackChannel ? { [ENV.slackChannel]: props.slackChannel } : {}),
        [ENV.ownRoleArn]: role.roleArn,
        [ENV.accountId]: Aws.ACCOUNT_ID,
        [ENV.eventBus]: 'default',
        [ENV.schedule]: schedule.toHumanString(),
        [ENV.metricsNamespace]: METRICS_NAMESPACE,
      },
    });
    secret.grantRead(role);
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to Node.js 22 on purpose: the esbuild bundle targets node22 and is tested on it.',
    });

    const target = new targets.LambdaFunction(this.fn, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 4 });

    new events.Rule(this, 'Schedule', {
      description: 'meshward: periodic reconcile (drift detection)',
      schedule: events.Schedule.rate(schedule),
      targets: [target],
    });
    new events.Rule(this, 'ManifestsPublished', {
      description: 'meshward: reconcile when a new manifest revision is published',
      // Only the pointer, written last by `meshward publish`: revision files and state writes never trigger.
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [pointerKey] } },
      },
      targets: [target],
    });
    // One rule per service, each with the exact write calls (eventName) of what meshward manages: an ECS agent
    // registering instances, tasks starting and stopping, or ECS registering Lattice targets never start a run.
    const ruleIds: Record<string, string> = {
      'appmesh.amazonaws.com': 'MeshWrites',
      'ecs.amazonaws.com': 'EcsWrites',
      'servicediscovery.amazonaws.com': 'CloudMapWrites',
      'vpc-lattice.amazonaws.com': 'LatticeWrites',
    };
    for (const [eventSource, names] of Object.entries(WRITE_EVENT_NAMES)) {
      new events.Rule(this, ruleIds[eventSource] ?? eventSource, {
        description: `meshward: reconcile when ${eventSource} is changed (CloudTrail write calls)`,
        eventPattern: {
          source: [WATCHED_SOURCES[eventSource] ?? ''],
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventSource: [eventSource], eventName: [...names] },
        },
        targets: [target],
      });
    }
    new events.Rule(this, 'EcsDeployments', {
      description: 'meshward: reconcile when an ECS deployment changes state',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Deployment State Change'],
        // Deployments in other clusters are none of this stack's business (the event's resources hold the service ARN).
        ...(props.clusterNames && props.clusterNames.length > 0
          ? {
              resources: events.Match.anyOf(
                ...props.clusterNames.map((cluster) =>
                  events.Match.prefix(`arn:${Aws.PARTITION}:ecs:${Aws.REGION}:${Aws.ACCOUNT_ID}:service/${cluster}/`),
                ),
              ),
            }
          : {}),
      },
      targets: [target],
    });

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ReconcilerErrors', {
      alarmDescription: `meshward ${stackName}: the reconciler Lambda failed`,
      metric: this.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.driftAlarm = new cloudwatch.Alarm(this, 'Drift', {
      alarmDescription: `meshward ${stackName}: AWS differs from the manifests (drift)`,
      // Emitted by the handler in CloudWatch Embedded Metric Format (src/operator/metrics.ts).
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'DriftCount',
        dimensionsMap: { Stack: stackName },
        period: Duration.minutes(15),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private grantOperator(
    role: iam.Role,
    props: MeshwardStackProps,
    logGroup: logs.LogGroup,
    manifestPrefix: string,
    statePrefix: string,
  ): void {
    const arn = (service: string, resource: string): string =>
      `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    const meshes = props.meshNames && props.meshNames.length > 0 ? props.meshNames : ['*'];
    const clusters = props.clusterNames && props.clusterNames.length > 0 ? props.clusterNames : ['*'];

    const policy = new iam.Policy(this, 'ReconcilerPolicy', {
      statements: [
        new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.logGroupArn}`],
        }),
        new iam.PolicyStatement({
          sid: 'ReadManifestsAndState',
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects(keyUnder(manifestPrefix, '*'))],
        }),
        new iam.PolicyStatement({
          sid: 'ListState',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [keyUnder(manifestPrefix, '*')] } },
        }),
        new iam.PolicyStatement({
          sid: 'WriteState',
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [this.bucket.arnForObjects(`${statePrefix}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'AppMeshResources',
          actions: APPMESH_ACTIONS.scoped,
          resources: meshes.flatMap((mesh) => [arn('appmesh', `mesh/${mesh}`), arn('appmesh', `mesh/${mesh}/*`)]),
        }),
        new iam.PolicyStatement({
          sid: 'AppMeshList',
          // ListMeshes has no resource-level permissions.
          actions: APPMESH_ACTIONS.unscoped,
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'EcsServices',
          actions: ECS_WRITE_ACTIONS.scoped,
          resources: [
            ...clusters.map((cluster) => arn('ecs', `service/${cluster}/*`)),
            // Tags on registered task definitions.
            arn('ecs', 'task-definition/*'),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'EcsTaskDefinitionsAndReads',
          // RegisterTaskDefinition, DescribeTaskDefinition and the List calls support no resource-level scoping.
          actions: [...ECS_WRITE_ACTIONS.unscoped, ...ECS_READ_ACTIONS],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'CloudMapServices',
          actions: CLOUD_MAP_WRITE_ACTIONS,
          // Services are created inside existing namespaces; Cloud Map ARNs carry generated ids, not names.
          resources: [arn('servicediscovery', 'namespace/*'), arn('servicediscovery', 'service/*')],
        }),
        new iam.PolicyStatement({
          sid: 'CloudMapReads',
          actions: CLOUD_MAP_READ_ACTIONS,
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'Attribution',
          // CloudTrail LookupEvents has no resource-level permissions.
          actions: ['cloudtrail:LookupEvents'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'PublishOutcome',
          actions: ['events:PutEvents'],
          resources: [arn('events', 'event-bus/default')],
        }),
      ],
    });
    if (props.passRoleArns && props.passRoleArns.length > 0) {
      policy.addStatements(
        new iam.PolicyStatement({
          sid: 'PassTaskRoles',
          actions: ['iam:PassRole'],
          resources: props.passRoleArns,
          conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        }),
      );
    }
    policy.attachToRole(role);
    acknowledgeWildcardResources(
      policy,
      'Wildcards are resource-only and bounded: objects under the manifest/state prefix, resources inside the ' +
        'configured meshes and clusters, and "*" solely for calls AWS does not scope (ListMeshes, ' +
        'RegisterTaskDefinition, DescribeTaskDefinition, List*, Cloud Map reads, CloudTrail LookupEvents). ' +
        'Every action is named.',
    );
  }
}
