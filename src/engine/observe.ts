/**
 * The observe stage: every kind reads its part of AWS through the uniform interface, in waves so that a kind's
 * parents (routers for routes) are known before it lists under them. Kinds of one wave run in parallel.
 */
import type { ActualResource, StackState } from '../core/model';
import { type ManifestDocument, refOf, resourceId } from '../core/types';
import type { ObserveScope } from '../kinds/kind';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import type { EngineContext } from './context';

export interface ScopeInput {
  meshes?: readonly string[];
  clusters?: readonly string[];
  ids?: readonly string[];
  all?: boolean;
}

/** The scope is what the manifests name plus what the state store remembers (so removed resources are seen). */
export function scopeFor(docs: readonly ManifestDocument[], state: StackState | undefined): ScopeInput {
  const meshes = new Set<string>();
  const clusters = new Set<string>();
  const ids = new Set<string>();
  const add = (id: string): void => {
    ids.add(id);
    const [kind, a] = id.split('/');
    if (kind === 'EcsService' && a !== undefined) clusters.add(a);
    else if (kind === 'Mesh' && a !== undefined) meshes.add(a);
    else if (a !== undefined) meshes.add(a);
  };
  for (const doc of docs) add(resourceId(refOf(doc)));
  for (const id of Object.keys(state?.applied ?? {})) add(id);
  return { meshes: [...meshes].sort(), clusters: [...clusters].sort(), ids: [...ids].sort() };
}

export async function observe(
  ctx: EngineContext,
  input: ScopeInput,
  registry: KindRegistry = defaultRegistry,
): Promise<ActualResource[]> {
  const byKind = new Map<string, ActualResource[]>();
  const base = {
    meshes: input.meshes ?? [],
    clusters: input.clusters ?? [],
    ids: new Set(input.ids ?? []),
    ...(input.all ? { all: true } : {}),
  };
  for (const wave of registry.observeWaves()) {
    const results = await Promise.all(
      wave.map(async (kind) => {
        const scope: ObserveScope = {
          ...base,
          parents: kind.parentKind ? (byKind.get(kind.parentKind) ?? []) : [],
        };
        return [kind.kind, await kind.observe(ctx, scope)] as const;
      }),
    );
    for (const [name, found] of results) byKind.set(name, found);
  }
  const all = [...byKind.values()].flat();
  ctx.progress(`observed ${all.length} resource${all.length === 1 ? '' : 's'}`);
  for (const a of all) ctx.rememberArn(a.id, a.arn);
  return all;
}
