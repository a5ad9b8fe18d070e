import {
  buildDependencyGraph,
  DependencyCycleError,
  dependencyLevels,
  transitiveDependents,
  type DependencyGraph,
} from '../../src/core/graph';
import { resourceId } from '../../src/core/types';
import { actual, desired, referenceTopology, refs } from './fixtures/resources';

const id = resourceId;

describe('dependency graph', () => {
  it('orders the reference topology: mesh, then nodes and routers, then routes and services, then the rest', () => {
    const levels = dependencyLevels(buildDependencyGraph(referenceTopology()));
    expect(levels[0]).toEqual([id(refs.mesh)]);
    expect(levels[1]).toEqual([
      id(refs.frontNode),
      id(refs.aV1),
      id(refs.aV2),
      id(refs.bNode),
      id(refs.aRouter),
      id(refs.gateway),
    ]);
    expect(levels[2]).toEqual([
      id(refs.aHeaderRoute),
      id(refs.aRoute),
      id(refs.frontService),
      id(refs.aService),
      id(refs.bService),
      id(refs.frontEcs),
    ]);
    expect(levels[3]).toEqual([id(refs.gatewayRoute)]);
  });

  it('derives App Mesh references for actual-only resources (deletes have no dependsOn)', () => {
    const graph = buildDependencyGraph(
      [],
      [
        actual(refs.mesh, {}),
        actual(refs.aRouter, {}),
        actual(refs.aV1, {}),
        actual(refs.aRoute, {
          tcpRoute: { action: { weightedTargets: [{ virtualNode: 'service-a-v1', weight: 1 }] } },
        }),
        actual(refs.aService, { provider: { virtualRouter: { virtualRouterName: 'service-a' } } }),
        actual(refs.gateway, {}),
        actual(refs.gatewayRoute, {
          grpcRoute: { action: { target: { virtualService: { virtualServiceName: 'service-a.shop.local' } } } },
        }),
      ],
    );
    expect(graph.dependsOn[id(refs.aRoute)]).toEqual([id(refs.mesh), id(refs.aV1), id(refs.aRouter)]);
    expect(graph.dependsOn[id(refs.aService)]).toEqual([id(refs.mesh), id(refs.aRouter)]);
    expect(graph.dependsOn[id(refs.gatewayRoute)]).toEqual([id(refs.mesh), id(refs.aService), id(refs.gateway)]);
  });

  it('leaves node backends out, so services and nodes may call each other in a cycle', () => {
    const graph = buildDependencyGraph([
      desired(refs.aV1, { backends: [{ virtualService: { virtualServiceName: 'service-a.shop.local' } }] }),
      desired(refs.aService, { provider: { virtualNode: { virtualNodeName: 'service-a-v1' } } }),
    ]);
    expect(() => dependencyLevels(graph)).not.toThrow();
  });

  it('drops references to resources outside the graph (external ones)', () => {
    const graph = buildDependencyGraph([desired(refs.aV1, {}, { dependsOn: ['VirtualService/shop/elsewhere'] })]);
    expect(graph.dependsOn[id(refs.aV1)]).toEqual([]);
  });

  it('names the cycle when there is one', () => {
    const graph: DependencyGraph = {
      nodes: ['a', 'b', 'c', 'd'],
      dependsOn: { a: [], b: ['a', 'd'], c: ['b'], d: ['c'] },
    };
    expect(() => dependencyLevels(graph)).toThrow(DependencyCycleError);
    try {
      dependencyLevels(graph);
    } catch (err) {
      expect(err).toBeInstanceOf(DependencyCycleError);
      const cycle = (err as DependencyCycleError).cycle;
      expect(cycle[0]).toBe(cycle.at(-1));
      expect(new Set(cycle)).toEqual(new Set(['b', 'c', 'd']));
      expect((err as DependencyCycleError).code).toBe('INVALID_INPUT');
      expect((err as Error).message).toMatch(/^dependency cycle: b -> d -> c -> b$/);
    }
  });

  it('gives the same levels whatever the input order', () => {
    const all = referenceTopology();
    expect(dependencyLevels(buildDependencyGraph([...all].reverse()))).toEqual(
      dependencyLevels(buildDependencyGraph(all)),
    );
  });
});

describe('graph helpers', () => {
  it('finds everything downstream of a failure (what an apply marks blocked)', () => {
    const graph = buildDependencyGraph(referenceTopology());
    expect(transitiveDependents(graph, [id(refs.aRouter)])).toEqual([
      id(refs.aHeaderRoute),
      id(refs.aRoute),
      id(refs.aService),
    ]);
    expect(transitiveDependents(graph, [id(refs.frontNode)])).toEqual([
      id(refs.frontService),
      id(refs.gatewayRoute),
      id(refs.frontEcs),
    ]);
  });

  it('links an ECS service to its node by name, or by mesh and name', () => {
    const nodes = [actual(refs.frontNode, {}), actual({ kind: 'VirtualNode', name: 'front', mesh: 'other' }, {})];
    const ambiguous = buildDependencyGraph([desired(refs.frontEcs, { appMesh: { virtualNode: 'front' } })], nodes);
    expect(ambiguous.dependsOn[id(refs.frontEcs)]).toEqual([]);
    const meshed = buildDependencyGraph(
      [desired(refs.frontEcs, { appMesh: { virtualNode: 'front', mesh: 'shop' } })],
      nodes,
    );
    expect(meshed.dependsOn[id(refs.frontEcs)]).toEqual([id(refs.frontNode)]);
    const gateway = buildDependencyGraph(
      [],
      [actual(refs.gateway, {}), actual(refs.frontEcs, { appMesh: { virtualGateway: 'ingress' } })],
    );
    expect(gateway.dependsOn[id(refs.frontEcs)]).toEqual([id(refs.gateway)]);
  });
});
