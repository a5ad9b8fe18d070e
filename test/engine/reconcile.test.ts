/**
 * The reconciler against the emulator with the real SDK clients: first apply, no perpetual diff, drift on every
 * kind, pending vs drift, create/update/delete per kind, prune and its guards, conflicts, failures, crashes.
 */
import {
  CreateVirtualNodeCommand,
  DeleteGatewayRouteCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-app-mesh';
import { DeleteServiceCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { AwsApiError } from '../../src/emulator/contracts';
import { LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import { KIND_NAMES, type KindName } from '../../scripts/gen-schemas';
import type { ManifestDocument } from '../../src/core/types';
import { type Harness, changedIds, clone, startHarness } from './harness';
import { MUTATED, mutateOutOfBand } from './mutate';

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

function only(docs: readonly ManifestDocument[], kinds: readonly KindName[]): ManifestDocument[] {
  return docs.filter((d) => (kinds as readonly string[]).includes(d.kind));
}

describe('first apply of the reference manifests', () => {
  it('creates everything, and planning again shows no changes (warm and cold cache)', async () => {
    const first = await h.run('apply');
    expect(first.report.errors).toEqual([]);
    expect(first.results.every((r) => r.outcome === 'created')).toBe(true);
    expect(first.results).toHaveLength(h.docs.length);

    const again = await h.run('plan');
    expect(changedIds(again)).toEqual([]);
    expect(again.report.exitCode).toBe(0);
    // Warm cache: lists only, nothing described again.
    expect(Object.keys(again.report.apiCalls ?? {}).filter((op) => /Describe(?!Services)|ListTags/.test(op))).toEqual(
      [],
    );

    const state = await h.store.load('test');
    await h.store.save({ ...state, versionCache: {} });
    const cold = await h.run('plan');
    expect(changedIds(cold)).toEqual([]);
    expect(cold.report.apiCalls?.['appmesh:DescribeVirtualNode']).toBe(4);
  });

  it('is idempotent: a second apply changes nothing', async () => {
    await h.run('apply');
    const second = await h.run('apply');
    expect(second.results).toEqual([]);
    expect(second.report.exitCode).toBe(0);
  });
});

describe('drift', () => {
  it.each(KIND_NAMES.map((k) => [k]))('detects an out-of-band change of a %s and reverts it', async (kind) => {
    await h.run('apply');
    await mutateOutOfBand(h.consoleClients(), kind);
    const drift = await h.run('drift');
    const changed = drift.changes.filter((c) => c.action !== 'unchanged');
    expect(changed.map((c) => [c.id, c.cause])).toEqual([[MUTATED[kind], 'drift']]);
    expect(drift.report.exitCode).toBe(3);
    const fixed = await h.run('apply');
    expect(fixed.results.map((r) => [r.id, r.outcome])).toEqual([[MUTATED[kind], 'configured']]);
    expect(changedIds(await h.run('plan'))).toEqual([]);
  });

  it('re-creates a resource deleted in the console (drift), with a fresh client token', async () => {
    await h.run('apply');
    await h.consoleClients().appMesh.send(
      new DeleteGatewayRouteCommand({
        meshName: 'shop',
        virtualGatewayName: 'ingress-gw',
        gatewayRouteName: 'to-front',
      }),
    );
    const drift = await h.run('drift');
    const gone = drift.changes.find((c) => c.id === 'GatewayRoute/shop/ingress-gw/to-front');
    expect([gone?.action, gone?.cause]).toEqual(['create', 'drift']);
    const fixed = await h.run('apply');
    expect(fixed.results.map((r) => [r.id, r.outcome])).toEqual([['GatewayRoute/shop/ingress-gw/to-front', 'created']]);
    expect(changedIds(await h.run('plan'))).toEqual([]);
  });

  it('re-creates an ECS service deleted in the console once it has drained', async () => {
    await h.run('apply');
    await h.consoleClients().ecs.send(new DeleteServiceCommand({ cluster: 'shop', service: 'service-b', force: true }));
    const fixed = await h.run('apply');
    expect(fixed.results.map((r) => [r.id, r.outcome])).toEqual([['EcsService/shop/service-b', 'created']]);
    expect(fixed.report.apiCalls?.['ecs:RegisterTaskDefinition']).toBeUndefined();
    expect(changedIds(await h.run('plan'))).toEqual([]);
  });

  it('sees a tag edited in the console on the next run, through the bulk tag read, with the describe cache warm', async () => {
    const first = await h.run('apply');
    const arn = first.state.applied['VirtualNode/shop/front']?.arn ?? '';
    await h
      .consoleClients()
      .appMesh.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'team', value: 'someone-else' }] }));
    // Tags move no App Mesh version, but the run's GetResources returns them: no describe, no hourly wait.
    h.emulator.stats.reset();
    const drift = await h.run('drift');
    const front = drift.changes.find((c) => c.id === 'VirtualNode/shop/front');
    expect([front?.cause, front?.changes]).toEqual([
      'drift',
      [{ path: '/tags/team', before: 'someone-else', after: 'storefront' }],
    ]);
    expect(h.emulator.stats.calls('DescribeVirtualNode', 'appmesh')).toBe(0);
    expect(h.emulator.stats.calls('ListTagsForResource', 'appmesh')).toBe(0);
    expect(h.emulator.stats.calls('GetResources', 'tagging')).toBe(1);
  });

  it('tells a pending change from drift', async () => {
    await h.run('apply');
    const docs = clone(h.docs);
    const router = docs.find((d) => d.kind === 'Route' && d.metadata.name === 'canary-header');
    if (!router) throw new Error('fixture');
    (router.spec as { priority: number }).priority = 11;
    const pending = await h.run('plan', docs, { mode: 'plan' });
    expect(pending.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.cause])).toEqual([
      ['Route/shop/service-a/canary-header', 'pending'],
    ]);
    expect(pending.report.exitCode).toBe(2);
    const drift = await h.run('drift', docs);
    expect(drift.report.exitCode).toBe(2);

    await mutateOutOfBand(h.consoleClients(), 'Route');
    const both = await h.run('drift', docs);
    const causes = Object.fromEntries(both.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.cause]));
    expect(causes).toEqual({
      'Route/shop/service-a/canary-header': 'pending',
      'Route/shop/service-a/canary-weighted': 'drift',
    });
    expect(both.report.exitCode).toBe(3);
  });
});

