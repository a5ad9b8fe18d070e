/**
 * One place that builds the SDK clients: region/endpoint/credentials from the standard environment or explicit
 * settings (the embedded emulator), the SDK's retry with backoff, our rate limiter and our call counter.
 */
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { IAMClient } from '@aws-sdk/client-iam';
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
  /**
   * ELBv2 and IAM, read by the preflight only (target groups and roles the manifests name): built on first use, so
   * a command that never preflights does not load them.
   */
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly iam: IAMClient;
  /** The explicit endpoint the clients were built with (the emulator), when one was given. */
  endpoint?: string;
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
function instrument(
  client: unknown,
  family: ApiFamily | 'elbv2' | 'iam',
  limiter: RateLimiter | undefined,
  calls: CallCounter,
): void {
  (client as MiddlewareStackHolder).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      if (limiter && family !== 'elbv2' && family !== 'iam') await limiter.acquire(family, operation);
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

/* eslint-disable @typescript-eslint/no-require-imports */
const loadElbv2 = (): typeof import('@aws-sdk/client-elastic-load-balancing-v2') =>
  require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2');
const loadIam = (): typeof import('@aws-sdk/client-iam') =>
  require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam');
/* eslint-enable @typescript-eslint/no-require-imports */

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
  // The preflight's few reads: the SDK's own retries, no meshward bucket (they are not part of a reconcile's budget).
  let elbv2: ElasticLoadBalancingV2Client | undefined;
  let iam: IAMClient | undefined;
  return {
    region,
    appMesh,
    ecs,
    cloudMap,
    lattice,
    tagging,
    get elbv2() {
      if (!elbv2) {
        elbv2 = new (loadElbv2().ElasticLoadBalancingV2Client)(common);
        instrument(elbv2, 'elbv2', undefined, calls);
      }
      return elbv2;
    },
    get iam() {
      if (!iam) {
        // IAM is global: its one endpoint (iam.amazonaws.com in the aws partition) answers for every region.
        iam = new (loadIam().IAMClient)(common);
        instrument(iam, 'iam', undefined, calls);
      }
      return iam;
    },
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    calls,
    destroy() {
      appMesh.destroy();
      ecs.destroy();
      cloudMap.destroy();
      lattice.destroy();
      tagging.destroy();
      elbv2?.destroy();
      iam?.destroy();
    },
  };
}
