/**
 * Review findings against the emulator: client tokens that must not replay a stale answer, ECS services that must
 * never be replaced or left drifting because of a field the manifest leaves out, and ECS writes after a partial
 * failure.
 */
import {
  CreateGatewayRouteCommand,
  DeleteGatewayRouteCommand,
  DescribeGatewayRouteCommand,
} from '@aws-sdk/client-app-mesh';
import { ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import type { StateStore } from '../../src/core/model';
import type { ManifestDocument } from '../../src/core/types';
import { MemoryStateStore } from '../../src/engine/state-store';
import { AwsApiError } from '../../src/emulator/contracts';
import { type Harness, changedIds, clone, startHarness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

function find(docs: readonly ManifestDocument[], kind: string, name: string): ManifestDocument {
  const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!d) throw new Error(`${kind}/${name}`);
  return d;
}

function serviceSpec(docs: readonly ManifestDocument[], name: string): Record<string, unknown> {
  return find(docs, 'EcsService', name).spec as Record<string, unknown>;
}

describe('client tokens never replay a stale answer', () => {
  const node = (port: number): ManifestDocument => ({
    apiVersion: 'meshward.dev/v1alpha1',
    kind: 'VirtualNode',
    metadata: { name: 'probe', mesh: 'shop' },
    spec: {
      listeners: [{ portMapping: { port, protocol: 'http' } }],
      serviceDiscovery: { dns: { hostname: 'probe.shop.local' } },
    },
  });

  it('an update A -> B of a re-created resource is applied (its version restarted at 1)', async () => {
    const mesh = find(h.docs, 'Mesh', 'shop');
    await h.run('apply', [mesh, node(1)]);
    await h.run('apply', [mesh, node(2)]);
    await h.run('apply', [mesh], { prune: true });
    await h.run('apply', [mesh, node(1)]);
    // Same spec change from the same version number as the first incarnation's update.
    await h.run('apply', [mesh, node(2)]);
    expect(changedIds(await h.run('plan', [mesh, node(2)], { cacheMaxAgeMillis: 0 }))).toEqual([]);
  });

  it('a create after a prune is made even when the state store was lost in between', async () => {
    await h.run('apply');
    await h.run(
      'apply',
      h.docs.filter((d) => d.kind !== 'GatewayRoute'),
      { prune: true },
    );
    // A CI runner without the state file, some time later: the same create request as the first apply's.
    h.store = new MemoryStateStore();
    const later = new Date(Date.now() + 60 * 60 * 1000);
    const again = await h.run('apply', h.docs, { now: () => later });
    expect(again.results.map((r) => [r.id, r.outcome])).toEqual([
      ['GatewayRoute/shop/ingress-gw/to-front', 'created'],
      ['GatewayRoute/shop/ingress-gw/to-service-a-api', 'created'],
    ]);
    expect(changedIds(await h.run('plan', h.docs, { now: () => later }))).toEqual([]);
  });
});

describe('ECS services: what the manifest leaves out', () => {
  it('a service without launchType or capacity provider strategy is not replaced on every apply', async () => {
    const docs = clone(h.docs);
    const spec = serviceSpec(docs, 'service-b');
    delete spec['launchType'];
    delete spec['platformVersion'];
    (spec['taskDefinition'] as Record<string, unknown>)['requiresCompatibilities'] = ['EC2'];
    const first = await h.run('apply', docs);
    expect(first.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    const again = await h.run('plan', docs);
    expect(again.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.action])).toEqual([]);
  });

  it('a Fargate capacity provider strategy gets platformVersion LATEST on both sides', async () => {
    const docs = clone(h.docs);
    const spec = serviceSpec(docs, 'service-b');
    delete spec['launchType'];
    delete spec['platformVersion'];
    spec['capacityProviderStrategy'] = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    await h.run('apply', docs);
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
  });

  it('removing loadBalancers and healthCheckGracePeriodSeconds from a manifest removes them from the service', async () => {
    await h.run('apply');
    const docs = clone(h.docs);
    const spec = serviceSpec(docs, 'ingress-gw');
    delete spec['loadBalancers'];
    delete spec['healthCheckGracePeriodSeconds'];
    const applied = await h.run('apply', docs);
    expect(applied.results.map((r) => [r.id, r.outcome])).toEqual([['EcsService/shop/ingress-gw', 'configured']]);
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
  });
});

