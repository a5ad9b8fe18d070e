/**
 * STS AssumeRole, just enough for cross-account stacks: the awsQuery protocol (form-encoded POST, XML answer),
 * the input constraints of the STS API reference (RoleArn 20-2048, RoleSessionName 2-64 of [\w+=,.@-],
 * DurationSeconds 900-43200, default 3600), temporary credentials whose access key the emulator then knows as
 * `arn:aws:sts::<account>:assumed-role/<role>/<session>` (ServedWrites, CloudTrail, CallContext.principalArn).
 * Trust is an option (`assumableRoles`): unset, every caller may assume every role, as a fully trusting policy.
 * Source: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errorXml as queryErrorXml, requestId, signingServiceOf, xmlEscape } from './query';

export interface StsOptions {
  /** role ARN -> access key ids allowed to assume it (its trust policy); absent = everyone may assume it. */
  assumableRoles?: Record<string, readonly string[]>;
}

export interface StsAnswer {
  status: number;
  body: string;
  /** Access key id -> identity ARN, for the emulator's identity map, on success. */
  issued?: { accessKeyId: string; identityArn: string; roleArn: string };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** True for a request signed for STS (the credential scope names the service): nothing else carries that. */
export function isStsRequest(req: IncomingMessage): boolean {
  return signingServiceOf(req) === 'sts';
}

function errorXml(status: number, code: string, message: string): StsAnswer {
  return queryErrorXml(STS_NAMESPACE, status, code, message);
}

/** Answers one STS query request (the form body already read). */
export function answerSts(
  form: string,
  caller: { accessKeyId: string | undefined; identityArn: string },
  options: StsOptions,
  now: number,
): StsAnswer {
  const params = new URLSearchParams(form);
  const action = params.get('Action');
  if (action !== 'AssumeRole') {
    return errorXml(400, 'InvalidAction', `Could not find operation ${action ?? ''} for version 2011-06-15`);
  }
  const roleArn = params.get('RoleArn') ?? '';
  const session = params.get('RoleSessionName') ?? '';
  const durationRaw = params.get('DurationSeconds');
  const problems: string[] = [];
  const role = ROLE_ARN.exec(roleArn);
  if (roleArn.length < 20 || roleArn.length > 2048 || !role) {
    problems.push(`Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be a role ARN`);
  }
  if (!SESSION_NAME.test(session)) {
    problems.push(
      `Value '${session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular ` +
        'expression pattern: [\\w+=,.@-]* and have length between 2 and 64',
    );
  }
  const duration = durationRaw === null ? 3600 : Number(durationRaw);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    problems.push(
      `Value '${durationRaw ?? ''}' at 'durationSeconds' failed to satisfy constraint: Member must have value ` +
        'greater than or equal to 900 and less than or equal to 43200',
    );
  }
  if (problems.length > 0 || !role) {
    const n = problems.length;
    return errorXml(
      400,
      'ValidationError',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    );
  }
  const trusted = options.assumableRoles?.[roleArn];
  if (options.assumableRoles && (!trusted || !caller.accessKeyId || !trusted.includes(caller.accessKeyId))) {
    return errorXml(
      403,
      'AccessDenied',
      `User: ${caller.identityArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  }
  const [, account, name] = role;
  const seed = createHash('sha256').update(`${roleArn}|${session}|${now}|${randomBytes(8).toString('hex')}`);
  const digest = seed.digest('hex').toUpperCase();
  const accessKeyId = `ASIA${digest.slice(0, 16)}`;
  const identityArn = `arn:aws:sts::${account ?? ''}:assumed-role/${name ?? ''}/${session}`;
  const expiration = new Date(now + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body =
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
    `<AssumedRoleUser><Arn>${xmlEscape(identityArn)}</Arn><AssumedRoleId>AROA${digest.slice(16, 33)}:${xmlEscape(session)}` +
    '</AssumedRoleId></AssumedRoleUser>' +
    `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${digest.slice(20, 60)}</SecretAccessKey>` +
    `<SessionToken>${randomBytes(48).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration>` +
    '</Credentials></AssumeRoleResult>' +
    `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  return { status: 200, body, issued: { accessKeyId, identityArn, roleArn } };
}
