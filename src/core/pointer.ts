/** JSON pointers (RFC 6901) as the diff writes them: `/spec/listeners/0/portMapping`, `/tags/team~1name`. */

export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function joinPointer(base: string, segment: string | number): string {
  return `${base}/${escapeSegment(String(segment))}`;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer "${pointer}": it must start with "/"`);
  return pointer.slice(1).split('/').map(unescapeSegment);
}

/**
 * Whether a change at `path` touches the field `pattern` names: the same field, a field inside it, or a parent
 * that was replaced as a whole (a change at `/spec` touches `/spec/serviceName`). `*` in the pattern matches any
 * one segment, so kinds can say `/spec/listeners/*\/portMapping`.
 */
export function pointerTouches(pattern: string, path: string): boolean {
  const want = parsePointer(pattern);
  const have = parsePointer(path);
  const shared = Math.min(want.length, have.length);
  for (let i = 0; i < shared; i++) {
    if (want[i] !== '*' && want[i] !== have[i]) return false;
  }
  return true;
}
