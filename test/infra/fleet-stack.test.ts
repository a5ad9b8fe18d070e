/**
 * The fleet deployment: EventBridge rules and per-stack Scheduler schedules -> SQS FIFO (message group = stack)
 * -> the Lambda through an event source mapping with a maximum concurrency and partial batch responses; the
 * Lambda's environment read back by the operator's own loadFleetConfig, and the schedule's message classified by
 * the operator's own classifyEvent (the contract checked on both sides); cdk-nag passing.
 */
import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MeshwardFleetStack } from '../../infra/fleet-stack';
import { ENV, loadFleetConfig } from '../../src/operator/config';
import { classifyEvent } from '../../src/operator/events';

const app = new App();
const stack = new MeshwardFleetStack(app, 'Fleet', {
  env: { account: '111122223333', region: 'us-east-1' },
  stacks: [
    { name: 'payments', account: '222222222222', mode: 'enforce' },
    { name: 'orders', account: '333333333333', roleArn: 'arn:aws:iam::333333333333:role/custom-meshward' },
    { name: 'home', account: '111122223333' },
  ],
  scheduleRate: Duration.minutes(15),
  maxConcurrency: 5,
  code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
});
const template = Template.fromStack(stack);

type Resource = { Properties: Record<string, unknown> };
const byType = (type: string): Resource[] => Object.values(template.findResources(type)) as Resource[];

describe('MeshwardFleetStack', () => {
  it('queues reconciles in a FIFO queue deduplicated per stack, with a FIFO dead-letter queue', () => {
    const queues = byType('AWS::SQS::Queue');
    const main = queues.find((q) => q.Properties.ContentBasedDeduplication === true);
    expect(main?.Properties).toMatchObject({
      FifoQueue: true,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      VisibilityTimeout: 1800,
      RedrivePolicy: { maxReceiveCount: 3 },
    });
    expect(queues.filter((q) => q.Properties.FifoQueue === true)).toHaveLength(2);
  });

  it('runs the Lambda from the queue with a maximum concurrency and partial batch responses, no reserved concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const fn = byType('AWS::Lambda::Function').find((f) => f.Properties.Handler === 'handler.handler');
    expect(fn?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('configures the Lambda with a fleet the operator reads back: every stack through its role', () => {
    const fn = byType('AWS::Lambda::Function').find((f) => f.Properties.Handler === 'handler.handler');
    const env = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const fleet = loadFleetConfig({
      [ENV.fleet]: String(env[ENV.fleet]),
      [ENV.manifests]: 's3://bucket/meshward',
      [ENV.mode]: String(env[ENV.mode]),
      [ENV.ownRoleArn]: 'arn:aws:iam::111122223333:role/Fleet-ReconcilerRole',
    });
    expect([...fleet.stacks.keys()].sort()).toEqual(['home', 'orders', 'payments']);
    expect(fleet.stacks.get('payments')).toMatchObject({
      mode: 'enforce',
      manifests: { prefix: 'meshward/payments' },
      assumeRole: { roleArn: 'arn:aws:iam::222222222222:role/meshward-reconciler' },
    });
    expect(fleet.stacks.get('orders')?.assumeRole?.roleArn).toBe('arn:aws:iam::333333333333:role/custom-meshward');
    // The operator's own account too: its stack is reached through the role that holds its permissions.
    expect(fleet.stacks.get('home')?.assumeRole?.roleArn).toBe('arn:aws:iam::111122223333:role/meshward-reconciler');
  });

  it('lets the reconciler assume exactly the stack roles, and nothing of AWS beyond its bucket and bus', () => {
    const policy = byType('AWS::IAM::Policy').find((p) => JSON.stringify(p).includes('AssumeStackRoles'));
    const statements = (
      policy?.Properties.PolicyDocument as { Statement: { Sid?: string; Action: unknown; Resource: unknown }[] }
    ).Statement;
    const assume = statements.find((s) => s.Sid === 'AssumeStackRoles');
    expect(JSON.stringify(assume?.Resource)).toContain('custom-meshward');
    expect(JSON.stringify(assume?.Resource).match(/meshward-reconciler/g)).toHaveLength(2);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])) as string[];
    expect(actions.filter((a) => /^(appmesh|ecs|servicediscovery|vpc-lattice|cloudtrail):/.test(a))).toEqual([]);
  });

  it('routes every stack’s events to its own message group, filtered to its account', () => {
    const rules = byType('AWS::Events::Rule');
    for (const [name, account] of [
      ['payments', '222222222222'],
      ['orders', '333333333333'],
    ]) {
      const own = rules.filter((r) =>
        (r.Properties.Targets as { SqsParameters?: { MessageGroupId?: string } }[]).some(
          (t) => t.SqsParameters?.MessageGroupId === name,
        ),
      );
      expect(own).toHaveLength(3);
      const writes = own.find((r) => JSON.stringify(r.Properties.EventPattern).includes('AWS API Call via CloudTrail'));
      expect(writes?.Properties.EventPattern).toMatchObject({ account: [account] });
      expect(JSON.stringify(writes?.Properties.EventPattern)).toContain('UpdateVirtualNode');
    }
    expect(
      byType('AWS::Events::EventBusPolicy')
        .map((p) => p.Properties.StatementId)
        .sort(),
    ).toEqual(['meshward-member-111122223333', 'meshward-member-222222222222', 'meshward-member-333333333333']);
  });

  it('schedules every stack on its own, into its message group, with a message the operator reads as a schedule', () => {
    const schedules = byType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(3);
    for (const s of schedules) {
      const target = s.Properties.Target as { SqsParameters: { MessageGroupId: string }; Input: string };
      expect(s.Properties.ScheduleExpression).toBe('rate(15 minutes)');
      expect(s.Properties.FlexibleTimeWindow).toMatchObject({ Mode: 'FLEXIBLE' });
      // What Scheduler sends once it has filled its context attributes.
      const body = JSON.parse(
        target.Input.replace('<aws.scheduler.execution-id>', 'd32c5kddcf5bb8c3').replace(
          '<aws.scheduler.scheduled-time>',
          '2026-12-01T22:00:00Z',
        ),
      ) as unknown;
      const config = loadFleetConfig({
        [ENV.fleet]: JSON.stringify({ stacks: { [target.SqsParameters.MessageGroupId]: {} } }),
        [ENV.manifests]: 's3://bucket/meshward',
      }).stacks.get(target.SqsParameters.MessageGroupId);
      if (!config) throw new Error('no config');
      expect(classifyEvent(body, config)).toMatchObject({ action: 'reconcile', trigger: { kind: 'schedule' } });
    }
  });

  it('refuses a fleet whose configuration would not fit the Lambda environment, or names a stack twice', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ name: `stack-number-${i}`, account: '222222222222' }));
    expect(() => new MeshwardFleetStack(new App(), 'Big', { stacks: many })).toThrow(/4 KB/);
    expect(
      () =>
        new MeshwardFleetStack(new App(), 'Twice', {
          stacks: [
            { name: 'a', account: '222222222222' },
            { name: 'a', account: '222222222222' },
          ],
        }),
    ).toThrow(/twice/);
  });

  it('passes cdk-nag AwsSolutions checks (every suppression justified in code)', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} (${v.severity})`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});
