/**
 * Bytes -> YAML documents with a position for every JSON pointer. Treats every file as hostile: limits are checked
 * before the work they protect (size before decoding, nesting before parsing, alias expansion while converting), so
 * no input can crash, hang or exhaust memory; every problem becomes a ValidationIssue.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser } from 'yaml';
import type { CST, Document, Node as YamlNode, YAMLError } from 'yaml';
import type { LoadedDocument, ManifestDocument, SourcePosition } from '../core/types';
import { fileIssue, joinPointer } from './issues';
import type { IssueCode, ValidationIssue } from './issues';
import { DEFAULT_SOURCE_LIMITS } from './sources';
import type { ManifestFile } from './sources';
import { decodeUtf8 } from './utf8';
import { scanNesting } from './yaml-depth';

type Token = CST.Token;

export interface LoadLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Collections nested inside each other (the document's root mapping is 1). */
  maxDepth: number;
  /** yaml's alias expansion budget (anchor uses x nested aliases), the billion-laughs guard. */
  maxAliasCount: number;
  /** Values in one document after alias expansion. */
  maxValuesPerDocument: number;
  /** YAML errors reported per file; past it a broken file only adds noise. */
  maxYamlErrorsPerFile: number;
  /** Documents in one file, `---` separators with nothing after them included. */
  maxDocumentsPerFile: number;
  /** Documents across all files: tiny documents cost far more memory than their bytes. */
  maxTotalDocuments: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  // The same as the sources': they never hand over more than this, and the loader checks files given directly.
  maxFileBytes: DEFAULT_SOURCE_LIMITS.maxFileBytes,
  maxTotalBytes: DEFAULT_SOURCE_LIMITS.maxTotalBytes,
  maxDepth: 64,
  maxAliasCount: 100,
  maxValuesPerDocument: 200_000,
  maxYamlErrorsPerFile: 20,
  maxDocumentsPerFile: 10_000,
  maxTotalDocuments: 50_000,
};

