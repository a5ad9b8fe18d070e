/**
 * `meshward plan [PATH...] [-o text|json|markdown] [--detailed-exitcode]`: what apply would change, field by field.
 * Also home of what plan, apply and drift share: the common flags and opening a session from them.
 */
import type { ValidationIssue } from '../../manifest/issues';
import { formatIssue } from '../../manifest/issues';
import { type Report, renderJson, renderMarkdown, renderText } from '../../core/report';
import { DIRECTION_LEGEND } from '../../core/format-value';
import { type ReconcileOptions, type ReconcileOutcome, reconcile } from '../../engine/reconcile';
import { type Session, openSession, seedLocalInfrastructure } from '../../engine/session';
import { type S3Settings, manifestSchemes } from '../manifest-schemes';
import { LOCAL_CREDENTIALS } from '../../aws/clients';
import { validateManifests } from '../../manifest/validate';
import { buildPlanFile, writePlanFile } from '../plan-file';
import {
  EXIT,
  UsageError,
  colorEnabled,
  outputFormat,
  parseCommandArgs,
  processIO,
  reportFailure,
  writeLine,
} from '../output';
import type { CliIO } from '../output';
import { resolve } from 'node:path';

export const COMMON_HELP = `Common options:
  --stack NAME     ownership scope (default "default")
  --state URI      state store: a file (default .meshward/state.json) or s3://bucket/key
  --local          use the embedded emulator, data under .meshward/local/
  --refresh        describe everything again instead of trusting cached versions (ownership tags are read on
                   every run either way, from one Tagging API query)
  -h, --help       show this help`;

export const COMMON_OPTIONS = {
  stack: { type: 'string' },
  state: { type: 'string' },
  local: { type: 'boolean' },
  refresh: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CommonValues {
  stack?: string | undefined;
  state?: string | undefined;
  local?: boolean | undefined;
  refresh?: boolean | undefined;
}

/** Progress goes to stderr so that stdout stays a clean report (json, markdown) for pipes. */
export function progressTo(io: CliIO): (message: string) => void {
  return (message) => writeLine(io.stderr, `  ${message}`);
}

export function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`${flag} takes a whole number, got "${value}"`);
  return Number(value);
}

export interface PreparedRun {
  session: Session;
  stack: string;
  paths: string[];
  refresh: boolean;
}

/** Why a run could not start: the manifests are invalid, could not be read, or there are none. */
export type Unready = 'invalid' | 'unreadable' | 'empty';

export interface Prepared {
  run?: PreparedRun;
  issues: ValidationIssue[];
  valid: boolean;
  documents: ReconcileOptions['documents'];
  /** Set when `run` is not. */
  unready?: Unready;
}

/** Issue codes of a source that could not be read (as opposed to manifests that were read and are wrong). */
const READ_FAILURES: ReadonlySet<string> = new Set(['SOURCE_NOT_FOUND', 'SOURCE_READ_FAILED']);

export function unreadyReason(issues: readonly ValidationIssue[]): Unready {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0 && errors.every((i) => i.code === 'NO_DOCUMENTS')) return 'empty';
  if (errors.some((i) => READ_FAILURES.has(i.code))) return 'unreadable';
  return 'invalid';
}

export function openFrom(values: CommonValues, io: CliIO): Promise<Session> {
  return openSession({
    cwd: io.cwd,
    ...(values.local ? { local: true } : {}),
    ...(values.state !== undefined ? { stateUri: values.state } : {}),
  });
}

/**
 * Validates first (invalid manifests never open AWS clients), then opens the session; in --local mode it also
 * creates the clusters and namespaces the manifests assume. With --local, s3:// manifests are the emulator's (what
 * `meshward publish --local` uploaded), so there the emulator starts before validation.
 */
