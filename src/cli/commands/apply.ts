/**
 * `meshward apply [PATH...] [--prune] [--max-deletes N] [--force] [--auto-approve] [--wait]`: make AWS match the
 * manifests. Shows the plan, asks (unless --auto-approve), applies stage by stage with progress, and reports per
 * resource what happened. Exit 0 applied (or nothing to do), 1 failed, 4 refused by a guard.
 */
import { type ProgressDisplay, createProgressDisplay } from '../progress-display';
import { createInterface } from 'node:readline/promises';
import { LOCK_HELP, LOCK_OPTIONS, parseLockTimeout, withCliLock } from '../lock-flags';
import { EXIT, UsageError, outputFormat, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';
import { type PlanFile, planMoved, readPlanFile } from '../plan-file';
import { resolve } from 'node:path';
import type { ReconcileOutcome } from '../../engine/reconcile';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  type PreparedRun,
  type ReportFormat,
  parseCount,
  prepare,
  reportUnready,
  renderReport,
  runReconcile,
} from './plan';

export const USAGE = `Usage: meshward apply [PATH...] [--prune] [--max-deletes N] [--force] [--auto-approve] [--wait] [--lock-timeout DURATION]
                      [-o text|json|markdown]
       meshward apply FILE [--wait] [--lock-timeout DURATION] [-o text|json|markdown]

Make AWS match the manifests: creates and updates in dependency order, deletes (with --prune) in reverse.
PATH defaults to manifests/. The account infrastructure the manifests assume is checked first (as plan does).

FILE, a plan saved by "meshward plan -out FILE", applies exactly what was reviewed, without asking again: the same
manifests and options, refused as a whole (exit 4, naming what moved) if AWS or the manifests changed since.

Options:
  --prune              delete managed resources that left the manifests
  --max-deletes N      refuse to delete more than N resources (default 5)
  --force              override the max-deletes guard (never ownership, deletion protection or an empty set)
  --auto-approve       do not ask before applying (required when stdin is not a terminal)
  --wait               wait for ECS deployments to finish, with progress
${LOCK_HELP}
  -o, --output FORMAT  text (default), json or markdown

One writer per stack: apply holds the state's lock (a lock file beside a file state, lock.json beside an S3
state) from reading the state to saving it; plan and drift take none.

Exit codes: 0 applied or nothing to do, 1 error, a failed resource, a declined confirmation or the state
locked by another run (LOCKED), 4 refused by a safety guard.

${COMMON_HELP}`;

/** " · exit N" at the end of the summary line, before any closing color codes. */
// eslint-disable-next-line no-control-regex
const STATED_EXIT = / · exit \d+(?=(?:\u001b\[[0-9;]*m)*$)/m;

async function confirm(): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Apply these changes? Only "yes" is accepted: ');
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  let prepared: PreparedRun | undefined;
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...COMMON_OPTIONS,
        output: { type: 'string', short: 'o' },
        prune: { type: 'boolean' },
        'max-deletes': { type: 'string' },
        force: { type: 'boolean' },
        'auto-approve': { type: 'boolean' },
        wait: { type: 'boolean' },
        ...LOCK_OPTIONS,
      },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const format = outputFormat(values.output, ['text', 'json', 'markdown'] as const, 'text');
    const lockTimeoutMs = parseLockTimeout(values['lock-timeout']);
    const planFile =
      positionals.length === 1 && positionals[0] ? readPlanFile(resolve(io.cwd, positionals[0])) : undefined;
    if (planFile && positionals[0]) {
      const fixed = (['prune', 'max-deletes', 'force', 'stack', 'state', 'local'] as const).filter(
        (f) => values[f] !== undefined,
      );
      if (fixed.length > 0) {
        throw new UsageError(
          `${positionals[0]} is a saved plan: it fixes ${fixed.map((f) => `--${f}`).join(', ')} (plan again to change them)`,
        );
      }
      return await applyPlanFile(planFile, positionals[0], { wait: values.wait ?? false, format, lockTimeoutMs }, io);
    }
    const maxDeletes = parseCount(values['max-deletes'], '--max-deletes');
    const interactive = process.stdin.isTTY === true;
    if (!values['auto-approve'] && !interactive) {
      throw new UsageError('stdin is not a terminal: pass --auto-approve to apply without a confirmation');
    }
    const ready = await prepare(values, positionals, io);
    if (!ready.run) return reportUnready(io, ready, values.prune ?? false);
    prepared = ready.run;
    const display = progressDisplayFor(io);
    const common = {
      prune: values.prune ?? false,
      ...(maxDeletes !== undefined ? { maxDeletes } : {}),
      force: values.force ?? false,
      preflight: true,
      progress: display.message,
      progressItem: display.item,
    };
    if (!values['auto-approve']) {
      const preview = await runReconcile(prepared, ready.documents, { ...common, mode: 'plan' });
      const previewCode =
        preview.report.errors.length > 0 ? EXIT.error : preview.plan?.refused ? EXIT.refused : undefined;
      const nothingToDo = (preview.plan?.stages.length ?? 0) === 0;
      // Nothing to write is not "in sync" when conflicts hold everything back: the preview says refused then.
      const code =
        previewCode ?? (nothingToDo ? (preview.report.exitCode === EXIT.refused ? EXIT.refused : EXIT.ok) : undefined);
      const shown = renderReport(preview.report, 'text', io, code ?? EXIT.ok);
      // Before the prompt the exit code is not known yet (it depends on the answer): the preview states none then.
      writeLine(io.stdout, code !== undefined ? shown : shown.replace(STATED_EXIT, ''));
      if (code !== undefined) return code;
      if (!(await confirm())) {
        // As terraform: declining is not success, so a script that pipes "no" does not carry on as if applied.
        writeLine(io.stderr, 'Apply cancelled: nothing was changed.');
        return EXIT.error;
      }
    }
    const run = prepared;
    const outcome = await withCliLock(run.session.store, 'meshward apply', lockTimeoutMs, () =>
      runReconcile(run, ready.documents, { ...common, mode: 'apply', wait: values.wait ?? false }),
    );
    return printApplied(outcome, format, io);
  } catch (error) {
    return reportFailure(io, error, USAGE);
  } finally {
    await prepared?.session.close();
  }
}

