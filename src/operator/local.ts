/**
 * The operator against the embedded emulator (`meshward publish --local`, `meshward reconcile --local`, the demo):
 * App Mesh, ECS, Cloud Map, CloudTrail, EventBridge and S3 in-process, data under .meshward/local/ so a publish in
 * one command is what the reconcile in the next one reads.
 */
import { resolve } from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS } from '../aws/clients';
import { LOCAL_DIR } from '../engine/session';
import type { Emulator } from '../emulator/server';

export const LOCAL_BUCKET = 'meshward-local';
export const LOCAL_ROLE_NAME = 'meshward-local';

export interface LocalOperatorAws {
  emulator: Emulator;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The role the local operator's calls are recorded under (so its own calls are not drift). */
  ownRoleArn: string;
  stop(): Promise<void>;
}

export async function startLocalOperatorAws(cwd: string, dataDir?: string): Promise<LocalOperatorAws> {
  // Loaded here only: commands against real AWS never load the emulator.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmulator } = require('../emulator/server') as typeof import('../emulator/server');
  const accountId = '111122223333';
  const emulator = await startEmulator({
    port: 0,
    s3: true,
    accountId,
    dataDir: resolve(cwd, dataDir ?? LOCAL_DIR),
    identities: {
      [LOCAL_CREDENTIALS.accessKeyId]: `arn:aws:sts::${accountId}:assumed-role/${LOCAL_ROLE_NAME}/meshward`,
    },
  });
  return {
    emulator,
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: LOCAL_CREDENTIALS,
    ownRoleArn: `arn:aws:iam::${accountId}:role/${LOCAL_ROLE_NAME}`,
    stop: () => emulator.stop(),
  };
}

/** s3rver starts without buckets; a real account has the one infra/ created. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}
