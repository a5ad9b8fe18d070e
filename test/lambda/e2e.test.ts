/**
 * The operator end to end on the local emulator: publish -> S3 event -> resources created -> a change by hand ->
 * CloudTrail event -> drift report in Slack (resource, field, before/after, identity) -> reverted in enforce mode,
 * reported only in detect mode. Plus duplicates, foreign events, invalid manifests, Slack 429 and a crash between
 * apply and the state write.
 */
import {
  DescribeVirtualNodeCommand,
  ListMeshesCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { toCloudTrailApiCallEvent } from '../../src/emulator/cloudtrail/events';
import { ENV, loadConfig } from '../../src/operator/config';
import { createOperatorDeps } from '../../src/operator/deps';
import { pointerKey, revisionKey, setDigest, sha256Hex } from '../../src/operator/publish-layout';
import { handleEvent, reportCrash } from '../../src/operator/run';
import { S3StateStore } from '../../src/operator/s3-state-store';
import { MESH_YAML, nodeYaml } from '../operator/helpers';
import { BUCKET, HUMAN_ARN, WEBHOOK_SECRET_PART, startHarness, type Harness } from './harness';

const FIELD = '/spec/listeners/0/timeout/http/perRequest';

async function perRequestSeconds(h: Harness): Promise<number | undefined> {
  const out = await h.human.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'orders' }));
  return out.virtualNode?.spec?.listeners?.[0]?.timeout?.http?.perRequest?.value;
}

/** Someone in the console sets the per-request timeout to 30s (Update replaces the whole spec). */
async function changeByHand(h: Harness, seconds = 30): Promise<void> {
  const current = await h.human.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'orders' }));
  const spec = JSON.parse(JSON.stringify(current.virtualNode?.spec ?? {})) as VirtualNodeSpec;
  const listener = spec.listeners?.[0];
  if (listener?.timeout?.http) listener.timeout.http.perRequest = { unit: 's', value: seconds };
  await h.human.send(new UpdateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'orders', spec }));
}

/** Successful writes only: CloudTrail (and so the emulator) also records calls that failed. */
function writesBy(h: Harness, prefix: string): number {
  return h.emulator.servedWrites().filter((w) => w.eventName.startsWith(prefix) && w.errorCode === undefined).length;
}

