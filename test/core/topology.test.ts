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

  it('leaves out the mesh and ECS services, and marks undeclared targets external', () => {
    expect(topology.nodes.some((n) => n.kind === ('Mesh' as string) || n.kind === ('EcsService' as string))).toBe(
      false,
    );
    const partial = buildTopology([
      desired(refs.aService, { provider: { virtualNode: { virtualNodeName: 'legacy' } } }),
    ]);
    expect(partial.nodes.find((n) => n.name === 'legacy')).toMatchObject({ kind: 'VirtualNode', external: true });
  });

  it('marks a declared placeholder annotated external as external too', () => {
    const placeholder = desired(refs.bNode, {}, { annotations: { 'meshward.dev/external': 'true' } });
    const drawn = buildTopology([placeholder]);
    expect(drawn.nodes).toEqual([expect.objectContaining({ id: resourceId(refs.bNode), external: true })]);
    expect(toDot(drawn)).toContain('style=dashed');
  });

  it('renders Mermaid with a subgraph per mesh, shapes per kind, weights on edges', () => {
    const text = toMermaid(topology);
    const lines = text.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines).toContain('  subgraph mesh0["mesh: shop"]');
    const idOf = (label: string) => {
      const line = lines.find((l) => l.includes(`"${label}"`));
      return line?.trim().match(/^(n\d+)/)?.[1];
    };
    expect(lines).toContain(`    ${idOf('gateway: ingress')}[/"gateway: ingress"\\]`);
    expect(lines).toContain(`    ${idOf('router: service-a')}{"router: service-a"}`);
    expect(lines).toContain(`  ${idOf('route: weighted')} -->|"90"| ${idOf('node: service-a-v1')}`);
    expect(lines).toContain(`  ${idOf('node: service-a-v1')} -.-> ${idOf('service: service-b.shop.local')}`);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders DOT with a cluster per mesh and resource ids as node ids', () => {
    const text = toDot(topology);
    expect(text).toMatch(/^digraph meshward \{\n {2}rankdir=LR;/);
    expect(text).toContain('  subgraph "cluster_shop" {');
    expect(text).toContain('    "Route/shop/service-a/weighted" [label="route: weighted", shape=rarrow];');
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
});
