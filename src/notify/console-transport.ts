/**
 * A SlackTransport that prints what Slack would receive: `meshward reconcile --local` and the demo show the drift
 * report without a Slack workspace. It threads like a bot, so the episode logic is exercised the same way.
 */
import type { SlackMessage } from './slack-blocks';
import type { PostedMessage, SlackTransport } from './slack-transport';

export class ConsoleTransport implements SlackTransport {
  readonly kind = 'bot';
  readonly threads = true;
  readonly sent: { message: SlackMessage; threadTs?: string; update?: string }[] = [];
  private counter = 0;

  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  async post(message: SlackMessage, threadTs?: string): Promise<PostedMessage> {
    this.counter += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.counter).padStart(6, '0')}`;
    this.sent.push({ message, ...(threadTs ? { threadTs } : {}) });
    this.write(
      `--- Slack message${threadTs ? ` (in thread ${threadTs})` : ''} ---\n${JSON.stringify(message, null, 2)}\n`,
    );
    return { channel: 'local', ts };
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    this.sent.push({ message, update: ts });
    this.write(`--- Slack update of ${channel} ${ts} ---\n${message.text}\n`);
  }
}
