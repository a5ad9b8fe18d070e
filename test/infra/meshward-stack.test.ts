import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MeshwardStack } from '../../infra/meshward-stack';
import { ENV } from '../../src/operator/config';

// One synthesis for the whole file: CDK synthesis is the slow part.
const app = new App();
const stack = new MeshwardStack(app, 'Test', {
  meshwardStack: 'prod',
  mode: 'enforce',
  scheduleRate: Duration.minutes(10),
  meshNames: ['shop'],
  clusterNames: ['shop-cluster'],
  passRoleArns: ['arn:aws:iam::123456789012:role/shop-task', 'arn:aws:iam::123456789012:role/shop-exec'],
  code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
});
const template = Template.fromStack(stack);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: unknown;
}

function allStatements(): Statement[] {
  const out: Statement[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::IAM::Role']) {
    for (const resource of Object.values(template.findResources(type))) {
      const props = (resource as { Properties: Record<string, unknown> }).Properties;
      const docs = [props.PolicyDocument, props.AssumeRolePolicyDocument];
      for (const inline of (props.Policies as { PolicyDocument: unknown }[] | undefined) ?? [])
        docs.push(inline.PolicyDocument);
      for (const doc of docs) {
        const statements = (doc as { Statement?: Statement[] } | undefined)?.Statement ?? [];
        out.push(...statements);
      }
    }
  }
  return out;
}

describe('MeshwardStack', () => {
  it('deploys a versioned, encrypted, private manifest bucket with EventBridge notifications', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
  });

  it('denies non-TLS access to the buckets', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('runs the reconciler on Node.js 22 with reserved concurrency 1 and an on-failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      ReservedConcurrentExecutions: 1,
      MemorySize: 512,
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({ [ENV.stack]: 'prod', [ENV.mode]: 'enforce', [ENV.ownRoleArn]: Match.anyValue() }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('starts it on a schedule, on the published pointer, on App Mesh/ECS writes and on ECS deployments', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [Match.anyValue()] }, object: { key: ['meshward/prod/current.json'] } },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.appmesh', 'aws.ecs'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['appmesh.amazonaws.com', 'ecs.amazonaws.com'],
          eventName: ['Create', 'Update', 'Delete', 'Tag', 'Untag', 'Register', 'Deregister'].map((prefix) => ({
            prefix,
          })),
        },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ecs'], 'detail-type': ['ECS Deployment State Change'] },
    });
    template.resourceCountIs('AWS::Events::Rule', 4);
  });

  it('keeps the Slack destination in Secrets Manager', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  it('grants named actions only (no wildcard in any Allow statement)', () => {
    const allows = allStatements().filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(5);
    for (const statement of allows) {
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      for (const action of actions) expect(action).not.toContain('*');
    }
  });

  it('limits iam:PassRole to the configured task roles, for ECS tasks only', () => {
    const passRole = allStatements().filter((s) => JSON.stringify(s.Action).includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0]?.Resource).toEqual([
      'arn:aws:iam::123456789012:role/shop-task',
      'arn:aws:iam::123456789012:role/shop-exec',
    ]);
    expect(passRole[0]?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  it('scopes App Mesh writes to the configured meshes', () => {
    const appmesh = allStatements().find((s) => JSON.stringify(s.Action).includes('appmesh:UpdateVirtualNode'));
    expect(JSON.stringify(appmesh?.Resource)).toContain('mesh/shop/*');
    expect(JSON.stringify(appmesh?.Resource)).not.toMatch(/"\*"/);
  });

  it('alarms on Lambda errors and on drift', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DriftCount',
      Namespace: 'Meshward',
      Dimensions: [{ Name: 'Stack', Value: 'prod' }],
    });
  });

  it('passes cdk-nag AwsSolutions checks (every suppression justified in code)', () => {
    // validateScope reports errors and warnings alike; acknowledged findings are left out.
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} (${v.severity})`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});
