/**
 * The operator's reports are exactly-once and its runs bounded by the Lambda deadline, end to end on the emulator
 * (S3 state with enforced conditional writes) and the local Slack sink (bot token: chat.postMessage / chat.update):
 * - Slack accepted a post, then the state save failed (a fault injected after the commit): the retry edits the
 *   message it finds through the outbox instead of posting it again;
 * - a failed chat.update of the thread's parent does not repeat the thread reply;
 * - a run that runs short of time stops starting writes, saves, reports "partial", and the next run does the rest;
 * - a CLI apply holding the stack's lock makes the Lambda wait, not race.
 */
import { DescribeVirtualNodeCommand, UpdateVirtualNodeCommand, type VirtualNodeSpec } from '@aws-sdk/client-app-mesh';
import { acquireStackLock } from '../../src/engine/lock';
import type { SlackMessage } from '../../src/notify/slack-blocks';
import { BotTransport, type SlackTransport } from '../../src/notify/slack-transport';
import { ENV, loadConfig } from '../../src/operator/config';
import { createOperatorDeps } from '../../src/operator/deps';
import { handleEvent, type OperatorDeps } from '../../src/operator/run';
import { S3StateStore } from '../../src/operator/s3-state-store';
import { MESH_YAML, nodeYaml } from '../operator/helpers';
import { BUCKET, OPERATOR_KEY, startHarness, type Harness } from './harness';

async function changeByHand(h: Harness, seconds: number): Promise<void> {
  const current = await h.human.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'orders' }));
  const spec = JSON.parse(JSON.stringify(current.virtualNode?.spec ?? {})) as VirtualNodeSpec;
  const listener = spec.listeners?.[0];
  if (listener?.timeout?.http) listener.timeout.http.perRequest = { unit: 's', value: seconds };
  await h.human.send(new UpdateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'orders', spec }));
}

/** A real BotTransport to the sink; `afterPost` runs once Slack accepted a post (where faults are injected). */
function botTo(h: Harness, afterPost: () => void): SlackTransport {
  const bot = new BotTransport('xoxb-exactly-once-token', 'C0OPS', {
    slackApiUrl: `${h.sink.url}/api/`,
    rateLimit: { sleep: async () => undefined },
    log: () => undefined,
  });
  return {
    kind: bot.kind,
    threads: bot.threads,
    post: async (message: SlackMessage, threadTs?: string, outboxId?: string) => {
      const out = await bot.post(message, threadTs, outboxId);
      afterPost();
      return out;
    },
    update: (channel, ts, message) => bot.update(channel, ts, message),
    find: (id, threadTs) => bot.find(id, threadTs),
  };
}

function detectDeps(h: Harness, slack: SlackTransport): OperatorDeps {
  return createOperatorDeps(
    loadConfig({
      [ENV.stack]: h.deps.config.stack,
      [ENV.manifests]: `s3://${BUCKET}/${h.prefix}`,
      [ENV.mode]: 'detect',
      [ENV.ownRoleArn]: h.deps.config.ownRoleArn,
    }),
    {
      aws: {
        endpoint: h.emulator.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: OPERATOR_KEY, secretAccessKey: 'x' },
        maxAttempts: 2,
      },
      slack,
      write: () => undefined,
      lookupIntervalMs: 0,
    },
  );
}

const posts = (h: Harness) => h.sink.received.filter((m) => m.via === 'chat.postMessage');
const updates = (h: Harness) => h.sink.received.filter((m) => m.via === 'chat.update');

