/**
 * One place that builds the SDK clients: region/endpoint/credentials from the standard environment or explicit
 * settings (the embedded emulator), the SDK's retry with backoff, our rate limiter and our call counter.
 */
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { VPCLatticeClient } from '@aws-sdk/client-vpc-lattice';
import { CallCounter } from './call-counter';
import { type ApiFamily, type BucketLimit, RateLimiter, mergeRateLimits } from './rate-limiter';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialsProvider = () => Promise<StaticCredentials>;

export interface AwsSettings {
  region?: string;
  /** Explicit endpoint (the emulator); otherwise the SDK reads AWS_ENDPOINT_URL / its defaults. */
  endpoint?: string;
  /** Static keys, or a provider the SDK calls before each request (assumed-role credentials, refreshed). */
  credentials?: StaticCredentials | CredentialsProvider;
  /** SDK attempts per call, first one included. */
  maxAttempts?: number;
  /** Default 'adaptive': after throttles the SDK slows its own sending rate instead of only backing off. */
  retryMode?: 'standard' | 'adaptive';
  rateLimits?: Partial<Record<ApiFamily, Record<string, BucketLimit>>>;
  /** Turn the client-side limiter off (benchmarks that measure the emulator itself). */
  disableRateLimit?: boolean;
}

export interface AwsClients {
  region: string;
  appMesh: AppMeshClient;
  ecs: ECSClient;
  cloudMap: ServiceDiscoveryClient;
  lattice: VPCLatticeClient;
  /** Resource Groups Tagging API: the stack's ownership tags in bulk, once per run (engine/bulk-tags.ts). */
  tagging: ResourceGroupsTaggingAPIClient;
  calls: CallCounter;
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = 6;
export const DEFAULT_REGION = 'us-east-1';

/** The emulator accepts any credentials; these keep the SDK from searching profiles and IMDS. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'meshward-local', secretAccessKey: 'meshward-local' };

interface MiddlewareStackHolder {
  middlewareStack: {
    add: (
      mw: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'finalizeRequest'; priority: 'low'; name: string },
    ) => void;
  };
}

/**
 * Runs inside the SDK's retry loop (finalizeRequest, after the retry middleware), so each attempt waits for a token
 * and is counted: the counts are the calls AWS actually received.
 */
function instrument(client: unknown, family: ApiFamily, limiter: RateLimiter | undefined, calls: CallCounter): void {
  (client as MiddlewareStackHolder).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (limiter) await limiter.acquire(family, operation);
      try {
        const out = await next(args);
        calls.record(family, operation, false);
        return out;
      } catch (err) {
        calls.record(family, operation, true);
        throw err;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: `meshward-${family}-instrument` },
  );
}

export function createAwsClients(settings: AwsSettings = {}): AwsClients {
  const region = settings.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? DEFAULT_REGION;
  const common = {
    region,
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: settings.retryMode ?? 'adaptive',
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
  };
  const calls = new CallCounter();
  const limiter = settings.disableRateLimit ? undefined : new RateLimiter(mergeRateLimits(settings.rateLimits));
  const appMesh = new AppMeshClient(common);
  const ecs = new ECSClient(common);
  const cloudMap = new ServiceDiscoveryClient(common);
  const lattice = new VPCLatticeClient(common);
  const tagging = new ResourceGroupsTaggingAPIClient(common);
  instrument(appMesh, 'appmesh', limiter, calls);
  instrument(ecs, 'ecs', limiter, calls);
  instrument(cloudMap, 'servicediscovery', limiter, calls);
  instrument(lattice, 'vpc-lattice', limiter, calls);
  instrument(tagging, 'tagging', limiter, calls);
  return {
    region,
    appMesh,
    ecs,
    cloudMap,
    lattice,
    tagging,
    calls,
    destroy() {
      appMesh.destroy();
      ecs.destroy();
      cloudMap.destroy();
      lattice.destroy();
      tagging.destroy();
    },
  };
}
