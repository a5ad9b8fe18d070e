/**
 * The dependency graph the plan orders by: DesiredResource.dependsOn from the kinds, plus the ordering references
 * each kind reads from refs and specs (a resource needs its mesh, a route its router, a service its provider...),
 * so resources that only exist on the actual side (deletes) are ordered too.
 */
import { MeshwardError } from './errors';
import { compareIds, sortIds } from './kind-order';
import type { ActualResource, DesiredResource } from './model';
import { type KindCatalog, defaultCatalog, referencesOf } from './kind-catalog';
import type { ResourceRef } from './types';

export { renderGraph, toDot, toMermaid, buildTopology } from './topology';
export type { Topology, TopologyEdge, TopologyNode } from './topology';

export interface DependencyGraph {
  /** Every resource id, in kind order then id. */
  nodes: string[];
  /** id -> ids it depends on (only ids that are nodes), sorted. */
  dependsOn: Record<string, string[]>;
}

export class DependencyCycleError extends MeshwardError {
  override readonly name = 'DependencyCycleError';
  constructor(readonly cycle: string[]) {
    super('INVALID_INPUT', `dependency cycle: ${cycle.join(' -> ')}`);
  }
}

export function buildDependencyGraph(
  desired: readonly DesiredResource[],
  actual: readonly ActualResource[] = [],
  catalog: KindCatalog = defaultCatalog(),
): DependencyGraph {
  const edges = new Map<string, Set<string>>();
  const add = (id: string, deps: readonly string[]): void => {
    const set = edges.get(id) ?? new Set<string>();
    for (const dep of deps) if (dep !== id) set.add(dep);
    edges.set(id, set);
  };
  const byName: { id: string; target: ResourceRef }[] = [];
  const ordering = (id: string, ref: ResourceRef, spec: unknown): string[] =>
    referencesOf(catalog, ref, spec)
      .filter(({ reference }) => reference.order !== false)
      .flatMap(({ id: target, reference }) => {
        if (!reference.byName) return [target];
        byName.push({ id, target: reference.target });
        return [];
      });
  // Desired first: where both sides exist, the manifest's references are the ones that will hold after apply;
  // the actual's references still hold until then, so both count. The manifest's spec is read as well as the
  // API-shaped one: kinds whose two shapes differ name their references in the manifest's.
  for (const d of desired) {
    add(d.id, [...d.dependsOn, ...ordering(d.id, d.ref, d.spec), ...ordering(d.id, d.ref, d.manifest.spec)]);
  }
  // The observed side too, read back as a manifest: kinds whose API shape hides a reference (an ECS service names
  // its node only in an Envoy environment variable) name it there, so a delete of a consumer comes before the
  // delete of what it consumes for every backend, declared or not.
  for (const a of actual)
    add(a.id, [...ordering(a.id, a.ref, a.spec), ...ordering(a.id, a.ref, manifestSpecOf(a, catalog))]);
  // Channels: whatever offers one comes before whatever uses it (Service Connect servers before their clients).
  const offers = new Map<string, Set<string>>();
  const uses: { id: string; channel: string }[] = [];
  for (const r of [...desired, ...actual]) {
    const channels = catalog.find(r.ref.kind)?.channels?.(r.ref, r.spec);
    for (const channel of channels?.offers ?? []) offers.set(channel, (offers.get(channel) ?? new Set()).add(r.id));
    for (const channel of channels?.uses ?? []) uses.push({ id: r.id, channel });
  }
  for (const { id, channel } of uses) add(id, [...(offers.get(channel) ?? [])]);
  // A reference without its scope (an ECS service naming its node without the mesh): resolved when exactly one
  // resource of that kind and name is known.
  if (byName.length > 0) {
    const byKindAndName = new Map<string, string[]>();
    for (const node of edges.keys()) {
      const key = `${node.slice(0, node.indexOf('/'))}\u0000${node.slice(node.lastIndexOf('/') + 1)}`;
      byKindAndName.set(key, [...(byKindAndName.get(key) ?? []), node]);
    }
    for (const { id, target } of byName) {
      const candidates = byKindAndName.get(`${target.kind}\u0000${target.name}`) ?? [];
      if (candidates.length === 1) add(id, candidates);
    }
  }
  const nodes = sortIds(edges.keys());
  const dependsOn: Record<string, string[]> = {};
  for (const id of nodes) {
    // References to resources outside the graph (external, or not yet observed) cannot be ordered against.
    dependsOn[id] = [...(edges.get(id) ?? [])].filter((dep) => edges.has(dep)).sort(compareIds);
  }
  return { nodes, dependsOn };
}