describe('create, update and delete of every kind', () => {
  it('creates, updates (spec and tags) and prunes each kind in dependency order', async () => {
    const created = await h.run('apply');
    const kindsCreated = new Set(created.results.map((r) => r.id.split('/')[0]));
    expect([...kindsCreated].sort()).toEqual([...KIND_NAMES].sort());

    const docs = clone(h.docs);
    for (const d of docs) {
      if (d.kind === 'Mesh') continue;
      d.metadata.tags = { ...(d.metadata.tags ?? {}), revision: '2' };
    }
    const byName = (kind: KindName, name: string): ManifestDocument => {
      const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
      if (!d) throw new Error(`${kind}/${name}`);
      return d;
    };
    (byName('Mesh', 'shop').spec as { egressFilter: { type: string } }).egressFilter.type = 'ALLOW_ALL';
    (byName('EcsService', 'front').spec as { desiredCount: number }).desiredCount = 3;
    const updated = await h.run('apply', docs);
    expect(updated.results.every((r) => r.outcome === 'configured')).toBe(true);
    expect(updated.results).toHaveLength(h.docs.length);
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
    const tags = await h.clients.appMesh.send(
      new ListTagsForResourceCommand({ resourceArn: updated.state.applied['VirtualNode/shop/front']?.arn }),
    );
    expect(tags.tags).toContainEqual({ key: 'revision', value: '2' });

    // Prune everything but the mesh: 18 deletes is more than --max-deletes 5.
    const meshOnly = only(docs, ['Mesh']);
    const refused = await h.run('apply', meshOnly, { prune: true });
    expect(refused.plan?.refused).toBe(true);
    expect(refused.report.guards.map((g) => g.code)).toEqual(['max-deletes']);
    expect(refused.report.exitCode).toBe(4);
    expect(refused.results.every((r) => r.outcome === 'skipped')).toBe(true);

    const pruned = await h.run('apply', meshOnly, { prune: true, maxDeletes: 50 });
    expect(pruned.results.filter((r) => r.outcome !== 'deleted')).toEqual([]);
    expect(pruned.results).toHaveLength(h.docs.length - 1);
    const after = await h.run('plan', meshOnly, { prune: true });
    expect(changedIds(after)).toEqual([]);
    expect(after.actual.map((a) => a.id)).toEqual(['Mesh/shop']);
  });

  it('skips deletes without --prune, refuses an empty desired set and never deletes a protected mesh', async () => {
    await h.run('apply');
    const noMesh = h.docs.filter((d) => d.kind !== 'GatewayRoute');
    const noPrune = await h.run('plan', noMesh);
    expect(noPrune.plan?.skipped.map((s) => s.reason)).toEqual(['prune is off', 'prune is off']);

    const empty = await h.run('apply', [], { prune: true });
    expect(empty.report.guards.map((g) => g.code)).toContain('empty-desired-set');
    expect(empty.results.every((r) => r.outcome === 'skipped')).toBe(true);

    // Placeholders for resources managed elsewhere are no part of the stack: a set of only those is empty too.
    const mesh = h.docs.find((d) => d.kind === 'Mesh');
    if (!mesh) throw new Error('the reference manifests declare a mesh');
    const placeholder = {
      ...mesh,
      metadata: { ...mesh.metadata, annotations: { 'meshward.dev/placeholder': 'true' } },
    };
    const onlyPlaceholders = await h.run('apply', [placeholder], { prune: true });
    expect(onlyPlaceholders.report.guards.map((g) => g.code)).toContain('empty-desired-set');
    expect(onlyPlaceholders.results.filter((r) => r.outcome === 'deleted')).toEqual([]);

    const forced = await h.run('apply', [], { prune: true, force: true });
    expect(forced.report.guards.map((g) => g.code)).toContain('deletion-protection');
    expect(forced.results.find((r) => r.id === 'Mesh/shop')?.outcome).toBe('skipped');
    expect(forced.results.filter((r) => r.outcome === 'deleted')).toHaveLength(h.docs.length - 1);
  });
});