/**
 * Progress on stderr (stdout stays the report, clean for pipes): `--wait`'s one line per service is redrawn in
 * place when stderr is a terminal, appended line by line otherwise (CI logs).
 */
function progressDisplayFor(io: CliIO): ProgressDisplay {
  return createProgressDisplay(io.stderr);
}

/** The exit code of an apply (or destroy) run: a failure, a guard, or success. */
export function appliedExitCode(outcome: ReconcileOutcome): number {
  const report = outcome.report;
  // Held back by the ownership guard (a conflict, or built on one): a refusal, as the report's own exit code says.
  const refusedByOwner = (r: (typeof outcome.results)[number]): boolean => r.error?.code === 'CONFLICT';
  const broken = outcome.results.some((r) => (r.outcome === 'failed' || r.outcome === 'blocked') && !refusedByOwner(r));
  return report.errors.length > 0 || broken
    ? EXIT.error
    : report.guards.length > 0 || outcome.results.some(refusedByOwner)
      ? EXIT.refused
      : EXIT.ok;
}

function printApplied(outcome: ReconcileOutcome, format: ReportFormat, io: CliIO): number {
  const code = appliedExitCode(outcome);
  // The report states the code this process exits with (not the plan's status), so text, JSON and $? agree.
  writeLine(io.stdout, renderReport(outcome.report, format, io, code as ReconcileOutcome['report']['exitCode']));
  return code;
}

/** `apply FILE`: the saved plan's manifests and options, refused by the plan-moved guard when anything moved. */
async function applyPlanFile(
  file: PlanFile,
  fileName: string,
  flags: { wait: boolean; format: ReportFormat; lockTimeoutMs: number },
  io: CliIO,
): Promise<number> {
  const values = { stack: file.stack, state: file.state, local: file.local };
  const ready = await prepare(values, file.paths, io);
  if (!ready.run) return reportUnready(io, ready, file.options.prune);
  // Every describe fresh (tags included, which do not move App Mesh versions): the comparison must see everything.
  const run = { ...ready.run, refresh: true };
  const display = progressDisplayFor(io);
  try {
    const outcome = await withCliLock(run.session.store, 'meshward apply', flags.lockTimeoutMs, () =>
      runReconcile(run, ready.documents, {
        mode: 'apply',
        prune: file.options.prune,
        ...(file.options.maxDeletes !== undefined ? { maxDeletes: file.options.maxDeletes } : {}),
        force: file.options.force,
        preflight: true,
        wait: flags.wait,
        progress: display.message,
        progressItem: display.item,
        // Compared on the observation this apply acts on, so nothing can move between the check and the writes.
        checkPlan: (now) => planMoved(file, fileName, now),
      }),
    );
    return printApplied(outcome, flags.format, io);
  } finally {
    await run.session.close();
  }
}