async function deployed(mode: 'enforce' | 'detect'): Promise<Harness> {
  const h = await startHarness(mode);
  await h.publish({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s') }, 'rev-1');
  const result = await handleEvent(h.s3Event(), h.deps);
  if (mode === 'enforce') {
    expect(result).toMatchObject({ status: 'reconciled', exitCode: 0, published: 'Reconcile Succeeded' });
    expect(await perRequestSeconds(h)).toBe(15);
  }
  return h;
}

describe('operator end to end (enforce)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await deployed('enforce');
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates the published resources and reports them', () => {
    expect(writesBy(h, 'Create')).toBe(2);
    expect(h.sink.received).toHaveLength(1);
    expect(h.sink.allText()).toContain('changes applied');
    expect(h.sink.allText()).toContain('VirtualNode/shop/orders');
    expect(h.emf.some((line) => line.includes('"AppliedCount":2'))).toBe(true);
  });

  it('reverts a change made by hand and reports who made it, with the field and both values', async () => {
    await changeByHand(h, 30);
    expect(await perRequestSeconds(h)).toBe(30);
    const event = h.lastHumanCallEvent();
    const before = h.sink.received.length;

    const result = await handleEvent(event, h.deps);
    expect(result.status).toBe('reconciled');
    expect(result.published).toBe('Drift Detected');
    expect(await perRequestSeconds(h)).toBe(15);

    const posted = h.sink.received.slice(before);
    expect(posted).toHaveLength(1);
    const text = h.sink.allText();
    expect(text).toContain('VirtualNode/shop/orders');
    expect(text).toContain(FIELD);
    expect(text).toContain('`30s` -&gt; `15s`');
    expect(text).toContain(HUMAN_ARN);
    expect(text).toContain('UpdateVirtualNode');
    expect(text).toContain('*reverted*');

    // The drift metric the alarm watches.
    expect([...h.emf].reverse().find((line) => line.includes('"DriftCount"'))).toContain('"DriftCount":1');
    // The outcome went to EventBridge too.
    const events = h.emulator.services.get('events');
    expect(JSON.stringify(events?.snapshot())).toContain('Drift Detected');
  });

  it('does nothing for a duplicate delivery of the same event', async () => {
    const event = h.lastHumanCallEvent();
    const before = { slack: h.sink.received.length, writes: h.emulator.servedWrites().length };
    const result = await handleEvent(event, h.deps);
    expect(result.status).toBe('duplicate');
    expect(h.sink.received).toHaveLength(before.slack);
    expect(h.emulator.servedWrites()).toHaveLength(before.writes);
  });

  it('ignores its own calls, foreign buckets and accounts, and unknown events', async () => {
    const own = [...h.emulator.servedWrites()].reverse().find((w) => w.eventName === 'UpdateVirtualNode');
    expect(own?.userIdentityArn).toContain('assumed-role/meshward-reconciler');
    const ownEvent = toCloudTrailApiCallEvent(own!, 'us-east-1', h.emulator.accountId);
    expect(await handleEvent(ownEvent, h.deps)).toMatchObject({ status: 'ignored', reason: 'own-call' });

    const foreignBucket = {
      ...(h.s3Event() as Record<string, unknown>),
      detail: { bucket: { name: 'someone-elses' }, object: { key: `${h.prefix}/current.json` } },
    };
    const foreignAccount = { ...(h.scheduleEvent() as Record<string, unknown>), account: '999999999999' };
    const before = { slack: h.sink.received.length, calls: h.emulator.servedWrites().length };
    expect(await handleEvent(foreignBucket, h.deps)).toMatchObject({ status: 'ignored', reason: 'foreign-bucket' });
    expect(await handleEvent(foreignAccount, h.deps)).toMatchObject({ status: 'ignored', reason: 'foreign-account' });
    expect(await handleEvent({ source: 'aws.ec2', 'detail-type': 'x', id: '1' }, h.deps)).toMatchObject({
      status: 'ignored',
      reason: 'unknown',
    });
    expect(await handleEvent('garbage', h.deps)).toMatchObject({ status: 'ignored', reason: 'malformed' });
    expect(h.sink.received).toHaveLength(before.slack);
    expect(h.emulator.servedWrites()).toHaveLength(before.calls);
    expect(h.logs.some((l) => l.includes('"reason":"foreign-bucket"'))).toBe(true);
  });

  it('applies nothing from an invalid revision and tells Slack why', async () => {
    // Written by hand (publish would refuse it): a pointer to a revision with a schema error.
    const bad = nodeYaml('15s').replace('perRequest: 15s', 'perRequest: fifteen');
    const name = 'manifests/orders.yaml';
    const sha = sha256Hex(bad);
    const digest = setDigest([{ name, sha256: sha }]);
    const key = revisionKey(h.prefix, digest, name);
    const s3 = h.deps.clients.s3;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bad }));
    const pointer = {
      formatVersion: 1,
      revision: 'rev-bad',
      digest,
      publishedAt: new Date().toISOString(),
      files: [{ name, key, sha256: sha, size: Buffer.byteLength(bad) }],
    };
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: pointerKey(h.prefix), Body: JSON.stringify(pointer) }));

    const before = { slack: h.sink.received.length, writes: h.emulator.servedWrites().length };
    const result = await handleEvent(h.s3Event(), h.deps);
    expect(result).toMatchObject({ status: 'invalid', published: 'Reconcile Failed' });
    expect(h.emulator.servedWrites()).toHaveLength(before.writes);
    const posted = h.sink.received.slice(before.slack);
    expect(posted).toHaveLength(1);
    const text = JSON.stringify(posted);
    expect(text).toContain('invalid manifests: nothing applied');
    expect(text).toContain('manifests/orders.yaml');
    expect(text).toContain('rev-bad');

    // The same invalid revision on the next schedule is not posted again.
    await handleEvent(h.scheduleEvent(), h.deps);
    expect(h.sink.received).toHaveLength(before.slack + 1);
  });

  it('never writes the webhook URL to logs or reports', () => {
    expect(h.logs.join('\n')).not.toContain(WEBHOOK_SECRET_PART);
    expect(h.sink.allText()).not.toContain(WEBHOOK_SECRET_PART);
  });
});

