/**
 * The mesh topology for `meshward graph` and the HTML report: gateway -> gateway routes -> virtual services ->
 * routers / nodes -> routes -> weighted nodes -> backends, and the ECS services that run the nodes and gateways,
 * drawn from the desired specs (API shapes). Pure: the CLI prints it.
 *
 * Two halves. `buildTopology` reads what each kind contributes to the picture (the one place here that knows
 * kinds; it belongs in src/kinds once each kind describes its own contribution). Everything after it (layout,
 * Mermaid, DOT, SVG) works on generic nodes and edges and styles by `role`, never by kind.
 */
import { printableDeep } from './format-value';
import type { DesiredResource } from './model';
import {
  ecsMeshMember,
  gatewayRouteTarget,
  nodeBackends,
  routeWeightedTargets,
  virtualServiceProvider,
} from './spec-refs';
import { ANNOTATIONS, resourceId, type KindName } from './types';

/** What a node is in the picture: renderers pick shape, color and legend entry from the role alone. */
export type TopologyRole = 'entry' | 'entry-route' | 'service' | 'router' | 'route' | 'workload' | 'task';

export interface TopologyNode {
  id: string;
  kind: string;
  role: TopologyRole;
  name: string;
  /** The frame the node is drawn in (`mesh: shop`). */
  group: string;
  /** Managed elsewhere: named by a spec but not declared, or declared as a placeholder annotated external. */
  external: boolean;
  /** Extra lines under the name: what the node matches (a route's prefix, headers, method...). */
  details: string[];
}

