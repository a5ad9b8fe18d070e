/**
 * Client-side token buckets, one per API family and operation class, so that a reconcile never causes throttling
 * on its own: AWS throttles per account and region, and other tools share those buckets with us.
 */
export interface BucketLimit {
  /** Sustained requests per second. */
  rate: number;
  /** Requests that may go out at once after an idle period. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Waiters are served in order; each one waits for the previous one's token. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: BucketLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit.burst;
    this.last = now();
  }

  acquire(): Promise<void> {
    const next = this.queue.then(() => this.take());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async take(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      const waitMs = Math.ceil(((1 - this.tokens) / this.limit.rate) * 1000);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((t - this.last) / 1000) * this.limit.rate);
    this.last = t;
  }
}

export type ApiFamily = 'appmesh' | 'ecs' | 'servicediscovery' | 'vpc-lattice' | 'tagging';

/** family -> bucket name -> limit. Operations map to bucket names through `bucketFor`. */
export type RateLimits = Record<ApiFamily, Record<string, BucketLimit>>;

/**
 * App Mesh: AWS publishes no limits; a well-known controller uses 40 reads/s and 8 writes/s. ECS: AWS-FACTS.md's
 * per-account buckets. Both kept 10% under, so that our bursts never hit the server's. Cloud Map: conservative.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  // 90% of 40 reads/s and 8 writes/s: pacing exactly at a server's limit still trips it when requests bunch up
  // on the wire.
  appmesh: { read: { rate: 36, burst: 36 }, write: { rate: 7.2, burst: 7 } },
  ecs: {
    serviceRead: { rate: 18, burst: 90 },
    serviceWrite: { rate: 4.5, burst: 45 },
    taskDefinitionRead: { rate: 18, burst: 45 },
    taskDefinitionWrite: { rate: 0.9, burst: 18 },
    clusterRead: { rate: 18, burst: 45 },
    tagWrite: { rate: 9, burst: 18 },
    tagRead: { rate: 18, burst: 45 },
    other: { rate: 18, burst: 45 },
  },
  servicediscovery: { read: { rate: 20, burst: 20 }, write: { rate: 5, burst: 5 } },
  // VPC Lattice publishes no request-rate quotas for its control plane: as conservative as Cloud Map's.
  'vpc-lattice': { read: { rate: 20, burst: 20 }, write: { rate: 5, burst: 5 } },
  // The Resource Groups Tagging API publishes no GetResources rate in its reference (unverified): a run makes one
  // page per 100 owned resources, so a low rate costs nothing measurable.
  tagging: { read: { rate: 5, burst: 10 }, write: { rate: 5, burst: 5 } },
};

const ECS_BUCKETS: Record<string, string> = {
  DescribeServices: 'serviceRead',
  ListServices: 'serviceRead',
  CreateService: 'serviceWrite',
  UpdateService: 'serviceWrite',
  DeleteService: 'serviceWrite',
  DescribeTaskDefinition: 'taskDefinitionRead',
  ListTaskDefinitions: 'taskDefinitionRead',
  ListTaskDefinitionFamilies: 'taskDefinitionRead',
  RegisterTaskDefinition: 'taskDefinitionWrite',
  DeregisterTaskDefinition: 'taskDefinitionWrite',
  DescribeClusters: 'clusterRead',
  ListClusters: 'clusterRead',
  TagResource: 'tagWrite',
  UntagResource: 'tagWrite',
  ListTagsForResource: 'tagRead',
};

export function isReadOperation(operation: string): boolean {
  return /^(List|Describe|Get)/.test(operation);
}

export function bucketFor(family: ApiFamily, operation: string): string {
  if (family === 'ecs') return ECS_BUCKETS[operation] ?? 'other';
  return isReadOperation(operation) ? 'read' : 'write';
}

/**
 * The sustained rate of a family's slowest write bucket (ECS: task definition registrations), per second: what
 * the apply's scheduler weighs a write of that family by. Unknown families count as fast.
 */
export function slowestWriteRate(family: string, limits: RateLimits = DEFAULT_RATE_LIMITS): number {
  const buckets = (limits as Partial<Record<string, Record<string, BucketLimit>>>)[family];
  const rates = Object.entries(buckets ?? {})
    .filter(([name]) => /write/i.test(name))
    .map(([, limit]) => limit.rate);
  return rates.length > 0 ? Math.min(...rates) : 10;
}

export function mergeRateLimits(overrides: Partial<Record<ApiFamily, Record<string, BucketLimit>>> = {}): RateLimits {
  return {
    appmesh: { ...DEFAULT_RATE_LIMITS.appmesh, ...overrides.appmesh },
    ecs: { ...DEFAULT_RATE_LIMITS.ecs, ...overrides.ecs },
    servicediscovery: { ...DEFAULT_RATE_LIMITS.servicediscovery, ...overrides.servicediscovery },
    'vpc-lattice': { ...DEFAULT_RATE_LIMITS['vpc-lattice'], ...overrides['vpc-lattice'] },
    tagging: { ...DEFAULT_RATE_LIMITS.tagging, ...overrides.tagging },
  };
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(readonly limits: RateLimits = DEFAULT_RATE_LIMITS) {}

  acquire(family: ApiFamily, operation: string): Promise<void> {
    const name = bucketFor(family, operation);
    const key = `${family}:${name}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const limit = this.limits[family][name] ?? this.limits[family]['other'] ?? { rate: 10, burst: 10 };
      bucket = new TokenBucket(limit);
      this.buckets.set(key, bucket);
    }
    return bucket.acquire();
  }
}
