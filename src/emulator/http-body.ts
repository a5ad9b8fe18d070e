/**
 * Reading and parsing request bodies defensively: a body over the size limit is refused as soon as it is known to be
 * too large (from Content-Length, or while streaming), bytes that are not UTF-8 and JSON nested deeper than any API
 * shape are refused as the services' serialization errors. Nothing here buffers without bound or recurses on
 * caller-controlled depth, so no request can crash the emulator or exhaust its memory.
 */
import type { IncomingMessage } from 'node:http';

/** Default cap: far above any real request of the emulated APIs (ECS task definitions are capped at 64 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Deepest JSON accepted. The deepest App Mesh / ECS input shapes nest about a dozen levels; AWS's front ends refuse
 * absurd nesting as a serialization error rather than recursing into it.
 */
export const MAX_JSON_DEPTH = 64;

export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'invalid-utf8' };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    // Do not read it at all: the caller answers and closes the connection.
    return Promise.resolve({ ok: false, reason: 'too-large' });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        chunks.length = 0;
        // Stop buffering; whatever else arrives is discarded until the caller closes the connection.
        req.removeListener('data', onData);
        req.resume();
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve({ ok: true, text: decoder.decode(Buffer.concat(chunks)) });
      } catch {
        resolve({ ok: false, reason: 'invalid-utf8' });
      }
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON.parse (iterative in V8) plus an iterative depth check, so later recursive walks stay bounded. */
export function parseJson(text: string): JsonResult {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, message: 'Request body is not valid JSON' };
  }
  if (depthOf(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return { ok: false, message: `Request body nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  return { ok: true, value };
}

/** Nesting depth of a JSON value, counting stops once it passes `cap`. */
function depthOf(root: unknown, cap: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() ?? [undefined, 0];
    if (typeof value !== 'object' || value === null) continue;
    const next = depth + 1;
    if (next > max) max = next;
    if (max > cap) return max;
    const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, next]);
  }
  return max;
}