export async function prepare(values: CommonValues, positionals: string[], io: CliIO): Promise<Prepared> {
  const paths = positionals.length > 0 ? positionals : ['manifests/'];
  let session: Session | undefined;
  try {
    if (values.local && paths.some((p) => p.startsWith('s3://'))) session = await openFrom(values, io);
    const validation = await validateManifests(paths, {
      cwd: io.cwd,
      schemes: manifestSchemes(session?.endpoint !== undefined ? localS3(session) : undefined),
    });
    if (!validation.valid) {
      await session?.close();
      session = undefined;
      return { issues: validation.issues, valid: false, documents: [], unready: unreadyReason(validation.issues) };
    }
    session ??= await openFrom(values, io);
    if (values.local)
      await seedLocalInfrastructure(
        session.clients,
        validation.documents.map((d) => d.doc),
      );
    return {
      run: { session, stack: values.stack ?? 'default', paths, refresh: values.refresh ?? false },
      issues: validation.issues,
      valid: true,
      documents: validation.documents,
    };
  } catch (error) {
    await session?.close();
    throw error;
  }
}

/** The S3 settings of the embedded emulator a --local session runs. */
export function localS3(session: Session): S3Settings {
  return { endpoint: session.endpoint, region: session.clients.region, credentials: LOCAL_CREDENTIALS };
}

export function printIssues(io: CliIO, issues: readonly ValidationIssue[], unready: Unready = 'invalid'): void {
  for (const issue of issues) writeLine(io.stderr, formatIssue(issue));
  const what =
    unready === 'unreadable'
      ? 'manifests could not be read'
      : unready === 'empty'
        ? 'no manifests found'
        : 'manifests are invalid';
  writeLine(io.stderr, `${what}: nothing was planned or applied (run "meshward validate" for details)`);
}

/**
 * The exit code and message when `prepare` returned no run. An empty set with --prune means "delete everything the
 * stack owns": the empty-set guard refuses it (exit 4) and names the command that does that on purpose.
 */
export function reportUnready(io: CliIO, ready: Prepared, prune: boolean): number {
  if (ready.unready === 'empty' && prune) {
    for (const issue of ready.issues) writeLine(io.stderr, formatIssue(issue));
    writeLine(
      io.stderr,
      'refused by the empty-set guard: with --prune an empty manifest set would delete everything the stack owns. ' +
        'Nothing was changed. To delete a stack on purpose, run "meshward destroy".',
    );
    return EXIT.refused;
  }
  printIssues(io, ready.issues, ready.unready);
  return EXIT.error;
}

export type ReportFormat = 'text' | 'json' | 'markdown';

/**
 * FieldChange.before is AWS's value and after the manifests'. For drift that is the reverse of the edit that caused
 * it ("30s -> 10s, changed by X" when X set 30s), so text output states the direction once.
 */
export const FIELD_DIRECTION_NOTE = DIRECTION_LEGEND;

/** The text report, followed by FIELD_DIRECTION_NOTE when it shows any "before -> after" field. */
export function withDirectionNote(report: Report, text: string): string {
  const a = report.summary.byAction;
  return a.update + a.replace > 0 ? `${text.trimEnd()}\n${FIELD_DIRECTION_NOTE}\n` : text;
}

/**
 * The report as the user reads it. `exitCode` is the code this process exits with, when it differs from the
 * report's status (plain plan, apply): JSON and text then state that code, never the status's. Markdown keeps the
 * status as its headline ("pending changes") and states the real code beside it.
 */
export function renderReport(report: Report, format: ReportFormat, io: CliIO, exitCode?: Report['exitCode']): string {
  const stated = exitCode === undefined ? report : { ...report, exitCode };
  if (format === 'json') return renderJson(stated);
  if (format === 'markdown') {
    const markdown = renderMarkdown(report);
    return exitCode === undefined ? markdown : markdown.replace(`(exit ${report.exitCode})`, `(exit ${exitCode})`);
  }
  return withDirectionNote(stated, renderText(stated, { color: colorEnabled(io.stdout, io.env) }));
}

export async function runReconcile(
  prepared: PreparedRun,
  documents: ReconcileOptions['documents'],
  options: Omit<ReconcileOptions, 'stack' | 'store' | 'clients' | 'documents'>,
): Promise<ReconcileOutcome> {
  return reconcile({
    ...options,
    stack: prepared.stack,
    ...(prepared.refresh ? { cacheMaxAgeMillis: 0 } : {}),
    store: prepared.session.store,
    clients: prepared.session.clients,
    ...(documents ? { documents } : {}),
  });
}

/**
 * Plain plan: 0 when it could plan (changes or not, as terraform), 1 error, 4 refused by a guard (a refused plan is
 * not one apply would carry out). --detailed-exitcode adds 2 pending and 3 drift.
 */
