/**
 * The topology for `meshward graph` and the HTML report (gateway -> gateway routes -> services -> routers / nodes
 * -> routes -> weighted nodes -> backends -> the ECS services that run them), drawn from the desired specs.
 *
 * Two halves. `buildTopology` asks each kind what it contributes: its `topology` style (role, group, detail lines)
 * and the references it makes (`SpecReference.relation` is the edge). Everything after it (layout, Mermaid, DOT,
 * SVG) works on generic nodes and edges and styles by `role`, never by kind. Pure: the CLI prints it.
 */
import type { TopologyStyle } from '../kinds/kind';
import { printableDeep } from './format-value';
import { type KindCatalog, defaultCatalog, referencesOf } from './kind-catalog';
import type { DesiredResource } from './model';
import { ANNOTATIONS, type KindName, type ResourceRef, resourceId } from './types';

/** What a node is in the picture: renderers pick shape, color and legend entry from the role alone. */
export type TopologyRole = 'entry' | 'entry-route' | 'service' | 'router' | 'route' | 'workload' | 'task';

export interface TopologyNode {
  id: string;
  kind: string;
  role: TopologyRole;
  /** The word its label and the legend use: the kind's own (`listener`), else the role's (`router`). */
  noun: string;
  name: string;
  /** The frame the node is drawn in (`mesh: shop`). */
  group: string;
  /** Managed elsewhere: named by a spec but not declared, or declared as a placeholder annotated external. */
  external: boolean;
  /** Extra lines under the name: what the node matches (a route's prefix, headers, method...). */
  details: string[];
}

export type TopologyRelation = 'contains' | 'targets' | 'provides' | 'weighted' | 'backend' | 'runs';

export interface TopologyEdge {
  from: string;
  to: string;
  /** contains: gateway -> its routes, router -> its routes; targets: gateway route -> service; provides: service ->
   * router/node; weighted: route -> node; backend: node -> the services it calls; runs: node/gateway -> the ECS
   * service whose tasks run it. */
  relation: TopologyRelation;
  label?: string;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

/** How each role is named in labels and in the legend, in the order the legend lists them. */
export const ROLE_LABEL: Readonly<Record<TopologyRole, string>> = {
  entry: 'gateway',
  'entry-route': 'gateway route',
  service: 'service',
  router: 'router',
  route: 'route',
  workload: 'node',
  task: 'ECS service',
};

const ROLE_ORDER = Object.keys(ROLE_LABEL) as TopologyRole[];

export const RELATION_LEGEND: Readonly<Record<TopologyRelation, string>> = {
  contains: 'holds its routes',
  targets: 'sends matching requests to',
  provides: 'is provided by',
  weighted: 'sends this weight to',
  backend: 'calls (backend)',
  runs: 'is run by (the ECS service whose tasks carry its Envoy)',
};

// ---- What each kind contributes: asked of the kinds, never known here. ----

/** These relations name the container or the runner: the edge is drawn from the target to the resource. */
const REVERSED: ReadonlySet<TopologyRelation> = new Set<TopologyRelation>(['contains', 'runs']);

function styleOf(catalog: KindCatalog, kind: KindName): TopologyStyle | undefined {
  return catalog.find(kind)?.topology;
}

/** `mesh: shop`: the frame a resource is drawn in, from its kind's `groupBy` scope key. */
function groupOf(catalog: KindCatalog, ref: ResourceRef): string | undefined {
  const style = styleOf(catalog, ref.kind);
  const identity = catalog.find(ref.kind);
  if (!style || !identity) return undefined;
  const value = identity.scopeKeys(ref).find(([key]) => key === style.groupBy)?.[1];
  return value === undefined ? undefined : `${style.groupBy}: ${value}`;
}

function specOf(r: DesiredResource): unknown {
  return r.spec ?? r.manifest.spec;
}

export function buildTopology(desired: readonly DesiredResource[], catalog: KindCatalog = defaultCatalog()): Topology {
  const nodes = new Map<string, TopologyNode>();
  for (const r of desired) {
    const style = styleOf(catalog, r.ref.kind);
    const group = groupOf(catalog, r.ref);
    if (!style || style.asEdge !== undefined || group === undefined) continue;
    nodes.set(r.id, {
      id: r.id,
      kind: r.ref.kind,
      role: style.role,
      noun: style.noun ?? ROLE_LABEL[style.role],
      name: r.ref.name,
      group,
      // A placeholder is declared only so that references to it resolve; someone else runs it.
      external: r.annotations[ANNOTATIONS.placeholder] === 'true',
      // Details read the manifest: it is what the user wrote (the normalized spec may hold injected parts).
      details: style.details?.(r.manifest.spec) ?? [],
    });
  }
  const edges: TopologyEdge[] = [];
  /** The node a reference points at: declared, the one of that kind and name (byName), or drawn as external. */
  const target = (ref: ResourceRef, byName: boolean): string | undefined => {
    if (byName) {
      const same = [...nodes.values()].filter((n) => n.kind === ref.kind && n.name === ref.name);
      return same.length === 1 ? same[0]?.id : undefined;
    }
    const id = resourceId(ref);
    const style = styleOf(catalog, ref.kind);
    const group = groupOf(catalog, ref);
    if (!style || group === undefined) return undefined;
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        kind: ref.kind,
        role: style.role,
        noun: style.noun ?? ROLE_LABEL[style.role],
        name: ref.name,
        group,
        external: true,
        details: [],
      });
    }
    return id;
  };
  for (const r of desired) {
    const asEdge = styleOf(catalog, r.ref.kind)?.asEdge;
    if (asEdge !== undefined) {
      const [from, to] = referencesOf(catalog, r.ref, r.manifest.spec ?? specOf(r)).map(({ reference }) =>
        target(reference.target, reference.byName === true),
      );
      if (from !== undefined && to !== undefined) edges.push({ from, to, relation: asEdge });
      continue;
    }
    if (!nodes.has(r.id)) continue;
    for (const { reference } of referencesOf(catalog, r.ref, r.manifest.spec ?? specOf(r))) {
      if (reference.relation === undefined) continue;
      const other = target(reference.target, reference.byName === true);
      if (other === undefined) continue;
      const [from, to] = REVERSED.has(reference.relation) ? [other, r.id] : [r.id, other];
      edges.push({
        from,
        to,
        relation: reference.relation,
        ...(reference.label !== undefined ? { label: reference.label } : {}),
      });
    }
  }
  return sortTopology([...nodes.values()], edges);
}

