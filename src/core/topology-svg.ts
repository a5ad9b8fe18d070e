/**
 * The topology as an SVG picture, laid out here (no Graphviz, no Mermaid at view time) so the HTML pages are
 * self-contained: top to bottom in the direction requests flow, one frame per group (mesh), each node a box with
 * its role, name and match conditions, highlighted when the report says it drifted or changes. Generic over nodes
 * and edges: nothing here knows a kind.
 */
import { printableDeep } from './format-value';
import { type Topology, type TopologyEdge, type TopologyNode, type TopologyRole } from './topology';

/** How a report marks a node in the picture. */
export type NodeMark = 'drift' | 'pending' | 'error' | 'conflict';

export interface SvgOptions {
  marks?: ReadonlyMap<string, NodeMark>;
  /** Node id -> link target (`#res-3`), so a box opens the resource's diff. */
  links?: ReadonlyMap<string, string>;
}

export const ROLE_FILL: Readonly<Record<TopologyRole, string>> = {
  entry: '#dbe8fb',
  'entry-route': '#e6effc',
  service: '#dff1e3',
  router: '#fdf1d0',
  route: '#fde8d4',
  workload: '#eee2f5',
  task: '#e4e8eb',
};

/** Corner radius per role: services read as pills, routes as sharp tickets. */
const ROLE_RADIUS: Readonly<Record<TopologyRole, number>> = {
  entry: 2,
  'entry-route': 0,
  service: 18,
  router: 8,
  route: 0,
  workload: 4,
  task: 10,
};

export const MARK_STROKE: Readonly<Record<NodeMark, string>> = {
  drift: '#c62828',
  error: '#c62828',
  conflict: '#6a1b9a',
  pending: '#b26a00',
};

const CHAR_W = 7.2;
const LINE_H = 15;
const PAD = 10;
const GAP_X = 28;
const GAP_Y = 54;
const FRAME_PAD = 20;
const FRAME_TITLE = 26;
const MAX_ROW_WIDTH = 1040;

interface Box {
  node: TopologyNode;
  layer: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function xml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function boxSize(n: TopologyNode): { w: number; h: number } {
  const lines = [n.noun, n.name, ...n.details];
  const longest = Math.max(...lines.map((l) => l.length));
  return { w: Math.max(120, Math.round(longest * CHAR_W + 2 * PAD)), h: 2 * LINE_H + n.details.length * LINE_H + PAD };
}

/** Longest-path layers over the edges, cycles broken where a depth-first walk finds them. */
function layers(nodes: readonly TopologyNode[], edges: readonly TopologyEdge[]): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (!ids.has(e.from) || !ids.has(e.to) || e.from === e.to) continue;
    out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const forward = new Map<string, string[]>();
  const order: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    for (const to of out.get(id) ?? []) {
      if (state.get(to) === 'open') continue; // a back edge: drawn, not used for layering
      forward.set(id, [...(forward.get(id) ?? []), to]);
      if (!state.has(to)) visit(to);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);
  const layer = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const id of order.reverse()) {
    for (const to of forward.get(id) ?? []) layer.set(to, Math.max(layer.get(to) ?? 0, (layer.get(id) ?? 0) + 1));
  }
  return layer;
}

function layoutGroup(
  nodes: readonly TopologyNode[],
  edges: readonly TopologyEdge[],
): { boxes: Box[]; w: number; h: number } {
  const layerOf = layers(nodes, edges);
  // Resources nothing points at and that point at nothing go last, out of the flow's way.
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  const last = Math.max(0, ...nodes.filter((n) => linked.has(n.id)).map((n) => (layerOf.get(n.id) ?? 0) + 1));
  const rows: TopologyNode[][] = [];
  for (const n of nodes) {
    const l = linked.has(n.id) || linked.size === 0 ? (layerOf.get(n.id) ?? 0) : last;
    (rows[l] ??= []).push(n);
  }
  // A layer wider than the page wraps onto more rows (200 new nodes would otherwise be one row 30,000 px wide).
  const dense = rows
    .filter((r) => r !== undefined)
    .flatMap((row) => {
      const wrapped: TopologyNode[][] = [[]];
      let width = 0;
      for (const n of row) {
        const w = boxSize(n).w + GAP_X;
        const current = wrapped[wrapped.length - 1] ?? [];
        if (current.length > 0 && width + w > MAX_ROW_WIDTH) {
          wrapped.push([n]);
          width = w;
        } else {
          current.push(n);
          width += w;
        }
      }
      return wrapped;
    });
  // One barycenter sweep top-down: a node sits near the nodes that point at it, which keeps edges short.
  const index = new Map<string, number>();
  dense.forEach((row, r) => {
    if (r > 0) {
      const score = (n: TopologyNode): number => {
        const parents = edges.filter((e) => e.to === n.id && index.has(e.from)).map((e) => index.get(e.from) ?? 0);
        return parents.length > 0 ? parents.reduce((a, b) => a + b, 0) / parents.length : Number.MAX_SAFE_INTEGER;
      };
      row.sort((a, b) => score(a) - score(b));
    }
    row.forEach((n, i) => index.set(n.id, i / Math.max(1, row.length - 1)));
  });
  const sized = dense.map((row) => row.map((n) => ({ node: n, ...boxSize(n) })));
  const rowWidth = (row: { w: number }[]): number => row.reduce((a, b) => a + b.w, 0) + GAP_X * (row.length - 1);
  const width = Math.max(...sized.map(rowWidth));
  const boxes: Box[] = [];
  let y = 0;
  sized.forEach((row, r) => {
    let x = (width - rowWidth(row)) / 2;
    const rowH = Math.max(...row.map((b) => b.h));
    for (const b of row) {
      boxes.push({ node: b.node, layer: r, x, y: y + (rowH - b.h) / 2, w: b.w, h: b.h });
      x += b.w + GAP_X;
    }
    y += rowH + GAP_Y;
  });
  return { boxes, w: width, h: y - GAP_Y };
}

