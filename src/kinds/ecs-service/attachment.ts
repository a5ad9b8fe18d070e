/**
 * An EcsService is an ECS service and its task definition (the core, in this folder) plus at most a few mesh
 * attachments: one module per `spec` member that ties the service to a mesh backend (`appMesh` today; Service
 * Connect's `serviceConnectConfiguration` and VPC Lattice's `vpcLatticeConfigurations` plug in the same way).
 * The core calls every registered attachment at fixed points and knows none of them; src/kinds/README.md has the
 * contract in prose.
 */
import type {
  InfrastructureNeed,
  KindContext,
  Prerequisite,
  SemanticChecker,
  SpecReference,
  ConvertContext,
} from '../kind';
import type { FieldChange, ResourceChange } from '../../core/model';
import type { ManifestDocument, ResourceRef } from '../../core/types';

/** The normalized shape both sides are compared in. */
export interface CloudMapName {
  namespaceName: string;
  serviceName: string;
}

export interface EcsComparable {
  /** CreateService members (cluster, serviceName and tags aside). */
  service: Record<string, unknown>;
  /** RegisterTaskDefinition input. */
  taskDefinition: Record<string, unknown>;
  /** The Cloud Map service the tasks register in (ECS serviceRegistries, by name instead of ARN). */
  cloudMap?: CloudMapName;
}

export interface EcsAttachment {
  /** The `spec` member it owns (`appMesh`): used when the manifest sets it. */
  readonly member: string;
  /** Names it gives of other kinds, pointers into the manifest (`/spec/<member>/...`). */
  references?(ref: ResourceRef, spec: Record<string, unknown>): SpecReference[];
  /** What must exist before the service (kind.dependencies). */
  dependencies?(spec: Record<string, unknown>): ResourceRef[];
  /** Validation beyond the schema, for a document whose spec sets the member. */
  check?(checker: SemanticChecker): void;
  /**
   * Manifest -> compared shape, for a spec that sets the member: transform `out` (the core's service and task
   * definition, already picked from the manifest) in place. Pure.
   */
  toApi?(spec: Record<string, unknown>, out: EcsComparable, ctx: ConvertContext): void;
  /** Both sides, every service (set or not): undo read-back forms (ARNs folded, defaults filled). Pure, idempotent. */
  normalize?(c: EcsComparable): EcsComparable;
  /**
   * Read-back, for export: when the observed service carries what `toApi` added, take it out of `c` and return
   * the manifest member again (undefined: not attached).
   */
  fromApi?(c: EcsComparable): { comparable: EcsComparable; member: Record<string, unknown> } | undefined;
  /** At apply: the task definition to register, with whatever the pure side could not know (ARNs) filled in. */
  expandTaskDefinition?(ctx: KindContext, td: Record<string, unknown>): Record<string, unknown>;
  /**
   * At apply: the CreateService / UpdateService members to send, with what the pure side names (a Lattice target
   * group by name) resolved to what ECS wants (its ARN).
   */
  expandService?(ctx: KindContext, service: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Observe: what DescribeServices answers for the member, where ECS keeps it (Service Connect under the PRIMARY
   * deployment), in the form manifests use (a namespace ARN as its name). Every attachment, every service.
   */
  readBack?(ctx: KindContext, service: Record<string, unknown>, c: EcsComparable): Promise<EcsComparable>;
  /**
   * After every kind observed: replace ARNs in the observed `c` (in place) by the manifest's names of resources
   * observed this run (`idOfArn` answers their ids): a Lattice rule named in advancedConfiguration.
   */
  resolveArns?(c: EcsComparable, idOfArn: (arn: string) => string | undefined): void;
  /** After CreateService / UpdateService: learn from the answer (ECS answers the namespace ARN for the name sent). */
  afterWrite?(ctx: KindContext, desired: EcsComparable, service: Record<string, unknown>): void;
  /** Pointers into the compared spec (`/service/...`) under which a member the manifest leaves out is AWS's. */
  readonly awsDefaulted?: readonly string[];
  /** A change ECS cannot make in place while the member is in use: the reason (a replace), or undefined. */
  replaceReason?(desired: EcsComparable, actual: EcsComparable, changes: readonly FieldChange[]): string | undefined;
  /** Channels the service offers and uses through the member (core/graph orders offers before uses). */
  channels?(c: EcsComparable): { offers: string[]; uses: string[] };
  /** After this change, the users of what the service offers need a new deployment: why, or undefined. */
  redeploysUsers?(change: ResourceChange, desired: EcsComparable): string | undefined;
  /** Account infrastructure the member assumes. */
  infrastructure?(doc: ManifestDocument): InfrastructureNeed[];
  /** ARNs outside meshward the member names (kind.prerequisites), pointers under `/spec/<member>`. */
  prerequisites?(doc: ManifestDocument): Prerequisite[];
  /** Whether an exported service belongs to the export's scope (`--mesh shop`). */
  inExport?(member: Record<string, unknown>, scopes: Readonly<Record<string, readonly string[]>>): boolean;
}