describe('ownership', () => {
  it('reports a same-named unowned resource as a conflict and leaves it alone, unless adopted', async () => {
    await h.run('apply', only(h.docs, ['Mesh']));
    await h.consoleClients().appMesh.send(
      new CreateVirtualNodeCommand({
        meshName: 'shop',
        virtualNodeName: 'front',
        spec: { listeners: [{ portMapping: { port: 1, protocol: 'tcp' } }] },
      }),
    );
    const out = await h.run('apply');
    const front = out.changes.find((c) => c.id === 'VirtualNode/shop/front');
    expect(front?.action).toBe('conflict');
    expect(out.report.guards.map((g) => g.code)).toContain('conflict');
    expect(out.results.find((r) => r.id === 'VirtualNode/shop/front')?.outcome).toBe('skipped');
    expect(out.report.exitCode).toBe(4);
    const docs = clone(h.docs);
    const node = docs.find((d) => d.kind === 'VirtualNode' && d.metadata.name === 'front');
    if (!node) throw new Error('fixture');
    node.metadata.annotations = { 'meshward.dev/adopt': 'true' };
    const adopted = await h.run('apply', docs);
    expect(adopted.results.find((r) => r.id === 'VirtualNode/shop/front')?.outcome).toBe('configured');
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
  });
});

