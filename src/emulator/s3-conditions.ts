/**
 * S3's conditional writes, which s3rver does not implement (AWS-FACTS.md): PutObject with `If-None-Match: *` or
 * `If-Match: <etag>`, DeleteObject with `If-Match`. Pure, apart from writing the error answer.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ConditionalConflictMode = 'serialize' | 'conflict';

export interface S3Call {
  operation: 'PutObject' | 'GetObject' | 'HeadObject' | 'DeleteObject';
  bucket: string;
  key: string;
  write: boolean;
  conditional: boolean;
  ifMatch?: string;
  ifNoneMatch?: string;
}

/** Sub-resources (`?tagging`, `?uploads`, `?acl`, ...) are other operations: s3rver answers them as it does. */
const OBJECT_QUERY_PARAMS = new Set(['x-id']);

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A path-style object call (`/bucket/key`), or undefined for bucket calls, sub-resources and multipart parts. */
export function parseS3Call(req: IncomingMessage): S3Call | undefined {
  const url = new URL(req.url ?? '/', 'http://localhost');
  for (const name of url.searchParams.keys()) if (!OBJECT_QUERY_PARAMS.has(name)) return undefined;
  const m = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!m?.[1] || !m[2]) return undefined;
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(m[1]);
    key = decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const operation =
    method === 'PUT'
      ? 'PutObject'
      : method === 'DELETE'
        ? 'DeleteObject'
        : method === 'HEAD'
          ? 'HeadObject'
          : method === 'GET'
            ? 'GetObject'
            : undefined;
  if (!operation) return undefined;
  // A copy is a PutObject with x-amz-copy-source; its own conditions are on the source: left to s3rver.
  const write = operation === 'PutObject' || operation === 'DeleteObject';
  const ifMatch = write ? header(req, 'if-match') : undefined;
  const ifNoneMatch = operation === 'PutObject' ? header(req, 'if-none-match') : undefined;
  return {
    operation,
    bucket,
    key,
    write,
    conditional: ifMatch !== undefined || ifNoneMatch !== undefined,
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}),
  };
}

/** `"abc"`, `W/"abc"` and `abc` name the same entity. */
function bareEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const PRECONDITION: Refusal = {
  status: 412,
  code: 'PreconditionFailed',
  message: 'At least one of the pre-conditions you specified did not hold',
};

/** Why S3 would refuse this conditional write given the key's current ETag (undefined = no such key). */
export function checkPreconditions(
  call: S3Call,
  currentEtag: string | undefined,
  ifMatchOnMissing: 'NoSuchKey' | 'PreconditionFailed',
): Refusal | undefined {
  if (call.ifNoneMatch !== undefined) {
    if (call.ifNoneMatch.trim() !== '*') {
      return {
        status: 501,
        code: 'NotImplemented',
        message: 'A header you provided implies functionality that is not implemented',
      };
    }
    if (currentEtag !== undefined) return PRECONDITION;
  }
  if (call.ifMatch !== undefined) {
    if (currentEtag === undefined) {
      return ifMatchOnMissing === 'NoSuchKey'
        ? { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' }
        : PRECONDITION;
    }
    const wanted = call.ifMatch.trim();
    if (wanted !== '*' && bareEtag(wanted) !== bareEtag(currentEtag)) return PRECONDITION;
  }
  return undefined;
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** S3's REST-XML error body; the SDK reads `Code` into the error's name. */
export function sendS3Error(res: ServerResponse, status: number, code: string, message: string, call: S3Call): void {
  if (res.headersSent || res.destroyed) return;
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>` +
    `<Key>${xmlEscape(call.key)}</Key><RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
  });
  // HEAD answers carry no body.
  res.end(call.operation === 'HeadObject' ? undefined : body);
}
