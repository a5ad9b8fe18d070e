import { AwsApiError, type EmulatorEnv, type ServiceFactory, type ServiceImplementation } from '../contracts';
import { lookupEvents } from './lookup-events';
import { LOOKUP_EVENTS_RATE_LIMIT, TokenBucket, type LookupRateLimit } from './rate-limit';

export interface CloudTrailOptions {
  /** LookupEvents' rate limit; `false` turns it off (benchmarks). Default 2 requests/s, burst 2. */
  lookupEventsRateLimit?: LookupRateLimit | false;
}

/**
 * CloudTrail LookupEvents over the writes the emulator served. CloudTrail keeps no state of its own here: the
 * served writes are the core's, so snapshot/restore/reset have nothing to carry.
 */
export function createCloudTrailServiceWithOptions(options: CloudTrailOptions = {}): ServiceFactory {
  return (env: EmulatorEnv): ServiceImplementation => {
    const limit = options.lookupEventsRateLimit ?? LOOKUP_EVENTS_RATE_LIMIT;
    const bucket = limit === false ? undefined : new TokenBucket(limit);
    return {
      modelFile: 'cloudtrail-2013-11-01.json',
      operations: new Set(['LookupEvents']),
      handle(operation, input, ctx) {
        if (operation !== 'LookupEvents') {
          throw new AwsApiError('UnsupportedOperationException', 400, `Unsupported operation ${operation}`);
        }
        if (bucket && !bucket.take(ctx.now)) throw new AwsApiError('ThrottlingException', 400, 'Rate exceeded');
        return lookupEvents(env, input, ctx);
      },
      snapshot: () => ({}),
      restore: () => undefined,
      reset: () => bucket?.reset(),
    };
  };
}

export const createCloudTrailService: ServiceFactory = createCloudTrailServiceWithOptions();
export { toCloudTrailApiCallEvent, type EventBridgeEvent } from './events';
