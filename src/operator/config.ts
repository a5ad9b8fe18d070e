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
  /** A fleet (many stacks, one operator): JSON, see loadFleetConfig. MESHWARD_MANIFESTS is then the root prefix. */
  fleet: 'MESHWARD_FLEET',
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
  /** A stack in another account: its engine clients and CloudTrail lookups use this role (credentials.ts). */
  assumeRole?: { roleArn: string; externalId?: string };
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

/** One stack of a fleet, as MESHWARD_FLEET names it. Everything but the account is optional. */
export interface FleetStackEntry {
  /** The account its resources live in; absent or the operator's own = no role to assume. */
  account?: string;
  /** The role to assume there; default `arn:aws:iam::<account>:role/<roleName>`. */
  role?: string;
  externalId?: string;
  mode?: OperatorMode;
  prune?: boolean;
  maxDeletes?: number;
}

export interface FleetConfig {
  /** Stack name -> its configuration; manifests under `<MESHWARD_MANIFESTS>/<stack>`, state beside them. */
  stacks: ReadonlyMap<string, OperatorConfig>;
}

const ENTRY_KEYS = new Set(['account', 'role', 'externalId', 'mode', 'prune', 'maxDeletes']);
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * MESHWARD_FLEET: `{"roleName": "meshward-reconciler", "stacks": {"payments": {"account": "111111111111",
 * "mode": "enforce"}, "orders": {}}}`. Each stack gets the settings of the environment (mode, prune, Slack...),
 * its entry's overrides, its own manifest prefix and state, and, in another account, the role to assume. Compact
 * on purpose: Lambda's environment holds 4 KB, about 60 stacks of this shape.
 */
export function loadFleetConfig(env: NodeJS.ProcessEnv = process.env): FleetConfig {
  const raw = trimmed(env, ENV.fleet);
  const problems: string[] = [];
  const stacks = new Map<string, OperatorConfig>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    throw new MeshwardError('CONFIG', `invalid operator configuration:\n  - ${ENV.fleet}: not JSON`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(parsed) || !isObject(parsed.stacks) || Object.keys(parsed.stacks).length === 0) {
    throw new MeshwardError(
      'CONFIG',
      `invalid operator configuration:\n  - ${ENV.fleet}: must be {"stacks": {"<stack>": {...}, ...}} with one stack or more`,
    );
  }
  const roleName = parsed.roleName;
  if (roleName !== undefined && (typeof roleName !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(roleName)))
    problems.push(`${ENV.fleet}: roleName "${String(roleName)}" is not an IAM role name`);
  for (const key of Object.keys(parsed)) {
    if (key !== 'stacks' && key !== 'roleName') problems.push(`${ENV.fleet}: unknown key "${key}"`);
  }
  const root = trimmed(env, ENV.manifests);
  const ownAccount = trimmed(env, ENV.accountId) ?? ROLE_ARN.exec(trimmed(env, ENV.ownRoleArn) ?? '')?.[1];
  for (const [stack, value] of Object.entries(parsed.stacks)) {
    const where = `${ENV.fleet}: stack "${stack}"`;
    if (!isObject(value)) {
      problems.push(`${where}: must be an object`);
      continue;
    }
    const entry = value as FleetStackEntry & Record<string, unknown>;
    for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) problems.push(`${where}: unknown key "${key}"`);
    if (entry.account !== undefined && (typeof entry.account !== 'string' || !ACCOUNT.test(entry.account)))
      problems.push(`${where}: account "${String(entry.account)}" must be 12 digits`);
    if (entry.role !== undefined && (typeof entry.role !== 'string' || !ROLE_ARN.test(entry.role)))
      problems.push(`${where}: role "${String(entry.role)}" is not an IAM role ARN`);
    const roleAccount = typeof entry.role === 'string' ? ROLE_ARN.exec(entry.role)?.[1] : undefined;
    if (roleAccount && entry.account && roleAccount !== entry.account)
      problems.push(`${where}: role ${String(entry.role)} is not in account ${entry.account}`);
    if (entry.externalId !== undefined && (typeof entry.externalId !== 'string' || !EXTERNAL_ID.test(entry.externalId)))
      problems.push(`${where}: externalId must be 2-1224 characters of [\\w+=,.@:/-]`);
    if (entry.prune !== undefined && typeof entry.prune !== 'boolean')
      problems.push(`${where}: prune must be true or false`);
    if (entry.maxDeletes !== undefined && typeof entry.maxDeletes !== 'number')
      problems.push(`${where}: maxDeletes must be a number`);
    const account = entry.account ?? roleAccount;
    // A role named for the stack is always assumed (the fleet stack gives every stack one, own account included:
    // each role holds only its stack's permissions); another account without a role is an error.
    const foreign = (account !== undefined && account !== ownAccount) || typeof entry.role === 'string';
    const roleArn =
      typeof entry.role === 'string'
        ? entry.role
        : foreign && typeof roleName === 'string'
          ? `arn:aws:iam::${account}:role/${roleName}`
          : undefined;
    if (foreign && roleArn === undefined)
      problems.push(`${where}: account ${account} is not the operator's: give "role" (or the fleet's "roleName")`);
    try {
      const config = loadConfig({
        ...env,
        [ENV.stack]: stack,
        ...(root !== undefined ? { [ENV.manifests]: root.replace(/\/+$/, '') + '/' + stack } : {}),
        [ENV.state]: undefined,
        ...(entry.mode !== undefined ? { [ENV.mode]: String(entry.mode) } : {}),
        ...(entry.prune !== undefined ? { [ENV.prune]: String(entry.prune) } : {}),
        ...(entry.maxDeletes !== undefined ? { [ENV.maxDeletes]: String(entry.maxDeletes) } : {}),
        // In the stack's account the operator is the assumed role: its calls there are its own, not drift.
        ...(foreign && roleArn ? { [ENV.ownRoleArn]: roleArn, [ENV.accountId]: account } : {}),
        ...(!foreign && account !== undefined ? { [ENV.accountId]: account } : {}),
      });
      stacks.set(stack, {
        ...config,
        ...(foreign && roleArn
          ? {
              assumeRole: {
                roleArn,
                ...(typeof entry.externalId === 'string' ? { externalId: entry.externalId } : {}),
              },
            }
          : {}),
      });
    } catch (err) {
      problems.push(
        `${where}: ${(err as Error).message.replace(/^invalid operator configuration:\n\s*- /, '').replace(/\n\s*- /g, '; ')}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new MeshwardError('CONFIG', `invalid operator configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return { stacks };
}
