/** The per-reconcile context the kinds get: clients, cache, ARN lookup, concurrency, progress. */
import type { AwsClients } from '../aws/clients';
import type { StackState } from '../core/model';
import type { KindContext } from '../kinds/kind';

export interface EngineContextOptions {
  clients: AwsClients;
  stack: string;
  state: StackState;
  concurrency?: number;
  progress?: (message: string) => void;
  progressItem?: (key: string, line: string, done: boolean) => void;
  wait?: boolean;
  pollMillis?: number;
  waitTimeoutMillis?: number;
  cacheMaxAgeMillis?: number;
  /** The reconcile's clock (create tokens change with it, see KindContext.createGeneration). */
  now?: () => Date;
  /** See EngineContext.readBudget (default DEFAULT_READ_BUDGET). */
  readBudget?: number;
  /** First wait before observing a kind again, ms (doubles, capped at 20 s; tests shorten it). */
  readRetryMillis?: number;
}

/**
 * Reads of one run that may run out of the SDK's retries (a throttling storm) and be resumed: the kind is observed
 * again after a pause, its describes so far kept in the cache. Only when the budget is spent does the run stop.
 */
export const DEFAULT_READ_BUDGET = 40;

/** Re-read tags (and specs) at least hourly even when versions say nothing changed. */
export const DEFAULT_CACHE_MAX_AGE_MILLIS = 60 * 60 * 1000;

export const DEFAULT_CONCURRENCY = 8;

/**
 * Create tokens stay the same for this long. Long enough that a retry or a re-run after a crash sends the same
 * request; short enough that a create replayed from an earlier window (same stack, resource and spec, its state
 * store lost since) is bounded by it.
 */
export const CREATE_TOKEN_WINDOW_MILLIS = 15 * 60 * 1000;

/** versionCache key of the time meshward last deleted a resource (see createGeneration). */
export function deletedMarker(id: string): string {
  return `meshward:deleted:${id}`;
}

export interface EngineContext extends KindContext {
  /** Records an ARN learnt by observe or a write, for later lookups (APPMESH_RESOURCE_ARN). */
  rememberArn(id: string, arn: string): void;
  /** When the state store last saw meshward apply the resource with this ARN (ISO), if it did. */
  appliedAtOf(arn: string): string | undefined;
  /** The resource id of an ARN written or observed before (the state store remembers applied ARNs). */
  idOfArn(arn: string): string | undefined;
  /** Re-observes left to this run (observe.ts); shared by every kind. */
  readBudget: { left: number; used: number; retryMillis: number };
}

export function createEngineContext(options: EngineContextOptions): EngineContext {
  const arns = new Map<string, string>();
  const appliedAt = new Map<string, string>();
  for (const [id, record] of Object.entries(options.state.applied)) {
    if (record.arn) arns.set(id, record.arn);
    if (record.arn && record.appliedAt) appliedAt.set(record.arn, record.appliedAt);
  }
  const now = options.now ?? (() => new Date());
  // What the state store remembers of the resource's last write: its last apply, else its last delete by us.
  const stateGeneration = (id: string): string => {
    const deleted = options.state.versionCache[deletedMarker(id)]?.data;
    return options.state.applied[id]?.appliedAt ?? (typeof deleted === 'string' ? deleted : 'never');
  };
  return {
    clients: options.clients,
    stack: options.stack,
    cache: options.state.versionCache,
    cacheMaxAgeMillis: options.cacheMaxAgeMillis ?? DEFAULT_CACHE_MAX_AGE_MILLIS,
    arnOf: (id) => arns.get(id),
    appliedAtOf: (arn) => appliedAt.get(arn),
    idOfArn: (arn) => {
      for (const [id, known] of arns) if (known === arn) return id;
      return undefined;
    },
    readBudget: {
      left: options.readBudget ?? DEFAULT_READ_BUDGET,
      used: 0,
      retryMillis: options.readRetryMillis ?? 1000,
    },
    rememberArn: (id, arn) => {
      if (arn) arns.set(id, arn);
    },
    createGeneration: (id) => `${stateGeneration(id)}@${Math.floor(now().getTime() / CREATE_TOKEN_WINDOW_MILLIS)}`,
    updateGeneration: stateGeneration,
    // The intents of the state as loaded: an interrupted run's (this run's own are recorded in a later copy).
    mayHaveWritten: (id) => stateGeneration(id) !== 'never' || options.state.intents?.[id] !== undefined,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    progress: options.progress ?? (() => undefined),
    ...(options.progressItem ? { progressItem: options.progressItem } : {}),
    wait: options.wait ?? false,
    pollMillis: options.pollMillis ?? 15000,
    waitTimeoutMillis: options.waitTimeoutMillis ?? 30 * 60 * 1000,
  };
}
