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
import { acknowledgeWildcardResources, type ReasonedStatement, scopedStatement } from './nag';
import { RUNTIME_ENVIRONMENT, manifestBucket, reconcilerFunction, reconcilerIdentity } from './operator-base';
import {
  APPMESH_ACTIONS,
  CLOUD_MAP_ACTIONS,
  CLOUD_MAP_NAMESPACE_ACTIONS,
  ECS_ACTIONS,
  LATTICE_ACTIONS,
  PREFLIGHT_ACTIONS,
  TAGGING_ACTIONS,
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

    this.bucket = manifestBucket(this);

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

    const { logGroup, role } = reconcilerIdentity(this, `meshward reconciler for stack ${stackName}`);
    this.grantOperator(role, props, logGroup, manifestPrefix, statePrefix);

    this.fn = reconcilerFunction(this, {
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
        ...RUNTIME_ENVIRONMENT,
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
    const cloudMapArns = [
      ...(namespaces ?? ['*']).map((ns) => arn('servicediscovery', `namespace/${ns}`)),
      arn('servicediscovery', 'service/*'),
    ];
    // Lattice ids below the service network (svc-, tg-, ...) are generated at create: they cannot be named.
    const latticeArns = [
      ...(networks ?? ['*']).map((sn) => arn('vpc-lattice', `servicenetwork/${sn}`)),
      ...[
        'service/*',
        'targetgroup/*',
        'servicenetworkvpcassociation/*',
        'servicenetworkserviceassociation/*',
        'accesslogsubscription/*',
      ].map((r) => arn('vpc-lattice', r)),
    ];
    const roles = props.passRoleArns && props.passRoleArns.length > 0 ? props.passRoleArns : undefined;
    const scope = (list: string[] | undefined, what: string): string =>
      list
        ? `inside the configured ${what} (${list.join(', ')})`
        : `in any of the account's ${what} (none configured: synth warned)`;

    const statements: ReasonedStatement[] = [
      scopedStatement('Logs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`${logGroup.logGroupArn}`], {
        reason: "The log streams of the reconciler's own log group (stream names are generated by Lambda).",
      }),
      scopedStatement(
        'ReadManifestsAndState',
        ['s3:GetObject'],
        [this.bucket.arnForObjects(keyUnder(manifestPrefix, '*'))],
        {
          reason: "Objects under the stack's own manifest prefix: the published revisions, the pointer and the state.",
        },
      ),
      scopedStatement('ListState', ['s3:ListBucket'], [this.bucket.bucketArn], {
        conditions: { StringLike: { 's3:prefix': [keyUnder(manifestPrefix, '*')] } },
      }),
      scopedStatement(
        'WriteState',
        ['s3:PutObject', 's3:DeleteObject'],
        [this.bucket.arnForObjects(`${statePrefix}/*`)],
        { reason: "Objects under the stack's state prefix only (state, lock, snapshots): never the manifests." },
      ),
      scopedStatement('AppMeshCreate', APPMESH_ACTIONS.create, meshArns, {
        conditions: taggedOnCreate,
        reason: `Creates of App Mesh resources ${scope(meshes, 'meshes')} carrying this stack's ownership tags.`,
      }),
      scopedStatement('AppMeshOwned', APPMESH_ACTIONS.owned, meshArns, {
        conditions: ownedOnly,
        reason: `Updates, deletes and tag changes ${scope(meshes, 'meshes')}, only of resources tagged for this stack.`,
      }),
      // App Mesh authorizes the tags of a Create* as appmesh:TagResource on a resource that has no tags yet.
      scopedStatement('AppMeshTagOnCreate', ['appmesh:TagResource'], meshArns, {
        conditions: taggedOnCreate,
        reason: `Tagging ${scope(meshes, 'meshes')} only with this stack's ownership tags (tags on create).`,
      }),
      scopedStatement('AppMeshRead', APPMESH_ACTIONS.read, meshArns, {
        reason: `Describes and lists ${scope(meshes, 'meshes')}.`,
      }),
      scopedStatement('AppMeshListMeshes', APPMESH_ACTIONS.unscoped, ['*'], {
        reason: 'appmesh:ListMeshes has no resource type: "*" is the only valid resource.',
      }),
      scopedStatement('EcsCreate', ECS_ACTIONS.create, serviceArns, {
        reason: `CreateService ${scope(clusters, 'clusters')}; service names are chosen by the manifests.`,
      }),
      scopedStatement('EcsOwned', ECS_ACTIONS.owned, serviceArns, {
        conditions: ownedOnly,
        reason: `Updates, deletes and tag changes of services ${scope(clusters, 'clusters')} tagged for this stack.`,
      }),
      // The ownership tags ride on CreateService and RegisterTaskDefinition (tag-on-create needs TagResource).
      scopedStatement('EcsTagOnCreate', ['ecs:TagResource'], [...serviceArns, arn('ecs', 'task-definition/*')], {
        conditions: {
          StringEquals: {
            'ecs:CreateAction': ['CreateService', 'RegisterTaskDefinition'],
            ...taggedOnCreate.StringEquals,
          },
        },
        reason:
          "Tags on create only (ecs:CreateAction), with this stack's ownership tags: the services above and task " +
          'definition revisions, whose family names come from the manifests.',
      }),
      scopedStatement('EcsRead', ECS_ACTIONS.read, serviceArns, {
        reason: `DescribeServices ${scope(clusters, 'clusters')}.`,
      }),
      scopedStatement('EcsUnscoped', ECS_ACTIONS.unscoped, ['*'], {
        reason:
          'RegisterTaskDefinition, DescribeTaskDefinition and ListServices have no resource type: "*" is the only ' +
          'valid resource.',
      }),
      scopedStatement('CloudMapCreate', CLOUD_MAP_ACTIONS.create, cloudMapArns, {
        reason: `Cloud Map services ${scope(namespaces, 'namespaces')}; a new service's id (srv-...) is generated.`,
      }),
      scopedStatement('CloudMapTagOnCreate', CLOUD_MAP_ACTIONS.tagOnCreate, [arn('servicediscovery', 'service/*')], {
        conditions: taggedOnCreate,
        reason: 'Only the ownership tags of this stack, on services (ids are generated at create).',
      }),
      scopedStatement('CloudMapRead', CLOUD_MAP_ACTIONS.read, cloudMapArns, {
        reason: `Reads of namespaces ${scope(namespaces, 'namespaces')} and of services (ids are generated).`,
      }),
      scopedStatement('CloudMapUnscoped', CLOUD_MAP_ACTIONS.unscoped, ['*'], {
        reason: 'servicediscovery:ListServices and ListNamespaces have no resource type.',
      }),
      scopedStatement('CloudMapServiceOwned', CLOUD_MAP_ACTIONS.owned, [arn('servicediscovery', 'service/*')], {
        conditions: ownedOnly,
        reason: "Deletes only Cloud Map services carrying this stack's ownership tags (service ids are generated).",
      }),
      scopedStatement('CloudMapNamespaceCreate', CLOUD_MAP_NAMESPACE_ACTIONS.create, ['*'], {
        conditions: taggedOnCreate,
        reason:
          'CreateHttpNamespace and CreatePrivateDnsNamespace take no namespace resource (the id is generated): ' +
          "allowed only with this stack's ownership tags in the request.",
      }),
      scopedStatement(
        'CloudMapNamespaceOwned',
        CLOUD_MAP_NAMESPACE_ACTIONS.owned,
        (namespaces ?? ['*']).map((ns) => arn('servicediscovery', `namespace/${ns}`)),
        {
          conditions: ownedOnly,
          reason:
            "Updates, untags and deletes only namespaces carrying this stack's ownership tags (ids are generated).",
        },
      ),
      scopedStatement('CloudMapNamespaceRead', CLOUD_MAP_NAMESPACE_ACTIONS.read, cloudMapArns, {
        reason: `Tag reads of namespaces ${scope(namespaces, 'namespaces')} and of services (ids are generated).`,
      }),
      scopedStatement('CloudMapOperations', CLOUD_MAP_NAMESPACE_ACTIONS.unscoped, ['*'], {
        reason: 'servicediscovery:GetOperation (polling an asynchronous namespace write) has no resource type.',
      }),
      scopedStatement('LatticeCreate', LATTICE_ACTIONS.create, latticeArns, {
        conditions: taggedOnCreate,
        reason:
          `Creates ${scope(networks, 'service networks')} that carry this stack's ownership tags; Lattice ids ` +
          '(svc-, tg-, listener-, rule-...) are generated at create, so below the network they cannot be named.',
      }),
      scopedStatement('LatticeOwned', LATTICE_ACTIONS.owned, latticeArns, {
        conditions: ownedOnly,
        reason: 'Updates, deletes and tag changes only of Lattice resources tagged for this stack (ids are generated).',
      }),
      scopedStatement('LatticeRead', LATTICE_ACTIONS.read, [arn('vpc-lattice', '*')], {
        reason: 'Lattice Get calls in this account and region: they name generated ids (sn-, svc-, tg-...).',
      }),
      scopedStatement('LatticeList', LATTICE_ACTIONS.unscoped, ['*'], {
        reason: 'The VPC Lattice List calls have no resource type: "*" is the only valid resource.',
      }),
      scopedStatement('Attribution', ['cloudtrail:LookupEvents'], ['*'], {
        reason: 'cloudtrail:LookupEvents has no resource type: "*" is the only valid resource.',
      }),
      scopedStatement('PreflightLoadBalancers', PREFLIGHT_ACTIONS.loadBalancers, ['*'], {
        reason:
          'elasticloadbalancing:DescribeTargetGroups, DescribeListeners and DescribeRules have no resource type: ' +
          '"*" is the only valid resource (the preflight reads the target groups and rules the manifests name).',
      }),
      scopedStatement(
        'PreflightRoles',
        PREFLIGHT_ACTIONS.roles,
        roles ?? [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/*`],
        {
          reason: roles
            ? 'The roles given in passRoleArns; other roles the manifests name are reported as not checked.'
            : 'Any role of this account (no passRoleArns configured): the preflight checks that the roles the manifests ' +
              'name exist; GetRole reads a role, it changes nothing.',
        },
      ),
      scopedStatement('TagReads', TAGGING_ACTIONS, ['*'], {
        reason:
          'tag:GetResources has no resource type: "*" is the only valid resource (ownership tags read in bulk; ' +
          'what the role may change stays conditioned on those tags).',
      }),
      scopedStatement('PublishOutcome', ['events:PutEvents'], [arn('events', 'event-bus/default')]),
    ];
    if (props.passRoleArns && props.passRoleArns.length > 0) {
      statements.push(
        scopedStatement('PassTaskRoles', ['iam:PassRole'], props.passRoleArns, {
          conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
          reason: 'The task and execution roles given in passRoleArns, passed to ECS tasks only.',
        }),
      );
    }
    const policy = new iam.Policy(this, 'ReconcilerPolicy', { statements: statements.map((s) => s.statement) });
    policy.attachToRole(role);
    acknowledgeWildcardResources(policy, statements);
  }
}
