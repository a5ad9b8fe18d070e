/**
 * Credentials of a stack in another account: the operator's own role assumes the stack's role (config names the
 * account and the role) through STS AssumeRole, and the stack's engine clients (App Mesh, ECS, Cloud Map, VPC
 * Lattice) and its CloudTrail lookups use the temporary credentials, refreshed before they expire. S3 (manifests,
 * state, lock), Slack and EventBridge stay on the operator's own credentials: they live in the operator's account.
 *
 * The seam is `AssumeRole`: production sends STS's AssumeRole (stsAssumeRole); tests send it to the emulator,
 * which answers AssumeRole and knows the issued access key as the assumed role (src/emulator/sts.ts).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { CredentialsProvider, StaticCredentials } from '../aws/clients';
import { MeshwardError } from '../core/errors';

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  externalId?: string;
}

export type AssumeRole = (input: AssumeRoleInput) => Promise<StaticCredentials & { expiration: Date }>;

/** Renewed this long before expiry: a reconcile started on old credentials must not lose them half way. */
export const REFRESH_BEFORE_MS = 5 * 60_000;
/** One hour: the default maximum session of a role, and longer than a Lambda invocation (15 minutes at most). */
export const SESSION_SECONDS = 3600;

export interface StsSettings {
  region?: string;
  endpoint?: string;
  /** The caller's own credentials (default: the standard chain, i.e. the Lambda's role). */
  credentials?: StaticCredentials | CredentialsProvider;
}

/**
 * AssumeRole through the SDK's STS client, from the declared @aws-sdk/client-sts: not the transitive
 * @aws-sdk/nested-clients copy, which the SDK may drop or reshape in any release, and which a production install
 * (`npm install --omit=dev`) is not promised to hoist where `require` finds it.
 */
export function stsAssumeRole(settings: StsSettings = {}): AssumeRole {
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const client = new STSClient({
    region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
  return async (input) => {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        DurationSeconds: input.durationSeconds,
        ...(input.externalId ? { ExternalId: input.externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) {
      throw new MeshwardError('AWS_TERMINAL', `AssumeRole ${input.roleArn} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      expiration: c.Expiration,
    };
  };
}

/**
 * A provider for the SDK clients of one stack: assumes the role on first use, then again only when the
 * credentials are within REFRESH_BEFORE_MS of expiring. Concurrent calls share one AssumeRole.
 */
export function assumedRoleProvider(
  assume: AssumeRole,
  input: AssumeRoleInput,
  now: () => number = Date.now,
): CredentialsProvider {
  let current: (StaticCredentials & { expiration: Date }) | undefined;
  let pending: Promise<StaticCredentials & { expiration: Date }> | undefined;
  return async () => {
    if (current && current.expiration.getTime() - now() > REFRESH_BEFORE_MS) return current;
    pending ??= assume(input)
      .then((c) => {
        current = c;
        return c;
      })
      .catch((err: unknown) => {
        throw new MeshwardError('CONFIG', `cannot assume ${input.roleArn}: ${(err as Error).message}`, { cause: err });
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

/** The session name CloudTrail records in the stack's account: `meshward-<stack>`, within STS's 64 characters. */
export function sessionNameFor(stack: string): string {
  return `meshward-${stack}`.slice(0, 64);
}
