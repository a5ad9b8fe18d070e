/**
 * Posting to Slack through Slack's own packages: an incoming webhook (fixed channel, no message id back, so no
 * threads or edits) or a bot token (chat.postMessage / chat.update, which can thread a drift episode and edit its
 * parent). Errors leave here redacted: the webhook URL and the token never reach logs or reports.
 */
import { IncomingWebhook } from '@slack/webhook';
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { rateLimitedFetch, type FetchFn, type RateLimitPolicy } from './rate-limited-fetch';
import { SecretRedactor } from './redact-secrets';
import type { SlackMessage } from './slack-blocks';

export interface PostedMessage {
  channel?: string;
  ts?: string;
}

export interface SlackTransport {
  readonly kind: 'webhook' | 'bot';
  /** Whether `post` can thread and `update` works. */
  readonly threads: boolean;
  /** `outboxId` travels in the message's metadata (bot token), so `find` can recognise the message later. */
  post(message: SlackMessage, threadTs?: string, outboxId?: string): Promise<PostedMessage>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /** The message posted with this outbox id (in the thread `threadTs`, else the channel), when Slack has it. */
  find?(outboxId: string, threadTs?: string): Promise<PostedMessage | undefined>;
}

/** Slack message metadata event type of meshward's posts (needs no extra scope to post; reading needs *:history). */
export const OUTBOX_EVENT_TYPE = 'meshward_report';

export interface TransportOptions {
  rateLimit?: Partial<RateLimitPolicy>;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Where rate-limit waits are reported (already free of secrets). */
  onRateLimited?: (waitMs: number, attempt: number) => void;
  fetch?: FetchFn;
  redactor?: SecretRedactor;
}

export class WebhookTransport implements SlackTransport {
  readonly kind = 'webhook';
  readonly threads = false;
  private readonly webhook: IncomingWebhook;
  private readonly redactor: SecretRedactor;

  constructor(url: string, options: TransportOptions = {}) {
    this.redactor = options.redactor ?? new SecretRedactor();
    this.redactor.add(url);
    this.webhook = new IncomingWebhook(url, {
      fetch: rateLimitedFetch(options.rateLimit, options.fetch, options.onRateLimited),
      timeout: options.timeoutMs ?? 10_000,
      // Retries live in rateLimitedFetch (429) only: a 5xx retried blindly could post the same report twice.
      retryConfig: { retries: 0 },
    });
  }

  async post(message: SlackMessage): Promise<PostedMessage> {
    try {
      await this.webhook.send({ text: message.text, blocks: message.blocks });
      return {};
    } catch (err) {
      throw this.redactor.redactError(err);
    }
  }

  async update(): Promise<void> {
    // Webhooks return no message id; callers check `threads` first.
    throw new Error('an incoming webhook cannot edit messages');
  }
}

/** A logger for the Web API client that drops debug chatter and redacts the rest. */
function redactingLogger(redactor: SecretRedactor, sink: (line: string) => void): Logger {
  let level = LogLevel.WARN;
  const write = (prefix: string, msg: unknown[]): void =>
    sink(redactor.redact(`${prefix} ${msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`));
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => write('slack warn:', msg),
    error: (...msg: unknown[]) => write('slack error:', msg),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface BotTransportOptions extends TransportOptions {
  /** Slack's API base URL; tests point it at a local server. */
  slackApiUrl?: string;
  log?: (line: string) => void;
}

export class BotTransport implements SlackTransport {
  readonly kind = 'bot';
  readonly threads = true;
  private readonly client: WebClient;
  private readonly redactor: SecretRedactor;

  constructor(
    token: string,
    private readonly channel: string,
    options: BotTransportOptions = {},
  ) {
    this.redactor = options.redactor ?? new SecretRedactor();
    this.redactor.add(token);
    this.client = new WebClient(token, {
      slackApiUrl: options.slackApiUrl,
      fetch: rateLimitedFetch(options.rateLimit, options.fetch, options.onRateLimited),
      timeout: options.timeoutMs ?? 10_000,
      // rateLimitedFetch already waited out Retry-After (bounded); a 429 that still comes through is final.
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      logger: redactingLogger(this.redactor, options.log ?? ((line) => console.error(line))),
    });
  }

  async post(message: SlackMessage, threadTs?: string, outboxId?: string): Promise<PostedMessage> {
    try {
      const result = await this.client.chat.postMessage({
        channel: this.channel,
        text: message.text,
        blocks: message.blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(outboxId ? { metadata: { event_type: OUTBOX_EVENT_TYPE, event_payload: { outbox_id: outboxId } } } : {}),
      });
      return { channel: result.channel, ts: result.ts };
    } catch (err) {
      throw this.redactor.redactError(err);
    }
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    try {
      await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    } catch (err) {
      throw this.redactor.redactError(err);
    }
  }

  /** The newest 100 messages (of the channel, or of one thread) are enough: a retry follows its run within hours. */
  async find(outboxId: string, threadTs?: string): Promise<PostedMessage | undefined> {
    try {
      const page = threadTs
        ? await this.client.conversations.replies({
            channel: this.channel,
            ts: threadTs,
            limit: 100,
            include_all_metadata: true,
          })
        : await this.client.conversations.history({ channel: this.channel, limit: 100, include_all_metadata: true });
      const hit = (page.messages ?? []).find((m) => {
        const meta = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
        return meta?.event_type === OUTBOX_EVENT_TYPE && meta.event_payload?.['outbox_id'] === outboxId;
      });
      return hit?.ts ? { channel: this.channel, ts: hit.ts } : undefined;
    } catch (err) {
      throw this.redactor.redactError(err);
    }
  }
}
