/**
 * Fault injection: throttling, 5xx, latency, AWS-like token-bucket rate limits and a crash switch. A seeded PRNG
 * decides which calls fail, so a test or benchmark run repeats exactly for the same seed and call order.
 */
import { AwsApiError } from './contracts';
import type { ProtocolProfile } from './protocols';
import { prng } from '../core/prng';

/**
 * Which calls a rule applies to. Entries are 'Operation' (any service), 'service.Operation' or 'service.*';
 * no list means every call.
 */
export type OperationSelector = string[];

export interface FaultRule {
  /** Fraction of matching calls, 0..1. */
  rate: number;
  operations?: OperationSelector;
  /** Inject at most this many times (e.g. "throttle the next call only"); unlimited when absent. */
  count?: number;
}

export interface ServerErrorRule extends FaultRule {
  /** 500 (the service's internal error) or 503 (ServiceUnavailable); default 500. */
  status?: 500 | 503;
}

export interface LatencyRule {
  fixedMs?: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs?: number;
  operations?: OperationSelector;
}

export interface TokenBucketLimit {
  burst: number;
  perSecond: number;
}

export interface RateLimitConfig {
  enabled: boolean;
  /** Overrides and additions, keyed 'service.Operation' (e.g. 'ecs.DescribeServices') or 'appmesh.read'/'write'. */
  limits?: Record<string, TokenBucketLimit>;
}

export interface FaultConfig {
  seed?: number;
  throttle?: FaultRule;
  serverError?: ServerErrorRule;
  latency?: LatencyRule;
  rateLimits?: RateLimitConfig;
  /** Crash simulation: calls after the first n (counted from when this was set) fail with a 503. */
  failAfterCalls?: number;
  /**
   * Faults after the commit: the write is done (state changed, persisted, recorded as a write) but the caller gets
   * a 5xx or a dropped connection instead of the answer, as when a connection breaks after AWS committed. Reads
   * are never selected by it (a lost read changes nothing).
   */
  lostAnswer?: LostAnswerRule;
}

export interface LostAnswerRule extends FaultRule {
  /** 'error': the service's 500 (or 503); 'drop': the socket is destroyed without an answer. Default 'error'. */
  mode?: 'error' | 'drop';
  status?: 500 | 503;
}

export interface CallInfo {
  service: string;
  operation: string;
  read: boolean;
}

/** In-process hook run before every call; return (or throw) an AwsApiError to fail the call with it. */
export type FaultHook = (call: CallInfo) => AwsApiError | undefined | void;

