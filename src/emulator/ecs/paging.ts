import { AwsApiError } from '../contracts';

/**
 * Opaque next tokens: the offset of the next item plus a fingerprint of the query, so a token replayed with other
 * filters is rejected the way ECS rejects it instead of silently returning a wrong page.
 */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** The error a service answers an unusable token with (ECS: InvalidParameterException; others differ). */
export type BadTokenError = () => Error;

const ecsBadToken: BadTokenError = () => new AwsApiError('InvalidParameterException', 400, 'Invalid nextToken');

export function paginate<T>(
  all: readonly T[],
  maxResults: number,
  nextToken: string | undefined,
  fingerprint: string,
  badToken: BadTokenError = ecsBadToken,
): Page<T> {
  const start = nextToken === undefined ? 0 : decodeToken(nextToken, fingerprint, badToken);
  const items = all.slice(start, start + maxResults);
  const next = start + maxResults;
  return next < all.length ? { items, nextToken: encodeToken(next, fingerprint) } : { items };
}

function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint }), 'utf8').toString('base64');
}

function decodeToken(token: string, fingerprint: string, badToken: BadTokenError): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'o' in parsed &&
      'f' in parsed &&
      typeof parsed.o === 'number' &&
      parsed.f === fingerprint
    ) {
      return parsed.o;
    }
  } catch {
    // fall through to the error below
  }
  throw badToken();
}
