/**
 * CloudTrail throttles LookupEvents at 2 requests per second per account and region. The emulator applies that
 * itself (the core's optional rate limits are off by default, and this limit is part of the API's contract).
 */
export interface LookupRateLimit {
  burst: number;
  perSecond: number;
}

export const LOOKUP_EVENTS_RATE_LIMIT: LookupRateLimit = { burst: 2, perSecond: 2 };

/**
 * A token bucket refilled by elapsed time. Elapsed time is the larger of the emulator clock's advance (tests move
 * it to refill deterministically) and real time (so a test that freezes the clock is not throttled forever).
 */
export class TokenBucket {
  private tokens: number;
  private lastClock: number | undefined;
  private lastReal = performance.now();

  constructor(private readonly limit: LookupRateLimit) {
    this.tokens = limit.burst;
  }

  take(clockMs: number): boolean {
    const real = performance.now();
    const clockElapsed = this.lastClock === undefined ? 0 : Math.max(0, clockMs - this.lastClock);
    const elapsed = Math.max(clockElapsed, real - this.lastReal);
    this.lastClock = clockMs;
    this.lastReal = real;
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.perSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  reset(): void {
    this.tokens = this.limit.burst;
    this.lastClock = undefined;
    this.lastReal = performance.now();
  }
}
