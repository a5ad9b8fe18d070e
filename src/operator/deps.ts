/**
 * Builds the operator's dependencies from its configuration: AWS clients (standard environment, or an explicit
 * endpoint for the emulator), the logger, the redactor and a lazily resolved Slack transport.
 */
import { createAwsClients, type AwsSettings } from '../aws/clients';
import { SecretRedactor } from '../notify/redact-secrets';
import { loadSlackDestination } from '../notify/slack-secret';
import { BotTransport, WebhookTransport, type SlackTransport } from '../notify/slack-transport';
import type { CredentialsProvider, StaticCredentials } from '../aws/clients';
import { createCloudTrailClient, createOperatorClients, type OperatorAwsSettings, type OperatorClients } from './aws';
import type { OperatorConfig } from './config';
import { createLogger, type Logger } from './log';
import { PublishedRevisionCache } from './manifest-cache';
import type { OperatorDeps } from './run';
import { ThrottleCounter } from './throttle-counter';

export interface DepsOverrides {
  aws?: OperatorAwsSettings & Pick<AwsSettings, 'disableRateLimit' | 'maxAttempts'>;
  /** Use this transport instead of the secret (tests, `reconcile --local`); null = no Slack at all. */
  slack?: SlackTransport | null;
  log?: Logger;
  write?: (line: string) => void;
  lookupIntervalMs?: number;
  schemasDir?: string;
  now?: () => Date;
  /**
   * Credentials of the stack's own account (an assumed role, credentials.ts) for the engine's clients and the
   * CloudTrail lookups; S3, EventBridge and Secrets Manager stay on `aws.credentials` (the operator's account).
   */
  engineCredentials?: StaticCredentials | CredentialsProvider;
  /** Share these instead of building them (a fleet: one set of operator clients and one Slack secret read). */
  shared?: { clients: OperatorClients; slack: () => Promise<SlackTransport | undefined> };
}

export function createOperatorDeps(config: OperatorConfig, overrides: DepsOverrides = {}): OperatorDeps {
  const redactor = new SecretRedactor();
  const write = overrides.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = overrides.log ?? createLogger({ base: { stack: config.stack, mode: config.mode }, redactor, write });
  const own = overrides.shared?.clients ?? createOperatorClients(overrides.aws);
  const engineCredentials = overrides.engineCredentials ?? overrides.aws?.credentials;
  // CloudTrail answers for the account it is asked in: the stack's, so through the stack's credentials.
  const clients: OperatorClients = overrides.engineCredentials
    ? {
        ...own,
        cloudTrail: createCloudTrailClient({ ...overrides.aws, credentials: overrides.engineCredentials }),
      }
    : own;
  const aws = createAwsClients({
    ...(overrides.aws?.region ? { region: overrides.aws.region } : {}),
    ...(overrides.aws?.endpoint ? { endpoint: overrides.aws.endpoint } : {}),
    ...(engineCredentials ? { credentials: engineCredentials } : {}),
    ...(overrides.aws?.disableRateLimit ? { disableRateLimit: true } : {}),
    ...(overrides.aws?.maxAttempts ? { maxAttempts: overrides.aws.maxAttempts } : {}),
  });
  const throttles = new ThrottleCounter();
  throttles.attach(aws.appMesh, 'appmesh');
  throttles.attach(aws.ecs, 'ecs');
  throttles.attach(aws.cloudMap, 'servicediscovery');

  let transport: Promise<SlackTransport | undefined> | undefined;
  const slack = (): Promise<SlackTransport | undefined> => {
    if (overrides.shared) return overrides.shared.slack();
    if (overrides.slack !== undefined) return Promise.resolve(overrides.slack ?? undefined);
    if (!config.slackSecretArn) return Promise.resolve(undefined);
    const arn = config.slackSecretArn;
    // One secret read per container: warm invocations reuse it.
    transport ??= loadSlackDestination(clients.secrets, arn, redactor, config.slackChannel).then(
      (dest): SlackTransport =>
        dest.kind === 'webhook'
          ? new WebhookTransport(dest.url, { redactor })
          : new BotTransport(dest.token, dest.channel, {
              redactor,
              ...(dest.apiUrl ? { slackApiUrl: dest.apiUrl } : {}),
              log: (line) => log.warn(line),
            }),
    );
    transport.catch(() => {
      transport = undefined;
    });
    return transport;
  };

  return {
    config,
    clients,
    aws,
    log,
    redactor,
    slack,
    throttles,
    emf: write,
    // Lives as long as the deps (the container): warm invocations reuse an unchanged revision's validation.
    manifests: new PublishedRevisionCache(),
    ...(overrides.lookupIntervalMs !== undefined ? { lookupIntervalMs: overrides.lookupIntervalMs } : {}),
    ...(overrides.schemasDir ? { schemasDir: overrides.schemasDir } : {}),
    ...(overrides.now ? { now: overrides.now } : {}),
  };
}