describe('failures', () => {
  it('a failure half way blocks dependents only, and the next apply converges', async () => {
    h.emulator.faults.setHook((call) =>
      call.operation === 'CreateVirtualRouter' ? new AwsApiError('BadRequestException', 400, 'injected') : undefined,
    );
    const broken = await h.run('apply');
    const outcome = Object.fromEntries(broken.results.map((r) => [r.id, r.outcome]));
    expect(outcome['VirtualRouter/shop/service-a']).toBe('failed');
    expect(outcome['Route/shop/service-a/canary-weighted']).toBe('blocked');
    expect(outcome['VirtualService/shop/service-a.shop.local']).toBe('blocked');
    expect(outcome['GatewayRoute/shop/ingress-gw/to-service-a-api']).toBe('blocked');
    expect(outcome['VirtualNode/shop/front']).toBe('created');
    expect(outcome['EcsService/shop/service-b']).toBe('created');
    expect(broken.report.exitCode).toBe(1);

    h.emulator.faults.setHook(undefined);
    const healed = await h.run('apply');
    expect(healed.results.every((r) => r.outcome === 'created')).toBe(true);
    expect(changedIds(await h.run('plan'))).toEqual([]);
  });

  it('a failed delete blocks what must outlive it, not unrelated deletes', async () => {
    await h.run('apply');
    h.emulator.faults.setHook((call) =>
      call.operation === 'DeleteRoute' ? new AwsApiError('BadRequestException', 400, 'injected') : undefined,
    );
    const keep = h.docs.filter((d) => d.kind === 'Mesh' || d.kind === 'VirtualNode' || d.kind === 'EcsService');
    const pruned = await h.run('apply', keep, { prune: true, maxDeletes: 50 });
    const outcome = Object.fromEntries(pruned.results.map((r) => [r.id, r.outcome]));
    expect(outcome['Route/shop/service-a/canary-weighted']).toBe('failed');
    expect(outcome['VirtualRouter/shop/service-a']).toBe('blocked');
    expect(outcome['GatewayRoute/shop/ingress-gw/to-front']).toBe('deleted');
    expect(outcome['VirtualService/shop/service-b.shop.local']).toBe('deleted');
    h.emulator.faults.setHook(undefined);
    const healed = await h.run('apply', keep, { prune: true, maxDeletes: 50 });
    expect(healed.results.filter((r) => r.outcome !== 'deleted')).toEqual([]);
    expect(changedIds(await h.run('plan', keep, { prune: true }))).toEqual([]);
  });

  it('re-running after a crash between calls converges without duplicates', async () => {
    h.emulator.faults.set({ failAfterCalls: 20 });
    const crashed = await h.run('apply');
    expect(crashed.results.some((r) => r.outcome === 'failed')).toBe(true);
    h.emulator.faults.clear();
    const rerun = await h.run('apply');
    expect(rerun.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked')).toEqual([]);
    expect(changedIds(await h.run('plan'))).toEqual([]);
    const defs = await h.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'shop-front' }));
    expect(defs.taskDefinitionArns).toHaveLength(1);
  });

  it('a crash between RegisterTaskDefinition and CreateService reuses the registered revision', async () => {
    h.emulator.faults.setHook((call) =>
      call.operation === 'CreateService' && call.service === 'ecs'
        ? new AwsApiError('ClientException', 400, 'simulated crash')
        : undefined,
    );
    const crashed = await h.run('apply');
    expect(crashed.results.find((r) => r.id === 'EcsService/shop/front')?.outcome).toBe('failed');
    h.emulator.faults.setHook(undefined);
    const rerun = await h.run('apply');
    expect(rerun.report.apiCalls?.['ecs:RegisterTaskDefinition']).toBeUndefined();
    expect(rerun.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    const defs = await h.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'shop-front' }));
    expect(defs.taskDefinitionArns).toHaveLength(1);
  });

  it('rides out throttling through the SDK retries', async () => {
    h.emulator.faults.set({ seed: 7, throttle: { rate: 0.2 } });
    const out = await h.run('apply');
    h.emulator.faults.clear();
    expect(out.results.filter((r) => r.outcome !== 'created').map((r) => r.id)).toEqual([]);
    expect(changedIds(await h.run('plan'))).toEqual([]);
  });
});

