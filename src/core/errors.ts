/**
 * Every error meshward raises on purpose carries a stable `code`; the CLI's exit code and a report's severity
 * derive from it, never from the message text.
 */
export type ErrorCode =
  | 'INVALID_INPUT' // a manifest, flag or event that cannot be used as given
  | 'VALIDATION_FAILED' // manifests that fail schema or semantic validation
  | 'AWS_RETRYABLE' // throttling, 5xx: try again later
  | 'AWS_TERMINAL' // an AWS error that retrying will not fix
  | 'CONFLICT' // a resource exists but is not owned by this stack
  | 'GUARD_REFUSED' // a safety guard refused the plan
  | 'STATE_CORRUPT' // the state store or emulator data could not be read
  | 'CONFIG' // invalid configuration
  | 'LOCKED' // another run holds the stack's lock (one writer per stack)
  | 'INTERNAL';

export class MeshwardError extends Error {
  override readonly name: string = 'MeshwardError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