// ---- Generic from here on: nodes, edges, roles. ----

function sortTopology(nodes: TopologyNode[], edges: TopologyEdge[]): Topology {
  const rank = (n: TopologyNode): number => ROLE_ORDER.indexOf(n.role);
  // Frames are ordered by the highest role they hold, so the entry's frame is on top and ECS services below.
  const groupRank = new Map<string, number>();
  for (const n of nodes) groupRank.set(n.group, Math.min(groupRank.get(n.group) ?? Infinity, rank(n)));
  const byGroup = (a: TopologyNode, b: TopologyNode): number =>
    (groupRank.get(a.group) ?? 0) - (groupRank.get(b.group) ?? 0) || cmp(a.group, b.group);
  const sorted = [...nodes].sort((a, b) => byGroup(a, b) || rank(a) - rank(b) || cmp(a.id, b.id));
  const position = new Map(sorted.map((n, i) => [n.id, i]));
  const pos = (id: string): number => position.get(id) ?? 0;
  const unique = new Map(edges.map((e) => [`${e.from}\u0000${e.to}\u0000${e.label ?? ''}`, e]));
  const sortedEdges = [...unique.values()].sort((a, b) => pos(a.from) - pos(b.from) || pos(a.to) - pos(b.to));
  return { nodes: sorted, edges: sortedEdges };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function labelOf(n: TopologyNode): string {
  return `${n.noun}: ${n.name}${n.external ? ' (external)' : ''}`;
}

function groups(topology: Topology): string[] {
  return [...new Set(topology.nodes.map((n) => n.group))];
}

/** The legend's entries: each role drawn, under each word it is drawn with (router for App Mesh, listener...). */
export function legendEntries(topology: Topology): { role: TopologyRole; noun: string }[] {
  const entries = new Map<string, { role: TopologyRole; noun: string }>();
  for (const n of topology.nodes) entries.set(`${n.role}\u0000${n.noun}`, { role: n.role, noun: n.noun });
  return [...entries.values()].sort(
    (a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || cmp(a.noun, b.noun),
  );
}

const MERMAID_SHAPE: Record<TopologyRole, [string, string]> = {
  entry: ['[/', '\\]'],
  'entry-route': ['[[', ']]'],
  service: ['([', '])'],
  router: ['{', '}'],
  route: ['>', ']'],
  workload: ['[', ']'],
  task: ['[(', ')]'],
};

const MERMAID_ARROW: Record<TopologyRelation, string> = {
  contains: '-->',
  targets: '-->',
  provides: '-->',
  weighted: '-->',
  backend: '-.->',
  runs: '==>',
};

/**
 * A Mermaid flowchart, top to bottom, one subgraph per mesh, a legend subgraph; node ids are positional (n0,
 * n1...) because names are not ids. Match conditions are lines under a route's name.
 */
export function toMermaid(untrusted: Topology): string {
  const topology = printableDeep(untrusted);
  const idOf = new Map(topology.nodes.map((n, i) => [n.id, `n${i}`]));
  // Mermaid labels are HTML-ish: quotes and angle brackets as entities, newlines as <br/>.
  const esc = (value: string): string =>
    value.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\r?\n/g, ' ');
  const lines = ['flowchart TB'];
  groups(topology).forEach((group, g) => {
    lines.push(`  subgraph group${g}["${esc(group)}"]`);
    for (const n of topology.nodes.filter((node) => node.group === group)) {
      const [open, close] = MERMAID_SHAPE[n.role];
      const label = [labelOf(n), ...n.details].map(esc).join('<br/>');
      lines.push(`    ${idOf.get(n.id) ?? ''}${open}"${label}"${close}`);
    }
    lines.push('  end');
  });
  for (const e of topology.edges) {
    const label = e.label !== undefined ? `|"${esc(e.label)}"|` : '';
    lines.push(`  ${idOf.get(e.from) ?? ''} ${MERMAID_ARROW[e.relation]}${label} ${idOf.get(e.to) ?? ''}`);
  }
  const external = topology.nodes.filter((n) => n.external).map((n) => idOf.get(n.id) ?? '');
  if (external.length > 0) {
    lines.push('  classDef external stroke-dasharray: 4 4');
    lines.push(`  class ${external.join(',')} external`);
  }
  lines.push('  subgraph legend["legend"]', '    direction LR');
  legendEntries(topology).forEach(({ role, noun }, i) => {
    const [open, close] = MERMAID_SHAPE[role];
    lines.push(`    legend${i}${open}"${esc(noun)}"${close}`);
  });
  lines.push(`    legendEdges["${esc(edgeLegend())}"]`, '  end');
  return `${lines.join('\n')}\n`;
}

/** The edge styles in words, for the Mermaid and DOT legends. */
function edgeLegend(): string {
  return 'solid arrow: routes requests (number = weight) · dashed: calls a backend · thick: runs in ECS · dashed box: external';
}

const DOT_SHAPE: Record<TopologyRole, string> = {
  entry: 'trapezium',
  'entry-route': 'cds',
  service: 'ellipse',
  router: 'diamond',
  route: 'rarrow',
  workload: 'box',
  task: 'cylinder',
};

/** Graphviz DOT, top to bottom, one cluster per mesh and a legend cluster, resource ids as node ids. */
export function toDot(untrusted: Topology): string {
  const topology = printableDeep(untrusted);
  const q = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, ' ')}"`;
  const lines = ['digraph meshward {', '  rankdir=TB;', '  node [fontname="Helvetica"];'];
  for (const group of groups(topology)) {
    lines.push(`  subgraph ${q(`cluster_${group}`)} {`, `    label=${q(group)};`);
    for (const n of topology.nodes.filter((node) => node.group === group)) {
      const style = n.external ? ', style=dashed' : '';
      // DOT's "\n" in a label is a line break: details go under the name.
      const label = [labelOf(n), ...n.details].map((l) => q(l).slice(1, -1)).join('\\n');
      lines.push(`    ${q(n.id)} [label="${label}", shape=${DOT_SHAPE[n.role]}${style}];`);
    }
    lines.push('  }');
  }
  for (const e of topology.edges) {
    const attrs = [
      ...(e.label !== undefined ? [`label=${q(e.label)}`] : []),
      ...(e.relation === 'backend' ? ['style=dashed'] : []),
      ...(e.relation === 'runs' ? ['style=bold'] : []),
    ];
    lines.push(`  ${q(e.from)} -> ${q(e.to)}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('  subgraph "cluster_legend" {', '    label="legend";');
  legendEntries(topology).forEach(({ role, noun }, i) => {
    lines.push(`    "legend${i}" [label=${q(noun)}, shape=${DOT_SHAPE[role]}];`);
  });
  lines.push(`    "legend_edges" [label=${q(edgeLegend())}, shape=plaintext];`, '  }');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** What `meshward graph -o mermaid|dot` prints. */
export function renderGraph(desired: readonly DesiredResource[], format: 'mermaid' | 'dot'): string {
  const topology = buildTopology(desired);
  return format === 'mermaid' ? toMermaid(topology) : toDot(topology);
}