export function planExitCode(report: Report, detailed: boolean): Report['exitCode'] {
  if (detailed || report.exitCode === EXIT.error || report.exitCode === EXIT.refused) return report.exitCode;
  return EXIT.ok;
}

export const USAGE = `Usage: meshward plan [PATH...] [-o text|json|markdown] [--detailed-exitcode] [--prune] [--max-deletes N] [--force]
                     [--out FILE]

Show what "meshward apply" would change in AWS, field by field (value in AWS now -> value after apply). Reads AWS,
writes nothing there. PATH defaults to manifests/. Before planning it checks that what the manifests assume and
meshward does not create exists (ECS clusters, Cloud Map namespaces they do not declare, the ELB target groups and
IAM roles they name by ARN; roles where readable): exit 1 if not.

Options:
  -o, --output FORMAT    text (default), json or markdown (a pull-request comment)
  --detailed-exitcode    exit 0 in sync, 2 pending changes only, 3 drift (plain plan exits 0 whatever it shows)
  --prune                include deletes of managed resources that left the manifests
  --max-deletes N        refuse a plan that deletes more than N resources (default 5)
  --force                override the max-deletes guard (an empty set with --prune stays refused: use destroy)
  --out FILE             save the plan (also -out): "meshward apply FILE" applies exactly it, or refuses (exit 4)
                         if AWS or the manifests moved since

Exit codes: 0 planned, 1 error or invalid manifests, 4 refused by a safety guard; 2 and 3 with --detailed-exitcode.

${COMMON_HELP}`;

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  let prepared: PreparedRun | undefined;
  try {
    const { values, positionals } = parseCommandArgs({
      // terraform spells it -out: accepted as an alias.
      args: argv.map((a) => (a === '-out' ? '--out' : a.startsWith('-out=') ? `--out=${a.slice(5)}` : a)),
      allowPositionals: true,
      strict: true,
      options: {
        ...COMMON_OPTIONS,
        output: { type: 'string', short: 'o' },
        out: { type: 'string' },
        'detailed-exitcode': { type: 'boolean' },
        prune: { type: 'boolean' },
        'max-deletes': { type: 'string' },
        force: { type: 'boolean' },
      },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const format = outputFormat(values.output, ['text', 'json', 'markdown'] as const, 'text');
    const maxDeletes = parseCount(values['max-deletes'], '--max-deletes');
    const ready = await prepare(values, positionals, io);
    if (!ready.run) return reportUnready(io, ready, values.prune ?? false);
    // A saved plan records what AWS holds: described fresh, not from the cache (tag edits keep versions).
    prepared = values.out !== undefined ? { ...ready.run, refresh: true } : ready.run;
    const options = {
      prune: values.prune ?? false,
      ...(maxDeletes !== undefined ? { maxDeletes } : {}),
      force: values.force ?? false,
    };
    const outcome = await runReconcile(prepared, ready.documents, {
      mode: 'plan',
      ...options,
      preflight: true,
      progress: io.stderr.isTTY ? progressTo(io) : () => undefined,
    });
    const code = planExitCode(outcome.report, values['detailed-exitcode'] ?? false);
    // The report states the code this process exits with, so text, JSON and $? never disagree.
    writeLine(io.stdout, renderReport(outcome.report, format, io, code));
    if (values.out !== undefined) {
      if (!outcome.plan || outcome.plan.refused || outcome.report.errors.length > 0) {
        writeLine(io.stderr, `The plan was not saved to ${values.out}: there is nothing apply could carry out.`);
      } else {
        writePlanFile(
          resolve(io.cwd, values.out),
          buildPlanFile({
            stack: prepared.stack,
            createdAt: new Date().toISOString(),
            paths: prepared.paths,
            cwd: io.cwd,
            state: values.state,
            local: values.local ?? false,
            options,
            desired: outcome.desired,
            actual: outcome.actual,
            plan: outcome.plan,
          }),
        );
        writeLine(io.stderr, `Saved the plan to ${values.out}. To apply exactly it: meshward apply ${values.out}`);
      }
    }
    return code;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  } finally {
    await prepared?.session.close();
  }
}
