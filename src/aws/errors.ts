/**
 * AWS SDK errors -> what meshward does about them. The classification is data (error names), so every kind shares
 * it and a kind only adds names of its own.
 */
import { MeshwardError } from '../core/errors';

export type ErrorClass = 'retry' | 'not-found' | 'conflict' | 'in-use' | 'terminal';

const RETRY_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'ServiceUnavailableException',
  'InternalServerErrorException',
  'ServerException',
  'InternalFailure',
  'ServiceUnavailable',
]);

const NOT_FOUND_NAMES = new Set([
  'NotFoundException',
  'ServiceNotFoundException',
  'ClusterNotFoundException',
  'ServiceNotFound',
  'NamespaceNotFound',
  'ResourceNotFoundException',
]);

const CONFLICT_NAMES = new Set(['ConflictException', 'ServiceAlreadyExists', 'NamespaceAlreadyExists']);
const IN_USE_NAMES = new Set(['ResourceInUseException', 'ResourceInUse']);

interface SdkLikeError {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function asSdkError(err: unknown): SdkLikeError {
  return typeof err === 'object' && err !== null ? (err as SdkLikeError) : {};
}

export function errorName(err: unknown): string {
  const name = asSdkError(err).name;
  return typeof name === 'string' ? name : 'Error';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function classifyAwsError(err: unknown): ErrorClass {
  if (err instanceof MeshwardError) return err.code === 'AWS_RETRYABLE' ? 'retry' : 'terminal';
  const name = errorName(err);
  if (RETRY_NAMES.has(name)) return 'retry';
  if (NOT_FOUND_NAMES.has(name)) return 'not-found';
  if (CONFLICT_NAMES.has(name)) return 'conflict';
  if (IN_USE_NAMES.has(name)) return 'in-use';
  const status = asSdkError(err).$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return 'retry';
  return 'terminal';
}

export function isNotFound(err: unknown): boolean {
  return classifyAwsError(err) === 'not-found';
}

/** Wraps an SDK error with a stable code; the original stays as `cause`. */
export function toMeshwardError(err: unknown, action: string): MeshwardError {
  if (err instanceof MeshwardError) return err;
  const cls = classifyAwsError(err);
  const code = cls === 'retry' ? 'AWS_RETRYABLE' : 'AWS_TERMINAL';
  const hint = SETUP_HINTS[errorName(err)];
  const message = `${action}: ${errorName(err)}: ${errorMessage(err)}${hint ? ` (${hint})` : ''}`;
  return new MeshwardError(code, message, { cause: err });
}

/** The SDK's own words for a missing setup name the symptom; these say what to do about it. */
const SETUP_HINTS: Readonly<Record<string, string>> = {
  CredentialsProviderError:
    'no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or add --local to use the embedded emulator',
};
