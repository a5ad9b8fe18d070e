/**
 * What the single-stack operator (meshward-stack.ts) and the fleet operator (fleet-stack.ts) build alike: the
 * manifest bucket with its access-log bucket, the reconciler's log group and role, and the reconciler Lambda.
 *
 * Plain functions that add to the calling stack, not a nested Construct: a resource's logical id is derived from
 * its construct path, and a deployed stack whose bucket's logical id moved would have CloudFormation create a new
 * bucket (the manifests and state left behind in the retained old one). The ids here are the ones both stacks
 * always had.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** A versioned, encrypted, private bucket for manifests and state, access-logged, notifying EventBridge. */
export function manifestBucket(scope: Construct): s3.Bucket {
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
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
  const bucket = new s3.Bucket(scope, 'Manifests', {
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
  (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
    'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
    true,
  );
  return bucket;
}

/** The reconciler's log group (kept three months, retained) and its role, assumed by Lambda only. */
export function reconcilerIdentity(scope: Construct, description: string): { logGroup: logs.LogGroup; role: iam.Role } {
  const logGroup = new logs.LogGroup(scope, 'ReconcilerLogs', {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const role = new iam.Role(scope, 'ReconcilerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description,
  });
  return { logGroup, role };
}

export interface ReconcilerFunctionProps extends Omit<
  lambda.FunctionProps,
  'runtime' | 'architecture' | 'handler' | 'code' | 'role' | 'logGroup'
> {
  code: lambda.Code;
  role: iam.IRole;
  logGroup: logs.ILogGroup;
}

/** The bundled handler (lambda/build.ts targets node22) on Node.js 22, arm64, 512 MB unless told otherwise. */
export function reconcilerFunction(scope: Construct, props: ReconcilerFunctionProps): lambda.Function {
  const fn = new lambda.Function(scope, 'Reconciler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'handler.handler',
    memorySize: 512,
    ...props,
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'Pinned to Node.js 22 on purpose: the esbuild bundle targets node22 and is tested on it.',
  });
  return fn;
}

/**
 * Process settings of the operator's Lambda. glibc gives every thread its own malloc arena, and V8's background
 * threads keep them: two arenas cap that at about 25-30 MiB less peak RSS at 1,000 resources (bench/README.md).
 */
export const RUNTIME_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
