/**
 * Many stacks, one operator: per-stack dependencies (its configuration, its engine clients on its account's
 * credentials) over one set of operator clients and one Slack secret, and the SQS FIFO batch handler that runs
 * each stack's messages in order, stacks in parallel.
 *
 * The queue is the serializer (infra: EventBridge rules and per-stack Scheduler schedules -> SQS FIFO with
 * MessageGroupId = stack -> this Lambda through an event source mapping with a maximum concurrency): SQS hands
 * out one message group to one batch at a time, so one stack never has two runs, and a slow stack holds only its
 * own group. The per-stack S3 lock (engine/lock.ts) still guards against the CLI.
 */
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FleetConfig } from './config';
import { assumedRoleProvider, sessionNameFor, stsAssumeRole, type AssumeRole, SESSION_SECONDS } from './credentials';
import { createOperatorDeps, type DepsOverrides } from './deps';
import type { Logger } from './log';
import { handleEvent, reportCrash, type OperatorDeps, type RunResult } from './run';

export interface FleetDeps {
  readonly stacks: readonly string[];
  /** The stack's dependencies, built on first use and kept for the container's life; undefined = not in the fleet. */
  depsFor(stack: string): OperatorDeps | undefined;
  log: Logger;
}

export interface FleetOverrides extends DepsOverrides {
  /** How a stack's role is assumed (default: STS AssumeRole with the operator's own credentials). */
  assumeRole?: AssumeRole;
}

export function createFleetDeps(fleet: FleetConfig, overrides: FleetOverrides = {}): FleetDeps {
  const names = [...fleet.stacks.keys()].sort();
  const first = fleet.stacks.get(names[0] ?? '');
  if (!first) throw new Error('a fleet has at least one stack (loadFleetConfig checks)');
  // Operator clients and the Slack secret are the operator account's: built once, shared by every stack.
  const base = createOperatorDeps(first, overrides);
  const shared = { clients: base.clients, slack: base.slack };
  let assume: AssumeRole | undefined = overrides.assumeRole;
  const built = new Map<string, OperatorDeps>();
  return {
    stacks: names,
    log: base.log,
    depsFor(stack) {
      const hit = built.get(stack);
      if (hit) return hit;
      const config = fleet.stacks.get(stack);
      if (!config) return undefined;
      let engineCredentials: DepsOverrides['engineCredentials'];
      if (config.assumeRole) {
        assume ??= stsAssumeRole({
          ...(overrides.aws?.region ? { region: overrides.aws.region } : {}),
          ...(overrides.aws?.endpoint ? { endpoint: overrides.aws.endpoint } : {}),
          ...(overrides.aws?.credentials ? { credentials: overrides.aws.credentials } : {}),
        });
        engineCredentials = assumedRoleProvider(assume, {
          roleArn: config.assumeRole.roleArn,
          sessionName: sessionNameFor(stack),
          durationSeconds: SESSION_SECONDS,
          ...(config.assumeRole.externalId ? { externalId: config.assumeRole.externalId } : {}),
        });
      }
      const deps = createOperatorDeps(config, {
        ...overrides,
        shared,
        ...(engineCredentials ? { engineCredentials } : {}),
        log: base.log.child({ stack, mode: config.mode }),
      });
      built.set(stack, deps);
      return deps;
    },
  };
}

export function isSqsEvent(event: unknown): event is SQSEvent {
  if (typeof event !== 'object' || event === null) return false;
  const records = (event as { Records?: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every(
      (r: unknown) => typeof r === 'object' && r !== null && (r as { eventSource?: unknown }).eventSource === 'aws:sqs',
    )
  );
}

export interface RecordOutcome {
  messageId: string;
  stack?: string;
  attempt: number;
  /** The run's result; undefined when the record failed or was not run (an earlier one of its group failed). */
  result?: RunResult;
  error?: string;
  /** Milliseconds from the batch's start to this record's end. */
  doneAtMs: number;
}

export interface SqsBatchResult extends SQSBatchResponse {
  records: RecordOutcome[];
}

/**
 * One batch of the FIFO queue. Records of one message group (one stack) run one after another in queue order;
 * groups run in parallel. The first failure of a group fails it and every later record of that group
 * (batchItemFailures: SQS redelivers them, in order, after the visibility timeout; after maxReceiveCount they go
 * to the dead-letter queue), while the other groups' records are done and deleted. A record whose group names no
 * stack of the fleet fails too: it is a deployment error, and the dead-letter queue makes it visible.
 */
export async function handleSqsBatch(
  event: SQSEvent,
  fleet: Pick<FleetDeps, 'depsFor' | 'log'>,
  remainingMs?: () => number,
): Promise<SqsBatchResult> {
  const started = Date.now();
  const groups = new Map<string, SQSRecord[]>();
  for (const record of event.Records) {
    const group = record.attributes.MessageGroupId ?? '';
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const failures: SQSBatchItemFailure[] = [];
  const outcomes: RecordOutcome[] = [];
  await Promise.all(
    [...groups].map(async ([stack, records]) => {
      let failed = false;
      for (const record of records) {
        const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1') || 1;
        const base = { messageId: record.messageId, attempt, ...(stack ? { stack } : {}) };
        if (failed) {
          failures.push({ itemIdentifier: record.messageId });
          outcomes.push({
            ...base,
            error: 'not run: an earlier message of its stack failed',
            doneAtMs: Date.now() - started,
          });
          continue;
        }
        const deps = stack ? fleet.depsFor(stack) : undefined;
        if (!deps) {
          failed = true;
          failures.push({ itemIdentifier: record.messageId });
          const error = stack ? `no stack "${stack}" in this operator's fleet` : 'message without MessageGroupId';
          fleet.log.error('message for an unknown stack', { messageId: record.messageId, stack, error });
          outcomes.push({ ...base, error, doneAtMs: Date.now() - started });
          continue;
        }
        let body: unknown;
        try {
          body = JSON.parse(record.body);
        } catch {
          body = record.body; // classifyEvent ignores it as malformed: retrying garbage helps nobody
        }
        try {
          if (attempt > 1) deps.log.info('redelivered message', { messageId: record.messageId, attempt });
          const result = await handleEvent(body, remainingMs ? { ...deps, remainingMs } : deps);
          outcomes.push({ ...base, result: { ...result, view: result.view }, doneAtMs: Date.now() - started });
        } catch (err) {
          failed = true;
          failures.push({ itemIdentifier: record.messageId });
          const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
          await reportCrash(err, deps, typeof id === 'string' ? id : undefined);
          outcomes.push({
            ...base,
            error: deps.redactor.redact(err instanceof Error ? err.message : String(err)),
            doneAtMs: Date.now() - started,
          });
        }
      }
    }),
  );
  return { batchItemFailures: failures, records: outcomes };
}
