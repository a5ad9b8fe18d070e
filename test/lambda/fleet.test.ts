/**
 * The fleet operator behind SQS FIFO: stacks in three accounts on one local AWS, each reached through its own
 * assumed role (the emulator's STS issues the keys and records every write under the assumed-role identity), one
 * stack's messages in order, stacks in parallel, partial batch responses, duplicates, unknown stacks.
 */
import { DescribeVirtualNodeCommand, UpdateVirtualNodeCommand, type VirtualNodeSpec } from '@aws-sdk/client-app-mesh';
import { toCloudTrailApiCallEvent } from '../../src/emulator/cloudtrail/events';
import { handleSqsBatch } from '../../src/operator/fleet';
import {
  OPERATOR_ACCOUNT,
  ROLE_NAME,
  sqsEvent,
  sqsRecord,
  stackManifests,
  startFleet,
  type FleetHarness,
} from './fleet-harness';

const LAYOUT = { alpha: OPERATOR_ACCOUNT, beta: '222222222222', gamma: '333333333333' };

async function changeByHand(h: FleetHarness, stack: string, seconds: number): Promise<void> {
  const key = { meshName: `mesh-${stack}`, virtualNodeName: 'node-0' };
  const current = await h.human.send(new DescribeVirtualNodeCommand(key));
  const spec = JSON.parse(JSON.stringify(current.virtualNode?.spec ?? {})) as VirtualNodeSpec;
  const listener = spec.listeners?.[0];
  if (listener?.timeout?.http) listener.timeout.http.perRequest = { unit: 's', value: seconds };
  await h.human.send(new UpdateVirtualNodeCommand({ ...key, spec }));
}

async function perRequest(h: FleetHarness, stack: string): Promise<number | undefined> {
  const out = await h.human.send(
    new DescribeVirtualNodeCommand({ meshName: `mesh-${stack}`, virtualNodeName: 'node-0' }),
  );
  return out.virtualNode?.spec?.listeners?.[0]?.timeout?.http?.perRequest?.value;
}

