/**
 * The mesh topology for `meshward graph`: gateway -> gateway routes -> virtual services -> routers / nodes ->
 * routes -> weighted nodes -> backends, drawn from the desired specs (App Mesh API shapes). Pure: the CLI prints it.
 */
import type { DesiredResource } from './model';
import { gatewayRouteTarget, nodeBackends, routeWeightedTargets, virtualServiceProvider } from './spec-refs';
import { ANNOTATIONS, resourceId, type KindName } from './types';

export type TopologyKind = Exclude<KindName, 'Mesh' | 'EcsService'>;

export interface TopologyNode {
  id: string;
  kind: TopologyKind;
  name: string;
  mesh: string;
  /** Managed elsewhere: named by a spec but not declared, or declared as a placeholder annotated external. */
  external: boolean;
}

export interface TopologyEdge {
  from: string;
  to: string;
  /** contains: gateway -> its routes, router -> its routes; targets: gateway route -> service; provides: service ->
   * router/node; weighted: route -> node; backend: node -> the services it calls. */
  relation: 'contains' | 'targets' | 'provides' | 'weighted' | 'backend';
  label?: string;
}

export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

const TOPOLOGY_ORDER: readonly TopologyKind[] = [
  'VirtualGateway',
  'GatewayRoute',
  'VirtualService',
  'VirtualRouter',
  'Route',
  'VirtualNode',
];

const SHORT: Record<TopologyKind, string> = {
  VirtualGateway: 'gateway',
  GatewayRoute: 'gateway route',
  VirtualService: 'service',
  VirtualRouter: 'router',
  Route: 'route',
  VirtualNode: 'node',
};

function isTopologyKind(kind: KindName): kind is TopologyKind {
  return (TOPOLOGY_ORDER as readonly string[]).includes(kind);
}

function specOf(r: DesiredResource): unknown {
  return r.spec ?? r.manifest.spec;
}

export function buildTopology(desired: readonly DesiredResource[]): Topology {
  const nodes = new Map<string, TopologyNode>();
  for (const r of desired) {
    if (!isTopologyKind(r.ref.kind) || r.ref.mesh === undefined) continue;
    // A placeholder annotated external is declared only so that references to it resolve; someone else runs it.
    const external = r.annotations[ANNOTATIONS.external] === 'true';
    nodes.set(r.id, { id: r.id, kind: r.ref.kind, name: r.ref.name, mesh: r.ref.mesh, external });
  }
  const edges: TopologyEdge[] = [];
  const target = (kind: TopologyKind, name: string, mesh: string): string => {
    const id = resourceId({ kind, name, mesh });
    if (!nodes.has(id)) nodes.set(id, { id, kind, name, mesh, external: true });
    return id;
  };
  for (const r of desired) {
    const mesh = r.ref.mesh;
    if (!isTopologyKind(r.ref.kind) || mesh === undefined) continue;
    const spec = specOf(r);
    if (r.ref.kind === 'Route' || r.ref.kind === 'GatewayRoute') {
      const parentKind = r.ref.kind === 'Route' ? 'VirtualRouter' : 'VirtualGateway';
      if (r.ref.parent !== undefined) {
        edges.push({ from: target(parentKind, r.ref.parent, mesh), to: r.id, relation: 'contains' });
      }
    }
    switch (r.ref.kind) {
      case 'GatewayRoute': {
        const service = gatewayRouteTarget(spec);
        if (service) edges.push({ from: r.id, to: target('VirtualService', service, mesh), relation: 'targets' });
        break;
      }
      case 'VirtualService': {
        const provider = virtualServiceProvider(spec);
        if (provider) edges.push({ from: r.id, to: target(provider.kind, provider.name, mesh), relation: 'provides' });
        break;
      }
      case 'Route':
        for (const t of routeWeightedTargets(spec)) {
          edges.push({
            from: r.id,
            to: target('VirtualNode', t.virtualNode, mesh),
            relation: 'weighted',
            ...(t.weight !== undefined ? { label: String(t.weight) } : {}),
          });
        }
        break;
      case 'VirtualNode':
        for (const service of nodeBackends(spec)) {
          edges.push({ from: r.id, to: target('VirtualService', service, mesh), relation: 'backend' });
        }
        break;
      default:
        break;
    }
  }
  const rank = (n: TopologyNode): number => TOPOLOGY_ORDER.indexOf(n.kind);
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

function labelOf(n: TopologyNode): string {
  return `${SHORT[n.kind]}: ${n.name}${n.external ? ' (external)' : ''}`;
}

function meshes(topology: Topology): string[] {
  return [...new Set(topology.nodes.map((n) => n.mesh))];
}

const MERMAID_SHAPE: Record<TopologyKind, [string, string]> = {
  VirtualGateway: ['[/', '\\]'],
  GatewayRoute: ['[[', ']]'],
  VirtualService: ['([', '])'],
  VirtualRouter: ['{', '}'],
  Route: ['>', ']'],
  VirtualNode: ['[', ']'],
};

/** A Mermaid flowchart, one subgraph per mesh; node ids are positional (n0, n1...) because names are not ids. */
export function toMermaid(topology: Topology): string {
  const idOf = new Map(topology.nodes.map((n, i) => [n.id, `n${i}`]));
  const esc = (text: string): string => text.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  meshes(topology).forEach((mesh, m) => {
    lines.push(`  subgraph mesh${m}["mesh: ${esc(mesh)}"]`);
    for (const n of topology.nodes.filter((node) => node.mesh === mesh)) {
      const [open, close] = MERMAID_SHAPE[n.kind];
      lines.push(`    ${idOf.get(n.id) ?? ''}${open}"${esc(labelOf(n))}"${close}`);
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

const DOT_SHAPE: Record<TopologyKind, string> = {
  VirtualGateway: 'trapezium',
  GatewayRoute: 'cds',
  VirtualService: 'ellipse',
  VirtualRouter: 'diamond',
  Route: 'rarrow',
  VirtualNode: 'box',
};

/** Graphviz DOT, one cluster per mesh, resource ids as node ids (quoted, so slashes are fine). */
export function toDot(topology: Topology): string {
  const q = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph meshward {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const mesh of meshes(topology)) {
    lines.push(`  subgraph ${q(`cluster_${mesh}`)} {`, `    label=${q(`mesh: ${mesh}`)};`);
    for (const n of topology.nodes.filter((node) => node.mesh === mesh)) {
      const style = n.external ? ', style=dashed' : '';
      lines.push(`    ${q(n.id)} [label=${q(labelOf(n))}, shape=${DOT_SHAPE[n.kind]}${style}];`);
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
