/**
 * `meshward validate [PATH...] [-o text|json]`: every problem in the manifests, sorted by file:line:col, exit 0 when
 * valid and 1 when not. The JSON form is a stable contract for CI (see USAGE).
 */
import { manifestSchemes } from '../manifest-schemes';
import { formatIssue, hasErrors } from '../../manifest/issues';
import type { ValidationIssue } from '../../manifest/issues';
import { validateManifests } from '../../manifest/validate';
import type { ValidationResult } from '../../manifest/validate';
import { EXIT, outputFormat, parseCommandArgs, processIO, reportFailure, styleFor, writeLine } from '../output';
import type { CliIO, Style } from '../output';

export const summary = 'Check manifests against the schemas and the cross-resource rules';

export const USAGE = `Usage: meshward validate [PATH...] [-o text|json] [--local]

${summary}.
PATH is a file, a directory (searched recursively for *.yaml and *.yml) or s3://bucket/prefix;
it defaults to manifests/.

Options:
  -o, --output FORMAT  text (default) or json
  --local              read s3:// paths from the embedded emulator's S3 (what "publish --local" uploaded)
  -h, --help           show this help

Exit codes: 0 valid (warnings allowed), 1 invalid or unusable input.

JSON output (stable):
  {"valid": boolean, "documents": number,
   "issues": [{"file", "line", "column", "pointer", "message", "code", "severity"}]}
  line and column are 1-based (0 when a problem has no position, like a missing path);
  severity is "error" or "warning"; code is a stable identifier such as SCHEMA or DANGLING_REFERENCE.`;

const FORMATS = ['text', 'json'] as const;

/** The JSON document `-o json` prints; its keys only ever grow. */
export interface ValidateJson {
  valid: boolean;
  documents: number;
  issues: Array<Pick<ValidationIssue, 'file' | 'line' | 'column' | 'pointer' | 'message' | 'code' | 'severity'>>;
}

export function toJson(result: ValidationResult): ValidateJson {
  return {
    valid: result.valid,
    documents: result.documents.length,
    issues: result.issues.map(({ file, line, column, pointer, message, code, severity }) => ({
      file,
      line,
      column,
      pointer,
      message,
      code,
      severity,
    })),
  };
}

function styledIssue(issue: ValidationIssue, style: Style): string {
  const plain = formatIssue(issue);
  const location = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const rest = plain.slice(location.length);
  const paint = issue.severity === 'error' ? style.red : style.yellow;
  const pointerEnd = issue.pointer === '' ? 0 : issue.pointer.length + 1;
  return `${style.bold(location)}${style.cyan(rest.slice(0, pointerEnd))}${paint(rest.slice(pointerEnd))}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderText(result: ValidationResult, style: Style): string {
  const lines = result.issues.map((issue) => styledIssue(issue, style));
  const errors = result.issues.filter((i) => i.severity === 'error').length;
  const warnings = result.issues.length - errors;
  const files = new Set(result.documents.map((d) => d.file)).size;
  const checked = `${plural(result.documents.length, 'document')} in ${plural(files, 'file')}`;
  const extra = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  if (hasErrors(result.issues)) {
    const inFiles = new Set(result.issues.filter((i) => i.severity === 'error').map((i) => i.file)).size;
    lines.push(style.red(`✗ ${plural(errors, 'error')} in ${plural(inFiles, 'file')}${extra} (${checked} checked)`));
  } else {
    lines.push(style.green(`✓ ${checked} valid${extra}`));
  }
  return lines.join('\n');
}

/**
 * --local is the same setup as for plan: s3:// paths are the emulator's S3 under .meshward/local/. The emulator (and
 * the SDK) load only then, so validating folders stays fast and needs no AWS at all.
 */
async function validateIn(paths: string[], io: CliIO, local: boolean): Promise<ValidationResult> {
  if (!local || !paths.some((p) => p.startsWith('s3://'))) {
    return validateManifests(paths, { cwd: io.cwd, schemes: manifestSchemes() });
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { openSession } = require('../../engine/session') as typeof import('../../engine/session');
  const { localS3 } = require('./plan') as typeof import('./plan');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const session = await openSession({ cwd: io.cwd, local: true });
  try {
    return await validateManifests(paths, { cwd: io.cwd, schemes: manifestSchemes(localS3(session)) });
  } finally {
    await session.close();
  }
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        local: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const format = outputFormat(values.output, FORMATS, 'text');
    const result = await validateIn(positionals, io, values.local ?? false);
    if (format === 'json') writeLine(io.stdout, JSON.stringify(toJson(result), null, 2));
    else writeLine(io.stdout, renderText(result, styleFor(io.stdout, io.env)));
    return result.valid ? EXIT.ok : EXIT.error;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
