import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startEmulator, type Emulator } from '../../src/emulator/server';

export const MESH_YAML = `apiVersion: meshward.dev/v1alpha1
kind: Mesh
metadata:
  name: shop
spec: {}
`;

export function nodeYaml(perRequest = '15s'): string {
  return `apiVersion: meshward.dev/v1alpha1
kind: VirtualNode
metadata:
  name: orders
  mesh: shop
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
      timeout:
        http:
          perRequest: ${perRequest}
  serviceDiscovery:
    dns: { hostname: orders.shop.local }
`;
}

/** A temp working directory with manifests/ holding the given files. */
export function manifestDir(files: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'meshward-op-'));
  mkdirSync(join(cwd, 'manifests'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, 'manifests', name), text);
  return cwd;
}

export interface LocalS3 {
  emulator: Emulator;
  s3: S3Client;
  bucket: string;
}

export async function startLocalS3(bucket = 'meshward-test'): Promise<LocalS3> {
  const emulator = await startEmulator({ port: 0, s3: true });
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return { emulator, s3, bucket };
}
