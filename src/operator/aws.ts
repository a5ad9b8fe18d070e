/**
 * The operator's own SDK clients (S3, EventBridge, CloudTrail, Secrets Manager). Endpoint and credentials come
 * from the standard environment (AWS_ENDPOINT_URL points them all at the local emulator) or explicit settings.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CredentialsProvider, StaticCredentials } from '../aws/clients';

export interface OperatorAwsSettings {
  region?: string;
  endpoint?: string;
  credentials?: StaticCredentials | CredentialsProvider;
}

export interface OperatorClients {
  s3: S3Client;
  events: EventBridgeClient;
  cloudTrail: CloudTrailClient;
  secrets: SecretsManagerClient;
  destroy(): void;
}

export function createOperatorClients(settings: OperatorAwsSettings = {}): OperatorClients {
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const common = {
    region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
  // Local S3 servers (s3rver) only speak path-style; real S3 prefers virtual-hosted style.
  const local = Boolean(settings.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
  const clients = {
    s3: new S3Client({ ...common, forcePathStyle: local }),
    events: new EventBridgeClient(common),
    cloudTrail: createCloudTrailClient(settings),
    secrets: new SecretsManagerClient(common),
  };
  return {
    ...clients,
    destroy: () => {
      clients.s3.destroy();
      clients.events.destroy();
      clients.cloudTrail.destroy();
      clients.secrets.destroy();
    },
  };
}

/** LookupEvents allows 2 requests/s; the SDK's standard retry backs off on its throttling error. */
export function createCloudTrailClient(settings: OperatorAwsSettings = {}): CloudTrailClient {
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return new CloudTrailClient({
    region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: 4,
  });
}
