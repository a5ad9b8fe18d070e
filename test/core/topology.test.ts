import { buildTopology, renderGraph, toDot, toMermaid } from '../../src/core/graph';
import { resourceId } from '../../src/core/types';
import { desired, referenceTopology, refs } from './fixtures/resources';

describe('mesh topology', () => {
  const topology = buildTopology(referenceTopology());
  const edge = (from: string, to: string) => topology.edges.find((e) => e.from === from && e.to === to);

  it('draws gateway -> gateway route -> service -> router -> routes -> weighted nodes -> backends', () => {
    expect(edge(resourceId(refs.gateway), resourceId(refs.gatewayRoute))?.relation).toBe('contains');
    expect(edge(resourceId(refs.gatewayRoute), resourceId(refs.frontService))?.relation).toBe('targets');
    expect(edge(resourceId(refs.frontService), resourceId(refs.frontNode))?.relation).toBe('provides');
    expect(edge(resourceId(refs.frontNode), resourceId(refs.aService))?.relation).toBe('backend');
    expect(edge(resourceId(refs.aService), resourceId(refs.aRouter))?.relation).toBe('provides');
    expect(edge(resourceId(refs.aRouter), resourceId(refs.aRoute))?.relation).toBe('contains');
    expect(edge(resourceId(refs.aRoute), resourceId(refs.aV1))).toMatchObject({ relation: 'weighted', label: '90' });
    expect(edge(resourceId(refs.aRoute), resourceId(refs.aV2))).toMatchObject({ relation: 'weighted', label: '10' });
    expect(edge(resourceId(refs.aV1), resourceId(refs.bService))?.relation).toBe('backend');
  });

  it('shows the ECS services that run the nodes, not the mesh, and marks undeclared targets external', () => {
    expect(topology.nodes.some((n) => n.kind === 'Mesh')).toBe(false);
    const ecs = topology.nodes.find((n) => n.id === resourceId(refs.frontEcs));
    // ECS services are drawn in the frame of their cluster, below the meshes.
    expect(ecs).toMatchObject({ role: 'task', group: 'cluster: shop-cluster' });
    expect(edge(resourceId(refs.frontNode), resourceId(refs.frontEcs))?.relation).toBe('runs');
    const partial = buildTopology([
      desired(refs.aService, { provider: { virtualNode: { virtualNodeName: 'legacy' } } }),
    ]);
    expect(partial.nodes.find((n) => n.name === 'legacy')).toMatchObject({ kind: 'VirtualNode', external: true });
  });

  it('marks a declared placeholder as external too', () => {
    const placeholder = desired(refs.bNode, {}, { annotations: { 'meshward.dev/placeholder': 'true' } });
    const drawn = buildTopology([placeholder]);
    expect(drawn.nodes).toEqual([expect.objectContaining({ id: resourceId(refs.bNode), external: true })]);
    expect(toDot(drawn)).toContain('style=dashed');
  });

  it('shows the match conditions of routes and gateway routes under their names', () => {
    const route = topology.nodes.find((n) => n.id === resourceId(refs.aHeaderRoute));
    expect(route?.details).toEqual(['prefix /', 'header x-beta = true', 'priority 1']);
    expect(topology.nodes.find((n) => n.id === resourceId(refs.gatewayRoute))?.details).toEqual(['prefix /']);
  });

  it('renders Mermaid top to bottom with a subgraph per mesh, shapes per role, weights on edges, a legend', () => {
    const text = toMermaid(topology);
    const lines = text.split('\n');
    expect(lines[0]).toBe('flowchart TB');
    expect(lines).toContain('  subgraph group0["mesh: shop"]');
    const idOf = (label: string) => {
      const line = lines.find((l) => l.includes(`"${label}"`) || l.includes(`"${label}<br/>`));
      return line?.trim().match(/^(n\d+)/)?.[1];
    };
    expect(lines).toContain(
      `    ${idOf('route: beta-header')}>"route: beta-header<br/>prefix /<br/>header x-beta = true<br/>priority 1"]`,
    );
    expect(lines).toContain(`  ${idOf('node: front')} ==> ${idOf('ECS service: front')}`);
    expect(lines).toContain('  subgraph legend["legend"]');
    expect(lines).toContain('    legend6[("ECS service")]');
    expect(lines).toContain(`    ${idOf('gateway: ingress')}[/"gateway: ingress"\\]`);
    expect(lines).toContain(`    ${idOf('router: service-a')}{"router: service-a"}`);
    expect(lines).toContain(`  ${idOf('route: weighted')} -->|"90"| ${idOf('node: service-a-v1')}`);
    expect(lines).toContain(`  ${idOf('node: service-a-v1')} -.-> ${idOf('service: service-b.shop.local')}`);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders DOT top to bottom with a cluster per mesh, resource ids as node ids, a legend', () => {
    const text = toDot(topology);
    expect(text).toMatch(/^digraph meshward \{\n {2}rankdir=TB;/);
    expect(text).toContain('  subgraph "cluster_legend" {');
    expect(text).toContain(
      '    "Route/shop/service-a/beta-header" [label="route: beta-header\\nprefix /\\nheader x-beta = true\\npriority 1", shape=rarrow];',
    );
    expect(text).toContain('  subgraph "cluster_mesh: shop" {');
    expect(text).toContain(
      '    "Route/shop/service-a/weighted" [label="route: weighted\\nprefix /\\npriority 10", shape=rarrow];',
    );
    expect(text).toContain('  "Route/shop/service-a/weighted" -> "VirtualNode/shop/service-a-v2" [label="10"];');
    expect(text).toContain('  "VirtualNode/shop/front" -> "VirtualService/shop/service-a.shop.local" [style=dashed];');
    expect(text.trimEnd().endsWith('}')).toBe(true);
  });

  it('is deterministic and the same through renderGraph', () => {
    const reversed = [...referenceTopology()].reverse();
    expect(renderGraph(reversed, 'mermaid')).toBe(toMermaid(topology));
    expect(renderGraph(reversed, 'dot')).toBe(toDot(topology));
  });

  it('escapes quotes in names', () => {
    const weird = buildTopology([desired({ kind: 'VirtualNode', name: 'a"b', mesh: 'm' }, {})]);
    expect(toMermaid(weird)).toContain('"node: a#quot;b"');
    expect(toDot(weird)).toContain('"VirtualNode/m/a\\"b"');
  });

  it('escapes control and bidi characters: a name cannot add a line to the graph or reorder it', () => {
    const hostile = buildTopology([
      desired({ kind: 'VirtualNode', name: 'a\n  n0 --> n9\u001b[2J\u202e', mesh: 'm' }, {}),
    ]);
    for (const text of [toMermaid(hostile), toDot(hostile)]) {
      expect(text).toMatch(/a\\+u000a {2}n0 --(>|#gt;) n9\\+u001b\[2J\\+u202e/);
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u001b\u202e]/);
      expect(text.split('\n').some((l) => l.trim() === 'n0 --> n9')).toBe(false);
    }
  });
});
