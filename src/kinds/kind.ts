/**
 * The one contract every resource kind implements (an ACK-style resource manager). The engine only ever talks to
 * kinds through this interface, so a second mesh backend (ECS Service Connect) is a new set of kinds, not an engine
 * change.
 */
import type { AwsClients } from '../aws/clients';
import type { ErrorClass } from '../aws/errors';
import type { ApiFamily } from '../aws/rate-limiter';
import type {
  ActualResource,
  ControllerHold,
  DesiredResource,
  FieldChange,
  ResourceChange,
  StackState,
} from '../core/model';
import type { KindName, LoadedDocument, ManifestDocument, ResourceRef } from '../core/types';
import type { TopologyRelation, TopologyRole } from '../core/topology';
import type { IssueCode, IssueSeverity } from '../manifest/issues';

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
   * How old a cached describe may be, for a kind this run's bulk tag read did not cover. Spec changes always move
   * App Mesh's version (and are seen at once); tag changes do not, so without the bulk read a tag edited in the
   * console is seen within this long. A kind the bulk read covered takes its tags from it and keeps its describes
   * for as long as their version holds; 0 still means describe everything (a full refresh).
   */
  cacheMaxAgeMillis: number;
  /**
   * This run's bulk read of the resources tagged with this stack (Resource Groups Tagging API GetResources, once
   * per run, before observe: `engine/bulk-tags.ts`); absent when there was none (an event-scoped run, a read that
   * failed, a fresh read before a write). Use it through `kinds/shared/bulk-tags.ts tagsNow`.
   */
  stackTags?: StackTagIndex;
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
  /**
   * False only when no earlier run can have written the resource: the state store records no apply, no delete
   * and no intent for it (an interrupted run records its intents before it writes). A create may then skip
   * looking for what an earlier attempt left behind (a task definition revision registered before a crash).
   * Absent: assume it may have.
   */
  mayHaveWritten?(id: string): boolean;
  /** Upper bound of concurrent calls one kind makes while observing. */
  concurrency: number;
  progress(message: string): void;
  /**
   * Progress of one item that changes in place (a service's deployment while `--wait` follows it): the latest line
   * per key; `done` once it settled. Without it, kinds send changed lines to `progress`.
   */
  progressItem?(key: string, line: string, done: boolean): void;
  /** Wait for long-running writes (ECS deployments) to finish. */
  wait: boolean;
  /** Poll interval for waits, ms (tests shorten it). */
  pollMillis: number;
  /** Timeout for waits, ms. */
  waitTimeoutMillis: number;
  /**
   * Observe: tell other kinds what this observe learnt about resources they manage (an ECS deployment names the
   * Lattice rules whose weights it moves). Collected per observe and handed to every kind's `heldBy` once all
   * kinds have observed. Optional: contexts built outside the engine drop signals.
   */
  signal?(signal: ControllerSignal): void;
}

/** What a bulk tag read of the stack returned (engine/bulk-tags.ts builds it). */
export interface StackTagIndex {
  /** Whether the read asked for, and the Tagging API is taken to cover, resources of this type (`Kind.taggingResourceType`). */
  covers(resourceType: string): boolean;
  /** All tags of a resource the read returned as tagged with this stack; undefined when it did not return it. */
  tagsOf(arn: string): Readonly<Record<string, string>> | undefined;
  /**
   * A kind's own tag read found this stack's tags on a resource the bulk read did not return (the Tagging API lags,
   * or does not cover the type): the engine stops asking it for a type it never answers.
   */
  missed(resourceType: string, arn: string): void;
}

/**
 * A fact one kind's observe states about a resource another kind manages, by ARN, so neither names the other: the
 * receiving kind understands the topics it knows (`TRAFFIC_WEIGHTS_TOPIC`) and ignores the rest.
 */
export interface ControllerSignal {
  topic: string;
  /** The resource the signal is about (a rule or listener ARN). */
  arn: string;
  /** Who moves it and why, one line for the plan. */
  reason: string;
  /** The controller is moving it now (a deployment in progress). */
  inProgress: boolean;
  /** Topic-specific detail. */
  detail: Readonly<Record<string, unknown>>;
}

/**
 * Topic: the sender (an ECS deployment with `advancedConfiguration`) moves the weights of these target groups on
 * the forward action of the resource at `arn` (a production or test listener rule, or a listener's default action).
 * detail: `{ targetGroups: { arn: string; name: string }[] }`.
 */
