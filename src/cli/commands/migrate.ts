/**
 * `meshward migrate [PATH...] --to service-connect|vpc-lattice -o DIR [--set KEY=VALUE]... [--fail-on STATUSES]`:
 * App Mesh manifests -> successor manifests, MIGRATION.md and migration.json, offline. Invalid input writes nothing.
 */
import * as path from 'node:path';
import { manifestSchemes } from '../manifest-schemes';
import {
  failingEntries,
  MIGRATION_TARGETS,
  PARALLEL_MODES,
  renderSummary,
  runMigration,
  STATUSES,
} from '../../migrate';
import type { MigrationStatus, MigrationTarget, ParallelMode } from '../../migrate';
import { writeRendered } from '../../migrate/write';
import { EXIT, parseCommandArgs, processIO, reportFailure, styleFor, UsageError, writeLine } from '../output';
import type { CliIO } from '../output';
import { renderText } from './validate';

export const summary = 'Turn App Mesh manifests into Service Connect or VPC Lattice manifests, with a report';

export const USAGE = `Usage: meshward migrate [PATH...] --to service-connect|vpc-lattice -o DIR [options]

${summary}.
Reads App Mesh and EcsService manifests (validated first: invalid input writes nothing), and writes the successor
manifests, MIGRATION.md (for people) and migration.json (for machines) into DIR. Offline: no AWS call.

Options:
  --to TARGET          service-connect or vpc-lattice (required)
  -o, --out DIR        output directory (required)
  --set KEY=VALUE      a value meshward cannot derive (a VPC id, an IAM role); repeatable; the report lists the keys
  --parallel MODE      how successors run beside the App Mesh services: new-names (default; "<name>-sc" or
                       "<name>-lattice" in the same cluster) or new-cluster (same names, cluster "<cluster>-sc")
  --fail-on STATUSES   comma separated statuses (carried, approx, builtin, dropped, needs-input): exit 4 when the
                       report has any
  --stack NAME         the stack the App Mesh manifests live in (for the destroy step in MIGRATION.md)
  -h, --help           show this help

Exit codes: 0 written; 1 invalid input or usage (nothing written); 4 written, but --fail-on statuses occurred.`;

function parseSets(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set takes KEY=VALUE, got "${v}"`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function parseStatuses(value: string | undefined): MigrationStatus[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!(STATUSES as readonly string[]).includes(s)) {
        throw new UsageError(`unknown status "${s}" in --fail-on; use ${STATUSES.join(', ')}`);
      }
      return s as MigrationStatus;
    });
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`unknown ${flag} "${value}"; use ${allowed.join(' or ')}`);
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        to: { type: 'string' },
        out: { type: 'string', short: 'o' },
        set: { type: 'string', multiple: true },
        parallel: { type: 'string' },
        'fail-on': { type: 'string' },
        stack: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const target = oneOf<MigrationTarget>(values.to, MIGRATION_TARGETS, '--to');
    if (target === undefined) throw new UsageError('--to is required (service-connect or vpc-lattice)');
    if (values.out === undefined || values.out === '') throw new UsageError('-o DIR is required');
    const parallel = oneOf<ParallelMode>(values.parallel, PARALLEL_MODES, '--parallel') ?? 'new-names';
    const failOn = parseStatuses(values['fail-on']);
    const inputs = parseSets(values.set ?? []);
    const outcome = await runMigration(positionals, {
      target,
      parallel,
      inputs,
      outDir: values.out,
      stack: values.stack,
      validate: { cwd: io.cwd, schemes: manifestSchemes() },
    });
    const style = styleFor(io.stdout, io.env);
    if (!outcome.valid) {
      writeLine(io.stderr, renderText(outcome.validation, styleFor(io.stderr, io.env)));
      writeLine(io.stderr, 'nothing written: fix the manifests first');
      return EXIT.error;
    }
    await writeRendered(path.resolve(io.cwd, values.out), outcome.files);
    const manifests = outcome.result.documents.length;
    writeLine(io.stdout, renderSummary(outcome.result.report, manifests));
    for (const key of outcome.unusedInputs) {
      writeLine(io.stderr, style.yellow(`warning: --set ${key} is not an input of this migration`));
    }
    writeLine(io.stdout, `wrote ${outcome.files.length} files to ${values.out} (see MIGRATION.md)`);
    const failing = failingEntries(outcome.result, failOn);
    if (failing > 0) {
      writeLine(io.stderr, style.red(`${failing} entries with status ${failOn.join(' or ')} (--fail-on)`));
      return EXIT.refused;
    }
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