/**
 * AWS-FACTS.md's ECS limits (burst / sustained per second). App Mesh publishes none; the defaults are a well-known
 * controller's client-side limits (40 reads/s, 8 writes/s). Rate limits are off unless enabled.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, TokenBucketLimit>> = {
  'ecs.DescribeServices': { burst: 100, perSecond: 20 },
  'ecs.ListServices': { burst: 100, perSecond: 20 },
  'ecs.CreateService': { burst: 50, perSecond: 5 },
  'ecs.UpdateService': { burst: 50, perSecond: 5 },
  'ecs.DeleteService': { burst: 50, perSecond: 5 },
  'ecs.DescribeTaskDefinition': { burst: 50, perSecond: 20 },
  'ecs.RegisterTaskDefinition': { burst: 20, perSecond: 1 },
  'ecs.DeregisterTaskDefinition': { burst: 20, perSecond: 1 },
  'ecs.DescribeClusters': { burst: 50, perSecond: 20 },
  'ecs.ListClusters': { burst: 50, perSecond: 20 },
  'ecs.TagResource': { burst: 20, perSecond: 10 },
  'ecs.UntagResource': { burst: 20, perSecond: 10 },
  'ecs.ListTagsForResource': { burst: 50, perSecond: 20 },
  'appmesh.read': { burst: 40, perSecond: 40 },
  'appmesh.write': { burst: 8, perSecond: 8 },
};

function matches(selector: OperationSelector | undefined, call: CallInfo): boolean {
  if (!selector || selector.length === 0) return true;
  return selector.some(
    (s) => s === call.operation || s === `${call.service}.${call.operation}` || s === `${call.service}.*` || s === '*',
  );
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  limit: TokenBucketLimit;
}

export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number;
  private readonly buckets = new Map<string, Bucket>();
  private callsSinceArmed = 0;
  private hook: FaultHook | undefined;
  private readonly injected = new Map<string, number>();

  constructor(
    private readonly defaultSeed: number,
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {
    this.random = prng(defaultSeed);
  }

  /** Replaces the whole configuration; the PRNG restarts from the seed so the same config repeats the same run. */
  set(config: FaultConfig): void {
    this.config = structuredClone(config);
    this.random = prng(config.seed ?? this.defaultSeed);
    this.buckets.clear();
    this.injected.clear();
    this.callsSinceArmed = 0;
  }

  /** Merges into the current configuration (per top-level key). */
  update(partial: FaultConfig): void {
    this.set({ ...this.config, ...partial });
  }

  clear(): void {
    this.set({});
  }

  get(): FaultConfig {
    return structuredClone(this.config);
  }

  setHook(hook: FaultHook | undefined): void {
    this.hook = hook;
  }

  /** Milliseconds to delay this call by (0 when no latency rule matches). */
  latencyFor(call: CallInfo): number {
    const rule = this.config.latency;
    if (!rule || !matches(rule.operations, call)) return 0;
    const jitter = rule.jitterMs ? this.random() * rule.jitterMs : 0;
    return Math.max(0, (rule.fixedMs ?? 0) + jitter);
  }

  /**
   * The injected failure for this call, if any. `throttled` tells the stats apart from other injected errors.
   */
  check(call: CallInfo, profile: ProtocolProfile): { error: AwsApiError; throttled: boolean } | undefined {
    const { failAfterCalls } = this.config;
    if (failAfterCalls !== undefined) {
      this.callsSinceArmed += 1;
      if (this.callsSinceArmed > failAfterCalls) {
        const spec = profile.unavailable;
        return {
          error: new AwsApiError(spec.type, spec.status, 'Service unavailable (emulator crash simulation)'),
          throttled: false,
        };
      }
    }
    const hooked = this.hook?.(call);
    if (hooked instanceof AwsApiError) return { error: hooked, throttled: false };
    if (this.config.rateLimits?.enabled && !this.takeToken(call)) {
      return { error: throttlingError(profile), throttled: true };
    }
    const throttle = this.config.throttle;
    if (this.fires('throttle', throttle, call)) {
      return { error: throttlingError(profile), throttled: true };
    }
    const serverError = this.config.serverError;
    if (serverError && this.fires('serverError', serverError, call)) {
      const spec = serverError.status === 503 ? profile.unavailable : profile.internal;
      return { error: new AwsApiError(spec.type, spec.status, 'Injected server error'), throttled: false };
    }
    return undefined;
  }

  /**
   * Asked after a write committed: how to lose its answer, or undefined to answer normally. Counts against the
   * rule like the faults before the call.
   */
  lostAnswer(call: CallInfo, profile: ProtocolProfile): { error: AwsApiError } | { drop: true } | undefined {
    const rule = this.config.lostAnswer;
    if (call.read || !rule || !this.fires('lostAnswer', rule, call)) return undefined;
    if (rule.mode === 'drop') return { drop: true };
    const spec = rule.status === 503 ? profile.unavailable : profile.internal;
    return { error: new AwsApiError(spec.type, spec.status, 'Injected server error after the write committed') };
  }

  /** How many times each fault fired since the configuration was set ('throttle', 'serverError', 'lostAnswer'). */
  injectedCounts(): Record<string, number> {
    return Object.fromEntries(this.injected);
  }

  private fires(name: string, rule: FaultRule | undefined, call: CallInfo): boolean {
    if (!rule || !matches(rule.operations, call)) return false;
    const used = this.injected.get(name) ?? 0;
    if (rule.count !== undefined && used >= rule.count) return false;
    if (this.random() >= rule.rate) return false;
    this.injected.set(name, used + 1);
    return true;
  }

  private takeToken(call: CallInfo): boolean {
    const limits = { ...DEFAULT_RATE_LIMITS, ...(this.config.rateLimits?.limits ?? {}) };
    const opKey = `${call.service}.${call.operation}`;
    const classKey = `${call.service}.${call.read ? 'read' : 'write'}`;
    // A per-operation limit wins; otherwise App Mesh-style services share one read and one write bucket.
    const key = limits[opKey] ? opKey : limits[classKey] ? classKey : undefined;
    if (!key) return true;
    const limit = limits[key];
    if (!limit) return true;
    const now = this.monotonicMs();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit.burst, updatedAt: now, limit };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

export function throttlingError(profile: ProtocolProfile): AwsApiError {
  const spec = profile.throttling;
  return new AwsApiError(spec.type, spec.status, spec.message);
}
