/**
 * Reading one S3 object that may not exist. S3 says "no such key" (404) only to callers allowed to list the
 * bucket; the stack grants s3:ListBucket for the manifest prefix alone, and S3 then answers a missing key with
 * AccessDenied (403). A 403 is therefore confirmed with a listing of that exact key before it counts as "missing",
 * so a first run (no state yet) starts empty while a real permission problem still fails loudly.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

interface AwsErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

export function isNotFound(err: unknown): boolean {
  const e = err as AwsErrorShape;
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

function isAccessDenied(err: unknown): boolean {
  const e = err as AwsErrorShape;
  return e.name === 'AccessDenied' || e.$metadata?.httpStatusCode === 403;
}

async function keyIsListed(client: S3Client, bucket: string, key: string): Promise<boolean> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return (out.Contents ?? []).some((o) => o.Key === key);
}

/** The object's bytes and ETag, or undefined when it does not exist; any other failure is thrown as it came. */
export async function getObjectIfExists(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ bytes: Uint8Array; etag?: string } | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { bytes: out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0), etag: out.ETag };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    if (isAccessDenied(err)) {
      const listed = await keyIsListed(client, bucket, key).catch(() => true);
      if (!listed) return undefined;
    }
    throw err;
  }
}
