/**
 * The EventBridge handler. Thin on purpose: configuration and clients are built once per container (a bad
 * configuration fails the first invocation with every problem listed), and each event goes to the operator.
 */
import { loadConfig } from '../src/operator/config';
import { createOperatorDeps } from '../src/operator/deps';
import { handleEvent, reportCrash, type OperatorDeps, type RunResult } from '../src/operator/run';

let deps: OperatorDeps | undefined;

function init(): OperatorDeps {
  deps ??= createOperatorDeps(loadConfig(process.env));
  return deps;
}

/** The part of Lambda's context the operator uses. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
}

export async function handler(event: unknown, context?: LambdaContextLike): Promise<RunResult> {
  const d = init();
  try {
    // Per invocation: near the timeout the run stops starting writes, saves and reports "partial".
    const remaining = context?.getRemainingTimeInMillis?.bind(context);
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
