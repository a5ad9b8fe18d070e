/**
 * The Lambda handler. Thin on purpose: configuration and clients are built once per container (a bad
 * configuration fails the first invocation with every problem listed), and each event goes to the operator.
 *
 * Two deployments: one stack per function (EventBridge invokes it directly, MESHWARD_STACK), or a fleet
 * (MESHWARD_FLEET): an SQS FIFO queue whose message group is the stack, batches answered with batchItemFailures.
 */
import type { SQSEvent } from 'aws-lambda';
import { ENV, loadConfig, loadFleetConfig } from '../src/operator/config';
import { createOperatorDeps } from '../src/operator/deps';
import { createFleetDeps, handleSqsBatch, isSqsEvent, type FleetDeps } from '../src/operator/fleet';
import { handleEvent, reportCrash, type OperatorDeps, type RunResult } from '../src/operator/run';
import { collectGarbage } from './collect-garbage';

let deps: OperatorDeps | undefined;
let fleet: FleetDeps | undefined;

function init(): OperatorDeps {
  deps ??= createOperatorDeps(loadConfig(process.env));
  return deps;
}

function initFleet(): FleetDeps {
  fleet ??= process.env[ENV.fleet]?.trim()
    ? createFleetDeps(loadFleetConfig(process.env))
    : (() => {
        // One stack behind a queue: its messages are its own whatever their group.
        const single = init();
        return { stacks: [single.config.stack], depsFor: () => single, log: single.log };
      })();
  return fleet;
}

/** The part of Lambda's context the operator uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
}

/** What Lambda's SQS event source mapping reads back (ReportBatchItemFailures). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export async function handler(event: unknown, context?: LambdaContextLike): Promise<RunResult | BatchResponse> {
  try {
    return await handle(event, context);
  } finally {
    // Before the container is frozen: this run's garbage is not carried into the next (collect-garbage.ts).
    collectGarbage();
  }
}

async function handle(event: unknown, context?: LambdaContextLike): Promise<RunResult | BatchResponse> {
  const remaining = context?.getRemainingTimeInMillis?.bind(context);
  if (isSqsEvent(event)) {
    const out = await handleSqsBatch(event as SQSEvent, initFleet(), remaining);
    return { batchItemFailures: out.batchItemFailures };
  }
  const d = init();
  try {
    // Per invocation: near the timeout the run stops starting writes, saves and reports "partial".
    const result = await handleEvent(event, remaining ? { ...d, remainingMs: remaining } : d);
    // The result is small (no report body): Lambda logs it for async invocations' destinations.
    return { ...result, view: undefined, slack: undefined };
  } catch (err) {
    const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
    await reportCrash(err, d, typeof id === 'string' ? id : undefined);
    // Lambda logs what a handler throws: rethrow a redacted copy, never the original message.
    const safe = new Error(d.redactor.redact(err instanceof Error ? err.message : String(err)));
    safe.name = err instanceof Error ? err.name : 'Error';
    throw safe;
  }
}
