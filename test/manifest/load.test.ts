import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatIssue, positionOf } from '../../src/manifest/issues';
import { loadFile, loadFiles } from '../../src/manifest/load';
import { firstInvalidUtf8 } from '../../src/manifest/utf8';
import { scanNesting } from '../../src/manifest/yaml-depth';
import type { ManifestFile } from '../../src/manifest/sources';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const file = (text: string, name = 'm.yaml'): ManifestFile => ({ name, bytes: enc(text) });
const MiB = 1024 * 1024;

describe('positions', () => {
  const text = [
    '# comment',
    'apiVersion: meshward.dev/v1alpha1',
    'kind: VirtualNode',
    'metadata:',
    '  name: a',
    'spec:',
    '  listeners:',
    '    - portMapping: {port: 8080, protocol: http}',
    '---',
    'kind: Mesh',
  ].join('\n');

  it('maps every pointer to the line and column of its key (or list item)', () => {
    const { documents, issues } = loadFile(file(text));
    expect(issues).toEqual([]);
    const [first, second] = documents;
    const at = (p: string): string => {
      const pos = positionOf(first!, p);
      return `${pos.line}:${pos.column}`;
    };
    expect(at('')).toBe('2:1');
    expect(at('/metadata/name')).toBe('5:3');
    expect(at('/spec/listeners/0')).toBe('8:7');
    expect(at('/spec/listeners/0/portMapping')).toBe('8:7');
    expect(at('/spec/listeners/0/portMapping/protocol')).toBe('8:33');
    // A missing member falls back to its nearest ancestor.
    expect(at('/spec/listeners/0/healthCheck/intervalMillis')).toBe('8:7');
    expect(first!.index).toBe(0);
    expect(second!.index).toBe(1);
    expect(second!.position).toEqual({ file: 'm.yaml', line: 10, column: 1 });
  });

  it('escapes ~ and / in keys as JSON pointers do', () => {
    const { documents } = loadFile(file('metadata:\n  annotations:\n    meshward.dev/external: "true"\n'));
    expect(documents[0]!.pointerPositions.get('/metadata/annotations/meshward.dev~1external')).toEqual({
      file: 'm.yaml',
      line: 3,
      column: 5,
    });
  });
});

