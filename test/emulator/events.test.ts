/**
 * EventBridge through the real SDK client: PutEvents (per-entry results, FailedEntryCount, malformed and missing
 * fields, the 256 KB request limit, 1..10 entries), what the emulator keeps readable in-process, and minimal rules.
 */
import * as eb from '@aws-sdk/client-eventbridge';
import type { Emulator } from '../../src/emulator/server';
import { createEventsService, type EventsServiceImplementation } from '../../src/emulator/events/service';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let clock = T0;
let emu: Emulator;
let client: eb.EventBridgeClient;
let events: EventsServiceImplementation;

beforeAll(async () => {
  let impl: EventsServiceImplementation | undefined;
  emu = await startTestEmulator({
    now: () => clock,
    services: [
      (env) => {
        impl = createEventsService(env);
        return impl;
      },
    ],
  });
  if (!impl) throw new Error('events service not created');
  events = impl;
  client = new eb.EventBridgeClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  clock = T0;
});

const entry = (detail: unknown = { stack: 'prod', drift: 2 }): eb.PutEventsRequestEntry => ({
  Source: 'meshward',
  DetailType: 'Drift Detected',
  Detail: JSON.stringify(detail),
});

describe('PutEvents', () => {
  it('accepts entries, returns an EventId each, and keeps them readable as delivered events', async () => {
    const out = await client.send(
      new eb.PutEventsCommand({
        Entries: [entry(), { ...entry({ ok: true }), DetailType: 'Reconcile Succeeded', Resources: ['arn:x'] }],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.every((e) => /^[0-9a-f-]{36}$/.test(String(e.EventId)))).toBe(true);
    const received = events.receivedEvents();
    expect(received).toHaveLength(2);
    expect(received[0]).toMatchObject({
      version: '0',
      id: out.Entries?.[0]?.EventId,
      'detail-type': 'Drift Detected',
      source: 'meshward',
      account: ACCOUNT,
      region: REGION,
      time: '2026-01-01T12:00:00Z',
      detail: { stack: 'prod', drift: 2 },
      eventBusName: 'default',
    });
    expect(received[1]?.resources).toEqual(['arn:x']);
  });

  it('fails single entries with ErrorCode/ErrorMessage and counts them', async () => {
    const out = await client.send(
      new eb.PutEventsCommand({
        Entries: [
          entry(),
          { Source: 'meshward', DetailType: 'x', Detail: '{not json' },
          { Source: 'meshward', DetailType: 'x', Detail: '[1,2]' },
          { DetailType: 'x', Detail: '{}' },
          { Source: 'aws.ecs', DetailType: 'x', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(4);
    expect(out.Entries?.[0]?.EventId).toBeDefined();
    expect(out.Entries?.[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(out.Entries?.[2]?.ErrorCode).toBe('MalformedDetail');
    expect(out.Entries?.[3]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    });
    expect(out.Entries?.[4]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    expect(events.receivedEvents()).toHaveLength(1);
  });

  it('rejects a request over 256 KB, and entry counts outside 1..10', async () => {
    const big = 'x'.repeat(130 * 1024);
    expect(
      await failure(client.send(new eb.PutEventsCommand({ Entries: [entry({ big }), entry({ big })] }))),
    ).toMatchObject({
      name: 'ValidationException',
      status: 400,
      message: 'Total size of the entries in the request is over the limit.',
    });
    const eleven = Array.from({ length: 11 }, () => entry());
    expect((await failure(client.send(new eb.PutEventsCommand({ Entries: eleven })))).name).toBe('ValidationException');
    expect((await failure(client.send(new eb.PutEventsCommand({ Entries: [] })))).name).toBe('ValidationException');
    expect(events.receivedEvents()).toEqual([]);
  });

  it('records the bus named by name or ARN and the entry Time', async () => {
    await client.send(
      new eb.PutEventsCommand({
        Entries: [
          {
            ...entry(),
            EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/ops`,
            Time: new Date(T0 - 60_000),
          },
        ],
      }),
    );
    expect(events.receivedEvents()[0]).toMatchObject({ eventBusName: 'ops', time: '2026-01-01T11:59:00Z' });
  });

  it('survives snapshot/restore', async () => {
    await client.send(new eb.PutEventsCommand({ Entries: [entry()] }));
    const snapshot = JSON.parse(JSON.stringify(events.snapshot())) as unknown;
    events.reset();
    expect(events.receivedEvents()).toEqual([]);
    events.restore(snapshot);
    expect(events.receivedEvents()).toHaveLength(1);
    expect(() => events.restore({ nope: true })).toThrow();
  });
});

describe('rules', () => {
  it('puts, lists by prefix with paging, describes and deletes rules', async () => {
    const pattern = JSON.stringify({ source: ['aws.ecs'], 'detail-type': ['AWS API Call via CloudTrail'] });
    const put = await client.send(new eb.PutRuleCommand({ Name: 'meshward-cloudtrail', EventPattern: pattern }));
    expect(put.RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/meshward-cloudtrail`);
    await client.send(new eb.PutRuleCommand({ Name: 'meshward-schedule', ScheduleExpression: 'rate(5 minutes)' }));
    await client.send(new eb.PutRuleCommand({ Name: 'other', ScheduleExpression: 'rate(1 hour)' }));
    const page1 = await client.send(new eb.ListRulesCommand({ NamePrefix: 'meshward-', Limit: 1 }));
    const page2 = await client.send(
      new eb.ListRulesCommand({ NamePrefix: 'meshward-', Limit: 1, NextToken: page1.NextToken }),
    );
    expect([...(page1.Rules ?? []), ...(page2.Rules ?? [])].map((r) => r.Name)).toEqual([
      'meshward-cloudtrail',
      'meshward-schedule',
    ]);
    expect(page1.Rules?.[0]).toMatchObject({ State: 'ENABLED', EventPattern: pattern, EventBusName: 'default' });
    expect((await client.send(new eb.DescribeRuleCommand({ Name: 'other' }))).ScheduleExpression).toBe('rate(1 hour)');
    await client.send(new eb.DeleteRuleCommand({ Name: 'other' }));
    expect((await failure(client.send(new eb.DescribeRuleCommand({ Name: 'other' })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await failure(client.send(new eb.PutRuleCommand({ Name: 'bad', EventPattern: '{oops' })))).name).toBe(
      'InvalidEventPatternException',
    );
  });
});
