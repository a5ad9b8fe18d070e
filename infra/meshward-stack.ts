/**
 * The meshward operator in one AWS account: manifest bucket, reconciler Lambda, the EventBridge rules that start
 * it, the Slack secret, least-privilege IAM and alarms. Synthesizes without credentials (environment-agnostic).
 */
import * as path from 'node:path';
import {
  Annotations,
  Aws,
  CfnOutput,
  CfnParameter,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
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
import { ownershipTags } from '../src/aws/ownership';
import { SLACK_SECRET_UNSET } from '../src/notify/slack-secret';
import { ENV } from '../src/operator/config';
// The handler's own lists: the rules forward exactly the write calls the handler treats as changes.
import { WATCHED_SOURCES, WRITE_EVENT_NAMES } from '../src/operator/events';
import { keyUnder } from '../src/operator/s3-uri';
import { acknowledgeWildcardResources, type ReasonedStatement } from './nag';
import {
  APPMESH_ACTIONS,
  CLOUD_MAP_ACTIONS,
  CLOUD_MAP_NAMESPACE_ACTIONS,
  ECS_ACTIONS,
  LATTICE_ACTIONS,
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
  /**
   * Meshes the operator may touch; App Mesh resources are scoped to them. Empty = every mesh in the account and
   * region (updates and deletes still only on resources tagged for this stack; synth warns).
   */
  meshNames?: string[];
  /** ECS clusters the operator may touch; services are scoped to them. Empty = every cluster (synth warns). */
  clusterNames?: string[];
  /** Cloud Map namespace ids (`ns-...`) the operator may create services in. Empty = every namespace (synth warns). */
  namespaceIds?: string[];
  /** VPC Lattice service network ids (`sn-...`) the operator may touch. Empty = every network (synth warns). */
  latticeServiceNetworkIds?: string[];
  /** Task and execution roles the manifests' task definitions use: the only roles iam:PassRole allows. */
  passRoleArns?: string[];
  /**
   * Use an existing Slack secret instead of creating one. Without it the stack creates the secret from the
   * `SlackDestination` parameter (`cdk deploy --parameters SlackDestination=https://hooks.slack.com/...`); left at
   * its default the secret holds a placeholder, the operator logs that Slack is off, and the SlackSecretArn output
   * says how to set it.
   */
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

    let secret: secretsmanager.ISecret;
    if (props.slackSecretArn) {
      secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'SlackSecret', props.slackSecretArn);
    } else {
      // Never a generated value: a random string is no Slack destination, and Slack would be off without a word.
      const destination = new CfnParameter(this, 'SlackDestination', {
        type: 'String',
        noEcho: true,
        default: SLACK_SECRET_UNSET,
        minLength: 1,
        description:
          'Slack incoming webhook URL, or {"botToken": "xoxb-...", "channel": "C..."}. Left at the default, Slack ' +
          'stays off until the secret (output SlackSecretArn) is set.',
      });
      const created = new secretsmanager.Secret(this, 'SlackSecret', {
        description: `meshward ${stackName}: Slack webhook URL, or {"botToken": "xoxb-...", "channel": "C..."}`,
        secretStringValue: SecretValue.cfnParameter(destination),
      });
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Slack webhook URLs and bot tokens are issued by Slack; AWS cannot rotate them automatically.',
      });
      secret = created;
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

    const manifestsUri = `s3://${this.bucket.bucketName}/${manifestPrefix}`.replace(/\/$/, '');
    new CfnOutput(this, 'ManifestBucket', { value: this.bucket.bucketName, description: 'Bucket of the manifests' });
    new CfnOutput(this, 'ManifestPrefix', {
      value: manifestPrefix === '' ? '(bucket root)' : manifestPrefix,
      description: 'Key prefix the operator reads its manifests from',
    });
    new CfnOutput(this, 'ReconcilerFunction', { value: this.fn.functionName, description: 'The reconciler Lambda' });
    new CfnOutput(this, 'SlackSecretArn', {
      value: secret.secretArn,
      description: props.slackSecretArn
        ? 'The Slack secret given to the stack'
        : 'Slack is off until this secret holds a webhook URL or bot token JSON (deploy with --parameters ' +
          'SlackDestination=..., or: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string ...)',
    });
    new CfnOutput(this, 'PublishCommand', {
      value: `npx meshward publish manifests/ --to ${manifestsUri}`,
      description: 'How to publish a manifest set (CI runs this on merge)',
    });
  }

  private grantOperator(
    role: iam.Role,
    props: MeshwardStackProps,
    logGroup: logs.LogGroup,
    manifestPrefix: string,
    statePrefix: string,
  ): void {
    const stackName = props.meshwardStack ?? 'default';
    const arn = (service: string, resource: string): string =>
      `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    const configured = (list: string[] | undefined, what: string, option: string): string[] | undefined => {
      if (list && list.length > 0) return list;
      Annotations.of(this).addWarningV2(
        `meshward:unscoped-${option}`,
        `no ${option} configured: the reconciler may create ${what} anywhere in the account and region ` +
          `(updates and deletes stay limited to resources tagged for stack "${stackName}")`,
      );
      return undefined;
    };
    const meshes = configured(props.meshNames, 'App Mesh resources in every mesh', 'meshNames');
    const clusters = configured(props.clusterNames, 'ECS services in every cluster', 'clusterNames');
    const namespaces = configured(props.namespaceIds, 'Cloud Map services in every namespace', 'namespaceIds');
    const networks = configured(
      props.latticeServiceNetworkIds,
      'VPC Lattice associations in every service network',
      'latticeServiceNetworkIds',
    );
    // Only what carries both ownership tags for this stack: the role cannot touch (or re-tag, or adopt) anything
    // else, whatever the code asks for. Adoption is a person's decision: `meshward apply` with their credentials.
    const tags = ownershipTags(stackName);
    const ownedOnly = {
      StringEquals: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
    };
    const taggedOnCreate = {
      StringEquals: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    };
    const meshArns = (meshes ?? ['*']).flatMap((m) => [arn('appmesh', `mesh/${m}`), arn('appmesh', `mesh/${m}/*`)]);
    const serviceArns = (clusters ?? ['*']).map((c) => arn('ecs', `service/${c}/*`));
    const scope = (list: string[] | undefined, what: string): string =>
      list
        ? `inside the configured ${what} (${list.join(', ')})`
        : `in any of the account's ${what} (none configured: synth warned)`;

    const statements: ReasonedStatement[] = [
      {
        statement: new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.logGroupArn}`],
        }),
        reason: "The log streams of the reconciler's own log group (stream names are generated by Lambda).",
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'ReadManifestsAndState',
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects(keyUnder(manifestPrefix, '*'))],
        }),
        reason: "Objects under the stack's own manifest prefix: the published revisions, the pointer and the state.",
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'ListState',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [keyUnder(manifestPrefix, '*')] } },
        }),
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'WriteState',
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [this.bucket.arnForObjects(`${statePrefix}/*`)],
        }),
        reason: "Objects under the stack's state prefix only (state, lock, snapshots): never the manifests.",
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'AppMeshCreate',
          actions: APPMESH_ACTIONS.create,
          resources: meshArns,
          conditions: taggedOnCreate,
        }),
        reason: `Creates of App Mesh resources ${scope(meshes, 'meshes')} carrying this stack's ownership tags.`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'AppMeshOwned',
          actions: APPMESH_ACTIONS.owned,
          resources: meshArns,
          conditions: ownedOnly,
        }),
        reason: `Updates, deletes and tag changes ${scope(meshes, 'meshes')}, only of resources tagged for this stack.`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'AppMeshTagOnCreate',
          // App Mesh authorizes the tags of a Create* as appmesh:TagResource on a resource that has no tags yet.
          actions: ['appmesh:TagResource'],
          resources: meshArns,
          conditions: taggedOnCreate,
        }),
        reason: `Tagging ${scope(meshes, 'meshes')} only with this stack's ownership tags (tags on create).`,
      },
      {
        statement: new iam.PolicyStatement({ sid: 'AppMeshRead', actions: APPMESH_ACTIONS.read, resources: meshArns }),
        reason: `Describes and lists ${scope(meshes, 'meshes')}.`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'AppMeshListMeshes',
          actions: APPMESH_ACTIONS.unscoped,
          resources: ['*'],
        }),
        reason: 'appmesh:ListMeshes has no resource type: "*" is the only valid resource.',
      },
      {
        statement: new iam.PolicyStatement({ sid: 'EcsCreate', actions: ECS_ACTIONS.create, resources: serviceArns }),
        reason: `CreateService ${scope(clusters, 'clusters')}; service names are chosen by the manifests.`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'EcsOwned',
          actions: ECS_ACTIONS.owned,
          resources: serviceArns,
          conditions: ownedOnly,
        }),
        reason: `Updates, deletes and tag changes of services ${scope(clusters, 'clusters')} tagged for this stack.`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'EcsTagOnCreate',
          // The ownership tags ride on CreateService and RegisterTaskDefinition (tag-on-create needs TagResource).
          actions: ['ecs:TagResource'],
          resources: [...serviceArns, arn('ecs', 'task-definition/*')],
          conditions: {
            StringEquals: {
              'ecs:CreateAction': ['CreateService', 'RegisterTaskDefinition'],
              ...taggedOnCreate.StringEquals,
            },
          },
        }),
        reason:
          "Tags on create only (ecs:CreateAction), with this stack's ownership tags: the services above and task " +
          'definition revisions, whose family names come from the manifests.',
      },
      {
        statement: new iam.PolicyStatement({ sid: 'EcsRead', actions: ECS_ACTIONS.read, resources: serviceArns }),
        reason: `DescribeServices ${scope(clusters, 'clusters')}.`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'EcsUnscoped',
          actions: ECS_ACTIONS.unscoped,
          resources: ['*'],
        }),
        reason:
          'RegisterTaskDefinition, DescribeTaskDefinition and ListServices have no resource type: "*" is the only ' +
          'valid resource.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapCreate',
          actions: CLOUD_MAP_ACTIONS.create,
          resources: [
            ...(namespaces ?? ['*']).map((ns) => arn('servicediscovery', `namespace/${ns}`)),
            arn('servicediscovery', 'service/*'),
          ],
        }),
        reason: `Cloud Map services ${scope(namespaces, 'namespaces')}; a new service's id (srv-...) is generated.`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapTagOnCreate',
          actions: CLOUD_MAP_ACTIONS.tagOnCreate,
          resources: [arn('servicediscovery', 'service/*')],
          conditions: taggedOnCreate,
        }),
        reason: 'Only the ownership tags of this stack, on services (ids are generated at create).',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapRead',
          actions: CLOUD_MAP_ACTIONS.read,
          resources: [
            ...(namespaces ?? ['*']).map((ns) => arn('servicediscovery', `namespace/${ns}`)),
            arn('servicediscovery', 'service/*'),
          ],
        }),
        reason: `Reads of namespaces ${scope(namespaces, 'namespaces')} and of services (ids are generated).`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapUnscoped',
          actions: CLOUD_MAP_ACTIONS.unscoped,
          resources: ['*'],
        }),
        reason: 'servicediscovery:ListServices and ListNamespaces have no resource type.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapServiceOwned',
          actions: CLOUD_MAP_ACTIONS.owned,
          resources: [arn('servicediscovery', 'service/*')],
          conditions: ownedOnly,
        }),
        reason: "Deletes only Cloud Map services carrying this stack's ownership tags (service ids are generated).",
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapNamespaceCreate',
          actions: CLOUD_MAP_NAMESPACE_ACTIONS.create,
          resources: ['*'],
          conditions: taggedOnCreate,
        }),
        reason:
          'CreateHttpNamespace and CreatePrivateDnsNamespace take no namespace resource (the id is generated): ' +
          "allowed only with this stack's ownership tags in the request.",
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapNamespaceOwned',
          actions: CLOUD_MAP_NAMESPACE_ACTIONS.owned,
          resources: (namespaces ?? ['*']).map((ns) => arn('servicediscovery', `namespace/${ns}`)),
          conditions: ownedOnly,
        }),
        reason: "Updates, untags and deletes only namespaces carrying this stack's ownership tags (ids are generated).",
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapNamespaceRead',
          actions: CLOUD_MAP_NAMESPACE_ACTIONS.read,
          resources: [
            ...(namespaces ?? ['*']).map((ns) => arn('servicediscovery', `namespace/${ns}`)),
            arn('servicediscovery', 'service/*'),
          ],
        }),
        reason: `Tag reads of namespaces ${scope(namespaces, 'namespaces')} and of services (ids are generated).`,
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'CloudMapOperations',
          actions: CLOUD_MAP_NAMESPACE_ACTIONS.unscoped,
          resources: ['*'],
        }),
        reason: 'servicediscovery:GetOperation (polling an asynchronous namespace write) has no resource type.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'LatticeCreate',
          actions: LATTICE_ACTIONS.create,
          resources: [
            ...(networks ?? ['*']).map((sn) => arn('vpc-lattice', `servicenetwork/${sn}`)),
            ...[
              'service/*',
              'targetgroup/*',
              'servicenetworkvpcassociation/*',
              'servicenetworkserviceassociation/*',
              'accesslogsubscription/*',
            ].map((r) => arn('vpc-lattice', r)),
          ],
          conditions: taggedOnCreate,
        }),
        reason:
          `Creates ${scope(networks, 'service networks')} that carry this stack's ownership tags; Lattice ids ` +
          '(svc-, tg-, listener-, rule-...) are generated at create, so below the network they cannot be named.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'LatticeOwned',
          actions: LATTICE_ACTIONS.owned,
          resources: [
            ...(networks ?? ['*']).map((sn) => arn('vpc-lattice', `servicenetwork/${sn}`)),
            ...[
              'service/*',
              'targetgroup/*',
              'servicenetworkvpcassociation/*',
              'servicenetworkserviceassociation/*',
              'accesslogsubscription/*',
            ].map((r) => arn('vpc-lattice', r)),
          ],
          conditions: ownedOnly,
        }),
        reason: 'Updates, deletes and tag changes only of Lattice resources tagged for this stack (ids are generated).',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'LatticeRead',
          actions: LATTICE_ACTIONS.read,
          resources: [arn('vpc-lattice', '*')],
        }),
        reason: 'Lattice Get calls in this account and region: they name generated ids (sn-, svc-, tg-...).',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'LatticeList',
          actions: LATTICE_ACTIONS.unscoped,
          resources: ['*'],
        }),
        reason: 'The VPC Lattice List calls have no resource type: "*" is the only valid resource.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'Attribution',
          actions: ['cloudtrail:LookupEvents'],
          resources: ['*'],
        }),
        reason: 'cloudtrail:LookupEvents has no resource type: "*" is the only valid resource.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'PublishOutcome',
          actions: ['events:PutEvents'],
          resources: [arn('events', 'event-bus/default')],
        }),
      },
    ];
    if (props.passRoleArns && props.passRoleArns.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'PassTaskRoles',
          actions: ['iam:PassRole'],
          resources: props.passRoleArns,
          conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        }),
        reason: 'The task and execution roles given in passRoleArns, passed to ECS tasks only.',
      });
    }
    const policy = new iam.Policy(this, 'ReconcilerPolicy', { statements: statements.map((s) => s.statement) });
    policy.attachToRole(role);
    acknowledgeWildcardResources(policy, statements);
  }
}