export const TRAFFIC_WEIGHTS_TOPIC = 'traffic-weights';

/**
 * Where to look. The engine fills it from the manifests and the state store: every resource id named there
 * contributes its kind's `scopeKeys` (a mesh, a cluster, a namespace...), so a kind lists only where it must.
 */
export interface ObserveScope {
  /** Scope key ('mesh', 'cluster', ...) -> names, sorted. A key nobody contributed is absent. */
  scopes: Readonly<Record<string, readonly string[]>>;
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

/**
 * One name a resource's document gives of another resource: what validation checks is declared, what orders the
 * plan, what holds a resource in use and what `meshward graph` draws. Kinds read them from a spec; the core never
 * looks inside a spec itself.
 */
export interface SpecReference {
  /** JSON pointer into the document where the name is written (`/metadata/mesh`, `/spec/backends/0/...`). */
  pointer: string;
  target: ResourceRef;
  /**
   * The target's scope is not written next to its name (an ECS service naming its node without the mesh): it is
   * ordered against the one resource of that kind and name, when there is exactly one, and not validated.
   */
  byName?: boolean;
  /** The target must exist first (created before, deleted after). Default true. */
  order?: boolean;
  /**
   * AWS refuses to delete the target while this resource names it (ResourceInUse): replacing the target replaces
   * this resource too, and deleting it comes first.
   */
  holds?: boolean;
  /** When the target is not declared, the document's other rules are not checked (everything would dangle). */
  root?: boolean;
  /** Issue code when the target is not declared (default DANGLING_REFERENCE). */
  missingCode?: IssueCode;
  /** `meshward graph`: the edge's relation and label (`contains` and `runs` are drawn from the target to this). */
  relation?: TopologyRelation;
  label?: string;
}

/** What a kind's semantic rules may ask of the validation run (manifest/semantic.ts implements it). */
export interface SemanticChecker {
  readonly loaded: LoadedDocument;
  /** The document's own identity. */
  readonly ref: ResourceRef;
  report(pointer: string, code: IssueCode, message: string, severity?: IssueSeverity): void;
  /** A declared document, whatever its validity; undefined when not declared. */
  find(ref: ResourceRef): LoadedDocument | undefined;
  /** Reports a dangling reference (unless this document is annotated external); returns the target when declared. */
  require(pointer: string, ref: ResourceRef): LoadedDocument | undefined;
  /** The document is annotated `meshward.dev/external`. */
  readonly external: boolean;
  /** Every declared document (first declaration of each id), for rules across the set (unique aliases). */
  documents(): readonly LoadedDocument[];
}

/**
 * How a kind sits under a structural parent whose change can force its own replace: App Mesh checks a route
 * against its router's listener, so a route whose protocol changes with the listener is deleted before the router
 * update and created after it.
 */
export interface ParentBound {
  /** The structural parent's kind (its id is the child's reference of that kind with `holds`). */
  parentKind: KindName;
  /** Pointers into the parent's diff that matter (`/spec/listeners`). */
  parentPaths: readonly string[];
  /** The child's value that must survive such a parent change; a different value means replace. */
  key(spec: unknown): string | undefined;
  /** One line for the plan: why it is a replace, given the old and new keys. */
  reason(before: string | undefined, after: string | undefined): string;
}

/** How `meshward graph` draws a kind; kinds without it are not drawn. */
export interface TopologyStyle {
  /** What the resource is in the picture: renderers pick shape, colour, rank and legend entry from the role. */
  role: TopologyRole;
  /** Scope key whose value groups the drawing into frames ('mesh', 'cluster'). */
  groupBy: string;
  /** The word in labels and the legend, when the role's word (router, node...) is not the backend's own. */
  noun?: string;
  /**
   * Drawn as an edge, not a box: from the resource's first reference to its second (a Lattice service network's
   * association with a service is the arrow network -> service).
   */
  asEdge?: TopologyRelation;
  /** Lines under the name (a route's match conditions), from the manifest's spec. Pure. */
  details?(spec: unknown): string[];
}

/** Account infrastructure a document assumes (created outside meshward; `--local` seeds it in the emulator). */
export interface InfrastructureNeed {
  type: 'ecs-cluster' | 'cloud-map-namespace';
  name: string;
}

/**
 * Something outside meshward that a document names by ARN and that AWS must already have when the resource is
 * written (an ELB target group, an IAM role): the preflight looks each one up before any write, so a typo in an ARN
 * fails the plan instead of the CreateService half way through an apply.
 */
export interface Prerequisite {
  type: 'elb-target-group' | 'elb-listener' | 'elb-listener-rule' | 'iam-role';
  arn: string;
  /** JSON pointer into the document where the ARN is written (`/spec/loadBalancers/0/targetGroupArn`). */
  pointer: string;
}

/** The data half of a kind: what it is called, where it lives, what it names. Pure, no SDK. */
export interface KindIdentity {
  readonly kind: KindName;
  /**
   * The resource's identity from its document, built from string fields only (documents that failed their schema
   * get here too); undefined when the document does not name itself well enough.
   */
  refOf(doc: { metadata?: unknown; spec?: unknown }): ResourceRef | undefined;
  /** Identity from a resource id (`VirtualNode/shop/a`): the inverse of resourceId. */
  refOfId(id: string): ResourceRef | undefined;
  /** Scope keys the resource contributes to observe ('mesh' -> 'shop', 'cluster' -> 'prod'). */
  scopeKeys(ref: ResourceRef): readonly (readonly [string, string])[];
  /**
   * Every name this resource gives of another: structural parents first (its mesh, its router), then the spec's
   * references. `spec` is the manifest's spec or the API-shaped spec AWS returned (kinds whose shapes differ may
   * find fewer in the latter).
   */
  references(ref: ResourceRef, spec: unknown): SpecReference[];
  /** Validation beyond the schema and beyond `references`, for a document that passed its schema. */
  check?(checker: SemanticChecker): void;
  /** `meshward graph` style. */
  readonly topology?: TopologyStyle;
  /** Replace rules under a structural parent (routes under a router). */
  readonly parentBound?: ParentBound;
  /** ` in mesh "shop"`: where a missing resource of this kind was looked for, for messages. */
  describeScope?(ref: ResourceRef): string;
  /** Whether an observed resource belongs to an export of the given scope (`--mesh shop --cluster c`). */
  inExport?(ref: ResourceRef, doc: ManifestDocument, scopes: Readonly<Record<string, readonly string[]>>): boolean;
  /** Account infrastructure the document assumes. */
  infrastructure?(doc: ManifestDocument): InfrastructureNeed[];
  /** Resources outside meshward the document names by ARN (target groups, roles): the preflight checks them. Pure. */
  prerequisites?(doc: ManifestDocument): Prerequisite[];
  /** Infrastructure this resource is (a declared Cloud Map namespace): not to be seeded for others. */
  provides?(ref: ResourceRef): InfrastructureNeed[];
  /**
   * A JSON Schema for the kind's documents when it is not in the generated `schemas/` set (a kind registered from
   * outside: a plugin, a test). Compiled once.
   */
  readonly documentSchema?: object;
  /** File name `meshward export` writes documents of this kind to. */
  readonly exportFile?: string;
  /**
   * The two specs as compared, when the kind knows more than "equal or not": AWS-defaulted members a manifest
   * leaves out are AWS's (dropped from the actual side), fields it does not model are nobody's. Pure.
   */
  compareView?(desired: DesiredResource, actualSpec: unknown): { desired: unknown; actual: unknown };
  /** A manifest pointer (`/spec/desiredCount`) as a pointer into the compared spec (`/spec/service/desiredCount`). */
  specPointer?(manifestPointer: string): string;
  /** An update AWS cannot make in place, given the changed fields: a one-line reason makes it a replace. */
  replaceReason?(desired: DesiredResource, actual: ActualResource, changes: readonly FieldChange[]): string | undefined;
  /**
   * Named rendezvous points between resources of any kinds: a resource that `offers` a channel is applied before
   * every resource that `uses` it (Service Connect servers before their clients).
   */
  channels?(ref: ResourceRef, spec: unknown): { offers: readonly string[]; uses: readonly string[] };
  /**
   * After this change, the users of the channels the resource offers need a new deployment (only tasks started
   * after a new Service Connect endpoint exists resolve it): the reason, or undefined.
   */
  redeploysUsers?(change: ResourceChange): string | undefined;
  /**
   * Observed API data -> a clean manifest (export). On the identity too (every `Kind` has it): a resource that
   * exists only in AWS (a prune, a destroy) names its references in the manifest's shape, so it is ordered like one
   * that is declared. Pure.
   */
  fromApi?(ref: ResourceRef, spec: unknown, tags: Record<string, string>): ManifestDocument;
  /** Resource ids a CloudTrail write call touched, from its event source and request parameters (best effort). */
  idsOfCall?(eventSource: string, params: Readonly<Record<string, string | undefined>>): string[];
  /** The resource id an ARN names (`resourceArn` of TagResource, ECS's `service`), when the ARN carries the name. */
  idOfArn?(arn: string): string | undefined;
  /**
   * The CloudTrail write calls that change resources of this kind, by eventSource (`ecs.amazonaws.com`): they start
   * an event-scoped reconcile, are the only calls drift is attributed to, and are what the infra rule forwards.
   */
  readonly writeCalls?: Readonly<Record<string, readonly string[]>>;
  /**
   * The demo's "person in the console": changes one field of one declared resource of this kind through the real
   * SDK as `user` (another identity), as a person might by hand. Returns the line that tells what changed, or
   * undefined when no declared resource has a field this change applies to.
   */
  consoleChange?(user: ConsoleUser, docs: readonly ManifestDocument[]): Promise<string | undefined>;
}

/** The SDK client configuration of a person using the console: another identity, the same endpoint. */
export interface ConsoleUser {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface Kind extends KindIdentity {
  readonly kind: KindName;
  readonly apiFamily: ApiFamily;
  /**
   * The Resource Groups Tagging API's `service[:resourceType]` of this kind's resources (`appmesh`,
   * `servicediscovery:namespace`), when the kind reads its tags with a call of their own: the engine reads the
   * stack's tags of every such type in bulk once per run and the kind takes them from `ctx.stackTags`. Absent for
   * kinds whose describe carries the tags (ECS services) or that have none (a Lattice auth policy).
   */
  readonly taggingResourceType?: string;
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
  /**
   * One resource, read fresh (no describe cache: an event says it just changed), in at most 3 calls; undefined when
   * it does not exist. Kinds without it make an event-scoped reconcile fall back to a full one.
   */
  observeOne?(ctx: KindContext, ref: ResourceRef): Promise<ActualResource | undefined>;
  create(ctx: KindContext, desired: DesiredResource): Promise<WriteResult>;
  /**
   * `delta` is the diff that made this update (ACK's delta): the changed field paths, `/spec/...` and `/tags/...`,
   * so a kind can send only what its API needs (or all of a member AWS replaces whole).
   */
  update(
    ctx: KindContext,
    desired: DesiredResource,
    actual: ActualResource,
    delta: readonly FieldChange[],
  ): Promise<WriteResult>;
  delete(ctx: KindContext, actual: ActualResource): Promise<void>;
  classifyError(err: unknown): ErrorClass;
  /**
   * The resource's tags as AWS has them now, never from a cache (ownership is decided from AWS before every update
   * or delete); undefined when it no longer exists. Optional: without it the engine observes the resource again
   * with the describe cache off, which may cost a list of its scope.
   */
  readTags?(ctx: KindContext, actual: ActualResource): Promise<Record<string, string> | undefined>;
  /**
   * After every kind has observed: the fields of an observed resource of this kind that another controller moves,
   * from the signals all observes sent (ControllerSignal). Pure. The diff leaves them out and says who holds them;
   * an update sends AWS's current value for them.
   */
  heldBy?(actual: ActualResource, signals: readonly ControllerSignal[]): ControllerHold[];
  /**
   * After every kind has observed, before `heldBy`: replace in `actual.spec` the ARNs of resources observed this
   * run by the names manifests give them (`idOfArn` answers the resource id), where its own observe could not yet
   * know them (kinds observed in a later wave). In place.
   */
  resolveArns?(actual: ActualResource, idOfArn: (arn: string) => string | undefined): void;
  /**
   * After every apply: writes a kind deferred (a Cloud Map service whose tasks were still draining when its ECS
   * service was deleted), remembered in `ctx.cache`. Failures are reported, never fail the run.
   */
  cleanup?(ctx: KindContext): Promise<void>;
}