describe('hostile input never crashes or hangs', () => {
  const only = (text: string | Uint8Array, limits = {}) => {
    const bytes = typeof text === 'string' ? enc(text) : text;
    return loadFile({ name: 'h.yaml', bytes }, limits).issues.map((i) => `${formatIssue(i)} [${i.code}]`);
  };

  it('rejects a file over the size limit before decoding it, using the size the source reports', () => {
    const big = 'a: "' + 'x'.repeat(MiB) + '"\n';
    expect(only(big)).toEqual([
      `h.yaml:1:1 file is ${enc(big).length} bytes, over the limit of 1048576 bytes (1.0 MiB) [FILE_TOO_LARGE]`,
    ]);
    // Sources hand over no bytes for an oversized file, only its size.
    expect(loadFile({ name: 'x.yaml', bytes: new Uint8Array(0), size: 5 * MiB }).issues[0]?.code).toBe(
      'FILE_TOO_LARGE',
    );
    expect(only('a: 1234567890\n', { maxFileBytes: 8 })[0]).toContain('[FILE_TOO_LARGE]');
  });

  it('enforces the total size across files and stops reading', () => {
    const files = [file('a: 1\n', 'a.yaml'), file('b: 22\n', 'b.yaml'), file('c: 3\n', 'c.yaml')];
    const result = loadFiles(files, { maxTotalBytes: 8 });
    expect(result.issues.map(formatIssue)).toEqual([
      'b.yaml:1:1 manifests exceed the total limit of 8 bytes; this and later files were not read',
    ]);
    expect(result.documents).toHaveLength(1);
  });

  it.each([
    ['flow sequences', '['.repeat(MiB - 1)],
    ['flow mappings', '{a: '.repeat(MiB / 4 - 1)],
    ['compact block sequences', '- '.repeat(MiB / 2 - 1)],
    ['explicit keys', '? '.repeat(MiB / 2 - 1)],
  ])('rejects a megabyte of nested %s quickly', (_name, text) => {
    const started = Date.now();
    const issues = only(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/nesting is deeper than 64 levels \[YAML_TOO_DEEP\]$/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('accepts nesting up to the limit and rejects one level more', () => {
    const nested = (levels: number): string =>
      Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(only(nested(64))).toEqual([]);
    expect(only(nested(65))).toEqual(['h.yaml:65:129 nesting is deeper than 64 levels [YAML_TOO_DEEP]']);
    expect(only(nested(10), { maxDepth: 5 })).toEqual(['h.yaml:6:11 nesting is deeper than 5 levels [YAML_TOO_DEEP]']);
  });

  it('stops billion laughs at the alias budget and allows modest anchors', () => {
    const ok = loadFile(file('base: &b {x: 1}\nuse: *b\n'));
    expect(ok.issues).toEqual([]);
    const doc = ok.documents[0]!.doc as unknown as { base: object; use: object };
    expect(doc.use).toEqual({ x: 1 });
    // Aliased values are copies, so later stages can change one place without changing another.
    expect(doc.use).not.toBe(doc.base);
    expect(only('a: &a [1]\nb: *a\n', { maxAliasCount: 0 })[0]).toContain('[YAML_ALIAS_LIMIT]');
    expect(only('a: !!str 1\nb: !!int "2"\nc: !!set {x}\n')).toEqual([
      'h.yaml:3:4 custom tag !!set is not allowed; manifests use plain YAML values [YAML_CUSTOM_TAG]',
    ]);
  });

  it('reports unresolved aliases and every custom or unsupported tag', () => {
    expect(only('a: *nope\n')).toEqual([
      'h.yaml:1:4 invalid YAML: Unresolved alias (the anchor must be set before the alias): nope [YAML_SYNTAX]',
    ]);
    expect(only('a: !!binary aGk=\n')).toEqual([
      'h.yaml:1:4 custom tag !!binary is not allowed; manifests use plain YAML values [YAML_CUSTOM_TAG]',
    ]);
    expect(only('a: 1\nb: !ref x\n')).toEqual([
      'h.yaml:2:4 custom tag !ref is not allowed; manifests use plain YAML values [YAML_CUSTOM_TAG]',
    ]);
  });

  it('points non-UTF-8 bytes at their line and column', () => {
    const bytes = new Uint8Array([...enc('a: 1\nb: x'), 0xff, 0x0a]);
    expect(only(bytes)).toEqual([
      'h.yaml:2:5 file is not valid UTF-8 (invalid byte 0xff at byte offset 9) [INVALID_UTF8]',
    ]);
  });

  it('finds the first invalid UTF-8 byte, including overlongs, surrogates and truncation', () => {
    expect(firstInvalidUtf8(enc('héllo ✓ 😀'))).toBe(enc('héllo ✓ 😀').length);
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xe2, 0x9c]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xf5, 0x80, 0x80, 0x80]))).toBe(0);
  });

  it('ignores empty documents between separators and warns about a file with none', () => {
    expect(loadFile(file('---\n# only a comment\n---\na: 1\n---\n')).documents).toHaveLength(1);
    expect(only('')).toEqual(['h.yaml:1:1 warning: file is empty [EMPTY_FILE]']);
    expect(only('# nothing\n---\n')).toEqual(['h.yaml:1:1 warning: file holds no documents [EMPTY_FILE]']);
  });

  it('rejects documents that are not mappings and keeps the others', () => {
    const result = loadFile(file('a: 1\n---\nplain\n---\n42\n---\nnull\n'));
    expect(result.documents).toHaveLength(1);
    expect(result.issues.map(formatIssue)).toEqual([
      'm.yaml:3:1 document is a string; expected a mapping with apiVersion, kind, metadata and spec',
      'm.yaml:5:1 document is a number; expected a mapping with apiVersion, kind, metadata and spec',
    ]);
  });

  it('keeps __proto__ as data, never as a prototype', () => {
    const { documents } = loadFile(file('__proto__: {polluted: true}\na: 1\n'));
    const doc = documents[0]!.doc as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(doc)).toContain('__proto__');
  });

  it('checks keys for duplicates in linear time', () => {
    // yaml's own uniqueKeys check compares each key with every earlier one: 60,000 keys (under 1 MiB) took minutes.
    const keys = Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const started = Date.now();
    expect(only(keys)).toEqual([]);
    expect(only(`${keys}\nk7: again\n`)).toEqual(['h.yaml:60001:1 duplicate key "k7" [YAML_DUPLICATE_KEY]']);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('reports every duplicate key, quoted or not, including keys that only collide as JSON', () => {
    expect(only('a: 1\nm:\n  "x:y": 1\n  x:y: 2\n  1: a\n  "1": b\n  ~: c\n  "": d\n')).toEqual([
      'h.yaml:4:3 duplicate key "x:y" [YAML_DUPLICATE_KEY]',
      'h.yaml:6:3 duplicate key "1" [YAML_DUPLICATE_KEY]',
      'h.yaml:8:3 duplicate key "" [YAML_DUPLICATE_KEY]',
    ]);
  });

  it('stops at a total number of documents across files, so many small files cannot exhaust memory', () => {
    const files = ['a', 'b', 'c'].map((n) => file(`${n}: 1\n---\n${n}2: 2\n`, `${n}.yaml`));
    const result = loadFiles(files, { maxTotalDocuments: 3 });
    expect(result.documents.map((d) => d.file)).toEqual(['a.yaml', 'a.yaml']);
    expect(result.issues.map(formatIssue)).toEqual([
      'b.yaml:1:1 manifests hold more than 3 documents; this and later files were not used',
    ]);
    expect(loadFiles(files).documents).toHaveLength(6);
  });

  it('refuses keys that are lists, mappings or aliases: JSON has only string member names', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(only('a: 1\n? [x, y]\n: 2\n{k: v}: 3\nb: &n k\n*n : 4\n')).toEqual([
        'h.yaml:2:3 a mapping key must be a string, not a list [YAML_COMPLEX_KEY]',
        'h.yaml:4:1 a mapping key must be a string, not a mapping [YAML_COMPLEX_KEY]',
        'h.yaml:6:1 a mapping key must be a string, not an alias [YAML_COMPLEX_KEY]',
      ]);
      // yaml would otherwise warn on stderr while stringifying such keys.
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a file of more documents than any mesh needs, without composing them all', () => {
    const started = Date.now();
    expect(only('a: 1\n---\n'.repeat(60_000))).toEqual([
      'h.yaml:1:1 file holds more than 10000 documents [YAML_TOO_LARGE]',
    ]);
    expect(only('---\n'.repeat(200_000))).toEqual(['h.yaml:1:1 file holds more than 10000 documents [YAML_TOO_LARGE]']);
    expect(only('a: 1\n---\nb: 2\n', { maxDocumentsPerFile: 1 })).toEqual([
      'h.yaml:1:1 file holds more than 1 documents [YAML_TOO_LARGE]',
    ]);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('caps the YAML errors of one hopeless file', () => {
    const text = Array.from({ length: 50 }, (_, i) => `k${i}: [unclosed\n`).join('');
    const issues = loadFile(file(text), { maxYamlErrorsPerFile: 3 }).issues;
    expect(issues).toHaveLength(4);
    expect(issues[3]!.message).toMatch(/^and \d+ more YAML errors in this file$/);
  });

  it('treats YAML 1.1 merge keys and yes/no as plain data', () => {
    const { documents } = loadFile(file('a: &a {x: 1}\nb: {<<: *a}\nc: yes\n'));
    expect(documents[0]!.doc).toEqual({ a: { x: 1 }, b: { '<<': { x: 1 } }, c: 'yes' });
  });
});

describe('scanNesting', () => {
  it('does not count brackets inside quotes, comments or block scalars', () => {
    const text = `a: "[[[["\nb: '{{{{'\n# [[[[[[\nc: |\n  [[[[[[[[\nd: x[[[[\n`;
    expect(scanNesting(text, 2)).toBeUndefined();
  });
  it('keeps columns right after scalars that span lines', () => {
    const text = 'a: |\n  x\n  y\nb: "q\n  r"\nc: p\n  s\nd:\n  e: 1\n';
    expect(scanNesting(text, 2)).toBeUndefined();
    expect(scanNesting(text, 1)).toBe(text.indexOf('e: 1'));
  });

  it('counts a sequence at its parent key column as one level deeper', () => {
    // root mapping, the sequence under a, the mapping item, the sequence under b
    expect(scanNesting('a:\n- b:\n  - c\n', 4)).toBeUndefined();
    expect(scanNesting('a:\n- b:\n  - c\n', 3)).toBe(10);
  });
});

describe('scanNesting agrees with the real depth', () => {
  const depthOf = (value: unknown): number => {
    if (typeof value !== 'object' || value === null) return 0;
    const children = Array.isArray(value) ? value : Object.values(value);
    return 1 + Math.max(0, ...children.map(depthOf));
  };

  it('on random documents in block and flow style', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }).filter((v) => typeof v === 'object' && v !== null),
        fc.boolean(),
        (value, flow) => {
          const text = stringify(value, flow ? { collectionStyle: 'flow' } : {});
          const depth = depthOf(value);
          expect(scanNesting(text, depth)).toBeUndefined();
          expect(scanNesting(text, depth - 1)).toBeDefined();
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
