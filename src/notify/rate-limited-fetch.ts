/**
 * A fetch for the Slack clients that honours 429 + Retry-After with a bounded number of retries and a bounded
 * total wait, so a rate-limited channel delays a report a little instead of failing it, and never holds the
 * Lambda until its timeout. Both @slack/webhook and @slack/web-api accept a custom fetch.
 */
export interface RateLimitPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Longest single wait; a larger Retry-After gives up instead (the next run posts it). */
  maxWaitMs: number;
  /** Upper bound for all waits of one request together. */
  maxTotalWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = {
  maxRetries: 3,
  maxWaitMs: 30_000,
  maxTotalWaitMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Seconds (Slack sends integers) or an HTTP date; missing or unreadable means Slack's ~1 message/s pace. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number {
  if (header === null || header.trim() === '') return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - now);
}

export type FetchFn = typeof globalThis.fetch;

export function rateLimitedFetch(
  policy: Partial<RateLimitPolicy> = {},
  base: FetchFn = globalThis.fetch,
  onRateLimited?: (waitMs: number, attempt: number) => void,
): FetchFn {
  const p = { ...DEFAULT_RATE_LIMIT_POLICY, ...policy };
  return async (input, init) => {
    let waited = 0;
    for (let attempt = 0; ; attempt += 1) {
      const response = await base(input, init);
      if (response.status !== 429 || attempt >= p.maxRetries) return response;
      const wait = retryAfterMs(response.headers.get('retry-after'));
      if (wait > p.maxWaitMs || waited + wait > p.maxTotalWaitMs) return response;
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      onRateLimited?.(wait, attempt + 1);
      await p.sleep(wait);
      waited += wait;
    }
  };
}
