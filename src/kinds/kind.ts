/**
 * The one contract every resource kind implements (an ACK-style resource manager). The engine only ever talks to
 * kinds through this interface, so a second mesh backend (ECS Service Connect) is a new set of kinds, not an engine
 * change.
 */
import type { AwsClients } from '../aws/clients';
import type { ErrorClass } from '../aws/errors';
import type { ApiFamily } from '../aws/rate-limiter';
import type { ActualResource, DesiredResource, StackState } from '../core/model';
import type { KindName, ManifestDocument, ResourceRef } from '../core/types';

/** What a pure conversion may know about the rest of the desired set (an EcsService reads its node's listeners). */
export interface ConvertContext {
  lookup(ref: ResourceRef): ManifestDocument | undefined;
}

export const EMPTY_CONVERT_CONTEXT: ConvertContext = { lookup: () => undefined };

/** Everything an SDK-calling method needs; created once per reconcile by the engine. */
export interface KindContext {
  clients: AwsClients;
  stack: string;
  /** Describe cache (StackState.versionCache), shared by all kinds and updated in place. */
  cache: StackState['versionCache'];
  /**
   * How old a cached describe may be. Spec changes always move App Mesh's version (and are seen at once); tag
   * changes do not, so a tag edited in the console is seen within this long.
   */
  cacheMaxAgeMillis: number;
  /** ARN of a resource observed or written earlier in this reconcile, by resource id. */
  arnOf(id: string): string | undefined;
  /**
   * Part of every create's client token. A retry after a crash must send the same request, but a create after a
   * delete must not: App Mesh answers a token it has seen with the ORIGINAL result, so a replayed create would
   * report a resource that no longer exists. It changes whenever the state store saw the resource applied or
   * deleted, and, for runs without that memory (a CI runner without the state file), with a coarse time window.
   */
  createGeneration(id: string): string;
  /**
   * Part of every update's client token, with the resource's version and lastUpdatedAt: a version number alone
   * repeats once a resource is deleted and re-created (it restarts at 1).
   */
  updateGeneration(id: string): string;
  /** Upper bound of concurrent calls one kind makes while observing. */
  concurrency: number;
  progress(message: string): void;
  /** Wait for long-running writes (ECS deployments) to finish. */
  wait: boolean;
  /** Poll interval for waits, ms (tests shorten it). */
  pollMillis: number;
  /** Timeout for waits, ms. */
  waitTimeoutMillis: number;
}

/** Where to look. The engine fills it from the manifests and the state store. */
export interface ObserveScope {
  meshes: readonly string[];
  clusters: readonly string[];
  /** Resource ids the manifests or the state name (ECS describes by name instead of listing). */
  ids: ReadonlySet<string>;
  /** Observed resources of this kind's `parentKind`, when it has one. */
  parents: readonly ActualResource[];
  /** List everything in scope even when `ids` is given (export). */
  all?: boolean;
}

export interface WriteResult {
  arn: string;
  version?: number;
}

export interface Kind {
  readonly kind: KindName;
  readonly apiFamily: ApiFamily;
  /** Kind whose observed resources this kind's observe needs (routes are listed per router). */
  readonly parentKind?: KindName;
  /** JSON pointers into the normalized spec that AWS cannot update in place: a change means delete + create. */
  readonly immutablePaths: readonly string[];

  /** Manifest -> API-shaped spec (durations as {unit, value}, derived fields filled). Pure. */
  toApi(doc: ManifestDocument, ctx: ConvertContext): unknown;
  /** Observed API data -> a clean manifest, server defaults stripped (export). Pure. */
  fromApi(ref: ResourceRef, spec: unknown, tags: Record<string, string>): ManifestDocument;
  /** Server defaults filled, order-free lists sorted, empty lists removed. Pure, idempotent, used on both sides. */
  normalize(spec: unknown): unknown;
  /** What must exist before this resource. Pure. */
  dependencies(doc: ManifestDocument): ResourceRef[];

  observe(ctx: KindContext, scope: ObserveScope): Promise<ActualResource[]>;
  create(ctx: KindContext, desired: DesiredResource): Promise<WriteResult>;
  update(ctx: KindContext, desired: DesiredResource, actual: ActualResource): Promise<WriteResult>;
  delete(ctx: KindContext, actual: ActualResource): Promise<void>;
  classifyError(err: unknown): ErrorClass;
}