describe('operator end to end (detect)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await deployed('detect');
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates nothing in detect mode and reports the pending changes', () => {
    // Not a single App Mesh / ECS / Cloud Map write was served, successful or failed.
    expect(h.emulator.servedWrites()).toEqual([]);
    expect(h.sink.allText()).toContain('VirtualNode/shop/orders');
  });

  it('reports drift without reverting it, posts it once, attributes it via LookupEvents, then "resolved"', async () => {
    // Detect mode never applies: whoever does (CI's `meshward apply --state s3://…`, here a one-off enforce
    // operator) writes the same state, which is what tells drift from pending changes.
    const applyDeps = createOperatorDeps(
      loadConfig({
        [ENV.stack]: h.deps.config.stack,
        [ENV.manifests]: `s3://${BUCKET}/${h.prefix}`,
        [ENV.mode]: 'enforce',
        [ENV.ownRoleArn]: h.deps.config.ownRoleArn,
      }),
      {
        aws: {
          endpoint: h.emulator.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIAMESHWARDOPERATOR', secretAccessKey: 'x' },
        },
        slack: null,
        write: () => undefined,
      },
    );
    await handleEvent(h.s3Event(), applyDeps);
    applyDeps.clients.destroy();
    applyDeps.aws.destroy();
    expect(await perRequestSeconds(h)).toBe(15);

    // The detect operator learns the applied state on its next run.
    await handleEvent(h.scheduleEvent(), h.deps);
    const base = h.sink.received.length;

    await changeByHand(h, 45);
    const writesBefore = h.emulator.servedWrites().length;
    const drift = await handleEvent(h.scheduleEvent(), h.deps);
    // Detect mode reports; it never writes (the CloudTrail event of the hand change must not trigger one either).
    expect(await handleEvent(h.lastHumanCallEvent(), h.deps)).toMatchObject({ status: 'reconciled' });
    expect(h.emulator.servedWrites()).toHaveLength(writesBefore);
    expect(drift.published).toBe('Drift Detected');
    expect(await perRequestSeconds(h)).toBe(45);
    const first = h.sink.received.slice(base);
    expect(first).toHaveLength(1);
    const text = JSON.stringify(first);
    expect(text).toContain(FIELD);
    expect(text).toContain('`45s` -&gt; `15s`');
    expect(text).toContain('reported only');
    // Found by CloudTrail LookupEvents (the run was started by the schedule, not by the call).
    expect(text).toContain(HUMAN_ARN);

    // Same drift again: not posted again.
    await handleEvent(h.scheduleEvent(), h.deps);
    expect(h.sink.received).toHaveLength(base + 1);

    // Someone puts it back: "resolved".
    await changeByHand(h, 15);
    await handleEvent(h.scheduleEvent(), h.deps);
    expect(h.sink.received).toHaveLength(base + 2);
    expect(h.sink.received[base + 1]?.text).toContain('drift resolved');
  });
});

