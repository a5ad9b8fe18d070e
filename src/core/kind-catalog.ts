/**
 * What the pure core needs to know about kinds, as an interface: their order, their identities and the names their
 * specs give of each other. The kind registry (src/kinds/registry.ts) implements it; the core never names a kind.
 */
import type { KindIdentity } from '../kinds/kind';
import type { KindName, ResourceRef } from './types';

export interface KindCatalog {
  /** Kinds in dependency order: the tiebreak that keeps plans readable. */
  names(): readonly KindName[];
  /** Position in `names()`; unknown kinds after all known ones. */
  rank(kind: KindName): number;
  /** The kind's identity half, or undefined for an unknown kind. */
  find(kind: KindName): KindIdentity | undefined;
}

let fallback: KindCatalog | undefined;

/**
 * The default registry, loaded on first use rather than imported: the kinds import the core, so a static import
 * here would be a cycle evaluated half way.
 */
export function defaultCatalog(): KindCatalog {
  if (!fallback) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { defaultRegistry } = require('../kinds/registry') as typeof import('../kinds/registry');
    fallback = defaultRegistry;
  }
  return fallback;
}

/** Every reference a resource makes, each with its target's id. */
export function referencesOf(
  catalog: KindCatalog,
  ref: ResourceRef,
  spec: unknown,
): { id: string; reference: import('../kinds/kind').SpecReference }[] {
  const kind = catalog.find(ref.kind);
  if (!kind) return [];
  return kind.references(ref, spec).map((reference) => ({ id: idOf(reference.target), reference }));
}

function idOf(ref: ResourceRef): string {
  return [ref.kind, ref.mesh, ref.parent, ref.name].filter((part) => part !== undefined).join('/');
}
