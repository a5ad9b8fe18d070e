/**
 * The manifest reference is generated from the schemas; these tests keep the committed page equal to a fresh
 * generation and check, from the reader's side, that what it says matches the schemas and the AWS models.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  generateManifestReference,
  loadAwsApiNames,
  loadExamples,
  loadSchemas,
  REFERENCE_FILE,
  renderManifestReference,
  slug,
} from '../../scripts/gen-docs';
import { ANY_DOCUMENT_FILE, APPMESH_MODEL_FILE, readModel, repoRoot, type JsonSchema } from '../../scripts/gen-schemas';
import { KIND_NAMES } from '../../scripts/gen-schemas';
import { defaultRegistry } from '../../src/kinds/registry';

/** Every registered kind: the generated ones and those that bring their own schema (Cloud Map, VPC Lattice). */
const ALL_KINDS = defaultRegistry.names();

const ROOT = repoRoot();
const PAGE = readFileSync(join(ROOT, REFERENCE_FILE), 'utf8');
const LINES = PAGE.split('\n');

/** The text of the `## heading` section, up to the next `## `. */
function section(heading: string): string {
  const start = LINES.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`no section ## ${heading}`);
  const end = LINES.findIndex((line, i) => i > start && line.startsWith('## '));
  return LINES.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The `### heading` subsection (shared types). */
