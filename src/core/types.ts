/**
 * The vocabulary every layer shares: manifest documents, resource identity and kinds.
 * Keep this file small and additive; the kinds' spec types come from the schemas.
 */
export const API_VERSION = 'meshward.dev/v1alpha1';

/**
 * A kind's name (`VirtualNode`, `EcsService`). Any string: the kind registry (src/kinds/registry.ts) is the one
 * list of kinds, and every layer asks it rather than a list of its own.
 */
export type KindName = string;

export const ANNOTATIONS = {
  adopt: 'meshward.dev/adopt',
  deletionProtection: 'meshward.dev/deletion-protection',
  /**
   * The document may name resources managed elsewhere: validation does not require its references to be declared.
   * It relaxes validation only: the document itself is managed like any other.
   */
  external: 'meshward.dev/external',
  /**
   * The document stands for a resource someone else runs, declared so that references to it resolve: never
   * created, updated or deleted, no part of the stack. Implies `external` (its own references are not checked).
   */
  placeholder: 'meshward.dev/placeholder',
  /**
   * `"/spec/a, /spec/b/c"`: JSON pointers into the manifest of fields the manifest sets but meshward uses on create
   * only: never diffed, never written afterwards (DESIGN.md "Manifests").
   */
  ignoreFields: 'meshward.dev/ignore-fields',
} as const;

export const OWNERSHIP_TAGS = {
  managedBy: 'meshward.dev/managed-by',
  stack: 'meshward.dev/stack',
} as const;
export const MANAGED_BY_VALUE = 'meshward';

export interface ManifestMetadata {
  name: string;
  /** Scope fields a kind's identity reads (`mesh`, `virtualRouter`, ...): each kind's schema says which it takes. */
  mesh?: string;
  virtualRouter?: string;
  virtualGateway?: string;
  [scopeField: string]: unknown;
  tags?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ManifestDocument<Spec = Record<string, unknown>> {
  apiVersion: typeof API_VERSION;
  kind: KindName;
  metadata: ManifestMetadata;
  spec: Spec;
}

/** Where a value came from: 1-based line and column, as editors count. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** A document as loaded from a source, with the position of every JSON pointer inside it. */
export interface LoadedDocument {
  doc: ManifestDocument;
  file: string;
  /** Index of the document within its file (0-based). */
  index: number;
  /** Position of the document's start. */
  position: SourcePosition;
  /** JSON pointer ('' for the root, '/spec/listeners/0') -> position of that node (its key where it has one). */
  pointerPositions: ReadonlyMap<string, SourcePosition>;
}

/**
 * Identity of one resource: its kind, its name and up to two scope segments, which the kind defines (App Mesh kinds
 * put their mesh in `mesh`, a route its router in `parent`, an ECS service its cluster in `parent`). The id joins
 * them in that order; the kind's `refOfId` reads them back.
 */
export interface ResourceRef {
  kind: KindName;
  name: string;
  mesh?: string;
  parent?: string;
}

/** A stable, human-readable key: `Route/mesh/router/name`, `VirtualNode/mesh/name`, `EcsService/cluster/name`. */
export function resourceId(ref: ResourceRef): string {
  return [ref.kind, ref.mesh, ref.parent, ref.name].filter((part) => part !== undefined).join('/');
}