describe('operator end to end (failures)', () => {
  it('still posts when Slack answers 429 first', async () => {
    const h = await startHarness('enforce');
    try {
      await h.publish({ 'mesh.yaml': MESH_YAML }, 'rev-1');
      h.sink.rateLimitNext(2, 1);
      const result = await handleEvent(h.s3Event(), h.deps);
      expect(result.slack?.posted).toEqual(['report']);
      expect(h.sink.rateLimited).toBe(2);
      expect(h.sink.received).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  /**
   * Makes the first PUT of the state pointer for which `when()` holds throw, as a Lambda that died at that moment.
   * Since intents are saved before each stage, the pointer is written before the first write too: a crash "after
   * applying" is the first pointer write once the creates are done, not the first pointer write.
   */
  function crashOnPointerWrite(h: Harness, when: () => boolean): void {
    let failures = 0;
    const pointer = `${h.deps.config.state.prefix}/current.json`;
    const crash =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown): Promise<unknown> => {
        const input = (args as { input?: { Key?: string } }).input;
        if (context.commandName === 'PutObjectCommand' && input?.Key === pointer && failures === 0 && when()) {
          failures += 1;
          throw new Error('Lambda timed out');
        }
        return next(args);
      };
    h.deps.clients.s3.middlewareStack.add(crash as never, { step: 'initialize', name: 'crash-once' });
  }

  async function convergesOnRetry(h: Harness): Promise<void> {
    // EventBridge retries the same event: it was never recorded as handled, so it runs again and converges.
    const retry = await handleEvent(h.s3Event('crash-1'), h.deps);
    expect(retry).toMatchObject({ status: 'reconciled', exitCode: 0 });
    expect(writesBy(h, 'Create')).toBe(2);
    const meshes = await h.human.send(new ListMeshesCommand({}));
    expect(meshes.meshes).toHaveLength(1);
    const state = await new S3StateStore(h.deps.clients.s3, h.deps.config.state).load(h.deps.config.stack);
    expect(Object.keys(state.applied).sort()).toEqual(['Mesh/shop', 'VirtualNode/shop/orders']);
    expect(state.intents).toBeUndefined();

    // And a later schedule is quiet: in sync.
    const quiet = await handleEvent(h.scheduleEvent(), h.deps);
    expect(quiet).toMatchObject({ status: 'reconciled', exitCode: 0 });
    expect(writesBy(h, 'Update')).toBe(0);
  }

  it('converges on the next run after a crash between apply and the state write', async () => {
    const h = await startHarness('enforce');
    try {
      await h.publish({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s') }, 'rev-1');
      // The state write after the creates fails once, as if the Lambda died right after applying.
      crashOnPointerWrite(h, () => writesBy(h, 'Create') === 2);
      await expect(handleEvent(h.s3Event('crash-1'), h.deps)).rejects.toThrow('Lambda timed out');
      expect(writesBy(h, 'Create')).toBe(2);
      const store = new S3StateStore(h.deps.clients.s3, h.deps.config.state);
      const left = await store.load(h.deps.config.stack);
      // Nothing recorded as applied; the intents saved before each stage say what the dead run was writing.
      expect(left.applied).toEqual({});
      expect(Object.keys(left.intents ?? {}).sort()).toEqual(['Mesh/shop', 'VirtualNode/shop/orders']);
      await convergesOnRetry(h);
    } finally {
      await h.close();
    }
  });

  it('writes nothing when the intents cannot be saved before the first write, and converges on the next run', async () => {
    const h = await startHarness('enforce');
    try {
      await h.publish({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s') }, 'rev-1');
      crashOnPointerWrite(h, () => true);
      await expect(handleEvent(h.s3Event('crash-1'), h.deps)).rejects.toThrow('Lambda timed out');
      expect(h.emulator.servedWrites().filter((w) => !w.eventSource.startsWith('s3'))).toEqual([]);
      await convergesOnRetry(h);
    } finally {
      await h.close();
    }
  });

  it('runs a redelivered event again when the first delivery died after the engine saved its state', async () => {
    const h = await startHarness('enforce');
    try {
      await h.publish({ 'mesh.yaml': MESH_YAML }, 'rev-1');
      // The engine applied and saved; the run dies before Slack, the outcome event and the final save.
      h.deps.afterReconcile = () => Promise.reject(new Error('Lambda timed out'));
      await expect(handleEvent(h.s3Event('late-crash'), h.deps)).rejects.toThrow('Lambda timed out');
      h.deps.afterReconcile = undefined;

      // The retry must not be taken for a duplicate: the outcome was never told.
      const retry = await handleEvent(h.s3Event('late-crash'), h.deps);
      expect(retry).toMatchObject({ status: 'reconciled', published: 'Reconcile Succeeded' });
      // Handled completely now: a third delivery is the duplicate.
      expect(await handleEvent(h.s3Event('late-crash'), h.deps)).toMatchObject({ status: 'duplicate' });
    } finally {
      await h.close();
    }
  });

  it('posts a crash that repeats on every retry and schedule once an hour, not every time', async () => {
    const h = await startHarness('enforce');
    let clock = Date.parse('2026-11-25T17:00:00Z');
    h.deps.now = () => new Date(clock);
    try {
      const boom = (): Error => new Error('STATE_CORRUPT: state pointer is not JSON');
      await reportCrash(boom(), h.deps, 'a');
      await reportCrash(boom(), h.deps, 'a');
      clock += 10 * 60_000;
      await reportCrash(boom(), h.deps, 'b');
      expect(h.sink.received).toHaveLength(1);
      await reportCrash(new Error('something else'), h.deps, 'c');
      expect(h.sink.received).toHaveLength(2);
      clock += 61 * 60_000;
      await reportCrash(boom(), h.deps, 'd');
      expect(h.sink.received).toHaveLength(3);
      // Every crash is still logged and published.
      expect(h.logs.filter((l) => l.includes('reconcile crashed'))).toHaveLength(5);
    } finally {
      await h.close();
    }
  });

  it('reports a crash to Slack and EventBridge without leaking the webhook URL', async () => {
    const h = await startHarness('enforce');
    try {
      const url = `${h.sink.url}/services/T0/B0/${WEBHOOK_SECRET_PART}`;
      await reportCrash(new Error(`S3 unavailable while posting to ${url}`), h.deps, 'evt-9');
      expect(h.sink.received).toHaveLength(1);
      expect(h.sink.allText()).toContain('reconcile failed');
      expect(h.sink.allText()).not.toContain(WEBHOOK_SECRET_PART);
      expect(h.logs.join('\n')).toContain('reconcile crashed');
      expect(h.logs.join('\n')).not.toContain(WEBHOOK_SECRET_PART);
      expect(JSON.stringify(h.emulator.services.get('events')?.snapshot())).toContain('Reconcile Failed');
    } finally {
      await h.close();
    }
  });
});
