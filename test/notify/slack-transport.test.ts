import { SecretRedactor } from '../../src/notify/redact-secrets';
import { retryAfterMs } from '../../src/notify/rate-limited-fetch';
import { renderSlackReport } from '../../src/notify/slack-blocks';
import { REPORTED_KEYS, notifySlack } from '../../src/notify/slack-notifier';
import { parseSlackSecret } from '../../src/notify/slack-secret';
import { BotTransport, WebhookTransport } from '../../src/notify/slack-transport';
import { driftedNode, view } from './fixtures';
import { startSlackSink, type SlackSink } from './slack-sink';

const WEBHOOK_SECRET = 'XyZsecretWebhookPart0123456789';
const BOT_TOKEN = 'xoxb-1111-2222-TOPSECRETTOKEN';

let sink: SlackSink;
let sleeps: number[];
const sleep = async (ms: number): Promise<void> => {
  sleeps.push(ms);
};

beforeEach(async () => {
  sink = await startSlackSink();
  sleeps = [];
});
afterEach(async () => {
  await sink.close();
});

describe('WebhookTransport', () => {
  it('posts the report to the webhook', async () => {
    const transport = new WebhookTransport(`${sink.url}/services/T0/B0/${WEBHOOK_SECRET}`);
    await transport.post(renderSlackReport(view()));
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.via).toBe('webhook');
    expect(sink.allText()).toContain('VirtualNode/shop/orders');
  });

  it('waits out 429 Retry-After, then succeeds', async () => {
    sink.rateLimitNext(2, 3);
    const waits: number[] = [];
    const transport = new WebhookTransport(`${sink.url}/services/T0/B0/${WEBHOOK_SECRET}`, {
      rateLimit: { sleep },
      onRateLimited: (ms) => waits.push(ms),
    });
    await transport.post(renderSlackReport(view()));
    expect(sink.rateLimited).toBe(2);
    expect(sleeps).toEqual([3000, 3000]);
    expect(waits).toEqual([3000, 3000]);
    expect(sink.received).toHaveLength(1);
  });

  it('gives up after the bounded retries with an error that does not contain the URL', async () => {
    sink.rateLimitNext(10, 1);
    const transport = new WebhookTransport(`${sink.url}/services/T0/B0/${WEBHOOK_SECRET}`, {
      rateLimit: { sleep, maxRetries: 3 },
    });
    const err = await transport.post(renderSlackReport(view())).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(sleeps).toHaveLength(3);
    expect(sink.rateLimited).toBe(4);
    expect(err?.message).toContain('429');
    expect(JSON.stringify({ m: err?.message, s: err?.stack })).not.toContain(WEBHOOK_SECRET);
  });

  it('does not wait longer than the policy allows', async () => {
    sink.rateLimitNext(1, 600);
    const transport = new WebhookTransport(`${sink.url}/services/T0/B0/${WEBHOOK_SECRET}`, { rateLimit: { sleep } });
    await expect(transport.post(renderSlackReport(view()))).rejects.toThrow(/429/);
    expect(sleeps).toEqual([]);
  });

  it('redacts the URL from connection errors', async () => {
    const closed = `${sink.url}/services/T0/B0/${WEBHOOK_SECRET}`;
    await sink.close();
    const transport = new WebhookTransport(closed);
    const err = await transport.post(renderSlackReport(view())).catch((e: unknown) => e as Error);
    expect(String((err as Error).message)).not.toContain(WEBHOOK_SECRET);
    sink = await startSlackSink();
  });
});

describe('BotTransport and drift threads', () => {
  it('threads a drift episode, edits the parent, and posts "resolved"', async () => {
    const logs: string[] = [];
    const transport = new BotTransport(BOT_TOKEN, 'C123', {
      slackApiUrl: `${sink.url}/api/`,
      rateLimit: { sleep },
      log: (line) => logs.push(line),
    });
    const first = await notifySlack(view(), transport, {});
    expect(first.posted).toEqual(['drift-new']);
    expect(first.reportedDrift[REPORTED_KEYS.thread]).toMatch(/^C123 \d+\.\d+$/);
    const parentTs = sink.received[0]?.ts;
    expect(sink.received[0]?.authorization).toBe(`Bearer ${BOT_TOKEN}`);

    const same = await notifySlack(view(), transport, first.reportedDrift);
    expect(same.posted).toEqual([]);
    expect(sink.received).toHaveLength(1);

    const changed = await notifySlack(
      view({ resources: [driftedNode({ changes: [{ path: '/spec/b', before: 1, after: 2 }] })] }),
      transport,
      same.reportedDrift,
    );
    expect(changed.posted).toEqual(['drift-changed']);
    expect(sink.received.slice(1).map((m) => [m.via, m.threadTs ?? m.ts])).toEqual([
      ['chat.postMessage', parentTs],
      ['chat.update', parentTs],
    ]);

    const resolved = await notifySlack(
      view({ status: 'in-sync', resources: [], counts: {} }),
      transport,
      changed.reportedDrift,
    );
    expect(resolved.posted).toEqual(['resolved']);
    expect(resolved.reportedDrift[REPORTED_KEYS.thread]).toBeUndefined();
    expect(sink.received.slice(3).map((m) => m.via)).toEqual(['chat.postMessage', 'chat.update']);
    expect(sink.received[3]?.text).toBe('meshward prod: drift resolved');
    expect(logs.join('\n')).not.toContain('TOPSECRETTOKEN');
  });

  it('honours 429 on the Web API and keeps the token out of errors and logs', async () => {
    const logs: string[] = [];
    sink.rateLimitNext(1, 2);
    const transport = new BotTransport(BOT_TOKEN, 'C123', {
      slackApiUrl: `${sink.url}/api/`,
      rateLimit: { sleep },
      log: (line) => logs.push(line),
    });
    await transport.post(renderSlackReport(view()));
    expect(sleeps).toEqual([2000]);
    expect(sink.received).toHaveLength(1);

    sink.failWith(500);
    const result = await notifySlack(view(), transport, {});
    expect(result.errors).toHaveLength(1);
    // A failed post leaves the memory untouched, so the next run posts again.
    expect(result.reportedDrift).toEqual({});
    expect(JSON.stringify(result)).not.toContain('TOPSECRETTOKEN');
    expect(logs.join('\n')).not.toContain('TOPSECRETTOKEN');
  });
});

describe('secrets', () => {
  it('parses the accepted secret shapes without echoing values in errors', () => {
    expect(parseSlackSecret('https://hooks.slack.com/services/T/B/x')).toEqual({
      kind: 'webhook',
      url: 'https://hooks.slack.com/services/T/B/x',
    });
    expect(parseSlackSecret(JSON.stringify({ botToken: BOT_TOKEN, channel: 'C1' }))).toMatchObject({
      kind: 'bot',
      channel: 'C1',
    });
    expect(() => parseSlackSecret(`not json ${BOT_TOKEN}`)).toThrow(/neither/);
    try {
      parseSlackSecret(JSON.stringify({ botToken: BOT_TOKEN }));
    } catch (err) {
      expect((err as Error).message).not.toContain('TOPSECRET');
    }
  });

  it('redacts registered secrets and anything shaped like a webhook or token', () => {
    const r = new SecretRedactor();
    r.add('my-registered-secret-value');
    const text = r.redact(
      'a my-registered-secret-value b https://hooks.slack.com/services/T/B/abc c xoxb-9-9-zz d xoxp-1-a',
    );
    expect(text).toBe('a [redacted] b [redacted] c [redacted] d [redacted]');
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
  });
});
