/**
 * A write without an idempotency token (RegisterTaskDefinition) must reach AWS at most once per call: when its
 * answer is lost after AWS committed it (a 5xx, a broken connection), the SDK's own retry would make a second,
 * identical revision. The caller gets the failure instead, looks for what the lost call made, and only then tries
 * again.
 */
/** What `sendOnce` throws when the one attempt failed; `cause` is the SDK's error, retryable or not. */
export class UnansweredWrite extends Error {
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`${operation}: no answer (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'UnansweredWrite';
  }
}

interface StackHolder {
  middlewareStack: {
    add(
      mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'finalizeRequest'; priority: 'low'; name: string },
    ): void;
  };
}

/**
 * Sends `command` with the SDK's retries off for it alone. The middleware sits inside the retry loop (after the
 * retry middleware, like the call counter) and turns the error into one the retry strategy does not retry.
 */
export async function sendOnce<Output>(
  client: { send(command: never): Promise<unknown> },
  command: object,
  operation: string,
): Promise<Output> {
  (command as unknown as StackHolder).middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        throw new UnansweredWrite(operation, err);
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'meshward-send-once' },
  );
  return (await client.send(command as never)) as Output;
}
