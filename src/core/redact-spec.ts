/**
 * Secret values in specs: what a report may never show. The rule (docs/troubleshooting.md, "Redacted values"):
 *
 * - everything under a member named `secrets` (ECS container `secrets[]`: names and `valueFrom`), at any depth;
 * - the `value` of an `environment[]` entry whose `name` looks secret: it contains, ignoring case, one of
 *   SECRET_NAME_WORDS (`DB_PASSWORD`, `api-key`, `GithubToken`, `AWS_SECRET_ACCESS_KEY`, `PRIVATE_PEM`...).
 *
 * Over-matching (`MONKEY_COUNT`) costs a reviewer one hidden value; under-matching leaks a credential into Slack,
 * a pull-request comment and a CI artefact, so the words are broad. The rest of a report still passes through
 * fingerprint.ts's redact(), which masks values that look like credentials wherever they are (Slack webhook URLs
 * and tokens, passwords inside URLs).
 */
import { isPlainObject, ownValue, setOwn } from './canonical';
import { REDACTED } from './fingerprint';
import type { FieldChange } from './model';
import { joinPointer, parsePointer } from './pointer';

export const SECRET_NAME_WORDS = [
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'PWD',
  'SECRET',
  'TOKEN',
  'KEY',
  'CREDENTIAL',
  'PRIVATE',
  'AUTH',
  'CERT',
  'SIGNATURE',
  'SESSION',
  'COOKIE',
  'SALT',
  'DSN',
] as const;

/** An environment variable name that likely holds a credential. */
export function isSecretLookingName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_NAME_WORDS.some((word) => upper.includes(word));
}

/**
 * JSON pointers (under `base`) of every value in `spec` that a report must not show: `.../secrets` subtrees and
 * the values of secret-looking environment variables.
 */
export function sensitivePointers(spec: unknown, base = ''): string[] {
  const out: string[] = [];
  collect(spec, base, out);
  return out;
}

function collect(value: unknown, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, joinPointer(path, i), out));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const member = ownValue(value, key);
    const at = joinPointer(path, key);
    if (key === 'secrets') {
      out.push(at);
      continue;
    }
    if (key === 'environment' && Array.isArray(member)) {
      member.forEach((entry, i) => {
        if (isPlainObject(entry) && typeof entry.name === 'string' && isSecretLookingName(entry.name)) {
          out.push(joinPointer(joinPointer(at, i), 'value'));
        }
      });
      continue;
    }
    collect(member, at, out);
  }
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((segment, i) => of[i] === segment);
}

/** `value` (found at `path`) with every sensitive pointer inside it, or itself, replaced by REDACTED. */
function redactValue(value: unknown, path: string, sensitive: readonly string[][]): unknown {
  if (value === undefined) return undefined;
  const at = parsePointer(path);
  // Under `secrets` by its path alone, whatever either spec says.
  if (at.includes('secrets') || sensitive.some((s) => isPrefix(s, at))) return REDACTED;
  const inside = sensitive.filter((s) => isPrefix(at, s)).map((s) => s.slice(at.length));
  if (inside.length === 0) return value;
  const copy = structuredClone(value);
  let root: unknown = copy;
  for (const rel of inside) root = replaceAt(root, rel);
  return root;
}

function replaceAt(root: unknown, rel: readonly string[]): unknown {
  if (rel.length === 0) return REDACTED;
  let node: unknown = root;
  for (let i = 0; i < rel.length - 1; i++) {
    const key = rel[i] as string;
    node = Array.isArray(node) ? node[Number(key)] : isPlainObject(node) ? ownValue(node, key) : undefined;
    if (node === undefined || node === null || typeof node !== 'object') return root;
  }
  const last = rel[rel.length - 1] as string;
  if (Array.isArray(node)) {
    if (Number(last) < node.length) node[Number(last)] = REDACTED;
  } else if (isPlainObject(node) && Object.hasOwn(node, last)) setOwn(node, last, REDACTED);
  return root;
}

/**
 * The changes with secret values replaced by REDACTED: `before` judged against the actual spec (AWS's names),
 * `after` against the desired one. Paths are resource-level (`/spec/...`), as the diff writes them. A change
 * stays listed, so a reviewer still sees that a secret changed, never to what.
 */
export function redactChanges(
  changes: readonly FieldChange[],
  actualSpec: unknown,
  desiredSpec: unknown,
): FieldChange[] {
  const before = sensitivePointers(actualSpec, '/spec').map(parsePointer);
  const after = sensitivePointers(desiredSpec, '/spec').map(parsePointer);
  if (before.length === 0 && after.length === 0 && !changes.some((c) => c.path.split('/').includes('secrets'))) {
    return changes.map((c) => ({ ...c }));
  }
  return changes.map((c) => ({
    path: c.path,
    before: redactValue(c.before, c.path, before),
    after: redactValue(c.after, c.path, after),
  }));
}
