/**
 * CloudTrail LookupEvents over the writes the emulator served, through the real SDK clients: event shape (and the
 * CloudTrailEvent JSON), newest first, one lookup attribute at a time, time range, paging, the 2 requests/s limit;
 * and toCloudTrailApiCallEvent, the EventBridge event the operator's Lambda receives.
 */
import * as ct from '@aws-sdk/client-cloudtrail';
import * as ecs from '@aws-sdk/client-ecs';
import type { Emulator } from '../../src/emulator/server';
import { createCloudTrailService, toCloudTrailApiCallEvent } from '../../src/emulator/cloudtrail/service';
import { createEcsService } from '../../src/emulator/ecs/service';
import { createServiceDiscoveryService } from '../../src/emulator/servicediscovery/service';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const OPERATOR = `arn:aws:sts::${ACCOUNT}:assumed-role/meshward/reconcile`;
let clock = T0;
let emu: Emulator;
let trail: ct.CloudTrailClient;
let console_: ecs.ECSClient;
let operator: ecs.ECSClient;

const ecsClient = (accessKeyId: string): ecs.ECSClient =>
  new ecs.ECSClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId, secretAccessKey: 's' },
    maxAttempts: 1,
  });

beforeAll(async () => {
  emu = await startTestEmulator({
    now: () => clock,
    services: [createEcsService, createServiceDiscoveryService, createCloudTrailService],
    identities: { AKIDALICE: ALICE, AKIDOPERATOR: OPERATOR },
  });
  trail = new ct.CloudTrailClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDREADER', secretAccessKey: 's' },
    maxAttempts: 1,
  });
  console_ = ecsClient('AKIDALICE');
  operator = ecsClient('AKIDOPERATOR');
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  emu.reset();
  clock = T0;
  await operator.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
  clock += 1000;
  await operator.send(
    new ecs.RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }],
    }),
  );
  clock += 1000;
  await operator.send(
    new ecs.CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }),
  );
  clock += 1000;
  await console_.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 3 }));
  // Reads are not recorded.
  await console_.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
});

/** Moves the clock a second so the 2 requests/s bucket has refilled, then looks up. */
async function lookup(input: ct.LookupEventsCommandInput = {}): Promise<ct.LookupEventsCommandOutput> {
  clock += 1000;
  return trail.send(new ct.LookupEventsCommand(input));
}

