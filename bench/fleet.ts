/**
 * The fleet scenario: many stacks (default 50 x 200 App Mesh resources) in one local AWS, each stack in an account
 * of its own (told apart by the access keys the emulator's STS issues for each stack's assumed role), behind the
 * fleet operator's SQS FIFO consumer (src/operator/fleet.ts). The queue is simulated as Lambda's event source
 * mapping drives it: up to `--concurrency` batches at once, a message group (stack) in at most one batch.
 *
 * Measures: first apply of the fleet; one warm schedule round (every stack's full reconcile) and its calls, times
 * four for the calls an hour on a 15-minute schedule; a console change -> Slack post (event-scoped), alone and
 * while another stack runs a slow full reconcile; calls per event; and that a second writer of a stack is refused
 * while one holds its lock.
 *
 *   npx tsx bench/fleet.ts [--stacks 50] [--resources 200] [--latency 20] [--concurrency 10] [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../src/aws/clients';
import { toCloudTrailApiCallEvent } from '../src/emulator/cloudtrail/events';
import { startEmulator } from '../src/emulator/server';
import type { StatsSnapshot } from '../src/emulator/stats';
import { acquireStackLock } from '../src/engine/lock';
import { seedLocalInfrastructure } from '../src/engine/session';
import type { SlackTransport } from '../src/notify/slack-transport';
import { ENV, loadFleetConfig } from '../src/operator/config';
import { createFleetDeps, handleSqsBatch } from '../src/operator/fleet';
import { publishManifests } from '../src/operator/publish';
import { S3StateStore } from '../src/operator/s3-state-store';
import { generateManifestSet, writeManifestSet } from './generate';
import { injectDrift } from './scenarios';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
const STACKS = arg('stacks', 50);
const RESOURCES = arg('resources', 200);
const LATENCY = arg('latency', 20);
const CONCURRENCY = arg('concurrency', 10);
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex >= 0 ? process.argv[outIndex + 1] : undefined;

const OPERATOR_ACCOUNT = '100000000000';
const BUCKET = 'meshward-fleet-bench';
const ROLE = 'meshward-reconciler';
const accountOf = (i: number): string => String(200000000000 + i);
const nameOf = (i: number): string => `s${String(i).padStart(2, '0')}`;

let seq = 1;
function record(stack: string, body: object): SQSRecord {
  const text = JSON.stringify(body);
  const now = String(Date.now());
  return {
    messageId: `m-${seq}`,
    receiptHandle: `rh-${seq}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'events',
      ApproximateFirstReceiveTimestamp: now,
      SequenceNumber: String(seq++),
      MessageGroupId: stack,
      MessageDeduplicationId: text.length.toString(16),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:${OPERATOR_ACCOUNT}:meshward.fifo`,
    awsRegion: 'us-east-1',
  };
}

function opsSince(after: StatsSnapshot, before: StatsSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, op] of Object.entries(after.operations)) {
    const n = op.calls - (before.operations[key]?.calls ?? 0);
    if (n > 0) out[key] = n;
  }
  return out;
}

function callsSince(after: StatsSnapshot, before: StatsSnapshot, skip: readonly string[] = ['sts']): number {
  let n = 0;
  for (const [key, op] of Object.entries(after.operations)) {
    if (skip.includes(op.service)) continue;
    n += op.calls - (before.operations[key]?.calls ?? 0);
  }
  return n;
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (m: string): void => console.error(`[fleet ${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`);
  // One emulator is one account with one set of quotas; here it stands for STACKS accounts, each with its own
  // 15-mesh quota in AWS, so the per-account mesh quota is raised to the fleet's meshes.
  const emulator = await startEmulator({
    port: 0,
    s3: true,
    accountId: OPERATOR_ACCOUNT,
    appMesh: { quotas: { meshesPerAccount: Math.max(15, STACKS * Math.ceil(RESOURCES / 200)) } },
  });
  const posts: { at: number; text: string }[] = [];
  const slack: SlackTransport = {
    kind: 'webhook',
    threads: false,
    post: (message) => {
      posts.push({ at: Date.now(), text: JSON.stringify(message) });
      return Promise.resolve({});
    },
    update: () => Promise.resolve(),
  };
  const stacks = Array.from({ length: STACKS }, (_, i) => nameOf(i));
  const fleetConfig = loadFleetConfig({
    [ENV.fleet]: JSON.stringify({
      stacks: Object.fromEntries(
        stacks.map((s, i) => [s, { account: accountOf(i), role: `arn:aws:iam::${accountOf(i)}:role/${ROLE}` }]),
      ),
    }),
    [ENV.manifests]: `s3://${BUCKET}/meshward`,
    [ENV.mode]: 'enforce',
    [ENV.ownRoleArn]: `arn:aws:iam::${OPERATOR_ACCOUNT}:role/${ROLE}`,
  });
  const fleet = createFleetDeps(fleetConfig, {
    aws: {
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAFLEETOPERATOR', secretAccessKey: 'x' },
      disableRateLimit: true,
    },
    slack,
    write: () => undefined,
    lookupIntervalMs: 0,
  });
  const admin = createAwsClients({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAADMIN', secretAccessKey: 'x' },
  });
  const human = createAwsClients({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAHUMAN', secretAccessKey: 'x' },
  });
  const first = fleet.depsFor(stacks[0] ?? '');
  if (!first) throw new Error('no stack');
  await first.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  log(`generating and publishing ${STACKS} stacks x ${RESOURCES} resources`);
  const sets = new Map<string, ReturnType<typeof generateManifestSet>>();
  for (const [i, stack] of stacks.entries()) {
    const set = generateManifestSet({ resources: RESOURCES, seed: i + 1, prefix: stack });
    sets.set(stack, set);
    const dir = await mkdtemp(path.join(tmpdir(), `meshward-fleet-${stack}-`));
    await writeManifestSet(set, path.join(dir, 'manifests'));
    const result = await publishManifests({
      paths: ['manifests'],
      to: `s3://${BUCKET}/meshward/${stack}`,
      revision: `rev-${stack}`,
      cwd: dir,
      client: first.clients.s3,
      git: {},
    });
    if (!result.ok) throw new Error(`publish ${stack} failed`);
    await seedLocalInfrastructure(admin, set.docs);
  }
  await emulator.faults.set({ latency: { fixedMs: LATENCY } });

  /** The event source mapping: CONCURRENCY pollers; a group never in two batches at once; batches of <= 10. */
  const drain = async (messages: { stack: string; body: object }[]): Promise<Map<string, number>> => {
    const queue = messages.map((m) => record(m.stack, m.body));
    const inFlight = new Set<string>();
    const doneAt = new Map<string, number>();
    const t0 = Date.now();
    const poller = async (): Promise<void> => {
      for (;;) {
        const batch: SQSRecord[] = [];
        const groups = new Set<string>();
        for (const r of queue) {
          const g = r.attributes.MessageGroupId ?? '';
          if (inFlight.has(g) && !groups.has(g)) continue;
          if (batch.length >= 10) break;
          batch.push(r);
          groups.add(g);
          inFlight.add(g);
        }
        if (batch.length === 0) {
          if (queue.length === 0) return;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        for (const r of batch) queue.splice(queue.indexOf(r), 1);
        const out = await handleSqsBatch({ Records: batch }, fleet);
        for (const g of groups) inFlight.delete(g);
        if (out.batchItemFailures.length > 0)
          throw new Error(`failures: ${JSON.stringify(out.records.filter((x) => x.error))}`);
        for (const r of out.records) doneAt.set(r.messageId, Date.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, poller));
    return doneAt;
  };
  const envelope = (stack: string, i: number, source: string, type: string, detail: object): object => ({
    version: '0',
    id: `${type}-${stack}-${Date.now()}-${Math.random()}`,
    source,
    'detail-type': type,
    account: accountOf(i),
    region: 'us-east-1',
    time: new Date().toISOString(),
    resources: [],
    detail,
  });
  const schedule = (stack: string): { stack: string; body: object } => ({
    stack,
    body: {
      version: '0',
      id: `schedule-${stack}-${Math.random()}`,
      source: 'aws.scheduler',
      'detail-type': 'Scheduled Event',
      time: new Date().toISOString(),
      detail: {},
    },
  });

  log('first apply of the fleet (S3 publish events)');
  let before = emulator.stats.snapshot();
  let t = Date.now();
  await drain(
    stacks.map((s, i) => ({
      stack: s,
      body: envelope(s, i, 'aws.s3', 'Object Created', {
        bucket: { name: BUCKET },
        object: { key: `meshward/${s}/current.json` },
      }),
    })),
  );
  const firstApply = { wallMs: Date.now() - t, calls: callsSince(emulator.stats.snapshot(), before) };
  log(`first apply: ${firstApply.wallMs} ms, ${firstApply.calls} calls`);

  log('warm schedule round (every stack, full reconcile)');
  before = emulator.stats.snapshot();
  t = Date.now();
  await drain(stacks.map(schedule));
  const round = { wallMs: Date.now() - t, calls: callsSince(emulator.stats.snapshot(), before) };
  log(`round: ${round.wallMs} ms, ${round.calls} calls`);

  // A console change in the last stack: one virtual node's health check.
  const target = stacks.length - 1;
  const targetStack = stacks[target] ?? '';
  const node = sets.get(targetStack)?.docs.find((d) => d.kind === 'VirtualNode');
  if (!node) throw new Error('no virtual node');
  const changeAndEvent = async (): Promise<{ changedAt: number; event: object }> => {
    await injectDrift(human, [node]);
    const changedAt = Date.now();
    const write = [...emulator.servedWrites()].reverse().find((w) => w.accessKeyId === 'AKIAHUMAN');
    if (!write) throw new Error('no console write');
    return { changedAt, event: toCloudTrailApiCallEvent(write, 'us-east-1', accountOf(target)) };
  };

  log('event-scoped: console change -> Slack, alone');
  let change = await changeAndEvent();
  before = emulator.stats.snapshot();
  let postsBefore = posts.length;
  await drain([{ stack: targetStack, body: change.event }]);
  const aloneMs = (posts[postsBefore]?.at ?? NaN) - change.changedAt;
  const eventCalls = callsSince(emulator.stats.snapshot(), before, ['sts', 'events']);
  const eventOps = opsSince(emulator.stats.snapshot(), before);
  log(`alone: ${aloneMs} ms to Slack, ${eventCalls} calls (PutEvents of the outcome left out)`);

  log('event-scoped while stack 0 runs a slow (cold-cache) full reconcile');
  const slowDeps = fleet.depsFor(stacks[0] ?? '');
  if (!slowDeps) throw new Error('no stack 0');
  // A cold describe cache: the slow full reconcile of stack 0 describes everything again.
  const store0 = new S3StateStore(slowDeps.clients.s3, slowDeps.config.state);
  const state0 = await store0.load(slowDeps.config.stack);
  await store0.save({ ...state0, versionCache: {} });
  // While stack 0 holds its lock, a second writer (a CLI apply) is refused.
  let secondWriterRefused: boolean | undefined;
  slowDeps.afterReconcile = async () => {
    try {
      const lock = await acquireStackLock(store0.locker(), {
        command: 'bench: second writer',
        timeoutMs: 0,
        ttlMs: 60_000,
        owner: { who: 'bench', runId: 'second' },
      });
      await lock.release();
      secondWriterRefused = false;
    } catch {
      secondWriterRefused = true;
    }
  };
  change = await changeAndEvent();
  postsBefore = posts.length;
  const slowT0 = Date.now();
  const [slowDone] = await Promise.all([
    drain([schedule(stacks[0] ?? '')]).then(() => Date.now() - slowT0),
    new Promise((r) => setTimeout(r, 50)).then(() => drain([{ stack: targetStack, body: change.event }])),
  ]);
  const post = posts
    .slice(postsBefore)
    .find((p) => p.text.includes(targetStack) || p.text.includes(node.metadata.name));
  const busyMs = (post?.at ?? NaN) - change.changedAt;
  delete slowDeps.afterReconcile;
  log(
    `while stack 0 busy (${slowDone} ms): ${busyMs} ms to Slack; second writer refused: ${String(secondWriterRefused)}`,
  );

  const results = {
    stacks: STACKS,
    resourcesPerStack: RESOURCES,
    documentsPerStack: sets.get(stacks[0] ?? '')?.docs.length,
    latencyMs: LATENCY,
    concurrency: CONCURRENCY,
    firstApply,
    warmRound: round,
    callsPerHour15MinSchedule: round.calls * 4,
    event: {
      aloneToSlackMs: aloneMs,
      callsPerEvent: eventCalls,
      eventOps,
      whileOtherStackBusyToSlackMs: busyMs,
      otherStackRunMs: slowDone,
    },
    secondWriterRefused,
    assumeRoleCalls: emulator.stats.snapshot().operations['sts.AssumeRole']?.calls,
    totalMs: Date.now() - started,
  };
  console.log(JSON.stringify(results, null, 2));
  if (OUT) writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  admin.destroy();
  human.destroy();
  await emulator.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
