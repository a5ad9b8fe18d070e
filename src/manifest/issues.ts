/**
 * The one shape every manifest problem takes, from unreadable bytes to a dangling reference, so the CLI, the
 * engine and CI artefacts report them the same way.
 */
import { printable } from '../core/format-value';
import { joinPointer as joinOne } from '../core/pointer';
import type { LoadedDocument, SourcePosition } from '../core/types';

export type IssueSeverity = 'error' | 'warning';

/** Stable codes: tools and tests match on these, never on the message text. */
export type IssueCode =
  // sources
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_UNSUPPORTED'
  | 'SOURCE_READ_FAILED'
  | 'NO_DOCUMENTS'
  | 'EMPTY_FILE'
  // bytes and YAML
  | 'FILE_TOO_LARGE'
  | 'TOTAL_TOO_LARGE'
  | 'TOO_MANY_FILES'
  | 'INVALID_UTF8'
  | 'YAML_SYNTAX'
  | 'YAML_DUPLICATE_KEY'
  | 'YAML_COMPLEX_KEY'
  | 'YAML_CUSTOM_TAG'
  | 'YAML_ALIAS_LIMIT'
  | 'YAML_TOO_DEEP'
  | 'YAML_TOO_LARGE'
  | 'NOT_A_MAPPING'
  // schema
  | 'SCHEMA'
  | 'SCHEMA_UNAVAILABLE'
  // semantic
  | 'DUPLICATE_RESOURCE'
  | 'UNDECLARED_MESH'
  | 'DANGLING_REFERENCE'
  | 'PORT_MISMATCH'
  | 'PROTOCOL_MISMATCH'
  | 'WEIGHTS'
  | 'APP_PORTS_MISMATCH'
  | 'CLOUD_MAP_MISMATCH'
  | 'SERVICE_REGISTRIES'
  | 'OUTLIER_DETECTION_WITHOUT_CLOUD_MAP'
  // a bug in meshward, reported as an issue so that callers (the Lambda) still get a result
  | 'INTERNAL_ERROR'
  // a kind's own rules (Kind.check), in the same SCREAMING_CASE
  | KindIssueCode;

/** Codes kinds add through their semantic checks. */
export type KindIssueCode = `${Uppercase<string>}`;

export interface ValidationIssue {
  /** Path relative to the working directory (posix separators), or the source as given (`s3://...`). */
  file: string;
  /** 1-based; 0 when the problem has no position (a missing path). */
  line: number;
  column: number;
  /** JSON pointer inside the document ('' for the document itself or the whole file). */
  pointer: string;
  /** One line a person understands, without the location. */
  message: string;
  code: IssueCode;
  severity: IssueSeverity;
}

export function issueAt(
  position: SourcePosition,
  pointer: string,
  code: IssueCode,
  message: string,
  severity: IssueSeverity = 'error',
): ValidationIssue {
  return { file: position.file, line: position.line, column: position.column, pointer, message, code, severity };
}

/** Issue for a whole file or path; files get 1:1 so editors can still jump to them. */
export function fileIssue(
  file: string,
  code: IssueCode,
  message: string,
  opts: { positioned?: boolean; severity?: IssueSeverity } = {},
): ValidationIssue {
  const at = opts.positioned === false ? 0 : 1;
  return { file, line: at, column: at, pointer: '', message, code, severity: opts.severity ?? 'error' };
}

/**
 * Position of a pointer in a loaded document; a pointer with no node of its own (a missing member, a path inside
 * an alias) falls back to its nearest ancestor that has one.
 */
export function positionOf(loaded: LoadedDocument, pointer: string): SourcePosition {
  let current = pointer;
  for (;;) {
    const found = loaded.pointerPositions.get(current);
    if (found) return found;
    if (current === '') return loaded.position;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

/** core/pointer's joinPointer, for any number of tokens. */
export function joinPointer(base: string, ...tokens: Array<string | number>): string {
  return tokens.reduce<string>((pointer, token) => joinOne(pointer, token), base);
}

export function formatPosition(position: SourcePosition): string {
  return `${position.file}:${position.line}:${position.column}`;
}

/** `manifests/orders.yaml:14:9 /spec/listeners/0/healthCheck/intervalMillis must be >= 5000` */
export function formatIssue(issue: ValidationIssue): string {
  const location = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const where = issue.pointer === '' ? '' : ` ${issue.pointer}`;
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  // Names, keys and file names come from the manifests; a control character in one must not reach a terminal raw.
  return printable(`${location}${where} ${prefix}${issue.message}`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted by file, line, column, then pointer and message, so output is stable across runs and machines. */
export function sortIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareText(a.pointer, b.pointer) ||
      compareText(a.message, b.message),
  );
}

/** Drops exact repeats (same place, same message), which overlapping schema branches tend to produce. */
export function dedupeIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = [issue.file, issue.line, issue.column, issue.pointer, issue.message].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
