/**
 * `meshward destroy [PATH...]`: delete everything the stack owns, consumers before what they consume. It is a
 * prune of an empty desired set, on purpose: the empty-set and max-deletes guards (which exist to catch an empty
 * set by accident) give way to a typed confirmation; ownership and deletion protection never do. Resources without
 * the stack's ownership tags are left alone and listed.
 */
import { createInterface } from 'node:readline/promises';
import { isOwnedBy } from '../../core/ownership';
import type { ManifestDocument } from '../../core/types';
import type { ReconcileOutcome } from '../../engine/reconcile';
import { LOCK_HELP, LOCK_OPTIONS, parseLockTimeout, withCliLock } from '../lock-flags';
import { EXIT, UsageError, outputFormat, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';
import { appliedExitCode } from './apply';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  type PreparedRun,
  openFrom,
  prepare,
  printIssues,
  progressTo,
  renderReport,
  runReconcile,
} from './plan';

export const USAGE = `Usage: meshward destroy [PATH...] [--auto-approve] [--lock-timeout DURATION] [-o text|json|markdown]

Delete everything the stack owns, consumers before what they consume (ECS services before the virtual nodes and
gateways their Envoys run as, routes before their routers, everything before its mesh). PATH (default manifests/,
optional) only says where to look, beside what the state store remembers; nothing in it is created.

Guards: resources without this stack's ownership tags are never touched (they are listed as left in place);
resources tagged meshward.dev/deletion-protection=true are kept (exit 4: remove the annotation and apply first).

Options:
  --auto-approve       do not ask (required when stdin is not a terminal); on a terminal, type the stack name
${LOCK_HELP}
  -o, --output FORMAT  text (default), json or markdown

Exit codes: 0 destroyed or nothing to destroy, 1 error, a failed delete, a declined confirmation or the state
locked by another run (LOCKED), 4 something was kept by a guard.

${COMMON_HELP}`;

async function confirm(stack: string, io: CliIO): Promise<boolean> {
  const rl = createInterface({ input: io.stdin ?? process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Destroy every resource of stack "${stack}"? Type the stack name to confirm: `);
    return answer.trim() === stack;
  } finally {
    rl.close();
  }
}

/** The observed resources this run leaves because they are not the stack's, said once. */
function reportLeft(io: CliIO, outcome: ReconcileOutcome, stack: string): void {
  const left = outcome.actual.filter((a) => !isOwnedBy(a, stack)).map((a) => a.id);
  if (left.length === 0) return;
  writeLine(
    io.stderr,
    `Left in place, not owned by stack "${stack}" (${left.length}): ${left.join(', ')}. meshward deletes only what it created.`,
  );
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
        'auto-approve': { type: 'boolean' },
        ...LOCK_OPTIONS,
      },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const format = outputFormat(values.output, ['text', 'json', 'markdown'] as const, 'text');
    const lockTimeoutMs = parseLockTimeout(values['lock-timeout']);
    const interactive = (io.stdin ?? process.stdin).isTTY === true;
    if (!values['auto-approve'] && !interactive) {
      throw new UsageError('stdin is not a terminal: pass --auto-approve to destroy without a confirmation');
    }
    const stack = values.stack ?? 'default';
    const ready = await prepare(values, positionals, io);
    let scope: ManifestDocument[] = [];
    if (ready.run) {
      prepared = ready.run;
      scope = (ready.documents ?? []).map((d) => ('doc' in d ? d.doc : d));
    } else if (ready.unready === 'empty' || (ready.unready === 'unreadable' && positionals.length === 0)) {
      // No manifests (or no manifests/ at all): the state store alone says what the stack has.
      const session = await openFrom(values, io);
      prepared = { session, stack, paths: [], refresh: values.refresh ?? false };
    } else {
      // Invalid manifests could name the wrong scope: refuse rather than guess.
      printIssues(io, ready.issues, ready.unready);
      return EXIT.error;
    }
    const common = {
      prune: true,
      // On purpose: the guards against an accidental empty set give way; ownership and protection do not.
      force: true,
      scopeDocuments: scope,
      progress: progressTo(io),
    };
    const run = prepared;
    if (!values['auto-approve']) {
      const preview = await runReconcile(run, [], { ...common, mode: 'plan' });
      reportLeft(io, preview, stack);
      const deletes = preview.plan?.stages.reduce((n, s) => n + s.steps.length, 0) ?? 0;
      const code = preview.report.errors.length > 0 ? EXIT.error : deletes === 0 ? appliedExitCode(preview) : undefined;
      writeLine(
        io.stdout,
        renderReport(preview.report, 'text', io, (code ?? EXIT.ok) as ReconcileOutcome['report']['exitCode']),
      );
      if (code !== undefined) {
        if (deletes === 0) writeLine(io.stderr, `Nothing to destroy in stack "${stack}".`);
        return code;
      }
      if (!(await confirm(stack, io))) {
        writeLine(io.stderr, 'Destroy cancelled: nothing was changed.');
        return EXIT.error;
      }
    }
    const outcome = await withCliLock(run.session.store, 'meshward destroy', lockTimeoutMs, () =>
      runReconcile(run, [], { ...common, mode: 'apply' }),
    );
    const code = appliedExitCode(outcome);
    writeLine(io.stdout, renderReport(outcome.report, format, io, code as ReconcileOutcome['report']['exitCode']));
    if (values['auto-approve']) reportLeft(io, outcome, stack);
    return code;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  } finally {
    await prepared?.session.close();
  }
}
