/**
 * The data that flows between the reconcile stages (DESIGN.md "The flow of one reconcile").
 * Kinds and the engine produce DesiredResource / ActualResource; the pure core (diff, plan, report) consumes them.
 */
import type { KindName, ManifestDocument, ResourceRef, SourcePosition } from './types';

/** One resource as the manifests declare it, already converted to its API shape and normalized. */
export interface DesiredResource {
  id: string; // resourceId(ref)
  ref: ResourceRef;
  /** Normalized API-shaped spec (durations as {unit, value}, server defaults applied, order-free lists sorted). */
  spec: unknown;
  /** User tags (ownership tags are added by the engine, not here). */
  tags: Record<string, string>;
  annotations: Record<string, string>;
  /** Ids of resources that must exist before this one. */
  dependsOn: string[];
  /** sha256 of the canonical normalized spec + tags: the "last applied" fingerprint. */
  digest: string;
  source?: SourcePosition;
  manifest: ManifestDocument;
}

export interface Ownership {
  managedBy?: string;
  stack?: string;
}

/** One resource as AWS reports it, normalized the same way as the desired side. */
export interface ActualResource {
  id: string;
  ref: ResourceRef;
  arn: string;
  /** App Mesh resource version; for ECS services the task definition revision in use. */
  version?: number;
  spec: unknown;
  /** All tags, ownership tags included. */
  tags: Record<string, string>;
  ownership: Ownership;
  /** ISO time of the last update, when AWS reports it. */
  lastUpdatedAt?: string;
  /**
   * Another controller moves fields of this resource (ECS moving the traffic weights of the rules its deployment
   * names): those fields are not compared (never drift, never written back), and the plan says who holds them.
   * Kinds set it from what every kind observed (`Kind.heldBy`, after observe).
   */
  heldBy?: ControllerHold[];
}

/** Fields of a resource another controller moves (src/kinds/README.md, "Fields another controller moves"). */
export interface ControllerHold {
  /** Pointers into the compared spec (`/spec/...`, `*` for any one segment); may be empty (a note only). */
  pointers: readonly string[];
  /** Who moves them and why, one line: `ECS deployment of shop/web in progress (CANARY): ECS moves ...`. */
  reason: string;
  /** The controller is moving them now (a deployment IN_PROGRESS), not only owning them between its runs. */
  inProgress: boolean;
}

/** A field that differs but is held by another controller: shown, never applied. */
export interface HeldChange extends FieldChange {
  reason: string;
}

/**
 * The path of the one field change that is no field: the plan asks for a new deployment of a resource whose spec is
 * unchanged (its Service Connect server appeared). Kinds that can redeploy read it in `update`'s delta.
 */
export const REDEPLOY_PATH = '/redeploy';

/** One differing value: a JSON-pointer-like path within the spec (or `/tags/...`), before -> after. */
export interface FieldChange {
  path: string;
  before: unknown; // actual (undefined when absent)
  after: unknown; // desired (undefined when absent)
}

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'unchanged' | 'conflict';

/** Pending = the manifests changed since the last apply; drift = they did not but AWS did. */
export type ChangeCause = 'pending' | 'drift' | 'new' | 'removed' | 'none';

export interface ResourceChange {
  id: string;
  ref: ResourceRef;
  kind: KindName;
  action: ChangeAction;
  cause: ChangeCause;
  changes: FieldChange[];
  /** Why a conflict / replace happened, in one line. */
  reason?: string;
  /**
   * Cause is `pending`, but AWS also changed the resource since the last apply (its version moved past the one
   * recorded in the state store): a reconcile will overwrite someone's change, so reports count it as drift too.
   */
  alsoDrifted?: boolean;
  /** Fields that differ but another controller moves (ActualResource.heldBy): not part of `changes`. */
  held?: HeldChange[];
  /** One line per controller at work on the resource while it changes (an ECS deployment in progress). */
  notes?: string[];
  desired?: DesiredResource;
  actual?: ActualResource;
}

/** What the state store remembers per resource from the last successful apply. */
export interface AppliedRecord {
  digest: string;
  arn?: string;
  version?: number;
  appliedAt: string;
}

export interface StackState {
  formatVersion: 1;
  stack: string;
  /** resource id -> last applied */
  applied: Record<string, AppliedRecord>;
  /** App Mesh describe cache: arn -> { version, spec } so an unchanged version is not described again. */
  versionCache: Record<string, { version: number; data: unknown }>;
  /** Drift fingerprints already reported (so the same drift is not posted twice). */
  reportedDrift: Record<string, string>;
  history: { at: string; revision?: string; summary: Record<string, number>; ok: boolean }[];
  /**
   * Writes a run started and had not recorded yet (saved before each stage of the apply, cleared by its last
   * save). Found by the next run, they mean a run died mid-apply: the differences it left are its own writes, not
   * drift.
   */
  intents?: Record<string, WriteIntent>;
}

export interface WriteIntent {
  op: 'create' | 'update' | 'delete';
  /** Digest of the desired resource written (absent for a delete). */
  digest?: string;
  at: string;
}

/** Where a stack's state lives: a local file or S3. Writes are atomic (never leave a half-written state). */
export interface StateStore {
  load(stack: string): Promise<StackState>;
  save(state: StackState): Promise<void>;
  describe(): string;
}

export type ApplyOutcome = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped' | 'failed' | 'blocked';

export interface ApplyResult {
  id: string;
  action: ChangeAction;
  outcome: ApplyOutcome;
  error?: { code: string; message: string };
}