export interface LoadResult {
  documents: LoadedDocument[];
  issues: ValidationIssue[];
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** Loads files in order, enforcing the total size across all of them. */
export function loadFiles(files: readonly ManifestFile[], limits: Partial<LoadLimits> = {}): LoadResult {
  const effective = { ...DEFAULT_LOAD_LIMITS, ...limits };
  const result: LoadResult = { documents: [], issues: [] };
  let total = 0;
  for (const file of files) {
    total += file.size ?? file.bytes.length;
    if (total > effective.maxTotalBytes) {
      result.issues.push(
        fileIssue(
          file.name,
          'TOTAL_TOO_LARGE',
          `manifests exceed the total limit of ${formatBytes(effective.maxTotalBytes)}; this and later files were not read`,
        ),
      );
      break;
    }
    const one = loadFile(file, effective);
    if (result.documents.length + one.documents.length > effective.maxTotalDocuments) {
      const message = `manifests hold more than ${effective.maxTotalDocuments} documents; this and later files were not used`;
      result.issues.push(fileIssue(file.name, 'TOTAL_TOO_LARGE', message));
      break;
    }
    result.documents.push(...one.documents);
    result.issues.push(...one.issues);
  }
  return result;
}

export function loadFile(file: ManifestFile, limits: Partial<LoadLimits> = {}): LoadResult {
  const effective = { ...DEFAULT_LOAD_LIMITS, ...limits };
  const size = file.size ?? file.bytes.length;
  if (size > effective.maxFileBytes || file.bytes.length > effective.maxFileBytes) {
    const message = `file is ${size} bytes, over the limit of ${effective.maxFileBytes} bytes (${formatBytes(effective.maxFileBytes)})`;
    return { documents: [], issues: [fileIssue(file.name, 'FILE_TOO_LARGE', message)] };
  }
  const decoded = decodeUtf8(file.bytes);
  if (typeof decoded !== 'string') {
    const hex = decoded.byte.toString(16).padStart(2, '0');
    const message = `file is not valid UTF-8 (invalid byte 0x${hex} at byte offset ${decoded.offset})`;
    return { documents: [], issues: [issue(file.name, decoded.line, decoded.column, '', 'INVALID_UTF8', message)] };
  }
  if (decoded.trim() === '') {
    return { documents: [], issues: [fileIssue(file.name, 'EMPTY_FILE', 'file is empty', { severity: 'warning' })] };
  }
  // The lexemes of the depth scan feed the parser too, so the text is lexed once.
  const lexemes: string[] = [];
  const tooDeep = scanNesting(decoded, effective.maxDepth, lexemes);
  if (tooDeep !== undefined) {
    const { line, column } = lineColumnAt(decoded, tooDeep);
    return {
      documents: [],
      issues: [issue(file.name, line, column, '', 'YAML_TOO_DEEP', nestingMessage(effective.maxDepth))],
    };
  }
  return parseText(file.name, decoded, lexemes, effective);
}

function nestingMessage(maxDepth: number): string {
  return `nesting is deeper than ${maxDepth} levels`;
}

function issue(
  file: string,
  line: number,
  column: number,
  pointer: string,
  code: IssueCode,
  message: string,
  severity: 'error' | 'warning' = 'error',
): ValidationIssue {
  return { file, line, column, pointer, message, code, severity };
}

function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function parseText(name: string, text: string, lexemes: readonly string[], limits: LoadLimits): LoadResult {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: name, line: Math.max(1, line), column: Math.max(1, col) };
  };
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const composer = new Composer({
    prettyErrors: false,
    strict: true,
    // yaml's uniqueKeys compares every key with every earlier one (minutes for a megabyte of keys); collectPositions
    // finds duplicates with a set instead.
    uniqueKeys: false,
    schema: 'core',
    // Merge keys (<<) are YAML 1.1; with them off `<<` is an ordinary (unknown) key.
    merge: false,
  });
  function* tokens(): Generator<Token> {
    for (const lexeme of lexemes) yield* parser.next(lexeme);
    yield* parser.end();
  }
  const docs: Document.Parsed[] = [];
  for (const doc of composer.compose(tokens())) {
    if (docs.length === limits.maxDocumentsPerFile) {
      const message = `file holds more than ${limits.maxDocumentsPerFile} documents`;
      return { documents: [], issues: [fileIssue(name, 'YAML_TOO_LARGE', message)] };
    }
    docs.push(doc);
  }
  const result: LoadResult = { documents: [], issues: [] };
  const yamlIssues: ValidationIssue[] = [];
  if (docs.length === 0) {
    // An empty stream (only comments or directives) still carries stream-level errors.
    const stream = composer.streamInfo();
    for (const error of [...stream.errors, ...stream.warnings]) yamlIssues.push(yamlErrorIssue(error, text, at));
  }

  docs.forEach((doc, index) => {
    const before = yamlIssues.length;
    for (const error of doc.errors) yamlIssues.push(yamlErrorIssue(error, text, at));
    for (const warning of doc.warnings) yamlIssues.push(yamlErrorIssue(warning, text, at));
    if (yamlIssues.slice(before).some((i) => i.severity === 'error')) return;
    const loaded = toLoadedDocument(doc, index, name, at, limits, text);
    if ('issues' in loaded) yamlIssues.push(...loaded.issues);
    else result.documents.push(loaded.document);
  });

  if (yamlIssues.length > limits.maxYamlErrorsPerFile) {
    const shown = yamlIssues.slice(0, limits.maxYamlErrorsPerFile);
    const last = shown[shown.length - 1] as ValidationIssue;
    shown.push({
      ...last,
      code: 'YAML_SYNTAX',
      message: `and ${yamlIssues.length - shown.length} more YAML errors in this file`,
    });
    result.issues.unshift(...shown);
  } else {
    result.issues.unshift(...yamlIssues);
  }
  if (result.documents.length === 0 && result.issues.length === 0) {
    result.issues.push(fileIssue(name, 'EMPTY_FILE', 'file holds no documents', { severity: 'warning' }));
  }
  return result;
}

