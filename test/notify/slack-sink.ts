/**
 * A local stand-in for Slack on 127.0.0.1: records what Slack would receive (webhook posts and Web API calls) and
 * answers 429 with Retry-After on demand. Webhook URL: `${url}/services/T/B/secret`; Web API base: `${url}/api/`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackBlockLike {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { text: string }[];
}

export interface ReceivedMessage {
  via: 'webhook' | 'chat.postMessage' | 'chat.update';
  path: string;
  authorization?: string;
  text: string;
  blocks: SlackBlockLike[];
  channel?: string;
  ts?: string;
  threadTs?: string;
  /** chat.postMessage `metadata` (event_type, event_payload), as Slack stores it. */
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export interface SlackSink {
  url: string;
  received: ReceivedMessage[];
  /** Requests answered with 429 so far. */
  rateLimited: number;
  /** Answer the next `count` requests with 429 and this Retry-After (seconds). */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** Answer every request with this status until reset (e.g. 500). */
  failWith(status: number | undefined): void;
  /** Answer Web API calls with `{ok: false, error}` until reset (e.g. 'invalid_auth'). */
  apiError(error: string | undefined): void;
  /** Answer one Web API method (e.g. 'chat.update') with `{ok: false, error}` until reset with undefined. */
  failMethod(method: string | undefined, error?: string): void;
  /** Every text Slack received, blocks included, as one string (for "contains" assertions). */
  allText(): string;
  close(): Promise<void>;
}

function blockText(blocks: SlackBlockLike[]): string {
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)])
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

export async function startSlackSink(): Promise<SlackSink> {
  const received: ReceivedMessage[] = [];
  let limitCount = 0;
  let retryAfter = 0;
  let failStatus: number | undefined;
  let apiError: string | undefined;
  let failingMethod: { method: string; error: string } | undefined;
  let tsCounter = 1000;
  const sink = {} as SlackSink;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (failStatus !== undefined) {
        res.writeHead(failStatus, { 'content-type': 'text/plain' }).end('failure');
        return;
      }
      if (limitCount > 0) {
        limitCount -= 1;
        sink.rateLimited += 1;
        res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'text/plain' }).end('rate_limited');
        return;
      }
      const path = req.url ?? '/';
      const authorization = req.headers.authorization;
      if (path.startsWith('/services/')) {
        const body = JSON.parse(raw) as { text: string; blocks?: SlackBlockLike[] };
        received.push({ via: 'webhook', path, text: body.text, blocks: body.blocks ?? [] });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const method = path.replace(/^\/api\//, '');
      if (apiError !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: apiError }));
        return;
      }
      if (failingMethod?.method === method) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: failingMethod.error }));
        return;
      }
      const isJson = (req.headers['content-type'] ?? '').includes('json');
      const params: Record<string, string> = isJson
        ? (JSON.parse(raw) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw));
      const blocksRaw: unknown = params.blocks;
      const blocks = (typeof blocksRaw === 'string' ? JSON.parse(blocksRaw) : (blocksRaw ?? [])) as SlackBlockLike[];
      if (method === 'conversations.history' || method === 'conversations.replies') {
        // Newest first, like Slack; history holds top-level posts, replies one thread (parent included).
        const posts = received.filter((m) => m.via === 'chat.postMessage' && m.channel === params.channel);
        const messages = posts
          .filter((m) =>
            method === 'conversations.history'
              ? m.threadTs === undefined
              : m.ts === params.ts || m.threadTs === params.ts,
          )
          .reverse()
          .map((m) => ({ ts: m.ts, text: m.text, ...(m.metadata ? { metadata: m.metadata } : {}) }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, messages }));
        return;
      }
      if (method === 'chat.postMessage' || method === 'chat.update') {
        const ts = method === 'chat.update' ? params.ts : `${(tsCounter += 1)}.000100`;
        const metaRaw: unknown = params.metadata;
        const metadata = (typeof metaRaw === 'string' ? JSON.parse(metaRaw) : metaRaw) as ReceivedMessage['metadata'];
        received.push({
          ...(metadata ? { metadata } : {}),
          via: method,
          path,
          authorization,
          text: params.text ?? '',
          blocks,
          channel: params.channel,
          ts,
          threadTs: params.thread_ts,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, channel: params.channel, ts }));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error: 'unknown_method' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  Object.assign(sink, {
    url: `http://127.0.0.1:${port}`,
    received,
    rateLimited: 0,
    rateLimitNext(count: number, seconds: number) {
      limitCount = count;
      retryAfter = seconds;
    },
    failWith(status: number | undefined) {
      failStatus = status;
    },
    apiError(error: string | undefined) {
      apiError = error;
    },
    failMethod(method: string | undefined, error = 'internal_error') {
      failingMethod = method === undefined ? undefined : { method, error };
    },
    allText() {
      return received.map((m) => `${m.text}\n${blockText(m.blocks)}`).join('\n');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return sink;
}