describe('ECS writes after a partial failure', () => {
  it('an UpdateService that failed after RegisterTaskDefinition reuses the registered revision', async () => {
    await h.run('apply');
    const docs = clone(h.docs);
    const td = serviceSpec(docs, 'front')['taskDefinition'] as {
      containerDefinitions: { environment?: { name: string; value: string }[] }[];
    };
    td.containerDefinitions[0]?.environment?.push({ name: 'NEW', value: '1' });
    h.emulator.faults.setHook((call) =>
      call.operation === 'UpdateService' ? new AwsApiError('ClientException', 400, 'injected') : undefined,
    );
    const failed = await h.run('apply', docs);
    expect(failed.results.map((r) => [r.id, r.outcome])).toEqual([['EcsService/shop/front', 'failed']]);
    h.emulator.faults.setHook(undefined);
    const rerun = await h.run('apply', docs);
    expect(rerun.results.map((r) => [r.id, r.outcome])).toEqual([['EcsService/shop/front', 'configured']]);
    expect(rerun.report.apiCalls?.['ecs:RegisterTaskDefinition']).toBeUndefined();
    const defs = await h.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'shop-front' }));
    expect(defs.taskDefinitionArns).toHaveLength(2);
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
  });

  it('--wait follows the deployment a task-definition-only change starts', async () => {
    await h.run('apply');
    const docs = clone(h.docs);
    const td = serviceSpec(docs, 'front')['taskDefinition'] as { containerDefinitions: { image: string }[] };
    const app = td.containerDefinitions[0];
    if (app) app.image = `${app.image}-next`;
    const progress: string[] = [];
    await h.run('apply', docs, { wait: true, pollMillis: 20, progress: (m) => progress.push(m) });
    expect(progress.some((m) => /shop\/front: .*running/.test(m))).toBe(true);
  });
});

describe('ownership is never read from a stale cache', () => {
  it('a resource deleted and re-created in the console (same name, same version 1) is not taken for ours', async () => {
    await h.run('apply');
    const console_ = h.consoleClients().appMesh;
    const q = { meshName: 'shop', virtualGatewayName: 'ingress-gw', gatewayRouteName: 'to-front' };
    const before = await console_.send(new DescribeGatewayRouteCommand(q));
    await console_.send(new DeleteGatewayRouteCommand(q));
    // Someone else's route of the same name: no meshward tags, and still at version 1.
    await console_.send(new CreateGatewayRouteCommand({ ...q, spec: before.gatewayRoute?.spec }));
    const keep = h.docs.filter((d) => !(d.kind === 'GatewayRoute' && d.metadata.name === 'to-front'));
    const pruned = await h.run('apply', keep, { prune: true });
    expect(pruned.results.filter((r) => r.outcome === 'deleted')).toEqual([]);
    const still = await console_.send(new DescribeGatewayRouteCommand(q));
    expect(still.gatewayRoute?.status?.status).toBe('ACTIVE');
  });
});

describe('API economy', () => {
  it('a scope without meshes lists no meshes', async () => {
    const out = await h.run('plan', []);
    expect(out.report.apiCalls?.['appmesh:ListMeshes']).toBeUndefined();
  });
});

describe('state written only for what this run did', () => {
  it('plan and drift save their describe cache without undoing what another run recorded meanwhile', async () => {
    await h.run('apply');
    const store = h.store;
    let loads = 0;
    // Another process's apply records a resource while this plan runs (between its load and its save).
    const racing: StateStore = {
      describe: () => 'racing',
      async load(stack) {
        const s = await store.load(stack);
        if (++loads === 1) {
          await store.save({ ...s, applied: { ...s.applied, 'Mesh/other': { digest: 'd', appliedAt: 'now' } } });
        }
        return s;
      },
      save: (s) => store.save(s),
    };
    await h.run('plan', h.docs, { store: racing });
    await h.run('drift', h.docs, { store: racing });
    expect((await store.load('test')).applied['Mesh/other']).toBeDefined();
  });
});
