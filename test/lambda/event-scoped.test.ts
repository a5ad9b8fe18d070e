/**
 * Event-scoped reconciles: a CloudTrail event names one resource, and the run reads just that resource (describe +
 * tags, no list of its mesh), posts its drift, reverts it in enforce mode, never prunes, and leaves the rest of the
 * stack to the schedule. Calls are counted by the emulator, per service, as AWS would bill them.
 */
import { DescribeVirtualNodeCommand, UpdateVirtualNodeCommand, type VirtualNodeSpec } from '@aws-sdk/client-app-mesh';
import type { StatsSnapshot } from '../../src/emulator/stats';
import { handleEvent } from '../../src/operator/run';
import { MESH_YAML, nodeYaml } from '../operator/helpers';
import { startHarness, type Harness } from './harness';

const PAYMENTS = nodeYaml('15s').replace(/orders/g, 'payments');

async function setTimeoutByHand(h: Harness, node: string, seconds: number): Promise<void> {
  const current = await h.human.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: node }));
  const spec = JSON.parse(JSON.stringify(current.virtualNode?.spec ?? {})) as VirtualNodeSpec;
  const listener = spec.listeners?.[0];
  if (listener?.timeout?.http) listener.timeout.http.perRequest = { unit: 's', value: seconds };
  await h.human.send(new UpdateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: node, spec }));
}

async function perRequest(h: Harness, node: string): Promise<number | undefined> {
  const out = await h.human.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: node }));
  return out.virtualNode?.spec?.listeners?.[0]?.timeout?.http?.perRequest?.value;
}

/** Calls per `service.Operation` since `before`, leaving out the human's own calls made in between. */
function callsSince(after: StatsSnapshot, before: StatsSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, op] of Object.entries(after.operations)) {
    const n = op.calls - (before.operations[key]?.calls ?? 0);
    if (n > 0) out[key] = n;
  }
  return out;
}

function sum(calls: Record<string, number>, services: readonly string[]): number {
  return Object.entries(calls)
    .filter(([key]) => services.includes(key.split('.')[0] ?? ''))
    .reduce((n, [, v]) => n + v, 0);
}

describe('event-scoped reconcile', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('enforce');
    await h.publish({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s'), 'payments.yaml': PAYMENTS }, 'rev-1');
    expect(await handleEvent(h.s3Event(), h.deps)).toMatchObject({ status: 'reconciled', exitCode: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('reads only the named resource (<= 3 AWS calls), reverts it and posts its drift', async () => {
    await setTimeoutByHand(h, 'orders', 30);
    // Someone else's change elsewhere in the stack: the event does not name it, so this run leaves it be.
    await setTimeoutByHand(h, 'payments', 40);
    const paymentsEvent = h.lastHumanCallEvent();
    await setTimeoutByHand(h, 'orders', 31);
    const changedAt = Date.now();
    const event = h.lastHumanCallEvent();
    const before = h.emulator.stats.snapshot();
    const posts = h.sink.received.length;

    const result = await handleEvent(event, h.deps);
    const latencyMs = Date.now() - changedAt;
    const calls = callsSince(h.emulator.stats.snapshot(), before);

    expect(result.status).toBe('reconciled');
    expect(result.view?.resources.map((r) => r.id)).toEqual(['VirtualNode/shop/orders']);
    expect(await perRequest(h, 'orders')).toBe(15);
    expect(await perRequest(h, 'payments')).toBe(40);
    // The read: DescribeVirtualNode + ListTagsForResource, nothing listed; the write that reverts it comes on top.
    expect(calls['appmesh.DescribeVirtualNode']).toBe(1);
    // Two tag reads: the observe's, and the fresh one DESIGN.md requires right before the reverting write.
    expect(calls['appmesh.ListTagsForResource']).toBe(2);
    expect(Object.keys(calls).filter((k) => k.includes('.List') && !k.endsWith('ListTagsForResource'))).toEqual([]);
    // - the Update and the ownership re-read that precedes it
    const reads = sum(calls, ['appmesh', 'ecs', 'servicediscovery', 'vpc-lattice', 'cloudtrail']) - 2;
    expect(reads).toBeLessThanOrEqual(3);
    expect(h.sink.received.length).toBe(posts + 1);
    expect(h.sink.allText()).toContain('VirtualNode/shop/orders');
    // Wall time from the console change to the Slack post, on the local AWS (no added latency).
    expect(latencyMs).toBeLessThan(5000);

    // The other change is its own event's business, scoped the same way.
    const second = await handleEvent(paymentsEvent, h.deps);
    expect(second.view?.resources.map((r) => r.id)).toEqual(['VirtualNode/shop/payments']);
    expect(await perRequest(h, 'payments')).toBe(15);
  });

  it('never prunes: a resource removed from the manifests is left for the full reconcile', async () => {
    // rev-2 drops payments; published without its S3 event, so only the CloudTrail event below runs.
    await h.publish({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s') }, 'rev-2');
    await setTimeoutByHand(h, 'payments', 41);
    const deps = { ...h.deps, config: { ...h.deps.config, prune: true } };
    const result = await handleEvent(h.lastHumanCallEvent(), deps);
    expect(result.status).toBe('reconciled');
    expect(result.view?.resources.filter((r) => r.action === 'delete')).toEqual([]);
    expect(await perRequest(h, 'payments')).toBe(41);
    // The schedule's full reconcile prunes it.
    const full = await handleEvent(h.scheduleEvent(), deps);
    expect(full.view?.resources.find((r) => r.id === 'VirtualNode/shop/payments')?.action).toBe('delete');
  });
});
