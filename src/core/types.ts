/**
 * The vocabulary every layer shares: manifest documents, resource identity and kinds.
 * Keep this file small and additive; the kinds' spec types come from the schemas.
 */
export const API_VERSION = 'meshward.dev/v1alpha1';

/** Kinds in dependency order (a kind only depends on kinds before it, except Route/GatewayRoute -> services). */
export const KIND_NAMES = [
  'Mesh',
  'VirtualNode',
  'VirtualRouter',
  'Route',
  'VirtualService',
  'VirtualGateway',
  'GatewayRoute',
  'EcsService',
] as const;
export type KindName = (typeof KIND_NAMES)[number];

export const ANNOTATIONS = {
  adopt: 'meshward.dev/adopt',
  deletionProtection: 'meshward.dev/deletion-protection',
  /** Marks a referenced resource as managed elsewhere, so validation does not require it to be declared. */
  external: 'meshward.dev/external',
} as const;

export const OWNERSHIP_TAGS = {
  managedBy: 'meshward.dev/managed-by',
  stack: 'meshward.dev/stack',
} as const;
export const MANAGED_BY_VALUE = 'meshward';

export interface ManifestMetadata {
  name: string;
  /** Every kind but Mesh and EcsService. */
  mesh?: string;
  /** Route only. */
  virtualRouter?: string;
  /** GatewayRoute only. */
  virtualGateway?: string;
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
 * Identity of one resource. `parent` is the router of a Route, the gateway of a GatewayRoute, and the cluster of
 * an EcsService; `mesh` is absent for Mesh and EcsService.
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

export function refOf(doc: ManifestDocument): ResourceRef {
  const m = doc.metadata;
  switch (doc.kind) {
    case 'Mesh':
      return { kind: doc.kind, name: m.name };
    case 'Route':
      return { kind: doc.kind, name: m.name, mesh: m.mesh, parent: m.virtualRouter };
    case 'GatewayRoute':
      return { kind: doc.kind, name: m.name, mesh: m.mesh, parent: m.virtualGateway };
    case 'EcsService': {
      const cluster = (doc.spec as { cluster?: unknown }).cluster;
      return { kind: doc.kind, name: m.name, parent: typeof cluster === 'string' ? cluster : 'default' };
    }
    default:
      return { kind: doc.kind, name: m.name, mesh: m.mesh };
  }
}
