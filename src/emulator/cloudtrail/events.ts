import { createHash } from 'node:crypto';
import type { ServedWrite } from '../contracts';
import { identityFromArn, resourceTypeOf } from './identity';

/** CloudTrail writes times as ISO 8601 without milliseconds. */
export function cloudTrailTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The full CloudTrail record of a served write (the `CloudTrailEvent` string and the EventBridge `detail`). */
export function cloudTrailRecord(write: ServedWrite, region: string, accountId: string): Record<string, unknown> {
  const identity = identityFromArn(write.userIdentityArn);
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: identity.type,
      arn: identity.arn,
      accountId: identity.accountId || accountId,
      ...(write.accessKeyId !== undefined ? { accessKeyId: write.accessKeyId } : {}),
      ...(identity.userName !== undefined ? { userName: identity.userName } : {}),
    },
    eventTime: cloudTrailTime(write.eventTime),
    eventSource: write.eventSource,
    eventName: write.eventName,
    awsRegion: region,
    sourceIPAddress: write.sourceIPAddress,
    userAgent: 'meshward-emulator',
    // CloudTrail records failed calls with errorCode / errorMessage and no response (record contents reference).
    ...(write.errorCode !== undefined ? { errorCode: write.errorCode, errorMessage: write.errorMessage ?? '' } : {}),
    requestParameters: write.requestParameters,
    responseElements: write.responseElements ?? null,
    requestID: write.eventId,
    eventID: write.eventId,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
  };
}

/** LookupEvents' `Resources`: one entry per ARN the write touched. */
export function lookupResources(write: ServedWrite): { ResourceType?: string; ResourceName: string }[] {
  return write.resources
    .filter((r) => r.ARN !== undefined)
    .map((r) => {
      const arn = r.ARN ?? '';
      const type = r.type ?? resourceTypeOf(arn);
      return { ...(type !== undefined ? { ResourceType: type } : {}), ResourceName: arn };
    });
}

/** The `Event` item of a LookupEvents answer (EventTime as epoch seconds, CloudTrailEvent as a JSON string). */
export function lookupEvent(write: ServedWrite, region: string, accountId: string): Record<string, unknown> {
  return {
    EventId: write.eventId,
    EventName: write.eventName,
    ReadOnly: 'false',
    ...(write.accessKeyId !== undefined ? { AccessKeyId: write.accessKeyId } : {}),
    EventTime: write.eventTime / 1000,
    EventSource: write.eventSource,
    Username: identityFromArn(write.userIdentityArn).username,
    Resources: lookupResources(write),
    CloudTrailEvent: JSON.stringify(cloudTrailRecord(write, region, accountId)),
  };
}

/** An EventBridge event as EventBridge delivers it to rules and targets. */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * The `AWS API Call via CloudTrail` event EventBridge emits for a write call (source `aws.appmesh`, `aws.ecs`,
 * `aws.servicediscovery`), as the Lambda receives it. Its id is derived from the CloudTrail event id, so the same
 * write always maps to the same event (duplicate deliveries look alike, as with EventBridge).
 */
export function toCloudTrailApiCallEvent(write: ServedWrite, region: string, account: string): EventBridgeEvent {
  const service = write.eventSource.replace(/\.amazonaws\.com$/, '');
  return {
    version: '0',
    id: deriveEventId(write.eventId),
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${service}`,
    account,
    time: cloudTrailTime(write.eventTime),
    region,
    resources: [],
    detail: cloudTrailRecord(write, region, account),
  };
}

function deriveEventId(eventId: string): string {
  const hex = createHash('sha256').update(eventId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
