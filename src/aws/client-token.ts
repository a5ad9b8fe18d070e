/**
 * Deterministic idempotency tokens. The SDK fills a random UUID when none is given, which makes a retry from a new
 * process (after a crash) a second, conflicting request; a token derived from what we ask for makes it the same one.
 */
import { createHash } from 'node:crypto';

const MAX_LENGTH = 36;

export function clientToken(stack: string, resourceId: string, desiredDigest: string, operation = ''): string {
  const hash = createHash('sha256')
    .update(`${stack}\0${resourceId}\0${desiredDigest}\0${operation}`)
    .digest('base64url');
  // base64url is [A-Za-z0-9-_], the alphabet App Mesh accepts; 'mw-' makes ours recognisable in CloudTrail.
  return `mw-${hash}`.slice(0, MAX_LENGTH);
}
