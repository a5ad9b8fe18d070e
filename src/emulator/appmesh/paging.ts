/**
 * Paging as App Mesh does it: `limit` 1..100 (default 100, tags included), an opaque `nextToken`, absent on the last
 * page. The token carries the list's scope so a token from one list cannot page another.
 */
import { badRequest } from './errors';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  all: readonly T[],
  scope: string,
  limit: unknown,
  nextToken: unknown,
  defaultLimit: number,
): Page<T> {
  const size = typeof limit === 'number' ? limit : defaultLimit;
  let offset = 0;
  if (typeof nextToken === 'string') {
    try {
      const decoded = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
      if (decoded.s !== scope || typeof decoded.o !== 'number' || decoded.o < 0) throw new Error('scope');
      offset = decoded.o;
    } catch {
      throw badRequest('The nextToken provided is invalid.');
    }
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return {
    items,
    nextToken: next < all.length ? Buffer.from(JSON.stringify({ s: scope, o: next })).toString('base64url') : undefined,
  };
}
