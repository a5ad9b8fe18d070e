/**
 * The awsQuery protocol shared by the emulator's STS, ELBv2 and IAM: a form-encoded POST to `/` whose credential
 * scope names the service, answered in XML (`<ActionResponse><ActionResult>...` or `<ErrorResponse><Error>`), which
 * is what the SDK's query clients parse. The service is told by the signature's credential scope, as nothing else in
 * such a request names it.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** An answer of a query service, ready to write. */
export interface QueryAnswer {
  status: number;
  body: string;
}

/** Who calls: what services need to answer AccessDenied in AWS's words. */
export interface QueryCaller {
  accessKeyId: string | undefined;
  identityArn: string;
}

/** A service spoken over awsQuery, with state the server resets and persists like the json services'. */
export interface QueryService {
  /** The signing name in the credential scope (`elasticloadbalancing`, `iam`). */
  readonly signingName: string;
  answer(params: URLSearchParams, caller: QueryCaller, now: number): QueryAnswer;
  reset(): void;
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

/** The service a request is signed for (the credential scope's fourth part), or undefined. */
export function signingServiceOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string') return undefined;
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function requestId(): string {
  return randomBytes(16)
    .toString('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

/** AWS's query error document: Sender for 4xx, Receiver for 5xx. */
export function errorXml(namespace: string, status: number, code: string, message: string): QueryAnswer {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    body:
      `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type>` +
      `<Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>` +
      `<RequestId>${requestId()}</RequestId></ErrorResponse>`,
  };
}

/** A successful answer: `result` is the inner XML of `<ActionResult>`. */
export function resultXml(namespace: string, action: string, result: string): QueryAnswer {
  return {
    status: 200,
    body:
      `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** `Name.member.1`, `Name.member.2`, ... in order; undefined when the list is absent (an empty list is `Name=`). */
export function queryList(params: URLSearchParams, name: string): string[] | undefined {
  const items: { index: number; value: string }[] = [];
  const prefix = `${name}.member.`;
  for (const [key, value] of params) {
    if (key.startsWith(prefix)) {
      const index = Number(key.slice(prefix.length));
      if (Number.isInteger(index) && index > 0) items.push({ index, value });
    }
  }
  if (items.length === 0) return params.has(name) ? [] : undefined;
  return items.sort((a, b) => a.index - b.index).map((i) => i.value);
}

/** Simple members as XML elements, absent ones left out, in the order given. */
export function xmlMembers(members: readonly (readonly [string, string | number | boolean | undefined])[]): string {
  return members
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join('');
}
