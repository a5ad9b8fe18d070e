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
import { manifestSchemes } from '../manifest-schemes';
import { validateManifests } from '../../manifest/validate';
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

export const COMMON_HELP = `Common options:
  --stack NAME     ownership scope (default "default")
  --state URI      state store: a file (default .meshward/state.json) or s3://bucket/key
  --local          use the embedded emulator, data under .meshward/local/
  --refresh        describe everything again instead of trusting cached versions (also re-reads App Mesh tags,
                   whose changes do not move a resource's version; cached reads expire after an hour anyway)
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

/**
 * Validates first (invalid manifests never open AWS clients), then opens the session; in --local mode it also
 * creates the clusters and namespaces the manifests assume.
 */
export async function prepare(
  values: CommonValues,
  positionals: string[],
  io: CliIO,
): Promise<{ run?: PreparedRun; issues: ValidationIssue[]; valid: boolean; documents: ReconcileOptions['documents'] }> {
  const paths = positionals.length > 0 ? positionals : ['manifests/'];
  const validation = await validateManifests(paths, { cwd: io.cwd, schemes: manifestSchemes() });
  if (!validation.valid) return { issues: validation.issues, valid: false, documents: [] };
  const session = await openSession({
    cwd: io.cwd,
    ...(values.local ? { local: true } : {}),
    ...(values.state !== undefined ? { stateUri: values.state } : {}),
  });
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
}

export function printIssues(io: CliIO, issues: readonly ValidationIssue[]): void {
  for (const issue of issues) writeLine(io.stderr, formatIssue(issue));
  writeLine(io.stderr, `manifests are invalid: nothing was planned or applied (run "meshward validate" for details)`);
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

export function renderReport(report: Report, format: ReportFormat, io: CliIO): string {
  if (format === 'json') return renderJson(report);
  if (format === 'markdown') return renderMarkdown(report);
  return withDirectionNote(report, renderText(report, { color: colorEnabled(io.stdout, io.env) }));
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

export const USAGE = `Usage: meshward plan [PATH...] [-o text|json|markdown] [--detailed-exitcode] [--prune] [--max-deletes N]

Show what "meshward apply" would change in AWS, field by field (value in AWS now -> value after apply). Reads AWS,
writes nothing there. PATH defaults to manifests/.

Options:
  -o, --output FORMAT    text (default), json or markdown (a pull-request comment)
  --detailed-exitcode    exit 0 in sync, 2 pending changes only, 3 drift, 4 refused by a safety guard, 1 error
  --prune                include deletes of managed resources that left the manifests
  --max-deletes N        refuse a plan that deletes more than N resources (default 5)
  --force                override the empty-set and max-deletes guards

${COMMON_HELP}`;

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
    if (!ready.run) {
      printIssues(io, ready.issues);
      return EXIT.error;
    }
    prepared = ready.run;
    const outcome = await runReconcile(prepared, ready.documents, {
      mode: 'plan',
      prune: values.prune ?? false,
      ...(maxDeletes !== undefined ? { maxDeletes } : {}),
      force: values.force ?? false,
      progress: io.stderr.isTTY ? progressTo(io) : () => undefined,
    });
    writeLine(io.stdout, renderReport(outcome.report, format, io));
    if (outcome.report.errors.length > 0) return EXIT.error;
    return values['detailed-exitcode'] ? outcome.report.exitCode : EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  } finally {
    await prepared?.session.close();
  }
}