describe('LookupEvents', () => {
  it('returns the served writes newest first, shaped as CloudTrail returns them', async () => {
    const { Events } = await lookup();
    expect(Events?.map((e) => e.EventName)).toEqual([
      'UpdateService',
      'CreateService',
      'RegisterTaskDefinition',
      'CreateCluster',
    ]);
    const update = Events?.[0];
    expect(update).toMatchObject({
      EventName: 'UpdateService',
      ReadOnly: 'false',
      AccessKeyId: 'AKIDALICE',
      EventSource: 'ecs.amazonaws.com',
      Username: 'alice',
      EventTime: new Date(T0 + 3000),
      Resources: [
        { ResourceType: 'AWS::ECS::Service', ResourceName: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web` },
      ],
    });
    const record = JSON.parse(String(update?.CloudTrailEvent)) as Record<string, unknown>;
    expect(record).toMatchObject({
      userIdentity: { type: 'IAMUser', arn: ALICE, accessKeyId: 'AKIDALICE', accountId: ACCOUNT },
      eventTime: '2026-01-01T12:00:03Z',
      eventSource: 'ecs.amazonaws.com',
      eventName: 'UpdateService',
      awsRegion: REGION,
      sourceIPAddress: expect.any(String),
      requestParameters: { cluster: 'prod', service: 'web', desiredCount: 3 },
      eventID: update?.EventId,
      eventType: 'AwsApiCall',
      readOnly: false,
    });
    expect(record['responseElements']).toMatchObject({ service: { serviceName: 'web', desiredCount: 3 } });
    expect((Events?.[1] && JSON.parse(String(Events[1].CloudTrailEvent)).userIdentity.type) as unknown).toBe(
      'AssumedRole',
    );
    expect(Events?.[1]?.Username).toBe('reconcile');
  });

  it('filters by one attribute and rejects two', async () => {
    const byUser = await lookup({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }] });
    expect(byUser.Events?.map((e) => e.EventName)).toEqual(['UpdateService']);
    const byName = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateCluster' }] });
    expect(byName.Events).toHaveLength(1);
    const byKey = await lookup({ LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIDOPERATOR' }] });
    expect(byKey.Events).toHaveLength(3);
    const byType = await lookup({
      LookupAttributes: [{ AttributeKey: 'ResourceType', AttributeValue: 'AWS::ECS::TaskDefinition' }],
    });
    expect(byType.Events?.map((e) => e.EventName)).toEqual(['RegisterTaskDefinition']);
    const readOnly = await lookup({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'true' }] });
    expect(readOnly.Events).toEqual([]);
    clock += 1000;
    const two = trail.send(
      new ct.LookupEventsCommand({
        LookupAttributes: [
          { AttributeKey: 'Username', AttributeValue: 'alice' },
          { AttributeKey: 'EventName', AttributeValue: 'UpdateService' },
        ],
      }),
    );
    expect((await failure(two)).name).toBe('InvalidLookupAttributesException');
  });

  it('honours StartTime/EndTime and rejects an inverted range', async () => {
    const window = await lookup({ StartTime: new Date(T0 + 1000), EndTime: new Date(T0 + 2000) });
    expect(window.Events?.map((e) => e.EventName)).toEqual(['CreateService', 'RegisterTaskDefinition']);
    clock += 1000;
    const inverted = trail.send(new ct.LookupEventsCommand({ StartTime: new Date(T0 + 2000), EndTime: new Date(T0) }));
    expect((await failure(inverted)).name).toBe('InvalidTimeRangeException');
  });

  it('pages with MaxResults and NextToken, and rejects a foreign token', async () => {
    const first = await lookup({ MaxResults: 3 });
    expect(first.Events).toHaveLength(3);
    const second = await lookup({ MaxResults: 3, NextToken: first.NextToken });
    expect(second.Events?.map((e) => e.EventName)).toEqual(['CreateCluster']);
    expect(second.NextToken).toBeUndefined();
    clock += 1000;
    const foreign = trail.send(
      new ct.LookupEventsCommand({
        MaxResults: 3,
        NextToken: first.NextToken,
        LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }],
      }),
    );
    expect((await failure(foreign)).name).toBe('InvalidNextTokenException');
    clock += 1000;
    expect(await failure(trail.send(new ct.LookupEventsCommand({ MaxResults: 51 })))).toMatchObject({ status: 400 });
  });

  it('throttles above 2 requests per second with ThrottlingException', async () => {
    clock += 5000;
    await trail.send(new ct.LookupEventsCommand({}));
    await trail.send(new ct.LookupEventsCommand({}));
    expect(await failure(trail.send(new ct.LookupEventsCommand({})))).toMatchObject({
      name: 'ThrottlingException',
      status: 400,
    });
    clock += 1000;
    await expect(trail.send(new ct.LookupEventsCommand({}))).resolves.toBeDefined();
  });
});

describe('toCloudTrailApiCallEvent', () => {
  it('builds the "AWS API Call via CloudTrail" event for a served write', () => {
    const write = emu.servedWrites().find((w) => w.eventName === 'UpdateService');
    if (!write) throw new Error('no UpdateService write');
    const event = toCloudTrailApiCallEvent(write, REGION, ACCOUNT);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ecs',
      account: ACCOUNT,
      region: REGION,
      time: '2026-01-01T12:00:03Z',
      detail: {
        eventVersion: expect.any(String),
        userIdentity: { type: 'IAMUser', arn: ALICE, accessKeyId: 'AKIDALICE' },
        eventTime: '2026-01-01T12:00:03Z',
        eventSource: 'ecs.amazonaws.com',
        eventName: 'UpdateService',
        awsRegion: REGION,
        requestParameters: { desiredCount: 3 },
        eventID: write.eventId,
        eventType: 'AwsApiCall',
      },
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The same write maps to the same event id, as a duplicate EventBridge delivery would carry.
    expect(toCloudTrailApiCallEvent(write, REGION, ACCOUNT).id).toBe(event.id);
  });

  it('records a failed write with errorCode / errorMessage and no response, in LookupEvents and the event', async () => {
    // CloudTrail record contents (user guide): failed calls carry errorCode and errorMessage; responseElements is
    // null. The operator's attribution skips such records.
    await failure(console_.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'ghost', desiredCount: 1 })));
    const write = emu.servedWrites().at(-1);
    expect(write).toMatchObject({ eventName: 'UpdateService', errorCode: 'ServiceNotFoundException' });
    const detail = toCloudTrailApiCallEvent(write!, REGION, ACCOUNT).detail;
    expect(detail).toMatchObject({
      errorCode: 'ServiceNotFoundException',
      errorMessage: 'Service not found.',
      responseElements: null,
    });
    const found = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UpdateService' }] });
    const records = (found.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as { errorCode?: string });
    expect(records.map((r) => r.errorCode)).toEqual(['ServiceNotFoundException', undefined]);
  });

  it('does not record failures when recordFailedWrites is off', async () => {
    const quiet = await startTestEmulator({ services: [createEcsService], recordFailedWrites: false });
    try {
      const c = new ecs.ECSClient({
        endpoint: quiet.endpoint,
        region: REGION,
        credentials: { accessKeyId: 'AKIDX', secretAccessKey: 's' },
        maxAttempts: 1,
      });
      await failure(c.send(new ecs.DeleteServiceCommand({ cluster: 'nope', service: 'x' })));
      expect(quiet.servedWrites()).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });

  it('names an unsigned caller as the account root (registeredBy, userIdentity)', async () => {
    const res = await fetch(emu.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({ family: 'anon', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] }),
    });
    const body = (await res.json()) as { taskDefinition: { registeredBy: string } };
    expect(body.taskDefinition.registeredBy).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect(emu.servedWrites().at(-1)?.userIdentityArn).toBe(`arn:aws:iam::${ACCOUNT}:root`);
  });
});