function subsection(heading: string): string {
  const start = LINES.indexOf(`### ${heading}`);
  if (start < 0) throw new Error(`no section ### ${heading}`);
  const end = LINES.findIndex((line, i) => i > start && /^##+ /.test(line));
  return LINES.slice(start, end < 0 ? undefined : end).join('\n');
}

interface Row {
  path: string;
  type: string;
  required: string;
  constraints: string;
}

function rows(text: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const line of text.split('\n')) {
    const cells = /^\| `([^`]+)` +\| (.*?) +\| (yes|no) +\| (.*?) +\|/.exec(line);
    if (cells?.[1] && cells[2] !== undefined && cells[3] && cells[4] !== undefined) {
      out.set(cells[1], { path: cells[1], type: cells[2], required: cells[3], constraints: cells[4] });
    }
  }
  return out;
}

function row(text: string, path: string): Row {
  const found = rows(text).get(path);
  if (!found) throw new Error(`no row for ${path}`);
  return found;
}

describe('docs/manifest-reference.md', () => {
  it('equals a fresh `npx tsx scripts/gen-docs.ts` (schemas, examples and formatting)', () => {
    // toBe on the whole page would print it all on failure; the message says what to run instead.
    if (PAGE !== generateManifestReference(ROOT)) {
      throw new Error(`${REFERENCE_FILE} is stale or edited by hand: run \`npx tsx scripts/gen-docs.ts\``);
    }
  });

  it('stays readable: under 3,000 lines', () => {
    expect(LINES.length).toBeLessThan(3000);
  });

  it.each([...ALL_KINDS])('has a section for %s with an example, the envelope and the spec', (kind) => {
    const text = section(kind);
    expect(text).toContain('```yaml\n');
    expect(text).toContain(`\nkind: ${kind}\n`);
    expect(row(text, 'apiVersion').constraints).toContain('meshward.dev/v1alpha1');
    expect(row(text, 'kind').constraints).toContain(`\`${kind}\``);
    expect(row(text, 'spec').type).toBe('object');
    if (!(KIND_NAMES as readonly string[]).includes(kind)) return;
    expect(row(text, 'metadata.name').required).toBe('yes');
    expect(row(text, 'spec').required).toBe(kind === 'Mesh' ? 'no' : 'yes');
  });

  it('shows the fields of a schema written inline (CloudMapNamespace) at every depth', () => {
    const text = section('CloudMapNamespace');
    expect(row(text, 'spec.type')).toMatchObject({ type: 'string', required: 'yes' });
    expect(row(text, 'spec.properties.dnsProperties.soa.ttl')).toMatchObject({
      type: 'integer',
      required: 'yes',
      constraints: 'min 0; max 2147483647',
    });
    expect(row(text, 'metadata.annotations["meshward.dev/adopt"]').constraints).toBe('one of `true`, `false`');
  });

  it('says which metadata fields each kind requires', () => {
    expect(rows(section('Mesh')).has('metadata.mesh')).toBe(false);
    expect(rows(section('EcsService')).has('metadata.mesh')).toBe(false);
    expect(row(section('VirtualNode'), 'metadata.mesh').required).toBe('yes');
    expect(row(section('Route'), 'metadata.virtualRouter').required).toBe('yes');
    expect(row(section('GatewayRoute'), 'metadata.virtualGateway').required).toBe('yes');
    expect(row(section('VirtualNode'), 'metadata.tags').required).toBe('no');
  });

  it('shows the health check interval bounds', () => {
    const interval = row(section('VirtualNode'), 'spec.listeners[].healthCheck.intervalMillis');
    expect(interval.type).toBe('integer');
    expect(interval.required).toBe('yes');
    expect(interval.constraints).toContain('min 5000');
    expect(interval.constraints).toContain('max 300000');
  });

  it('lists every port protocol value of the App Mesh model on each listener port', () => {
    const model = readModel(join(ROOT, 'aws-models', APPMESH_MODEL_FILE));
    const expected: [string, string][] = [
      ['VirtualNode', 'PortProtocol'],
      ['VirtualRouter', 'PortProtocol'],
      ['VirtualGateway', 'VirtualGatewayPortProtocol'],
    ];
    for (const [kind, shape] of expected) {
      const protocols = model.shapes[shape]?.enum ?? [];
      expect(protocols.length).toBeGreaterThan(0);
      const protocol = row(section(kind), 'spec.listeners[].portMapping.protocol');
      expect(protocol.constraints).toBe(`one of ${protocols.map((p) => `\`${p}\``).join(', ')}`);
    }
  });

  it('writes durations as either form', () => {
    const perRequest = row(section('VirtualNode'), 'spec.listeners[].timeout.http.perRequest');
    expect(perRequest.type).toBe('[Duration](#durations)');
    expect(perRequest.constraints).toContain('`{unit, value}`');
    expect(perRequest.constraints).toContain('`15s`');
    expect(perRequest.constraints).toContain('`500ms`');
  });

  it('names the either/or rules', () => {
    expect(row(section('Route'), 'spec').constraints).toBe(
      'exactly one of `grpcRoute`, `http2Route`, `httpRoute`, `tcpRoute`',
    );
    expect(row(section('EcsService'), 'spec.appMesh').constraints).toContain(
      'exactly one of `virtualNode`, `virtualGateway`',
    );
    expect(row(section('VirtualNode'), 'spec.serviceDiscovery').constraints).toContain(
      'exactly one of `awsCloudMap`, `dns`',
    );
  });

  it('explains the annotations, the ownership tags and the editor comment', () => {
    for (const text of [
      'meshward.dev/adopt',
      'meshward.dev/deletion-protection',
      'meshward.dev/external',
      'meshward.dev/managed-by=meshward',
      'meshward.dev/stack=<stack>',
      `# yaml-language-server: $schema=../schemas/${ANY_DOCUMENT_FILE}`,
    ]) {
      expect(section('How to read this page')).toContain(text);
    }
  });

  it('documents every spec field of every kind at every depth, inline or through a shared type', () => {
    const schemas = loadSchemas(ROOT);
    const defs = (schemas[ANY_DOCUMENT_FILE]?.['definitions'] ?? {}) as Record<string, JsonSchema>;
    let walked = 0;
    for (const kind of ALL_KINDS) {
      const spec = `${kind}Document`;
      const docProps = defs[spec]?.['properties'] as Record<string, JsonSchema> | undefined;
      const specRef = docProps?.['spec'];
      if (!specRef) throw new Error(`no ${spec}`);
      const paths = allPaths(defs, specRef, 'spec', []);
      walked += paths.length;
      const missing = paths.filter((path) => !documented(path, section(kind)));
      expect({ kind, missing }).toEqual({ kind, missing: [] });
    }
    // The walk expands shared types at every use, so it sees more paths than the page has rows.
    expect(walked).toBeGreaterThan(600);
    expect(documented('spec.listeners[].healthCheck.noSuchField', section('VirtualNode'))).toBe(false);
    expect(documented('spec.httpRoute.match.noSuchField', section('Route'))).toBe(false);
    expect(documented('spec.httpRoute.match.prefix', section('Route'))).toBe(true);
  });

  it('has no broken links: anchors, repository files and AWS shapes', () => {
    const anchors = new Set(LINES.filter((l) => /^#+ /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
    const aws = loadAwsApiNames(ROOT);
    let awsLinks = 0;
    for (const match of PAGE.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? '';
      if (target.startsWith('#')) {
        expect(anchors).toContain(target.slice(1));
      } else if (target.startsWith('https://docs.aws.amazon.com/')) {
        awsLinks += 1;
        const name = /API_([A-Za-z0-9]+)\.html$/.exec(target)?.[1] ?? '';
        const names = target.includes('/app-mesh/') ? aws.appMesh : aws.ecs;
        expect(names.has(name) ? name : `${target} (unknown shape)`).toBe(name);
      } else {
        expect(existsSync(join(ROOT, dirname(REFERENCE_FILE), target)) ? target : `${target} (missing)`).toBe(target);
      }
    }
    expect(awsLinks).toBeGreaterThan(100);
  });

  it('shows the example documents exactly as written in manifests/ (and examples/ for the other kinds)', () => {
    const examples = loadExamples(ROOT);
    expect(new Set(examples.map((e) => e.kind))).toEqual(new Set(ALL_KINDS));
    // The App Mesh kinds keep their examples from the reference topology.
    for (const e of examples)
      if ((KIND_NAMES as readonly string[]).includes(e.kind)) expect(e.file).toMatch(/^manifests\//);
    const blocks = [...PAGE.matchAll(/Example, from \[`([^`]+)`\][^\n]*\n\n[^\n]*\n```yaml\n([\s\S]*?)\n```/g)];
    expect(blocks).toHaveLength(ALL_KINDS.length);
    for (const block of blocks) {
      const [, file, text] = block;
      expect(readFileSync(join(ROOT, file ?? ''), 'utf8')).toContain(text);
    }
  });

  it('renders from schemas alone, without examples or AWS links', () => {
    const bare = renderManifestReference(loadSchemas(ROOT));
    expect(bare).toContain('## EcsService');
    expect(bare).not.toContain('docs.aws.amazon.com');
    expect(bare).not.toContain('```yaml\napiVersion');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// An independent walk of the schemas: every field path, with every definition expanded in place.

function refOf(schema: JsonSchema): string | undefined {
  const ref = schema['$ref'];
  return typeof ref === 'string' ? ref.replace('#/definitions/', '') : undefined;
}

function allPaths(defs: Record<string, JsonSchema>, schema: JsonSchema, path: string, seen: string[]): string[] {
  const ref = refOf(schema);
  if (ref !== undefined) {
    const def = defs[ref] ?? {};
    // Durations are leaves on the page (object or string); recursion stops at a repeat.
    if (Array.isArray(def['type']) || seen.includes(ref)) return [path];
    const props = (def['properties'] ?? {}) as Record<string, JsonSchema>;
    return [
      path,
      ...Object.entries(props).flatMap(([key, sub]) => allPaths(defs, sub, `${path}.${key}`, [...seen, ref])),
    ];
  }
  const items = schema['items'];
  if (items && typeof items === 'object' && !Array.isArray(items) && refOf(items) !== undefined) {
    return allPaths(defs, items, `${path}[]`, seen).map((p, i) => (i === 0 ? path : p));
  }
  // An object written inline (a kind's own schema): its fields too.
  const inline = schema['properties'];
  if (inline && typeof inline === 'object' && !Array.isArray(inline)) {
    return [
      path,
      ...Object.entries(inline as Record<string, JsonSchema>).flatMap(([key, sub]) =>
        allPaths(defs, sub, `${path}.${key}`, seen),
      ),
    ];
  }
  return [path];
}

/** A path is on the page in its kind's section, or under a shared type that a row on its way links to. */
function documented(path: string, text: string): boolean {
  const here = rows(text);
  if (here.has(path)) return true;
  for (const [prefix, r] of here) {
    const shared = /\]\(#([a-z0-9-]+)\)/.exec(r.type)?.[1];
    if (!shared || shared === 'durations' || !path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const inner = rest.replace(/^\[\]/, '').replace(/^\./, '');
    if (inner === rest) continue;
    const heading = LINES.find((l) => l.startsWith('### ') && slug(l.slice(4)) === shared);
    if (heading && documented(inner, subsection(heading.slice(4)))) return true;
  }
  return false;
}