export interface TopologyEdge {
  from: string;
  to: string;
  /** contains: gateway -> its routes, router -> its routes; targets: gateway route -> service; provides: service ->
   * router/node; weighted: route -> node; backend: node -> the services it calls; runs: node/gateway -> the ECS
   * service whose tasks run it. */
  relation: 'contains' | 'targets' | 'provides' | 'weighted' | 'backend' | 'runs';
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

export const RELATION_LEGEND: Readonly<Record<TopologyEdge['relation'], string>> = {
  contains: 'holds its routes',
  targets: 'sends matching requests to',
  provides: 'is provided by',
  weighted: 'sends this weight to',
  backend: 'calls (backend)',
  runs: 'is run by (the ECS service whose tasks carry its Envoy)',
};

// ---- What each kind contributes (kind knowledge; to move into src/kinds). ----

const ROLE_OF: Partial<Record<KindName, TopologyRole>> = {
  VirtualGateway: 'entry',
  GatewayRoute: 'entry-route',
  VirtualService: 'service',
  VirtualRouter: 'router',
  Route: 'route',
  VirtualNode: 'workload',
  EcsService: 'task',
};

function get(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `exact "x"`, `prefix /a`, `regex ^v`, `range 1-5`: one App Mesh match object (header, path, hostname...). */
function describeMatcher(m: unknown): string {
  if (typeof m !== 'object' || m === null) return '';
  const o = m as Record<string, unknown>;
  const range = o.range as { start?: unknown; end?: unknown } | undefined;
  if (range) return `in ${text(range.start) ?? '?'}-${text(range.end) ?? '?'}`;
  for (const [key, word] of [
    ['exact', '='],
    ['prefix', 'starts with'],
    ['suffix', 'ends with'],
    ['regex', '~'],
  ] as const) {
    const v = text(o[key]);
    if (v !== undefined) return `${word} ${v}`;
  }
  return '';
}

/** One line per condition of a route's `match` (http/http2/grpc/tcp), in the API's words. */
export function describeMatch(match: unknown): string[] {
  if (typeof match !== 'object' || match === null) return [];
  const m = match as Record<string, unknown>;
  const lines: string[] = [];
  const prefix = text(m.prefix);
  if (prefix !== undefined) lines.push(`prefix ${prefix}`);
  const path = describeMatcher(m.path);
  if (path) lines.push(`path ${path}`);
  const host = describeMatcher(m.hostname);
  if (host) lines.push(`host ${host}`);
  const method = text(m.method);
  if (method !== undefined) lines.push(`method ${method}`);
  const service = text(m.serviceName);
  if (service !== undefined) lines.push(`gRPC ${service}${text(m.methodName) ? `/${text(m.methodName)}` : ''}`);
  for (const [list, noun] of [
    ['headers', 'header'],
    ['metadata', 'metadata'],
  ] as const) {
    const items = Array.isArray(m[list]) ? (m[list] as unknown[]) : [];
    for (const h of items) {
      const name = text(get(h, 'name')) ?? '?';
      const cond = describeMatcher(get(h, 'match')) || 'present';
      lines.push(`${get(h, 'invert') === true ? 'not ' : ''}${noun} ${name} ${cond}`);
    }
  }
  const query = Array.isArray(m.queryParameters) ? (m.queryParameters as unknown[]) : [];
  for (const q of query)
    lines.push(`query ${text(get(q, 'name')) ?? '?'} ${describeMatcher(get(q, 'match')) || 'present'}`);
  const port = text(m.port);
  if (port !== undefined) lines.push(`port ${port}`);
  return lines;
}

function routeDetails(spec: unknown): string[] {
  for (const protocol of ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute']) {
    const route = get(spec, protocol);
    if (route === undefined) continue;
    const lines = describeMatch(get(route, 'match'));
    const priority = text(get(spec, 'priority'));
    if (priority !== undefined) lines.push(`priority ${priority}`);
    return lines;
  }
  return [];
}

function specOf(r: DesiredResource): unknown {
  return r.spec ?? r.manifest.spec;
}

export function buildTopology(desired: readonly DesiredResource[]): Topology {
  const nodes = new Map<string, TopologyNode>();
  const meshes = new Set(desired.map((r) => r.ref.mesh).filter((m): m is string => m !== undefined));
  const groupOf = (mesh: string): string => `mesh: ${mesh}`;
  for (const r of desired) {
    const role = ROLE_OF[r.ref.kind];
    if (role === undefined || role === 'task' || r.ref.mesh === undefined) continue;
    // A placeholder annotated external is declared only so that references to it resolve; someone else runs it.
    const external = r.annotations[ANNOTATIONS.external] === 'true';
    const details = r.ref.kind === 'Route' || r.ref.kind === 'GatewayRoute' ? routeDetails(specOf(r)) : [];
    nodes.set(r.id, {
      id: r.id,
      kind: r.ref.kind,
      role,
      name: r.ref.name,
      group: groupOf(r.ref.mesh),
      external,
      details,
    });
  }
  const edges: TopologyEdge[] = [];
  const target = (kind: KindName, name: string, mesh: string): string => {
    const id = resourceId({ kind, name, mesh });
    const role = ROLE_OF[kind] ?? 'workload';
    if (!nodes.has(id)) nodes.set(id, { id, kind, role, name, group: groupOf(mesh), external: true, details: [] });
    return id;
  };
  for (const r of desired) {
    const mesh = r.ref.mesh;
    const spec = specOf(r);
    if (r.ref.kind === 'EcsService') {
      // An ECS service belongs to the mesh its Envoy joins (named, or the only mesh declared); a service outside
      // any mesh is drawn in a frame of its cluster.
      // The manifest's `appMesh` (the normalized spec has it turned into the Envoy sidecar already).
      const member = ecsMeshMember(r.manifest.spec) ?? ecsMeshMember(spec);
      const memberMesh = member?.mesh ?? (meshes.size === 1 ? [...meshes][0] : undefined);
      const cluster = r.ref.parent ?? 'default';
      nodes.set(r.id, {
        id: r.id,
        kind: r.ref.kind,
        role: 'task',
        name: r.ref.name,
        group: member && memberMesh !== undefined ? groupOf(memberMesh) : `cluster: ${cluster}`,
        external: r.annotations[ANNOTATIONS.external] === 'true',
        details: [`cluster ${cluster}`],
      });
      if (member && memberMesh !== undefined) {
        edges.push({ from: target(member.kind, member.name, memberMesh), to: r.id, relation: 'runs' });
      }
      continue;
    }
    if (mesh === undefined || !nodes.has(r.id)) continue;
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
  return sortTopology([...nodes.values()], edges);
}

// ---- Generic from here on: nodes, edges, roles. ----

function sortTopology(nodes: TopologyNode[], edges: TopologyEdge[]): Topology {
  const rank = (n: TopologyNode): number => ROLE_ORDER.indexOf(n.role);
  const sorted = [...nodes].sort((a, b) => cmp(a.group, b.group) || rank(a) - rank(b) || cmp(a.id, b.id));
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
  return `${ROLE_LABEL[n.role]}: ${n.name}${n.external ? ' (external)' : ''}`;
}

function groups(topology: Topology): string[] {
  return [...new Set(topology.nodes.map((n) => n.group))];
}

function rolesUsed(topology: Topology): TopologyRole[] {
  const used = new Set(topology.nodes.map((n) => n.role));
  return ROLE_ORDER.filter((r) => used.has(r));
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

const MERMAID_ARROW: Record<TopologyEdge['relation'], string> = {
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
  rolesUsed(topology).forEach((role, i) => {
    const [open, close] = MERMAID_SHAPE[role];
    lines.push(`    legend${i}${open}"${esc(ROLE_LABEL[role])}"${close}`);
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
  rolesUsed(topology).forEach((role, i) => {
    lines.push(`    "legend${i}" [label=${q(ROLE_LABEL[role])}, shape=${DOT_SHAPE[role]}];`);
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
