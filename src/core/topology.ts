/**
 * The mesh topology for `meshward graph`: gateway -> gateway routes -> virtual services -> routers / nodes ->
 * routes -> weighted nodes -> backends, drawn from the desired specs. Which kinds are drawn, how, and which
 * references are edges is each kind's (`topology`, `SpecReference.relation`). Pure: the CLI prints it.
 */
import type { TopologyStyle } from '../kinds/kind';
import { type KindCatalog, defaultCatalog, referencesOf } from './kind-catalog';
import type { DesiredResource } from './model';
import { ANNOTATIONS, type KindName, type ResourceRef, resourceId } from './types';

export type TopologyKind = KindName;

export interface TopologyNode {
  id: string;
  kind: TopologyKind;
  name: string;
  /** The group the node is drawn in: the value of its kind's `groupBy` scope key (the mesh). */
  mesh: string;
  /** Managed elsewhere: named by a spec but not declared, or declared as a placeholder annotated external. */
  external: boolean;
}

export interface TopologyEdge {
  from: string;
  to: string;
  /** contains: gateway -> its routes, router -> its routes; targets: gateway route -> service; provides: service ->
   * router/node; weighted: route -> node; backend: node -> the services it calls. */
  relation: string;
  label?: string;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

/** A `contains` reference names the container: the edge is drawn from it to the resource. */
const CONTAINS = 'contains';

function styleOf(catalog: KindCatalog, kind: KindName): TopologyStyle | undefined {
  return catalog.find(kind)?.topology;
}

function groupOf(catalog: KindCatalog, ref: ResourceRef): string | undefined {
  const style = styleOf(catalog, ref.kind);
  const identity = catalog.find(ref.kind);
  if (!style || !identity) return undefined;
  return identity.scopeKeys(ref).find(([key]) => key === style.groupBy)?.[1];
}

function specOf(r: DesiredResource): unknown {
  return r.spec ?? r.manifest.spec;
}

export function buildTopology(desired: readonly DesiredResource[], catalog: KindCatalog = defaultCatalog()): Topology {
  const nodes = new Map<string, TopologyNode>();
  for (const r of desired) {
    const group = groupOf(catalog, r.ref);
    if (group === undefined) continue;
    // A placeholder annotated external is declared only so that references to it resolve; someone else runs it.
    const external = r.annotations[ANNOTATIONS.external] === 'true';
    nodes.set(r.id, { id: r.id, kind: r.ref.kind, name: r.ref.name, mesh: group, external });
  }
  const edges: TopologyEdge[] = [];
  const target = (ref: ResourceRef): string | undefined => {
    const id = resourceId(ref);
    const group = groupOf(catalog, ref);
    if (group === undefined) return undefined;
    if (!nodes.has(id)) nodes.set(id, { id, kind: ref.kind, name: ref.name, mesh: group, external: true });
    return id;
  };
  for (const r of desired) {
    if (!nodes.has(r.id)) continue;
    for (const { reference } of referencesOf(catalog, r.ref, specOf(r))) {
      if (reference.relation === undefined || reference.byName) continue;
      const other = target(reference.target);
      if (other === undefined) continue;
      const [from, to] = reference.relation === CONTAINS ? [other, r.id] : [r.id, other];
      edges.push({
        from,
        to,
        relation: reference.relation,
        ...(reference.label !== undefined ? { label: reference.label } : {}),
      });
    }
  }
  const rank = (n: TopologyNode): number => styleOf(catalog, n.kind)?.rank ?? 0;
  const sorted = [...nodes.values()].sort((a, b) => cmp(a.mesh, b.mesh) || rank(a) - rank(b) || cmp(a.id, b.id));
  const position = new Map(sorted.map((n, i) => [n.id, i]));
  const pos = (id: string): number => position.get(id) ?? 0;
  const unique = new Map(edges.map((e) => [`${e.from}\u0000${e.to}\u0000${e.label ?? ''}`, e]));
  const sortedEdges = [...unique.values()].sort((a, b) => pos(a.from) - pos(b.from) || pos(a.to) - pos(b.to));
  return { nodes: sorted, edges: sortedEdges };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function labelOf(n: TopologyNode, catalog: KindCatalog): string {
  return `${styleOf(catalog, n.kind)?.label ?? n.kind}: ${n.name}${n.external ? ' (external)' : ''}`;
}

function meshes(topology: Topology): string[] {
  return [...new Set(topology.nodes.map((n) => n.mesh))];
}

/** A Mermaid flowchart, one subgraph per mesh; node ids are positional (n0, n1...) because names are not ids. */
export function toMermaid(topology: Topology, catalog: KindCatalog = defaultCatalog()): string {
  const idOf = new Map(topology.nodes.map((n, i) => [n.id, `n${i}`]));
  const esc = (text: string): string => text.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  meshes(topology).forEach((mesh, m) => {
    lines.push(`  subgraph mesh${m}["mesh: ${esc(mesh)}"]`);
    for (const n of topology.nodes.filter((node) => node.mesh === mesh)) {
      const [open, close] = styleOf(catalog, n.kind)?.mermaid ?? ['[', ']'];
      lines.push(`    ${idOf.get(n.id) ?? ''}${open}"${esc(labelOf(n, catalog))}"${close}`);
    }
    lines.push('  end');
  });
  for (const e of topology.edges) {
    const arrow = e.relation === 'backend' ? '-.->' : '-->';
    const label = e.label !== undefined ? `|"${esc(e.label)}"|` : '';
    lines.push(`  ${idOf.get(e.from) ?? ''} ${arrow}${label} ${idOf.get(e.to) ?? ''}`);
  }
  const external = topology.nodes.filter((n) => n.external).map((n) => idOf.get(n.id) ?? '');
  if (external.length > 0) {
    lines.push('  classDef external stroke-dasharray: 4 4');
    lines.push(`  class ${external.join(',')} external`);
  }
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT, one cluster per mesh, resource ids as node ids (quoted, so slashes are fine). */
export function toDot(topology: Topology, catalog: KindCatalog = defaultCatalog()): string {
  const q = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph meshward {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const mesh of meshes(topology)) {
    lines.push(`  subgraph ${q(`cluster_${mesh}`)} {`, `    label=${q(`mesh: ${mesh}`)};`);
    for (const n of topology.nodes.filter((node) => node.mesh === mesh)) {
      const style = n.external ? ', style=dashed' : '';
      const shape = styleOf(catalog, n.kind)?.dot ?? 'box';
      lines.push(`    ${q(n.id)} [label=${q(labelOf(n, catalog))}, shape=${shape}${style}];`);
    }
    lines.push('  }');
  }
  for (const e of topology.edges) {
    const attrs = [
      ...(e.label !== undefined ? [`label=${q(e.label)}`] : []),
      ...(e.relation === 'backend' ? ['style=dashed'] : []),
    ];
    lines.push(`  ${q(e.from)} -> ${q(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** What `meshward graph -o mermaid|dot` prints. */
export function renderGraph(desired: readonly DesiredResource[], format: 'mermaid' | 'dot'): string {
  const topology = buildTopology(desired);
  return format === 'mermaid' ? toMermaid(topology) : toDot(topology);
}
