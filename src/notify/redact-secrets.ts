/**
 * Slack credentials must never reach a log line, an error message or a report. Known secret values are replaced
 * wherever they appear, and anything shaped like a webhook URL or a Slack token is masked even when it was not
 * registered (a URL echoed back inside a library's error, for instance).
 */
const PATTERNS: readonly RegExp[] = [
  /https?:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>)]+/gi,
  /\bxox[abposre]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
];

export const REDACTED = '[redacted]';

export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret value (and its URL-encoded form) so every later `redact` masks it. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 8) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  }

  /** An error safe to log or throw further: redacted message, no cause chain (causes carry request URLs). */
  redactError(err: unknown): Error {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const safe = new Error(this.redact(message));
    safe.name = 'SlackError';
    return safe;
  }
}