describe('Slack outbox', () => {
  let h: Harness;
  let deps: OperatorDeps;
  let injectAfterPost: (() => void) | undefined;
  const pointer = (): string => `_state/${h.deps.config.stack}/current.json`;

  beforeEach(async () => {
    h = await startHarness('enforce');
    await h.publish({ 'mesh.yaml': MESH_YAML, 'orders.yaml': nodeYaml('15s') }, 'rev-1');
    expect(await handleEvent(h.s3Event(), h.deps)).toMatchObject({ status: 'reconciled' });
    deps = detectDeps(
      h,
      botTo(h, () => {
        injectAfterPost?.();
        injectAfterPost = undefined;
      }),
    );
    await handleEvent(h.scheduleEvent(), deps);
    h.sink.received.length = 0;
  });
  afterEach(async () => {
    deps.clients.destroy();
    deps.aws.destroy();
    await h.close();
  });

  it('a post Slack accepted before the state save failed is edited on the retry, never posted twice', async () => {
    await changeByHand(h, 45);
    const event = h.scheduleEvent('drift-run-1');
    // Slack has the drift report; then every write of the state pointer fails (not retried: 403).
    injectAfterPost = () => h.emulator.s3?.failWrites({ keyContains: pointer(), status: 403 });
    await expect(handleEvent(event, deps)).rejects.toThrow();
    h.emulator.s3?.failWrites(undefined);
    expect(posts(h)).toHaveLength(1);
    const ts = posts(h)[0]?.ts;

    // Lambda retries the same event: the outbox's pending entry is found in Slack by its metadata and edited.
    expect(await handleEvent(event, deps)).toMatchObject({ status: 'reconciled' });
    expect(posts(h)).toHaveLength(1);
    expect(updates(h).map((u) => u.ts)).toContain(ts);
    expect(updates(h).at(-1)?.text).toContain('drift');

    // And the drift, now recorded as reported, is not posted again by the next schedule.
    await handleEvent(h.scheduleEvent(), deps);
    expect(posts(h)).toHaveLength(1);
  });

  it('a failed chat.update of the thread parent does not repeat the reply in the thread', async () => {
    await changeByHand(h, 45);
    await handleEvent(h.scheduleEvent(), deps);
    expect(posts(h)).toHaveLength(1);
    const parent = posts(h)[0]?.ts;

    await changeByHand(h, 50);
    h.sink.failMethod('chat.update', 'message_not_found');
    const changed = await handleEvent(h.scheduleEvent(), deps);
    expect(changed.slack?.errors.join('\n')).toContain('thread parent not updated');
    await handleEvent(h.scheduleEvent(), deps);
    await handleEvent(h.scheduleEvent(), deps);
    const replies = posts(h).filter((m) => m.threadTs === parent);
    expect(replies).toHaveLength(1);
    h.sink.failMethod(undefined);
  });
});

describe('Lambda deadline', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('stops starting writes when time runs short, reports "partial", and the next run applies the rest', async () => {
    h = await startHarness('enforce');
    const node = (name: string) => nodeYaml('15s').replace(/orders/g, name);
    await h.publish(
      { 'mesh.yaml': MESH_YAML, 'a.yaml': node('alpha'), 'b.yaml': node('bravo'), 'c.yaml': node('charlie') },
      'rev-1',
    );
    // Plenty of time until the first write (the mesh) was served; then less than the reserve.
    const successfulWrites = () => h.emulator.servedWrites().filter((w) => w.errorCode === undefined).length;
    const cut = { ...h.deps, remainingMs: () => (successfulWrites() >= 1 ? 5_000 : 600_000) };
    const first = await handleEvent(h.s3Event(), cut);
    expect(first.status).toBe('partial');
    expect(first.deferred).toEqual(['VirtualNode/shop/alpha', 'VirtualNode/shop/bravo', 'VirtualNode/shop/charlie']);
    expect(first.view?.status).toBe('partial');
    expect(successfulWrites()).toBe(1);
    expect(h.sink.allText()).toContain('partly applied');
    // Progress was saved: the mesh is recorded as applied.
    const saved = await new S3StateStore(h.deps.clients.s3, h.deps.config.state).load(h.deps.config.stack);
    expect(Object.keys(saved.applied)).toEqual(['Mesh/shop']);

    const second = await handleEvent(h.scheduleEvent(), h.deps);
    expect(second.status).toBe('reconciled');
    expect(second.deferred).toBeUndefined();
    const created = second.view?.resources.filter((r) => r.outcome === 'applied').map((r) => r.id);
    expect(created).toEqual(['VirtualNode/shop/alpha', 'VirtualNode/shop/bravo', 'VirtualNode/shop/charlie']);
    expect(successfulWrites()).toBe(4);
  });

  it('waits for a CLI apply holding the stack lock, and fails with LOCKED (Lambda retries) when it does not end', async () => {
    h = await startHarness('enforce');
    await h.publish({ 'mesh.yaml': MESH_YAML }, 'rev-1');
    const store = new S3StateStore(h.deps.clients.s3, h.deps.config.state);
    const cli = await acquireStackLock(store.locker(), {
      command: 'meshward apply',
      owner: { who: 'ci', host: 'runner-1' },
      autoRenew: false,
    });
    await expect(handleEvent(h.s3Event(), { ...h.deps, lockTimeoutMs: 300 })).rejects.toMatchObject({
      code: 'LOCKED',
    });
    expect(h.emulator.servedWrites()).toEqual([]);
    setTimeout(() => void cli.release(), 300);
    expect(await handleEvent(h.s3Event(), { ...h.deps, lockTimeoutMs: 10_000 })).toMatchObject({
      status: 'reconciled',
    });
  });
});
