/**
 * Shared by the engine reliability suites: an in-process emulator, meshward's own clients, generated manifest sets,
 * and audits read from what the emulator served (its CloudTrail-like write log), never from meshward's own report.
 */
import { ListVirtualNodesCommand } from '@aws-sdk/client-app-mesh';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { generateManifestSet } from '../../bench/generate';
import { type AwsClients, createAwsClients } from '../../src/aws/clients';
import type { ManifestDocument } from '../../src/core/types';
import { type ReconcileOptions, type ReconcileOutcome, reconcile } from '../../src/engine/reconcile';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { MemoryStateStore } from '../../src/engine/state-store';
import type { ServedWrite } from '../../src/emulator/contracts';
import type { Emulator } from '../../src/emulator/server';
import { resourceIdsOfCall } from '../../src/operator/events';

export const MESHWARD_KEY = 'meshward-reliability';
export const CONSOLE_KEY = 'console-person';

/**
 * meshward's clients as the engine builds them, minus the client-side rate limiter: its AWS-like budgets (8 App
 * Mesh writes/s, 1 task definition/s) would make each suite minutes long, and the faults here are injected ones.
 */
export function meshwardClients(emulator: Emulator, maxAttempts?: number): AwsClients {
  return createAwsClients({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: MESHWARD_KEY, secretAccessKey: 'x' },
    disableRateLimit: true,
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  });
}

/**
 * The SDK's standard retries (same attempts, same retryable errors), with the backoff shortened to tens of ms: the
 * suites inject hundreds of throttles, and real-time exponential backoff would make them minutes long. The
 * strategy is read per request from the resolved config, so replacing it after construction takes effect.
 */
export function withFastBackoff(clients: AwsClients, maxAttempts = 6): AwsClients {
  const strategy = new ConfiguredRetryStrategy(maxAttempts, (attempt) => 10 * attempt);
  for (const client of [clients.appMesh, clients.ecs, clients.cloudMap]) {
    (client.config as { retryStrategy: unknown }).retryStrategy = async () => strategy;
  }
  return clients;
}

export function consoleClients(emulator: Emulator): AwsClients {
  return createAwsClients({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: CONSOLE_KEY, secretAccessKey: 'y' },
  });
}

export function generatedDocs(resources: number, seed = 3, prefix = 'rel'): ManifestDocument[] {
  return generateManifestSet({ resources, seed, prefix }).docs;
}

/** Clusters and Cloud Map namespaces exist before meshward runs, as in a real account. */
export async function seedAccount(emulator: Emulator, docs: readonly ManifestDocument[]): Promise<void> {
  const clients = consoleClients(emulator);
  try {
    await seedLocalInfrastructure(clients, docs);
  } finally {
    clients.destroy();
  }
}

export function runApply(
  clients: AwsClients,
  store: ReconcileOptions['store'],
  docs: readonly ManifestDocument[],
  extra: Partial<ReconcileOptions> = {},
): Promise<ReconcileOutcome> {
  return reconcile({
    mode: 'apply',
    stack: 'reliability',
    store,
    clients,
    documents: docs,
    apply: { retryDelayMillis: 20 },
    ...extra,
  });
}

