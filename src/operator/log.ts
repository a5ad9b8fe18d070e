/**
 * Structured JSON logs, one object a line (CloudWatch Logs Insights reads the fields). Every line passes the
 * redactor, so a Slack secret that found its way into an error message still never reaches the log.
 */
import { redactDeep } from '../core/fingerprint';
import type { SecretRedactor } from '../notify/redact-secrets';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds these fields to every line. */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  base?: Record<string, unknown>;
  redactor?: SecretRedactor;
  write?: (line: string) => void;
  now?: () => Date;
  minLevel?: LogLevel;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

function errorFields(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return value;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const min = RANK[options.minLevel ?? 'info'];
  const base = options.base ?? {};
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void => {
    if (RANK[level] < min) return;
    const entry: Record<string, unknown> = { level, time: now().toISOString(), msg, ...base };
    for (const [key, value] of Object.entries(fields)) entry[key] = errorFields(value);
    let line = JSON.stringify(redactDeep(entry));
    if (options.redactor) line = options.redactor.redact(line);
    write(line);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}