describe('fleet behind SQS FIFO', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleet(LAYOUT);
    for (const stack of Object.keys(LAYOUT)) await h.publish(stack, stackManifests(stack), 'rev-1');
  });
  afterAll(async () => {
    await h.close();
  });

  it('reconciles every stack of a batch, each in its account under its own assumed role', async () => {
    const batch = sqsEvent(...Object.keys(LAYOUT).map((stack) => sqsRecord(stack, h.s3Event(stack))));
    const out = await handleSqsBatch(batch, h.fleet);
    expect(out.batchItemFailures).toEqual([]);
    expect(out.records.map((r) => [r.stack, r.result?.status])).toEqual(
      expect.arrayContaining([
        ['alpha', 'reconciled'],
        ['beta', 'reconciled'],
        ['gamma', 'reconciled'],
      ]),
    );
    const creators = (mesh: string): string[] => [
      ...new Set(
        h.emulator
          .servedWrites()
          .filter((w) => w.eventName === 'CreateMesh' && JSON.stringify(w.requestParameters).includes(mesh))
          .map((w) => w.userIdentityArn),
      ),
    ];
    // The operator's own account: its own role. Others: the role assumed there, session named after the stack.
    expect(creators('mesh-alpha')).toEqual([`arn:aws:sts::${OPERATOR_ACCOUNT}:assumed-role/${ROLE_NAME}/fleet`]);
    expect(creators('mesh-beta')).toEqual([`arn:aws:sts::222222222222:assumed-role/${ROLE_NAME}/meshward-beta`]);
    expect(creators('mesh-gamma')).toEqual([`arn:aws:sts::333333333333:assumed-role/${ROLE_NAME}/meshward-gamma`]);
    // One AssumeRole per foreign stack: the credentials are kept until shortly before they expire.
    await handleSqsBatch(sqsEvent(sqsRecord('beta', h.scheduleMessage('beta'))), h.fleet);
    expect(h.emulator.stats.snapshot().operations['sts.AssumeRole']?.calls).toBe(2);
  });

  it('ignores the assumed role’s own writes in the other account, and reverts a person’s change there', async () => {
    const own = [...h.emulator.servedWrites()].reverse().find((w) => w.userIdentityArn.includes('meshward-beta'));
    if (!own) throw new Error('no write by the beta role');
    const ownEvent = toCloudTrailApiCallEvent(own, 'us-east-1', '222222222222');
    const ignored = await handleSqsBatch(sqsEvent(sqsRecord('beta', ownEvent)), h.fleet);
    expect(ignored.records[0]?.result).toMatchObject({ status: 'ignored', reason: 'own-call' });
    await changeByHand(h, 'beta', 30);
    const event = h.lastHumanCallEvent('beta');
    const out = await handleSqsBatch(sqsEvent(sqsRecord('beta', event)), h.fleet);
    expect(out.records[0]?.result?.status).toBe('reconciled');
    expect(await perRequest(h, 'beta')).toBe(15);
    expect(h.sink.allText()).toContain('VirtualNode/mesh-beta/node-0');
  });

  it('runs a stack’s messages in order and fails the rest of its group after a failure, other stacks unharmed', async () => {
    const beta = h.fleet.depsFor('beta');
    if (!beta) throw new Error('beta');
    beta.afterReconcile = () => Promise.reject(new Error('state bucket unreachable'));
    const first = sqsRecord('beta', h.scheduleMessage('beta'));
    const second = sqsRecord('beta', h.scheduleMessage('beta'));
    const other = sqsRecord('gamma', h.scheduleMessage('gamma'));
    try {
      const out = await handleSqsBatch(sqsEvent(first, other, second), h.fleet);
      expect(out.batchItemFailures).toEqual([
        { itemIdentifier: first.messageId },
        { itemIdentifier: second.messageId },
      ]);
      expect(out.records.find((r) => r.messageId === other.messageId)?.result?.status).toBe('reconciled');
      expect(out.records.find((r) => r.messageId === second.messageId)?.error).toMatch(/earlier message/);
    } finally {
      delete beta.afterReconcile;
    }
    // Redelivered (ApproximateReceiveCount 2) once the cause is gone: done.
    const again = await handleSqsBatch(
      sqsEvent(sqsRecord('beta', JSON.parse(first.body) as object, { attempt: 2 })),
      h.fleet,
    );
    expect(again.batchItemFailures).toEqual([]);
    expect(again.records[0]).toMatchObject({ attempt: 2, result: { status: 'reconciled' } });
  });

  it('does not let one stack’s slow reconcile delay another stack’s event', async () => {
    const alpha = h.fleet.depsFor('alpha');
    if (!alpha) throw new Error('alpha');
    const SLOW_MS = 2500;
    alpha.afterReconcile = () => new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    try {
      await changeByHand(h, 'gamma', 31);
      const slow = sqsRecord('alpha', h.scheduleMessage('alpha'));
      const event = sqsRecord('gamma', h.lastHumanCallEvent('gamma'));
      const out = await handleSqsBatch(sqsEvent(slow, event), h.fleet);
      const done = (id: string): number => out.records.find((r) => r.messageId === id)?.doneAtMs ?? Infinity;
      expect(out.batchItemFailures).toEqual([]);
      // Behind the slow run, the event would end after it; side by side it ends first (by how much depends on the
      // machine's load: not asserted).
      expect(done(slow.messageId)).toBeGreaterThanOrEqual(SLOW_MS);
      expect(done(event.messageId)).toBeLessThan(done(slow.messageId));
      expect(await perRequest(h, 'gamma')).toBe(15);
    } finally {
      delete alpha.afterReconcile;
    }
  });

  it('skips a duplicate delivery, and fails (to the dead-letter queue) a message for a stack it does not run', async () => {
    const event = h.scheduleMessage('gamma');
    await handleSqsBatch(sqsEvent(sqsRecord('gamma', event)), h.fleet);
    const writes = h.emulator.servedWrites().length;
    const unknown = sqsRecord('delta', h.scheduleMessage('gamma'));
    const out = await handleSqsBatch(sqsEvent(sqsRecord('gamma', event, { attempt: 2 }), unknown), h.fleet);
    expect(out.records.find((r) => r.stack === 'gamma')?.result?.status).toBe('duplicate');
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: unknown.messageId }]);
    expect(h.emulator.servedWrites().length).toBe(writes);
    // A body that is no event is dropped, not retried.
    const garbage = await handleSqsBatch(sqsEvent(sqsRecord('gamma', 'not json')), h.fleet);
    expect(garbage.batchItemFailures).toEqual([]);
    expect(garbage.records[0]?.result).toMatchObject({ status: 'ignored', reason: 'malformed' });
  });
});
