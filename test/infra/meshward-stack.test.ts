import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MeshwardStack } from '../../infra/meshward-stack';
import { nagText } from '../../infra/nag';
import { SLACK_SECRET_UNSET } from '../../src/notify/slack-secret';
import { ENV } from '../../src/operator/config';

// One synthesis for the whole file: CDK synthesis is the slow part.
const app = new App();
const stack = new MeshwardStack(app, 'Test', {
  meshwardStack: 'prod',
  mode: 'enforce',
  scheduleRate: Duration.minutes(10),
  meshNames: ['shop'],
  clusterNames: ['shop-cluster'],
  namespaceIds: ['ns-0123456789abcdef'],
  latticeServiceNetworkIds: ['sn-0123456789abcdef0'],
  passRoleArns: ['arn:aws:iam::123456789012:role/shop-task', 'arn:aws:iam::123456789012:role/shop-exec'],
  code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
});
const template = Template.fromStack(stack);

interface Statement {
  Sid?: string;
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
        Variables: Match.objectLike({
          [ENV.stack]: 'prod',
          [ENV.mode]: 'enforce',
          [ENV.ownRoleArn]: Match.anyValue(),
          // Fewer glibc malloc arenas: the peak RSS the 1,000-resource benchmark measured with it.
          MALLOC_ARENA_MAX: '2',
        }),
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
    // One rule per managed service, each naming exact write calls: no prefix match lets an ECS agent's
    // RegisterContainerInstance or a task's SubmitTaskStateChange start a run.
    for (const [source, eventSource, some] of [
      ['aws.appmesh', 'appmesh.amazonaws.com', 'UpdateVirtualNode'],
      ['aws.ecs', 'ecs.amazonaws.com', 'UpdateService'],
      ['aws.servicediscovery', 'servicediscovery.amazonaws.com', 'DeleteService'],
      ['aws.vpc-lattice', 'vpc-lattice.amazonaws.com', 'UpdateRule'],
    ] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: [source],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: [eventSource], eventName: Match.arrayWith([some]) },
        },
      });
    }
    const ruleText = JSON.stringify(template.findResources('AWS::Events::Rule'));
    for (const noise of [
      'RegisterContainerInstance',
      'SubmitTaskStateChange',
      'RunTask',
      'RegisterTargets',
      'RegisterInstance',
      'prefix":"Create',
    ]) {
      expect(`${noise}: ${ruleText.includes(noise)}`).toBe(`${noise}: false`);
    }
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        // Only the configured clusters' services.
        resources: [{ prefix: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':service/shop-cluster/'])] }) }],
      },
    });
    template.resourceCountIs('AWS::Events::Rule', 7);
  });

  it('keeps the Slack destination in Secrets Manager, from a NoEcho parameter, never a random value', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasParameter('SlackDestination', { Type: 'String', NoEcho: true, Default: SLACK_SECRET_UNSET });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: { Ref: 'SlackDestination' } });
    expect(JSON.stringify(template.findResources('AWS::SecretsManager::Secret'))).not.toContain('GenerateSecretString');
  });

  it('tells the user where things are and how to publish (stack outputs)', () => {
    for (const name of ['ManifestBucket', 'ManifestPrefix', 'ReconcilerFunction', 'SlackSecretArn', 'PublishCommand']) {
      template.hasOutput(name, Match.anyValue());
    }
    expect(JSON.stringify(template.findOutputs('PublishCommand'))).toContain('meshward publish manifests/ --to s3://');
    expect(JSON.stringify(template.findOutputs('SlackSecretArn'))).toContain('put-secret-value');
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

  it('scopes every mesh, cluster, namespace and Lattice network resource to the configured ones', () => {
    const text = JSON.stringify(allStatements());
    for (const wide of ['mesh/*', 'service/*/*', 'namespace/*', 'servicenetwork/*']) {
      expect(`${wide}: ${text.includes(`:${wide}`)}`).toBe(`${wide}: false`);
    }
    const appmesh = allStatements().find((s) => JSON.stringify(s.Action).includes('appmesh:UpdateVirtualNode'));
    expect(JSON.stringify(appmesh?.Resource)).toContain('mesh/shop/*');
    expect(JSON.stringify(allStatements().find((s) => s.Sid === 'CloudMapCreate')?.Resource)).toContain(
      'namespace/ns-0123456789abcdef',
    );
    expect(JSON.stringify(allStatements().find((s) => s.Sid === 'LatticeCreate')?.Resource)).toContain(
      'servicenetwork/sn-0123456789abcdef0',
    );
  });

  it('conditions every update, delete and tag change on the ownership tags of this stack', () => {
    const owned = {
      StringEquals: {
        'aws:ResourceTag/meshward.dev/managed-by': 'meshward',
        'aws:ResourceTag/meshward.dev/stack': 'prod',
      },
    };
    const writes = /:(Update|Delete|Untag|Put)[A-Za-z]*$/;
    for (const statement of allStatements().filter((s) => s.Sid !== undefined && s.Effect === 'Allow')) {
      const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
        (a) => writes.test(a) && !a.startsWith('s3:') && !a.startsWith('logs:') && !a.startsWith('events:'),
      );
      if (actions.length === 0) continue;
      expect([statement.Sid, statement.Condition]).toEqual([statement.Sid, owned]);
    }
    // TagResource outside the owned statements only with this stack's tags in the request (tags on create).
    for (const statement of allStatements().filter((s) => JSON.stringify(s.Action).includes(':TagResource'))) {
      expect(JSON.stringify(statement.Condition)).toMatch(/aws:(ResourceTag|RequestTag)\/meshward\.dev\/stack":"prod"/);
    }
  });

  it('acknowledges each cdk-nag wildcard finding with the reasons of exactly the statements that hold it', () => {
    const policy = stack.node.findAll().find((c) => c.node.id === 'ReconcilerPolicy');
    const byResource = new Map<string, string>();
    for (const m of policy?.node.metadata ?? []) {
      if (m.type !== 'aws:cdk:acknowledged-rules') continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        const match = /AwsSolutions-IAM5\[Resource::(.*)\]$/.exec(id);
        if (match?.[1]) byResource.set(match[1], reason);
      }
    }
    const acks = [...byResource.values()].map((reason) => ({ reason }));
    const policyStatements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(
        (r) =>
          (r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
      )
      .filter((s) => s.Sid !== undefined);
    let wildcards = 0;
    for (const statement of policyStatements) {
      for (const resource of Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]) {
        const text = nagText(resource);
        if (!text.includes('*')) continue;
        wildcards += 1;
        // The reason is the statement's own, and names it.
        expect(`${text}: ${byResource.get(text)?.includes(`${statement.Sid ?? ''}:`) ?? 'no acknowledgement'}`).toBe(
          `${text}: true`,
        );
      }
    }
    expect(wildcards).toBeGreaterThan(5);
    // "*" alone only for calls that have no resource type in the Service Authorization Reference.
    const starOnly = policyStatements.filter(
      (s) => JSON.stringify(s.Resource) === '"*"' || JSON.stringify(s.Resource) === '["*"]',
    );
    expect(starOnly.map((s) => s.Sid).sort()).toEqual([
      'AppMeshListMeshes',
      'Attribution',
      'CloudMapNamespaceCreate',
      'CloudMapOperations',
      'CloudMapUnscoped',
      'EcsUnscoped',
      'LatticeList',
      'PreflightLoadBalancers',
      'TagReads',
    ]);
    // With everything configured, no reason may claim otherwise.
    expect(acks.some((a) => a.reason.includes('none configured'))).toBe(false);
  });

  it("grants the preflight's reads: ELB describes, GetRole of the configured roles only, bulk tag reads", () => {
    // The calls src/engine/preflight.ts makes (its SDK packages load lazily, so it names them through a loader).
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'engine', 'preflight.ts'), 'utf8');
    const used = [
      ...[...source.matchAll(/elbSdk\(\)\.([A-Za-z]+)Command/g)].map((m) => `elasticloadbalancing:${m[1] ?? ''}`),
      ...[...source.matchAll(/\{ ([A-Za-z]+)Command \} = iamSdk\(\)/g)].map((m) => `iam:${m[1] ?? ''}`),
    ].sort();
    expect(used).toEqual([
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeTargetGroups',
      'iam:GetRole',
    ]);
    const granted = (sid: string): Statement | undefined => allStatements().find((s) => s.Sid === sid);
    const actions = (s: Statement | undefined): string[] => [s?.Action ?? []].flat();
    expect([...actions(granted('PreflightLoadBalancers')), ...actions(granted('PreflightRoles'))].sort()).toEqual(used);
    // GetRole on the roles the stack was given, nothing else; writes to IAM stay limited to PassRole.
    expect(granted('PreflightRoles')?.Resource).toEqual([
      'arn:aws:iam::123456789012:role/shop-task',
      'arn:aws:iam::123456789012:role/shop-exec',
    ]);
    expect(actions(granted('TagReads'))).toEqual(['tag:GetResources']);
    const iamActions = allStatements()
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => actions(s))
      .filter((a) => a.startsWith('iam:'));
    expect(iamActions.sort()).toEqual(['iam:GetRole', 'iam:PassRole']);
  });

  it('warns at synth, and says so in its reasons, when no meshes or clusters are configured', () => {
    const openApp = new App();
    const open = new MeshwardStack(openApp, 'Open', {
      meshwardStack: 'prod',
      code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    });
    const warnings = Annotations.fromStack(open).findWarning('*', Match.stringLikeRegexp('no meshNames configured'));
    expect(warnings).toHaveLength(1);
    expect(
      Annotations.fromStack(open).findWarning('*', Match.stringLikeRegexp('no clusterNames configured')),
    ).toHaveLength(1);
    const policy = open.node.findAll().find((c) => c.node.id === 'ReconcilerPolicy');
    const reasons = JSON.stringify(policy?.node.metadata ?? []);
    expect(reasons).toContain("in any of the account's meshes (none configured");
    // Without passRoleArns the preflight may read any role of the account, and its reason says so.
    expect(reasons).toContain('PreflightRoles: Any role of this account (no passRoleArns configured)');
    // Every finding of the wide stack is acknowledged too, with those reasons.
    expect(new AwsSolutionsChecks().validateScope(open).violations.map((v) => v.ruleName)).toEqual([]);
    // Still no write to anything untagged, scoped or not.
    const openTemplate = Template.fromStack(open);
    openTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'EcsOwned',
            Condition: { StringEquals: Match.objectLike({ 'aws:ResourceTag/meshward.dev/stack': 'prod' }) },
          }),
        ]),
      },
    });
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
      'vpc-lattice': 'vpc-lattice',
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
    const implied = new Set([
      'secretsmanager:DescribeSecret',
      'servicediscovery:TagResource',
      // Tags on App Mesh creates are authorized as appmesh:TagResource (used anyway for tag changes).
      'appmesh:TagResource',
    ]);
    // The Lattice grants are for the Lattice kinds; until a kind calls the Lattice client they are not counted, and
    // from then on they are held to the same rule.
    const latticeInUse = [...used].some((a) => a.startsWith('vpc-lattice:'));
    expect(
      [...granted]
        .filter((a) => !used.has(a) && !implied.has(a) && (latticeInUse || !a.startsWith('vpc-lattice:')))
        .sort(),
    ).toEqual([]);
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