function yamlErrorIssue(error: YAMLError, text: string, at: (offset: number) => SourcePosition): ValidationIssue {
  const [start, end] = error.pos;
  const position = at(start);
  const firstLine = error.message.split('\n')[0] ?? error.message;
  const make = (code: IssueCode, message: string, severity: 'error' | 'warning' = 'error'): ValidationIssue =>
    issue(position.file, position.line, position.column, '', code, message, severity);
  switch (error.code) {
    case 'TAG_RESOLVE_FAILED': {
      const tag = /tag: (\S+)/.exec(firstLine)?.[1] ?? truncate(text.slice(start, end));
      return make('YAML_CUSTOM_TAG', `custom tag ${tag} is not allowed; manifests use plain YAML values`);
    }
    case 'RESOURCE_EXHAUSTION':
      return make('YAML_TOO_DEEP', 'YAML is nested too deeply to parse');
    default:
      return make('YAML_SYNTAX', `invalid YAML: ${firstLine}`, error.name === 'YAMLWarning' ? 'warning' : 'error');
  }
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

type Converted = { document: LoadedDocument } | { issues: ValidationIssue[] };

function toLoadedDocument(
  doc: Document.Parsed,
  index: number,
  name: string,
  at: (offset: number) => SourcePosition,
  limits: LoadLimits,
  text: string,
): Converted {
  const contents = doc.contents;
  // `---` with nothing (or only comments) after it: a separator, not a document.
  if (contents === null || (isScalar(contents) && contents.value === null && contents.tag === undefined)) {
    return { issues: [] };
  }
  const rootPosition = at(contents.range[0]);
  const positions = new Map<string, SourcePosition>();
  const walk = collectPositions(contents, at, positions, limits.maxDepth);
  if (walk.tooDeepAt !== undefined) {
    const p = at(walk.tooDeepAt);
    return { issues: [issue(name, p.line, p.column, '', 'YAML_TOO_DEEP', nestingMessage(limits.maxDepth))] };
  }
  if (walk.badTag !== undefined) {
    // Node ranges start at the value; the tag the user typed sits just before it on the same line.
    let bang = text.lastIndexOf('!', walk.badTag.offset);
    while (bang > 0 && text[bang - 1] === '!') bang--;
    const lineStart = text.lastIndexOf('\n', walk.badTag.offset);
    const p = at(bang > lineStart ? bang : walk.badTag.offset);
    const message = `custom tag ${walk.badTag.tag} is not allowed; manifests use plain YAML values`;
    return { issues: [issue(name, p.line, p.column, '', 'YAML_CUSTOM_TAG', message)] };
  }
  if (walk.badKeys.length > 0) {
    return {
      issues: walk.badKeys.map(({ offset, code, message }) => {
        const p = at(offset);
        return issue(name, p.line, p.column, '', code, message);
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    const p = walk.firstAliasAt !== undefined ? at(walk.firstAliasAt) : rootPosition;
    const text = error instanceof Error ? error.message : String(error);
    if (/resource exhaustion|alias resolution is disabled/i.test(text)) {
      const message = `aliases expand beyond the limit (${limits.maxAliasCount}); anchors and aliases cannot be used to multiply content`;
      return { issues: [issue(name, p.line, p.column, '', 'YAML_ALIAS_LIMIT', message)] };
    }
    return { issues: [issue(name, p.line, p.column, '', 'YAML_SYNTAX', `invalid YAML: ${text}`)] };
  }
  if (walk.firstAliasAt !== undefined) {
    const budget = measure(value, limits.maxValuesPerDocument, limits.maxDepth);
    if (budget !== 'ok') {
      const p = at(walk.firstAliasAt);
      const message =
        budget === 'deep'
          ? `aliases nest values deeper than ${limits.maxDepth} levels`
          : `aliases expand this document beyond ${limits.maxValuesPerDocument} values`;
      return { issues: [issue(name, p.line, p.column, '', 'YAML_ALIAS_LIMIT', message)] };
    }
    // Aliases make toJS share objects between places; later stages may transform parts independently.
    value = unshare(value);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
    return {
      issues: [
        issue(
          name,
          rootPosition.line,
          rootPosition.column,
          '',
          'NOT_A_MAPPING',
          `document is ${what}; expected a mapping with apiVersion, kind, metadata and spec`,
        ),
      ],
    };
  }
  positions.set('', rootPosition);
  return {
    document: {
      doc: value as ManifestDocument,
      file: name,
      index,
      position: rootPosition,
      pointerPositions: positions,
    },
  };
}

interface WalkResult {
  tooDeepAt?: number;
  /**
   * Keys a mapping holds twice (compared as the JSON member names they become), and keys that are not scalars
   * (yaml would stringify them, warning on stderr), in document order.
   */
  badKeys: Array<{ offset: number; code: 'YAML_DUPLICATE_KEY' | 'YAML_COMPLEX_KEY'; message: string }>;
  firstAliasAt?: number;
  /** An explicit tag beyond JSON's types (yaml still knows !!binary, !!set, !!timestamp...). */
  badTag?: { offset: number; tag: string };
}

const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';
const JSON_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => YAML_TAG_PREFIX + t));

function checkTag(node: YamlNode, result: WalkResult): void {
  const tag = node.tag;
  if (tag === undefined || JSON_TAGS.has(tag) || result.badTag !== undefined) return;
  const shown = tag.startsWith(YAML_TAG_PREFIX) ? `!!${tag.slice(YAML_TAG_PREFIX.length)}` : tag;
  result.badTag = { offset: node.range?.[0] ?? 0, tag: shown };
}

/**
 * Records where each pointer starts (a mapping member at its key, so errors point at the key the user typed).
 * Aliases are not followed: their insides share the alias's own position through positionOf's fallback.
 */
function collectPositions(
  root: YamlNode,
  at: (offset: number) => SourcePosition,
  positions: Map<string, SourcePosition>,
  maxDepth: number,
): WalkResult {
  const result: WalkResult = { badKeys: [] };
  const stack: Array<{ node: YamlNode; pointer: string; depth: number }> = [{ node: root, pointer: '', depth: 1 }];
  while (stack.length > 0) {
    const { node, pointer, depth } = stack.pop() as { node: YamlNode; pointer: string; depth: number };
    checkTag(node, result);
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      if (result.firstAliasAt === undefined || offset < result.firstAliasAt) result.firstAliasAt = offset;
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > maxDepth) {
      result.tooDeepAt = node.range?.[0] ?? 0;
      return result;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) checkTag(key, result);
        if (isMap(key) || isSeq(key) || isAlias(key)) {
          const what = isMap(key) ? 'a mapping' : isSeq(key) ? 'a list' : 'an alias';
          const message = `a mapping key must be a string, not ${what}`;
          result.badKeys.push({ offset: key.range?.[0] ?? 0, code: 'YAML_COMPLEX_KEY', message });
          continue;
        }
        if (!isScalar(key) || key.range === undefined || key.range === null) continue;
        const member = memberName(key.value);
        if (seen.has(member)) {
          const message = `duplicate key ${JSON.stringify(truncate(member))}`;
          result.badKeys.push({ offset: key.range[0], code: 'YAML_DUPLICATE_KEY', message });
          continue;
        }
        seen.add(member);
        const child = joinPointer(pointer, member);
        positions.set(child, at(key.range[0]));
        if (pair.value && typeof pair.value === 'object' && 'range' in pair.value) {
          stack.push({ node: pair.value as YamlNode, pointer: child, depth: depth + 1 });
        }
      }
    } else {
      node.items.forEach((item, i) => {
        if (!item || typeof item !== 'object' || !('range' in item)) return;
        const child = joinPointer(pointer, i);
        const node = item as YamlNode;
        if (node.range) positions.set(child, at(node.range[0]));
        stack.push({ node, pointer: child, depth: depth + 1 });
      });
    }
  }
  return result;
}

/** The member name a scalar key becomes in the JSON value (yaml's toJS turns a null key into ""). */
function memberName(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Counts values as expanded (shared objects once per use), iteratively so depth costs no stack. */
function measure(value: unknown, maxValues: number, maxDepth: number): 'ok' | 'large' | 'deep' {
  let count = 0;
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (++count > maxValues) return 'large';
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) return 'deep';
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) stack.push({ v: child, depth: depth + 1 });
  }
  return 'ok';
}

/** A deep copy in which no two places share an object; depth is already bounded by `measure`. */
function unshare(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(unshare);
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // defineProperty, because assigning a "__proto__" key would set the prototype instead of a member.
    Object.defineProperty(copy, key, { value: unshare(child), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
