/** Who is calling: the access key id from SigV4, and the identity ARN CloudTrail would record for it. */
import type { IncomingHttpHeaders } from 'node:http';

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/appmesh/aws4_request, ...` -> 'AKID'. The signature is not checked. */
export function accessKeyIdFrom(headers: IncomingHttpHeaders, query?: URLSearchParams): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /Credential=([^/,\s]+)\//.exec(auth);
    if (m?.[1]) return m[1];
  }
  const credential = query?.get('X-Amz-Credential');
  if (credential) return credential.split('/')[0];
  return undefined;
}

/**
 * Tests tell "a person in the console" from "meshward's role" by mapping access key ids to identity ARNs; an
 * unmapped key becomes an IAM user of that name, and an unsigned call the account root.
 */
export function identityArnFor(
  accountId: string,
  accessKeyId: string | undefined,
  map: Readonly<Record<string, string>>,
): string {
  if (!accessKeyId) return `arn:aws:iam::${accountId}:root`;
  return map[accessKeyId] ?? `arn:aws:iam::${accountId}:user/${accessKeyId}`;
}
