/**
 * Lattice matches the model's patterns against the whole value: the API reference and CloudFormation spell them
 * `^(?!svc-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+$`, so a service named `svc-a` is refused even though the
 * unanchored botocore pattern finds a match inside it. The core's validation (validate-input.ts, shared by every
 * service) tests patterns unanchored; this second pass, for Lattice only, reports what anchoring adds.
 */
import { getShape, loadModel, type ServiceModel } from '../model';
import { compilePattern } from '../validate-input';
import type { ValidationIssueLike } from '../contracts';

const anchoredCache = new Map<string, RegExp | null>();

function anchored(pattern: string): RegExp | null {
  if (anchoredCache.has(pattern)) return anchoredCache.get(pattern) ?? null;
  // Only patterns JS can compile at all (compilePattern); those it skips stay skipped.
  const re = compilePattern(pattern) ? new RegExp(`^(?:${pattern})$`, 'u') : null;
  anchoredCache.set(pattern, re);
  return re;
}

const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

function walk(model: ServiceModel, shapeName: string, value: unknown, path: string, out: ValidationIssueLike[]): void {
  const shape = getShape(model, shapeName);
  if (value === undefined || value === null) return;
  switch (shape.type) {
    case 'structure':
      if (typeof value !== 'object' || Array.isArray(value)) return;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        walk(model, ref.shape, (value as Record<string, unknown>)[name], join(path, name), out);
      }
      return;
    case 'list':
      if (!Array.isArray(value) || !shape.member) return;
      value.forEach((item, i) => walk(model, shape.member?.shape ?? '', item, `${path}.${i + 1}.member`, out));
      return;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return;
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (shape.key) walk(model, shape.key.shape, key, `${path}.${key}.key`, out);
        if (shape.value) walk(model, shape.value.shape, item, `${path}.${key}.value`, out);
      }
      return;
    case 'string': {
      if (typeof value !== 'string' || !shape.pattern) return;
      const re = anchored(shape.pattern);
      if (re && !re.test(value)) {
        out.push({
          path,
          value,
          constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`,
          kind: 'constraint',
        });
      }
      return;
    }
    default:
      return;
  }
}

export function anchoredPatternIssues(operation: string, input: Record<string, unknown>): ValidationIssueLike[] {
  const model = loadModel('vpc-lattice-2022-11-30.json');
  const op = model.operations[operation];
  if (!op?.input) return [];
  const out: ValidationIssueLike[] = [];
  walk(model, op.input.shape, input, '', out);
  return out;
}
