/**
 * The Slack destination lives in Secrets Manager (infra creates the secret). Accepted values:
 *   https://hooks.slack.com/services/...                       an incoming webhook
 *   {"webhookUrl": "https://hooks.slack.com/services/..."}
 *   {"botToken": "xoxb-...", "channel": "C0123456789"}         a bot token (threads and edits)
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MeshwardError } from '../core/errors';
import type { SecretRedactor } from './redact-secrets';

/**
 * What the stack puts in the Slack secret when no destination was given at deploy: Slack stays off, and every run
 * says so in its log (instead of failing to parse a random value).
 */
export const SLACK_SECRET_UNSET = 'meshward:slack-not-configured';

export type SlackDestination =
  { kind: 'webhook'; url: string } | { kind: 'bot'; token: string; channel: string; apiUrl?: string };

/** https, or plain http to this machine only (a local Slack stand-in: `meshward reconcile --local`, tests). */
function isWebhookUrl(value: string): boolean {
  return /^https:\/\//.test(value) || /^http:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?\//.test(value);
}

/** Parses a secret value. Error messages describe the shape, never the value. */
export function parseSlackSecret(value: string, defaultChannel?: string): SlackDestination {
  const trimmed = value.trim();
  if (isWebhookUrl(trimmed)) return { kind: 'webhook', url: trimmed };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new MeshwardError('CONFIG', 'the Slack secret is neither an https:// webhook URL nor JSON');
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const obj = parsed as Record<string, unknown>;
    if (typeof obj.webhookUrl === 'string' && isWebhookUrl(obj.webhookUrl)) {
      return { kind: 'webhook', url: obj.webhookUrl };
    }
    if (typeof obj.botToken === 'string' && obj.botToken !== '') {
      const channel = typeof obj.channel === 'string' && obj.channel !== '' ? obj.channel : defaultChannel;
      if (!channel) throw new MeshwardError('CONFIG', 'the Slack secret has a botToken but no channel');
      return {
        kind: 'bot',
        token: obj.botToken,
        channel,
        ...(typeof obj.apiUrl === 'string' ? { apiUrl: obj.apiUrl } : {}),
      };
    }
  }
  throw new MeshwardError('CONFIG', 'the Slack secret JSON needs "webhookUrl", or "botToken" and "channel"');
}

export async function loadSlackDestination(
  client: SecretsManagerClient,
  secretArn: string,
  redactor: SecretRedactor,
  defaultChannel?: string,
): Promise<SlackDestination> {
  let value: string | undefined;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    value = out.SecretString;
  } catch (err) {
    throw new MeshwardError('CONFIG', `cannot read the Slack secret ${secretArn}: ${(err as Error).name}`);
  }
  if (value === undefined || value.trim() === '') {
    throw new MeshwardError('CONFIG', `the Slack secret ${secretArn} is empty`);
  }
  if (value.trim() === SLACK_SECRET_UNSET) {
    throw new MeshwardError(
      'CONFIG',
      `Slack is off: the secret ${secretArn} still holds the placeholder the stack created; put a webhook URL or ` +
        `{"botToken": "xoxb-...", "channel": "C..."} in it (docs/slack.md)`,
    );
  }
  redactor.add(value.trim());
  const destination = parseSlackSecret(value, defaultChannel);
  redactor.add(destination.kind === 'webhook' ? destination.url : destination.token);
  return destination;
}