/** The observed resource as the manifest its kind would export; undefined when the kind cannot read it back. */
function manifestSpecOf(a: ActualResource, catalog: KindCatalog): unknown {
  const kind = catalog.find(a.ref.kind);
  try {
    return kind?.fromApi?.(a.ref, a.spec, a.tags).spec;
  } catch {
    // Ordering is best effort for a shape the kind does not know; the API-shaped references still count.
    return undefined;
  }
}

/**
 * Kahn's algorithm, one level at a time: level n holds what depends only on levels < n. Each level is sorted by
 * kind order then id, so the same graph always gives the same stages.
 */
export function dependencyLevels(graph: DependencyGraph): string[][] {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of graph.nodes) {
    const deps = graph.dependsOn[id] ?? [];
    remaining.set(id, deps.length);
    for (const dep of deps) dependents.set(dep, [...(dependents.get(dep) ?? []), id]);
  }
  const levels: string[][] = [];
  let ready = graph.nodes.filter((id) => remaining.get(id) === 0);
  let placed = 0;
  while (ready.length > 0) {
    const level = sortIds(ready);
    levels.push(level);
    placed += level.length;
    const next: string[] = [];
    for (const id of level) {
      for (const dependent of dependents.get(id) ?? []) {
        const left = (remaining.get(dependent) ?? 0) - 1;
        remaining.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    ready = next;
  }
  if (placed < graph.nodes.length) {
    throw new DependencyCycleError(findCycle(graph, new Set(graph.nodes.filter((id) => (remaining.get(id) ?? 0) > 0))));
  }
  return levels;
}

/** A concrete cycle among the unplaced nodes, starting at its smallest id, for an error a human can act on. */
function findCycle(graph: DependencyGraph, stuck: ReadonlySet<string>): string[] {
  const start = [...stuck].sort(compareIds)[0] ?? '';
  const seen = new Map<string, number>();
  const path: string[] = [];
  let current = start;
  // Every stuck node has a stuck dependency, so walking them must revisit a node.
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    const next = (graph.dependsOn[current] ?? []).find((dep) => stuck.has(dep));
    if (next === undefined) break;
    current = next;
  }
  const cycle = path.slice(seen.get(current) ?? 0);
  return [...cycle, cycle[0] ?? current];
}

/** Level index per id, for sorting anything by dependency order. */
export function levelIndex(levels: readonly string[][]): Map<string, number> {
  const out = new Map<string, number>();
  levels.forEach((level, i) => level.forEach((id) => out.set(id, i)));
  return out;
}

/**
 * Everything that depends on the given ids, directly or not (the ids themselves excluded), in kind order then
 * id: what an apply marks `blocked` when one of them fails.
 */
export function transitiveDependents(graph: DependencyGraph, ids: Iterable<string>): string[] {
  const dependents = new Map<string, string[]>();
  for (const id of graph.nodes) {
    for (const dep of graph.dependsOn[id] ?? []) dependents.set(dep, [...(dependents.get(dep) ?? []), id]);
  }
  const start = new Set(ids);
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const dependent of dependents.get(id) ?? []) {
      if (seen.has(dependent) || start.has(dependent)) continue;
      seen.add(dependent);
      queue.push(dependent);
    }
  }
  return [...seen].sort(compareIds);
}
