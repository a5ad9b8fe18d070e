/**
 * What every meshward command shares on the terminal: exit codes (DESIGN.md "CLI contract"), color only where a
 * person is looking, argument parsing errors that read as usage errors, and the streams, injectable for tests.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { MeshwardError } from '../core/errors';
import { printable } from '../core/format-value';
import { suggest } from '../manifest/suggest';

/** The exit codes of the CLI contract; scripts and CI branch on these. */
export const EXIT = {
  /** Success; for plan --detailed-exitcode and drift: in sync. */
  ok: 0,
  /** An error, or invalid input (manifests, flags, events). */
  error: 1,
  /** Pending changes only (the manifests changed since the last apply). */
  pending: 2,
  /** Drift: AWS changed outside meshward, with or without pending changes. */
  drift: 3,
  /** A safety guard refused the plan. */
  refused: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Exit code for a failure: derived from the error's stable code, never from its message. */
export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof MeshwardError && error.code === 'GUARD_REFUSED' ? EXIT.refused : EXIT.error;
}

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Where confirmations are read (default process.stdin); tests give a stream that says it is a terminal. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Color on a terminal only; NO_COLOR (any value, https://no-color.org) wins, FORCE_COLOR forces it on. */
export function colorEnabled(stream: OutputStream, env: CliIO['env']): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

function sgr(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const PLAIN: Style = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
  cyan: (t) => t,
};

const COLORED: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
  cyan: sgr(36, 39),
};

export function styleFor(stream: OutputStream, env: CliIO['env']): Style {
  return colorEnabled(stream, env) ? COLORED : PLAIN;
}

export function writeLine(stream: OutputStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** A wrong flag or argument: reported on one line with a pointer to the command's help, exit code 1. */
export class UsageError extends MeshwardError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

type ParsedArgs<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** The `--name` / `-n` spellings a parseArgs config accepts, for "did you mean". */
export function optionSpellings(options: ParseArgsConfig['options']): string[] {
  const out: string[] = [];
  for (const [name, option] of Object.entries(options ?? {})) {
    out.push(`--${name}`);
    if (option.short !== undefined) out.push(`-${option.short}`);
  }
  return out;
}

/**
 * node's parseArgs with its TypeErrors turned into usage errors a person can act on: an unknown flag names the
 * closest one the command has.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ParsedArgs<T> {
  try {
    return parseArgs(config);
  } catch (error) {
    // Some runtimes (jest's vm) put "TypeError [ERR_...]: " in front of the message: only the sentence is kept.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^\w*Error \[[A-Z_]+\]: /, '');
    const code = (error as { code?: unknown }).code;
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
      const flag = unknown.split('=')[0] ?? unknown;
      const long = optionSpellings(config.options).filter((o) => o.startsWith('--'));
      const hint = flag.startsWith('--') ? suggest(flag, long) : undefined;
      throw new UsageError(`unknown option "${flag}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}`);
    }
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** Checks a `-o` value against the formats a command supports. */
export function outputFormat<F extends string>(value: string | undefined, allowed: readonly F[], fallback: F): F {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as F;
  throw new UsageError(`unknown output format "${value}"; use one of ${allowed.join(', ')}`);
}

/** "Usage: meshward plan [PATH...]" -> "meshward plan". */
function commandOf(usage: string): string | undefined {
  return /^Usage: (meshward(?: [a-z][a-z-]*)?)/.exec(usage)?.[1];
}

/**
 * The one place a command's failure is printed, so every command reports errors alike. A usage error is one line
 * and names the help to read, rather than repeating the whole help above the prompt.
 */
export function reportFailure(io: CliIO, error: unknown, usage?: string): ExitCode {
  const style = styleFor(io.stderr, io.env);
  const message = error instanceof Error ? error.message : String(error);
  const command = usage !== undefined ? commandOf(usage) : undefined;
  const help = error instanceof UsageError && command !== undefined ? ` (see "${command} --help")` : '';
  writeLine(io.stderr, `${style.red('error:')} ${printable(message)}${help}`);
  if (!(error instanceof MeshwardError) && error instanceof Error && io.env['MESHWARD_DEBUG'] && error.stack) {
    writeLine(io.stderr, style.dim(error.stack));
  }
  return exitCodeFor(error);
}
