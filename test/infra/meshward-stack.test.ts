import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
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
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        // Only the configured clusters' services.
        resources: [{ prefix: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':service/shop-cluster/'])] }) }],
      },
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

  it('lets the reconciler read only its manifest prefix and write only its state prefix', () => {
    const s3 = allStatements().filter((s) => JSON.stringify(s.Action).includes('"s3:'));
    const text = (s: Statement): string => JSON.stringify(s.Resource);
    const get = s3.filter((s) => JSON.stringify(s.Action).includes('s3:GetObject'));
    expect(get).toHaveLength(1);
    expect(text(get[0] as Statement)).toContain('/meshward/prod/*');
    const put = s3.filter((s) => JSON.stringify(s.Action).includes('s3:PutObject'));
    expect(put).toHaveLength(1);
    expect(text(put[0] as Statement)).toContain('/meshward/prod/_state/prod/*');
    const list = s3.filter((s) => JSON.stringify(s.Action).includes('s3:ListBucket'));
    expect(list.map((s) => s.Condition)).toEqual([{ StringLike: { 's3:prefix': ['meshward/prod/*'] } }]);
  });

  it('builds keys correctly when the manifests sit at the bucket root', () => {
    const rootApp = new App();
    const root = Template.fromStack(
      new MeshwardStack(rootApp, 'Root', {
        meshwardStack: 'prod',
        manifestPrefix: '',
        code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
      }),
    );
    root.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { bucket: Match.anyValue(), object: { key: ['current.json'] } } }),
    });
    const json = JSON.stringify(root.toJSON());
    expect(json).toContain('"/_state/prod/*"');
    // An empty prefix used to give "//_state/..." keys and a "/current.json" pointer nothing ever writes.
    expect(json).not.toMatch(/[^:]\/"?\]?,?"?\/|"\/current\.json"/);
  });

  it('grants exactly the AWS calls the Lambda makes (none missing, none unused)', () => {
    const root = join(__dirname, '..', '..', 'src');
    const files = [
      ...readdirSync(join(root, 'kinds'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(root, 'kinds', f)),
      ...['s3-read', 's3-state-store', 'attribution', 'outcome-event'].map((f) => join(root, 'operator', `${f}.ts`)),
      join(root, 'notify', 'slack-secret.ts'),
    ];
    const prefixOf: Record<string, string> = {
      'app-mesh': 'appmesh',
      ecs: 'ecs',
      servicediscovery: 'servicediscovery',
      s3: 's3',
      cloudtrail: 'cloudtrail',
      eventbridge: 'events',
      'secrets-manager': 'secretsmanager',
    };
    const renamed: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };
    const used = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const imp of text.matchAll(/import \{([^}]*)\} from '@aws-sdk\/client-([a-z0-9-]+)'/g)) {
        const prefix = prefixOf[imp[2] ?? ''];
        for (const name of (imp[1] ?? '').matchAll(/\b([A-Za-z0-9]+)Command\b/g)) {
          if (!prefix || !text.includes(`new ${name[1]}Command(`)) continue;
          const action = `${prefix}:${name[1]}`;
          used.add(renamed[action] ?? action);
        }
      }
    }
    const granted = new Set(
      allStatements()
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
        .filter((a) => Object.values(prefixOf).some((p) => a.startsWith(`${p}:`))),
    );
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((a) => !granted.has(a)).sort()).toEqual([]);
    // Implied by calls made: DescribeSecret comes with CDK's grantRead, TagResource with Cloud Map's tag-on-create.
    const implied = new Set(['secretsmanager:DescribeSecret', 'servicediscovery:TagResource']);
    expect([...granted].filter((a) => !used.has(a) && !implied.has(a)).sort()).toEqual([]);
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