function crosses(b: Box, x1: number, y1: number, x2: number, y2: number): boolean {
  // The straight line between the two ends, sampled: enough for boxes this size.
  for (let t = 0.05; t < 1; t += 0.05) {
    const x = x1 + (x2 - x1) * t;
    const y = y1 + (y2 - y1) * t;
    if (x > b.x - 6 && x < b.x + b.w + 6 && y > b.y - 4 && y < b.y + b.h + 4) return true;
  }
  return false;
}

function edgePath(from: Box, to: Box, side: number, between: readonly Box[]): { d: string; lx: number; ly: number } {
  if (to.y > from.y + from.h / 2) {
    const x1 = from.x + from.w / 2;
    const y1 = from.y + from.h;
    const x2 = to.x + to.w / 2;
    const y2 = to.y;
    const blocking = between.filter((b) => crosses(b, x1, y1, x2, y2));
    if (blocking.length > 0) {
      // A long edge would run through the boxes of the layers it skips: take a lane beside them instead.
      const left = Math.min(...blocking.map((b) => b.x)) - 16 - side * 8;
      const right = Math.max(...blocking.map((b) => b.x + b.w)) + 16 + side * 8;
      const lane = Math.abs(left - (x1 + x2) / 2) <= Math.abs(right - (x1 + x2) / 2) ? left : right;
      const top = y1 + GAP_Y / 2;
      const bottom = y2 - GAP_Y / 2;
      return {
        d: `M${x1},${y1} C${x1},${top} ${lane},${y1} ${lane},${top} L${lane},${bottom} C${lane},${y2} ${x2},${bottom} ${x2},${y2}`,
        lx: lane,
        ly: (top + bottom) / 2,
      };
    }
    const my = (y1 + y2) / 2;
    return { d: `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`, lx: (x1 + x2) / 2, ly: my };
  }
  // Upwards or sideways (a call back up the mesh): around the right-hand side.
  const x1 = from.x + from.w;
  const y1 = from.y + from.h / 2;
  const x2 = to.x + to.w;
  const y2 = to.y + to.h / 2;
  const bulge = Math.max(x1, x2) + 40 + side * 14;
  return { d: `M${x1},${y1} C${bulge},${y1} ${bulge},${y2} ${x2},${y2}`, lx: bulge - 10, ly: (y1 + y2) / 2 };
}

const EDGE_STYLE: Readonly<Record<TopologyEdge['relation'], string>> = {
  contains: 'stroke="#5f6b7a" stroke-width="1.4"',
  targets: 'stroke="#5f6b7a" stroke-width="1.4"',
  provides: 'stroke="#5f6b7a" stroke-width="1.4"',
  weighted: 'stroke="#5f6b7a" stroke-width="1.4"',
  backend: 'stroke="#2e7d32" stroke-width="1.4" stroke-dasharray="6 4"',
  runs: 'stroke="#455a64" stroke-width="3"',
};

