/**
 * How an App Mesh route's match reads in `meshward graph` (one line per condition, in the API's words). Shared by
 * Route and GatewayRoute, whose match shapes are alike.
 */
function get(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `exact "x"`, `prefix /a`, `regex ^v`, `range 1-5`: one App Mesh match object (header, path, hostname...). */
function describeMatcher(m: unknown): string {
  if (typeof m !== 'object' || m === null) return '';
  const o = m as Record<string, unknown>;
  const range = o.range as { start?: unknown; end?: unknown } | undefined;
  if (range) return `in ${text(range.start) ?? '?'}-${text(range.end) ?? '?'}`;
  for (const [key, word] of [
    ['exact', '='],
    ['prefix', 'starts with'],
    ['suffix', 'ends with'],
    ['regex', '~'],
  ] as const) {
    const v = text(o[key]);
    if (v !== undefined) return `${word} ${v}`;
  }
  return '';
}

/** One line per condition of a route's `match` (http/http2/grpc/tcp), in the API's words. */
export function describeMatch(match: unknown): string[] {
  if (typeof match !== 'object' || match === null) return [];
  const m = match as Record<string, unknown>;
  const lines: string[] = [];
  const prefix = text(m.prefix);
  if (prefix !== undefined) lines.push(`prefix ${prefix}`);
  const path = describeMatcher(m.path);
  if (path) lines.push(`path ${path}`);
  const host = describeMatcher(m.hostname);
  if (host) lines.push(`host ${host}`);
  const method = text(m.method);
  if (method !== undefined) lines.push(`method ${method}`);
  const service = text(m.serviceName);
  if (service !== undefined) lines.push(`gRPC ${service}${text(m.methodName) ? `/${text(m.methodName)}` : ''}`);
  for (const [list, noun] of [
    ['headers', 'header'],
    ['metadata', 'metadata'],
  ] as const) {
    const items = Array.isArray(m[list]) ? (m[list] as unknown[]) : [];
    for (const h of items) {
      const name = text(get(h, 'name')) ?? '?';
      const cond = describeMatcher(get(h, 'match')) || 'present';
      lines.push(`${get(h, 'invert') === true ? 'not ' : ''}${noun} ${name} ${cond}`);
    }
  }
  const query = Array.isArray(m.queryParameters) ? (m.queryParameters as unknown[]) : [];
  for (const q of query)
    lines.push(`query ${text(get(q, 'name')) ?? '?'} ${describeMatcher(get(q, 'match')) || 'present'}`);
  const port = text(m.port);
  if (port !== undefined) lines.push(`port ${port}`);
  return lines;
}

/** The detail lines of a route or gateway route in `meshward graph`: its match conditions and priority. */
export function routeDetails(spec: unknown): string[] {
  for (const protocol of ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute']) {
    const route = get(spec, protocol);
    if (route === undefined) continue;
    const lines = describeMatch(get(route, 'match'));
    const priority = text(get(spec, 'priority'));
    if (priority !== undefined) lines.push(`priority ${priority}`);
    return lines;
  }
  return [];
}
