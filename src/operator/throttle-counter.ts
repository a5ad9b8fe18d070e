/** Counts throttling answers per attempt (inside the SDK's retry loop), for the Throttles metric. */
const THROTTLE_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
]);

interface MiddlewareClient {
  middlewareStack: {
    add: (
      mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'finalizeRequest'; priority: 'low'; name: string },
    ) => void;
  };
}

export class ThrottleCounter {
  count = 0;

  attach(client: unknown, name: string): void {
    (client as MiddlewareClient).middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
          if ((e.name && THROTTLE_NAMES.has(e.name)) || e.$metadata?.httpStatusCode === 429) this.count += 1;
          throw err;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: `meshward-throttles-${name}` },
    );
  }
}