export function pendingChanges(outcome: ReconcileOutcome): string[] {
  return outcome.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.id}`);
}

const CREATE_PREFIXES = ['Create', 'Register'];

/** What a served write created: an App Mesh / ECS resource id, a task definition family, a Cloud Map service. */
export function createdIdentity(w: ServedWrite): string | undefined {
  if (!CREATE_PREFIXES.some((p) => w.eventName.startsWith(p))) return undefined;
  const params = w.requestParameters;
  if (w.eventName === 'RegisterTaskDefinition') return `TaskDefinitionFamily/${String(params['family'])}`;
  if (w.eventSource.startsWith('servicediscovery')) return `CloudMapService/${String(params['Name'])}`;
  return (
    resourceIdsOfCall(w.eventSource, params, w.eventName)[0] ?? `${w.eventName}:${JSON.stringify(params).slice(0, 80)}`
  );
}

/**
 * Identities meshward created more than once in `writes`: more than one distinct resource (ARN) per identity. An
 * idempotent replay (same client token) answers with the same resource and is not a duplicate.
 */
export function duplicateCreates(writes: readonly ServedWrite[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const w of writes) {
    // A create that failed (a concurrent run won the race, a throttle) created nothing; the emulator records it
    // anyway, as CloudTrail does. Deletes and ownership checks below still count attempts: those must never be made.
    if (w.accessKeyId !== MESHWARD_KEY || w.errorCode !== undefined) continue;
    const id = createdIdentity(w);
    if (!id) continue;
    const arn = w.resources[0]?.ARN ?? w.eventId;
    const arns = seen.get(id) ?? new Set<string>();
    arns.add(arn);
    seen.set(id, arns);
  }
  return [...seen.entries()].filter(([, arns]) => arns.size > 1).map(([id, arns]) => `${id} x${arns.size}`);
}

export function deletesBy(writes: readonly ServedWrite[], key = MESHWARD_KEY): string[] {
  return writes
    .filter((w) => w.accessKeyId === key && (w.eventName.startsWith('Delete') || w.eventName.startsWith('Deregister')))
    .map((w) => `${w.eventName} ${JSON.stringify(w.requestParameters).slice(0, 120)}`);
}

/** ARNs of resources someone other than meshward created: meshward must never update, tag or delete them. */
export function foreignArns(writes: readonly ServedWrite[]): Set<string> {
  const out = new Set<string>();
  for (const w of writes) {
    if (w.accessKeyId === MESHWARD_KEY || !w.eventName.startsWith('Create')) continue;
    for (const r of w.resources) if (r.ARN) out.add(r.ARN);
  }
  return out;
}

/** Meshward writes that touched a resource it does not own (by ARN, or by the id the call names). */
export function ownershipViolations(writes: readonly ServedWrite[], foreignIds: ReadonlySet<string>): string[] {
  const arns = foreignArns(writes);
  const out: string[] = [];
  for (const w of writes) {
    if (w.accessKeyId !== MESHWARD_KEY || w.eventName.startsWith('Create') || w.eventName.startsWith('Register'))
      continue;
    const touchedArn = w.resources.some((r) => r.ARN !== undefined && arns.has(r.ARN));
    const touchedId = resourceIdsOfCall(w.eventSource, w.requestParameters, w.eventName).some((id) =>
      foreignIds.has(id),
    );
    if (touchedArn || touchedId) out.push(`${w.eventName} ${JSON.stringify(w.requestParameters).slice(0, 120)}`);
  }
  return out;
}

/** Virtual node names in a mesh, straight from the emulator (an audit independent of meshward's observe). */
export async function nodeNames(clients: AwsClients, mesh: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await clients.appMesh.send(new ListVirtualNodesCommand({ meshName: mesh, nextToken }));
    for (const n of out.virtualNodes ?? []) if (n.virtualNodeName) names.push(n.virtualNodeName);
    nextToken = out.nextToken;
  } while (nextToken);
  return names.sort();
}

/** Served writes by meshward that committed, per operation name. */
export function committedWrites(writes: readonly ServedWrite[], eventName: string): ServedWrite[] {
  return writes.filter((w) => w.accessKeyId === MESHWARD_KEY && w.errorCode === undefined && w.eventName === eventName);
}

export interface LostAnswerFigures {
  runs: number;
  lostAnswers: number;
  /** Results that failed because a create was answered "already exists": a retry that was not the same request. */
  conflicts: number;
  failedRuns: number;
  /** Failed results that were not retryable (or blocked by one). */
  terminalFailures: number;
  duplicates: string[];
  revisions: number;
  families: number;
  historyRecords: number;
  appliedRecords: number;
  converged: boolean;
}

/**
 * Applies `docs` run after run while `rate` of meshward's writes lose their answer after committing (a 500, or a
 * dropped connection), with the SDK's own retries off (maxAttempts 1) so that the engine's step retries and the
 * next run carry the idempotency: the client tokens and the look-ups before a token-less write. Bounded by
 * `maxRuns`; the last run is made with faults off.
 */
export async function lostAnswerLoop(
  emulator: Emulator,
  docs: readonly ManifestDocument[],
  options: { rate: number; maxRuns: number; seed: number },
): Promise<LostAnswerFigures> {
  const store = new MemoryStateStore();
  const clients = meshwardClients(emulator, 1);
  const figures: LostAnswerFigures = {
    runs: 0,
    lostAnswers: 0,
    conflicts: 0,
    failedRuns: 0,
    terminalFailures: 0,
    duplicates: [],
    revisions: 0,
    families: 0,
    historyRecords: 0,
    appliedRecords: 0,
    converged: false,
  };
  try {
    for (let run = 1; run <= options.maxRuns; run++) {
      const last = run === options.maxRuns;
      emulator.faults.set(
        last
          ? {}
          : {
              seed: options.seed + run,
              lostAnswer: { rate: options.rate, mode: run % 2 === 0 ? 'drop' : 'error' },
            },
      );
      const outcome = await runApply(clients, store, docs, { prune: true });
      figures.lostAnswers += emulator.faults.injectedCounts()['lostAnswer'] ?? 0;
      figures.runs += 1;
      figures.conflicts += outcome.results.filter((r) => r.error?.code === 'CONFLICT').length;
      const bad = outcome.results.filter((r) => r.outcome === 'failed' || r.outcome === 'blocked');
      if (bad.length > 0 || outcome.report.errors.length > 0) {
        // Every attempt of a step may lose its answer (0.3^3): the next run picks it up. Anything but a retryable
        // failure (or what it blocked) means a retry that was not the same request.
        figures.terminalFailures += bad.filter(
          (r) => r.error?.code !== 'AWS_RETRYABLE' && r.error?.code !== 'BLOCKED',
        ).length;
        figures.failedRuns += 1;
        continue;
      }
      emulator.faults.clear();
      const check = await runApply(clients, store, docs, { mode: 'plan', cacheMaxAgeMillis: 0 });
      if (pendingChanges(check).length === 0) {
        figures.converged = true;
        break;
      }
    }
  } finally {
    emulator.faults.clear();
    clients.destroy();
  }
  const state = await store.load('reliability');
  figures.historyRecords = state.history.length;
  figures.appliedRecords = Object.keys(state.applied).length;
  const writes = emulator.servedWrites();
  figures.duplicates = duplicateCreates(writes);
  const registered = committedWrites(writes, 'RegisterTaskDefinition');
  figures.revisions = registered.length;
  figures.families = new Set(registered.map((w) => String(w.requestParameters['family']))).size;
  return figures;
}

/** The properties a lost-answer loop must keep; each broken one is a line (empty: all kept). */
export function lostAnswerViolations(f: LostAnswerFigures, desiredCount: number): string[] {
  const out: string[] = [];
  if (!f.converged) out.push(`did not converge in ${f.runs} runs`);
  if (f.conflicts > 0) out.push(`${f.conflicts} retried create(s) refused as "already exists": not the same request`);
  if (f.terminalFailures > 0) out.push(`${f.terminalFailures} resource(s) failed with a non-retryable error`);
  if (f.duplicates.length > 0) out.push(`duplicate resources: ${f.duplicates.join(', ')}`);
  if (f.revisions !== f.families) out.push(`${f.revisions} task definition revisions for ${f.families} families`);
  if (f.historyRecords !== f.runs) out.push(`${f.runs - f.historyRecords} history record(s) lost`);
  if (f.appliedRecords !== desiredCount) out.push(`${f.appliedRecords} applied records for ${desiredCount} resources`);
  return out;
}
