/**
 * Field rules applied to a document: which rule patterns a spec actually has values for, and the report entries
 * they give. Generic: the patterns and outcomes come from each kind's migrate.ts.
 */
import type { LoadedDocument } from '../core/types';
import { sourceIdOf } from '../kinds/source-id';
import type { FieldRule, MigrationRun, Outcome, ReportEntry, RuleMatch } from './model';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Pattern tokens: `/listeners/*\/healthCheck` -> ['listeners', '*', 'healthCheck']. */
export function patternTokens(pattern: string): string[] {
  return pattern === '' ? [] : pattern.slice(1).split('/');
}

/** Every concrete place a pattern has a value in `root` (a missing member is no match; `*` walks list items). */
export function matchPattern(root: unknown, pattern: string): { pointer: string; value: unknown; indexes: number[] }[] {
  const out: { pointer: string; value: unknown; indexes: number[] }[] = [];
  const walk = (node: unknown, tokens: string[], pointer: string, indexes: number[]): void => {
    const [token, ...rest] = tokens;
    if (token === undefined) {
      if (node !== undefined) out.push({ pointer, value: node, indexes });
      return;
    }
    if (token === '*') {
      if (!Array.isArray(node)) return;
      node.forEach((item: unknown, i) => walk(item, rest, `${pointer}/${i}`, [...indexes, i]));
      return;
    }
    if (!isRecord(node) || !Object.hasOwn(node, token)) return;
    walk(node[token], rest, `${pointer}/${escapeToken(token)}`, indexes);
  };
  walk(root, patternTokens(pattern), '', []);
  return out;
}

/** Does `pattern` cover the model path `path` (same tokens, `*` for items, pattern a prefix)? */
export function covers(pattern: string, path: string): boolean {
  const p = patternTokens(pattern);
  const q = patternTokens(path);
  return p.length <= q.length && p.every((token, i) => token === q[i]);
}

export function resolveOutcome(rule: FieldRule, match: RuleMatch): Outcome {
  const outcome = rule[match.run.target];
  return typeof outcome === 'function' ? outcome(match) : outcome;
}

/** file:line of a pointer in a loaded document (the nearest ancestor that has a position). */
export function locate(source: LoadedDocument, pointer: string): string {
  let p = pointer;
  for (;;) {
    const position = source.pointerPositions.get(p);
    if (position) return `${position.file}:${position.line}`;
    if (p === '') return `${source.position.file}:${source.position.line}`;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

export function sourceId(source: LoadedDocument): string {
  return sourceIdOf(source.doc);
}

/** One entry per rule value present in the document's spec. */
export function classify(source: LoadedDocument, rules: readonly FieldRule[], run: MigrationRun): ReportEntry[] {
  const entries: ReportEntry[] = [];
  for (const rule of rules) {
    for (const found of matchPattern(source.doc.spec, rule.path)) {
      const outcome = resolveOutcome(rule, { ...found, source, run });
      const pointer = `/spec${found.pointer}`;
      entries.push({
        source: `${sourceId(source)}:${pointer}`,
        target: outcome.target ?? '',
        status: outcome.status,
        detail: outcome.detail,
        location: locate(source, pointer),
      });
    }
  }
  return entries;
}