/** The picture. Every string is made printable, then XML-escaped. */
export function toSvg(untrusted: Topology, options: SvgOptions = {}): string {
  const topology = printableDeep(untrusted);
  const groupNames = [...new Set(topology.nodes.map((n) => n.group))];
  const all = new Map<string, Box>();
  const frames: { label: string; x: number; y: number; w: number; h: number }[] = [];
  let x = 0;
  let height = 0;
  for (const group of groupNames) {
    const nodes = topology.nodes.filter((n) => n.group === group);
    const ids = new Set(nodes.map((n) => n.id));
    const laid = layoutGroup(
      nodes,
      topology.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
    );
    // Room on the right for edges that go back up.
    const w = laid.w + 2 * FRAME_PAD + 60;
    for (const b of laid.boxes) {
      b.x += x + FRAME_PAD;
      b.y += FRAME_TITLE + FRAME_PAD;
      all.set(b.node.id, b);
    }
    const h = laid.h + FRAME_TITLE + 2 * FRAME_PAD;
    frames.push({ label: group, x, y: 0, w, h });
    height = Math.max(height, h);
    x += w + 30;
  }
  const width = Math.max(200, x - 30);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="topology" width="${Math.ceil(width + 2)}" height="${Math.ceil(height + 2)}" viewBox="-1 -1 ${Math.ceil(width + 2)} ${Math.ceil(height + 2)}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6b7a"/></marker></defs>',
  ];
  for (const f of frames) {
    out.push(
      `<g class="frame"><rect x="${f.x}" y="${f.y}" width="${f.w}" height="${f.h}" rx="8" fill="#fafbfc" stroke="#c9d1da"/>`,
      `<text x="${f.x + 12}" y="${f.y + 18}" font-weight="600" fill="#3c4650">${xml(f.label)}</text></g>`,
    );
  }
  const upCount = new Map<string, number>();
  for (const e of topology.edges) {
    const from = all.get(e.from);
    const to = all.get(e.to);
    if (!from || !to) continue;
    const side = upCount.get(e.from) ?? 0;
    if (!(to.y > from.y + from.h / 2)) upCount.set(e.from, side + 1);
    const between = [...all.values()].filter(
      (b) => b.node.group === from.node.group && b.layer > from.layer && b.layer < to.layer,
    );
    const p = edgePath(from, to, side, between);
    out.push(
      `<path class="edge edge-${e.relation}" d="${p.d}" fill="none" ${EDGE_STYLE[e.relation]} marker-end="url(#arrow)"/>`,
    );
    if (e.label !== undefined) {
      const w = e.label.length * CHAR_W + 8;
      out.push(
        `<rect x="${p.lx - w / 2}" y="${p.ly - 9}" width="${w}" height="16" rx="3" fill="#ffffff" stroke="#c9d1da"/>`,
        `<text class="edge-label" x="${p.lx}" y="${p.ly + 3}" text-anchor="middle" fill="#3c4650">${xml(e.label)}</text>`,
      );
    }
  }
  for (const b of all.values()) {
    const n = b.node;
    const mark = options.marks?.get(n.id);
    const stroke = mark ? MARK_STROKE[mark] : '#7b8794';
    const strokeWidth = mark ? 3 : 1.2;
    const dash = n.external ? ' stroke-dasharray="5 4"' : '';
    const cls = ['node', `role-${n.role}`, ...(mark ? [`mark-${mark}`] : []), ...(n.external ? ['external'] : [])];
    const parts = [
      `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${Math.min(ROLE_RADIUS[n.role], b.h / 2)}" fill="${ROLE_FILL[n.role]}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`,
      `<text x="${b.x + PAD}" y="${b.y + LINE_H}" fill="#5f6b7a" font-size="10.5">${xml(n.noun)}${n.external ? ' · external' : ''}</text>`,
      `<text x="${b.x + PAD}" y="${b.y + 2 * LINE_H}" font-weight="600" fill="#1d2329">${xml(n.name)}</text>`,
      ...n.details.map(
        (d, i) =>
          `<text x="${b.x + PAD}" y="${b.y + (3 + i) * LINE_H}" fill="#3c4650" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">${xml(d)}</text>`,
      ),
    ];
    if (mark) {
      const tag = mark.toUpperCase();
      const tw = tag.length * 7 + 10;
      parts.push(
        `<rect x="${b.x + b.w - tw - 4}" y="${b.y - 8}" width="${tw}" height="16" rx="8" fill="${MARK_STROKE[mark]}"/>`,
        `<text x="${b.x + b.w - 4 - tw / 2}" y="${b.y + 4}" text-anchor="middle" fill="#ffffff" font-size="10" font-weight="700">${tag}</text>`,
      );
    }
    const link = options.links?.get(n.id);
    const title = `<title>${xml(n.id)}</title>`;
    const body = `${title}${parts.join('')}`;
    const attrs = `class="${cls.join(' ')}" data-id="${xml(n.id)}"`;
    out.push(link !== undefined ? `<a href="${xml(link)}" ${attrs}>${body}</a>` : `<g ${attrs}>${body}</g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
