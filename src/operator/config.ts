/**
 * The operator's configuration, read once from the Lambda environment and validated as a whole: a bad setting
 * fails the cold start with every problem listed, never half way through a reconcile.
 */
import { MeshwardError } from '../core/errors';
import { keyUnder, parseS3Uri, type S3Location } from './s3-uri';

/** Environment variable names; infra/meshward-stack.ts sets exactly these. */
export const ENV = {
  stack: 'MESHWARD_STACK',
  manifests: 'MESHWARD_MANIFESTS',
  state: 'MESHWARD_STATE',
  mode: 'MESHWARD_MODE',
  prune: 'MESHWARD_PRUNE',
  maxDeletes: 'MESHWARD_MAX_DELETES',
  slackSecretArn: 'MESHWARD_SLACK_SECRET_ARN',
  slackChannel: 'MESHWARD_SLACK_CHANNEL',
  ownRoleArn: 'MESHWARD_OWN_ROLE_ARN',
  accountId: 'MESHWARD_ACCOUNT_ID',
  eventBus: 'MESHWARD_EVENT_BUS',
  schedule: 'MESHWARD_SCHEDULE',
  metricsNamespace: 'MESHWARD_METRICS_NAMESPACE',
} as const;

export type OperatorMode = 'enforce' | 'detect';

export interface OperatorConfig {
  stack: string;
  manifests: S3Location;
  /** Where the state snapshots and their pointer live (a prefix). */
  state: S3Location;
  mode: OperatorMode;
  prune: boolean;
  maxDeletes: number;
  slackSecretArn?: string;
  /** Channel for bot-token posting; a webhook's channel is fixed by the webhook. */
  slackChannel?: string;
  /** The Lambda's own role: CloudTrail calls made by it are meshward's, not drift. */
  ownRoleArn?: string;
  /** Events from other accounts are foreign. Derived from ownRoleArn when not set. */
  accountId?: string;
  eventBus: string;
  schedule?: string;
  metricsNamespace: string;
}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{0,62}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
const ACCOUNT = /^\d{12}$/;

function trimmed(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads and validates the whole configuration; throws one CONFIG error naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const problems: string[] = [];

  const stack = trimmed(env, ENV.stack) ?? 'default';
  if (!STACK_NAME.test(stack))
    problems.push(`${ENV.stack}: "${stack}" is not a valid stack name (letters, digits, -, _)`);

  let manifests: S3Location | undefined;
  const manifestsRaw = trimmed(env, ENV.manifests);
  if (manifestsRaw === undefined) problems.push(`${ENV.manifests}: required (s3://bucket/prefix)`);
  else {
    try {
      manifests = parseS3Uri(manifestsRaw);
    } catch (err) {
      problems.push(`${ENV.manifests}: ${(err as Error).message}`);
    }
  }

  let state: S3Location | undefined;
  const stateRaw = trimmed(env, ENV.state);
  if (stateRaw !== undefined) {
    try {
      state = parseS3Uri(stateRaw);
    } catch (err) {
      problems.push(`${ENV.state}: ${(err as Error).message}`);
    }
  } else if (manifests) {
    // State next to the manifests, in a sibling prefix the publish step never writes.
    state = { bucket: manifests.bucket, prefix: keyUnder(manifests.prefix, `_state/${stack}`) };
  }

  const modeRaw = trimmed(env, ENV.mode) ?? 'detect';
  if (modeRaw !== 'enforce' && modeRaw !== 'detect')
    problems.push(`${ENV.mode}: "${modeRaw}" must be enforce or detect`);
  const mode: OperatorMode = modeRaw === 'enforce' ? 'enforce' : 'detect';

  const pruneRaw = (trimmed(env, ENV.prune) ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(pruneRaw))
    problems.push(`${ENV.prune}: "${pruneRaw}" must be true or false`);
  const prune = pruneRaw === 'true' || pruneRaw === '1';

  const maxDeletesRaw = trimmed(env, ENV.maxDeletes) ?? '5';
  const maxDeletes = Number(maxDeletesRaw);
  if (!Number.isInteger(maxDeletes) || maxDeletes < 0)
    problems.push(`${ENV.maxDeletes}: "${maxDeletesRaw}" must be a whole number >= 0`);

  const slackSecretArn = trimmed(env, ENV.slackSecretArn);
  if (slackSecretArn !== undefined && !slackSecretArn.startsWith('arn:'))
    problems.push(`${ENV.slackSecretArn}: must be a Secrets Manager ARN`);

  const ownRoleArn = trimmed(env, ENV.ownRoleArn);
  const roleMatch = ownRoleArn === undefined ? null : ROLE_ARN.exec(ownRoleArn);
  if (ownRoleArn !== undefined && !roleMatch)
    problems.push(`${ENV.ownRoleArn}: "${ownRoleArn}" is not an IAM role ARN`);

  const accountId = trimmed(env, ENV.accountId) ?? roleMatch?.[1];
  if (accountId !== undefined && !ACCOUNT.test(accountId))
    problems.push(`${ENV.accountId}: "${accountId}" must be 12 digits`);

  if (problems.length > 0 || !manifests || !state) {
    throw new MeshwardError('CONFIG', `invalid operator configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    stack,
    manifests,
    state,
    mode,
    prune,
    maxDeletes,
    slackSecretArn,
    slackChannel: trimmed(env, ENV.slackChannel),
    ownRoleArn,
    accountId,
    eventBus: trimmed(env, ENV.eventBus) ?? 'default',
    schedule: trimmed(env, ENV.schedule),
    metricsNamespace: trimmed(env, ENV.metricsNamespace) ?? 'Meshward',
  };
}