describe('re-creation and waiting', () => {
  it('re-creates pruned resources with the same specs (client tokens do not replay a deleted resource)', async () => {
    await h.run('apply');
    const meshOnly = only(h.docs, ['Mesh']);
    await h.run('apply', meshOnly, { prune: true, maxDeletes: 50 });
    const again = await h.run('apply');
    expect(again.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    expect(changedIds(await h.run('plan'))).toEqual([]);
  });

  it('--wait follows the ECS deployments to completion', async () => {
    const progress: string[] = [];
    const out = await h.run('apply', h.docs, { wait: true, pollMillis: 20, progress: (m) => progress.push(m) });
    expect(out.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    expect(progress.some((m) => /shop\/front: .*running/.test(m))).toBe(true);
  });
});

describe('API economy', () => {
  it('registers a task definition revision only when the normalized task definition changes', async () => {
    await h.run('apply');
    const docs = clone(h.docs);
    const front = docs.find((d) => d.kind === 'EcsService' && d.metadata.name === 'front');
    if (!front) throw new Error('fixture');
    const spec = front.spec as {
      desiredCount: number;
      taskDefinition: { containerDefinitions: { environment: { name: string; value: string }[] }[] };
    };
    spec.desiredCount = 4;
    const scaled = await h.run('apply', docs);
    expect(scaled.report.apiCalls?.['ecs:RegisterTaskDefinition']).toBeUndefined();
    expect(scaled.report.apiCalls?.['ecs:UpdateService']).toBe(1);
    spec.taskDefinition.containerDefinitions[0]?.environment.push({ name: 'NEW', value: '1' });
    const changed = await h.run('apply', docs);
    expect(changed.report.apiCalls?.['ecs:RegisterTaskDefinition']).toBe(1);
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
  });

  it('never causes throttling on its own: the client-side limiter keeps under AWS-like rate limits', async () => {
    const limited = createAwsClients({
      endpoint: h.emulator.endpoint,
      region: h.emulator.region,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      h.emulator.faults.set({ rateLimits: { enabled: true } });
      const before = h.emulator.stats.snapshot().totals.throttled;
      const out = await h.run('apply', h.docs, { clients: limited });
      expect(out.results.filter((r) => r.outcome !== 'created')).toEqual([]);
      expect(h.emulator.stats.snapshot().totals.throttled).toBe(before);
    } finally {
      limited.destroy();
      h.emulator.faults.clear();
    }
  });
});

describe('scale', () => {
  it('follows list pages: 120 nodes in one mesh, no perpetual diff, two list pages per warm reconcile', async () => {
    const mesh: ManifestDocument = {
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'Mesh',
      metadata: { name: 'big' },
      spec: {},
    };
    const nodes: ManifestDocument[] = Array.from({ length: 120 }, (_, i) => ({
      apiVersion: 'meshward.dev/v1alpha1',
      kind: 'VirtualNode',
      metadata: { name: `node-${String(i).padStart(3, '0')}`, mesh: 'big' },
      spec: {
        listeners: [
          {
            portMapping: { port: 8080, protocol: 'http' },
            healthCheck: {
              protocol: 'http',
              path: '/',
              healthyThreshold: 2,
              unhealthyThreshold: 2,
              intervalMillis: 5000,
              timeoutMillis: 2000,
            },
          },
        ],
        serviceDiscovery: { dns: { hostname: `node-${i}.big.local` } },
      },
    }));
    const docs = [mesh, ...nodes];
    const applied = await h.run('apply', docs);
    expect(applied.results.filter((r) => r.outcome !== 'created')).toEqual([]);
    const again = await h.run('plan', docs);
    expect(changedIds(again)).toEqual([]);
    expect(again.actual).toHaveLength(121);
    expect(again.report.apiCalls?.['appmesh:ListVirtualNodes']).toBe(2);
    expect(again.report.apiCalls?.['appmesh:DescribeVirtualNode']).toBeUndefined();
  });
});

describe('ordering App Mesh requires', () => {
  it('switches a router listener from http to http2 with its routes (routes go first, come back after)', async () => {
    await h.run('apply');
    const docs = clone(h.docs);
    for (const d of docs) {
      if (d.kind === 'VirtualRouter' && d.metadata.name === 'service-a') {
        (d.spec as { listeners: { portMapping: { protocol: string } }[] }).listeners[0]!.portMapping.protocol = 'http2';
      }
      if (d.kind === 'Route' && d.metadata.mesh === 'shop') {
        const spec = d.spec as Record<string, unknown>;
        spec['http2Route'] = spec['httpRoute'];
        delete spec['httpRoute'];
      }
    }
    const switched = await h.run('apply', docs);
    expect(switched.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked')).toEqual([]);
    expect(changedIds(await h.run('plan', docs))).toEqual([]);
  });
});
