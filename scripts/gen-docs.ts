/**
 * Generates the manifest reference (`docs/manifest-reference.md`) from the committed JSON Schemas, so the page can
 * never describe a field, bound or enum value that validation does not enforce: the schemas are the single source
 * of truth, and this script only reads them (plus the example manifests and the AWS models, for links).
 *
 * Run: `npx tsx scripts/gen-docs.ts`. `test/docs/` checks that the committed page equals a fresh generation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ANNOTATIONS, MANAGED_BY_VALUE, OWNERSHIP_TAGS } from '../src/core/types';
import {
  ANY_DOCUMENT_FILE,
  APPMESH_MODEL_FILE,
  ECS_MODEL_FILE,
  ECS_PREFIX,
  KIND_FILES,
  repoRoot,
  KIND_NAMES,
  ownSchemaKinds,
  type JsonSchema,
  type JsonValue,
} from './gen-schemas';

export const REFERENCE_FILE = 'docs/manifest-reference.md';
export const EXAMPLES_DIR = 'manifests';
/** Example sets beside the reference topology (one folder each): they show the kinds `manifests/` does not use. */
export const MORE_EXAMPLES_DIR = 'examples';

const APPMESH_API_URL = 'https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_';
const ECS_API_URL = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_';

/**
 * A definition is rendered once under "Shared types" when it is reached from at least two places and inlining it
 * would repeat at least this many rows; smaller ones read better inline, where their full path stays greppable.
 */
const SHARE_MIN_ROWS = 5;

/**
 * meshward's own EcsService shapes mirror whole ECS operation inputs rather than a data type, so the closest AWS page
 * is the operation's (the other synthetic shapes, such as `EcsAppMeshSpec`, have no AWS counterpart at all).
 */
const MIRRORED_OPERATIONS: Readonly<Record<string, string>> = {
  EcsServiceSpec: 'CreateService',
  EcsTaskDefinitionSpec: 'RegisterTaskDefinition',
};

/** Prose for each annotation; the schema says which keys and values exist, not what they do. */
const ANNOTATION_MEANINGS: Readonly<Record<string, string>> = {
  [ANNOTATIONS.adopt]:
    'take over a same-named resource that lacks the ownership tags (otherwise it is reported as a conflict and never touched)',
  [ANNOTATIONS.deletionProtection]: 'never delete this resource, even when it leaves the manifests and prune is on',
  [ANNOTATIONS.external]:
    'this document may refer to resources managed elsewhere: validation does not require its references to be declared (the document itself is managed as usual)',
  [ANNOTATIONS.placeholder]:
    'this document only stands for a resource managed elsewhere, so that references to it resolve: never created, updated or deleted, and its own references are not checked',
  [ANNOTATIONS.ignoreFields]:
    'comma-separated JSON pointers into this manifest (`/spec/desiredCount`): used on create, never diffed or written afterwards',
};

// ---------------------------------------------------------------------------------------------------------------
// Inputs

/** One YAML document of the example manifests, as written (comments included). */
export interface ManifestExample {
  /** Path relative to the project root, e.g. `manifests/mesh.yaml`. */
  file: string;
  kind: string;
  name: string;
  text: string;
}

/** Names that have a page in the AWS API references: data types and operations. */
export interface AwsApiNames {
  appMesh: ReadonlySet<string>;
  ecs: ReadonlySet<string>;
}

export interface RenderContext {
  /** Without examples, the kind sections have none. */
  examples?: readonly ManifestExample[];
  /**
   * Without these, no AWS links: a definition key alone cannot tell an AWS shape from one meshward made up
   * (`EcsAppMeshSpec` is not an ECS shape), and a made-up link is worse than none.
   */
  awsApiNames?: AwsApiNames;
}

/** Every `schemas/*.schema.json`, by file name. */
export function loadSchemas(root = repoRoot()): Record<string, JsonSchema> {
  const dir = join(root, 'schemas');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
  return Object.fromEntries(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as JsonSchema]));
}

/**
 * The example documents: `manifests/` (the reference topology), then, for kinds it does not use, the folders of
 * `examples/` (Service Connect, VPC Lattice), so every kind has its example and the App Mesh ones stay as they were.
 */
export function loadExamples(root = repoRoot()): ManifestExample[] {
  const out = loadExampleDir(root, EXAMPLES_DIR);
  const more = join(root, MORE_EXAMPLES_DIR);
  const folders = existsSync(more)
    ? readdirSync(more, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const covered = new Set(out.map((e) => e.kind));
  for (const folder of folders) {
    out.push(...loadExampleDir(root, `${MORE_EXAMPLES_DIR}/${folder}`).filter((e) => !covered.has(e.kind)));
  }
  return out;
}

/** Splits one folder's manifests into documents, keeping each document's own comments. */
function loadExampleDir(root: string, folder: string): ManifestExample[] {
  const dir = join(root, folder);
  const out: ManifestExample[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const source = readFileSync(join(dir, file), 'utf8');
    const starts = parseAllDocuments(source).map((doc, i) => (i === 0 ? 0 : (doc.range?.[0] ?? 0)));
    starts.forEach((start, i) => {
      const text = source
        .slice(start, starts[i + 1] ?? source.length)
        .replace(/^---\n/, '')
        // The editor comment belongs to the file, not to one document; the intro explains it once.
        .replace(/^# yaml-language-server:.*\n/, '')
        .trimEnd();
      const doc = parse(text) as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (typeof doc?.kind !== 'string') return;
      const name = typeof doc.metadata?.name === 'string' ? doc.metadata.name : '';
      out.push({ file: `${folder}/${file}`, kind: doc.kind, name, text });
    });
  }
  return out;
}

interface ModelFile {
  shapes: Record<string, { type: string }>;
  operations?: Record<string, unknown>;
}

function apiNames(path: string): ReadonlySet<string> {
  const model = JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
  const structures = Object.entries(model.shapes)
    .filter(([, shape]) => shape.type === 'structure')
    .map(([name]) => name);
  return new Set([...structures, ...Object.keys(model.operations ?? {})]);
}

export function loadAwsApiNames(root = repoRoot()): AwsApiNames {
  const models = join(root, 'aws-models');
  return { appMesh: apiNames(join(models, APPMESH_MODEL_FILE)), ecs: apiNames(join(models, ECS_MODEL_FILE)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Small JSON helpers (the schemas are plain JSON values)

function asSchema(value: JsonValue | undefined): JsonSchema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function asStrings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function asNumber(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function refName(schema: JsonSchema): string | undefined {
  const ref = schema['$ref'];
  return typeof ref === 'string' ? ref.replace(/^#\/definitions\//, '') : undefined;
}

function properties(schema: JsonSchema): [string, JsonSchema][] {
  const props = asSchema(schema['properties']) ?? {};
  return Object.entries(props).map(([key, value]) => [key, asSchema(value) ?? {}]);
}

function code(text: string): string {
  // A backtick inside a code span would end it; double backticks with padding keep it literal.
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function list(values: string[]): string {
  return values.map(code).join(', ');
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

// ---------------------------------------------------------------------------------------------------------------
// Describing one schema position

/** A definition written as an object or a string (App Mesh Duration): rendered as a leaf, explained once. */
function isObjectOrString(def: JsonSchema): boolean {
  const type = asStrings(def['type']);
  return type.includes('object') && type.includes('string');
}

function scalarConstraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema['const'] !== undefined) out.push(`always ${code(String(schema['const']))}`);
  const values = asStrings(schema['enum']);
  if (values.length > 0) out.push(`one of ${list(values)}`);
  const bounds: [string, string][] = [
    ['minimum', 'min'],
    ['maximum', 'max'],
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
  ];
  for (const [keyword, label] of bounds) {
    const n = asNumber(schema[keyword]);
    if (n !== undefined) out.push(`${label} ${n}`);
  }
  if (typeof schema['pattern'] === 'string') out.push(`pattern ${code(schema['pattern'])}`);
  for (const sub of Array.isArray(schema['allOf']) ? schema['allOf'] : []) {
    const subSchema = asSchema(sub);
    if (subSchema && typeof subSchema['pattern'] === 'string') out.push(`pattern ${code(subSchema['pattern'])}`);
  }
  const not = asSchema(schema['not']);
  if (not) out.push(`not ${list(asStrings(not['enum']))}`);
  if (typeof schema['$comment'] === 'string') out.push(schema['$comment']);
  return out;
}

/** The "exactly one of" rules of an object: botocore unions and meshward's either/or groups. */
function objectConstraints(def: JsonSchema): string[] {
  const out: string[] = [];
  const names = properties(def).map(([key]) => key);
  if (asNumber(def['minProperties']) === 1 && asNumber(def['maxProperties']) === 1 && names.length > 0) {
    out.push(`exactly one of ${list(names)}`);
  } else {
    const min = asNumber(def['minProperties']);
    const max = asNumber(def['maxProperties']);
    if (min !== undefined) out.push(`at least ${min} fields`);
    if (max !== undefined) out.push(`at most ${max} fields`);
  }
  const groups = [def, ...(Array.isArray(def['allOf']) ? def['allOf'].map(asSchema) : [])];
  for (const group of groups) {
    const alternatives = Array.isArray(group?.['oneOf']) ? group['oneOf'].map(asSchema) : [];
    const members = alternatives.flatMap((alt) => (alt ? asStrings(alt['required']) : []));
    if (members.length > 0) out.push(`exactly one of ${list(members)}`);
  }
  return out;
}

/** Constraints of a list item or map value, as one entry: "each: min 1, max 65535". */
function prefixed(label: string, constraints: string[]): string[] {
  return constraints.length > 0 ? [`${label}: ${constraints.join(', ')}`] : [];
}

function mapConstraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  const min = asNumber(schema['minProperties']);
  const max = asNumber(schema['maxProperties']);
  if (min !== undefined) out.push(`at least ${min} entries`);
  if (max !== undefined) out.push(`at most ${max} entries`);
  const keys = asSchema(schema['propertyNames']);
  const keyRules = keys ? scalarConstraints(keys) : [];
  if (keyRules.length > 0) out.push(`keys: ${keyRules.join(', ')}`);
  return out;
}

function arrayConstraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  const min = asNumber(schema['minItems']);
  const max = asNumber(schema['maxItems']);
  if (min !== undefined) out.push(`min items ${min}`);
  if (max !== undefined) out.push(`max items ${max}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

/** One line of a field table. */
export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  constraints: string[];
  /** Markdown link to the AWS API reference page of the field's shape, when there is one. */
  aws?: string;
}

interface Described {
  type: string;
  constraints: string[];
  aws?: string;
  /**
   * A definition to expand below this row, and what to append to the path for it (`[]` for list items). `schema`
   * is set for an object written inline (a kind that brings its own schema): `def` then only keys the recursion guard.
   */
  expand?: { def: string; suffix: string; schema?: JsonSchema };
}

interface Usage {
  /** Kind name or shared type name. */
  context: string;
  path: string;
}

const DURATION_SECTION = 'Durations';

function joinPath(prefix: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `["${key}"]`;
  if (prefix === '') return segment;
  return segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`;
}

class ReferenceBuilder {
  readonly shared: ReadonlySet<string>;
  readonly usages = new Map<string, Usage[]>();

  constructor(
    readonly defs: Readonly<Record<string, JsonSchema>>,
    private readonly roots: readonly string[],
    private readonly awsApiNames: AwsApiNames | undefined,
  ) {
    this.shared = this.chooseShared();
  }

  def(name: string): JsonSchema {
    const def = this.defs[name];
    if (!def) throw new Error(`schemas reference unknown definition ${name}`);
    return def;
  }

  /** The definition a property leads to, through list items and map values. */
  private target(schema: JsonSchema): string | undefined {
    const direct = refName(schema);
    if (direct !== undefined) return direct;
    const inner = asSchema(schema['items']) ?? asSchema(schema['additionalProperties']);
    return inner ? this.target(inner) : undefined;
  }

  private expandable(name: string): boolean {
    return !isObjectOrString(this.def(name));
  }

  private chooseShared(): Set<string> {
    const edges = new Map<string, number>();
    const shared = new Set<string>();
    const done = new Set<string>();
    const stack: string[] = [];
    const visit = (name: string): void => {
      if (stack.includes(name)) {
        // A recursive shape cannot be inlined into itself: render it once and link to it.
        shared.add(name);
        return;
      }
      if (done.has(name)) return;
      stack.push(name);
      for (const [, prop] of properties(this.def(name))) {
        const target = this.target(prop);
        if (target === undefined || !this.expandable(target)) continue;
        edges.set(target, (edges.get(target) ?? 0) + 1);
        visit(target);
      }
      stack.pop();
      done.add(name);
    };
    this.roots.forEach(visit);
    const sizes = new Map<string, number>();
    const size = (name: string, seen: string[]): number => {
      const known = sizes.get(name);
      if (known !== undefined) return known;
      let rows = 0;
      for (const [, prop] of properties(this.def(name))) {
        rows += 1;
        const target = this.target(prop);
        if (target !== undefined && this.expandable(target) && !seen.includes(target)) {
          rows += size(target, [...seen, target]);
        }
      }
      sizes.set(name, rows);
      return rows;
    };
    for (const [name, count] of edges) {
      if (count >= 2 && size(name, [name]) >= SHARE_MIN_ROWS && !this.roots.includes(name)) shared.add(name);
    }
    return shared;
  }

  awsLink(name: string): string | undefined {
    const names = this.awsApiNames;
    if (!names) return undefined;
    const operation = MIRRORED_OPERATIONS[name];
    if (operation !== undefined && names.ecs.has(operation)) return `[${operation}](${ECS_API_URL}${operation}.html)`;
    if (name.startsWith(ECS_PREFIX)) {
      const ecsName = name.slice(ECS_PREFIX.length);
      if (names.ecs.has(ecsName)) return `[${ecsName}](${ECS_API_URL}${ecsName}.html)`;
    }
    if (names.appMesh.has(name)) return `[${name}](${APPMESH_API_URL}${name}.html)`;
    return undefined;
  }

  describe(schema: JsonSchema): Described {
    const ref = refName(schema);
    if (ref !== undefined) {
      const def = this.def(ref);
      if (isObjectOrString(def)) {
        return { type: `[${ref}](#${slug(DURATION_SECTION)})`, constraints: [durationShorthand(def)] };
      }
      if (asSchema(def['additionalProperties']) !== undefined) {
        // A map with some well-known keys (annotations): the keys it names are expanded like fields.
        const map = this.describe(def);
        return properties(def).length > 0 ? { ...map, expand: { def: ref, suffix: '' } } : map;
      }
      const aws = this.awsLink(ref);
      const base = { constraints: objectConstraints(def), ...(aws ? { aws } : {}) };
      if (this.shared.has(ref)) return { ...base, type: `[${ref}](#${slug(ref)})` };
      return { ...base, type: 'object', expand: { def: ref, suffix: '' } };
    }
    const type = schema['type'];
    // An object written inline (not a definition): its fields are expanded below it like a definition's.
    if ((type === 'object' || type === undefined) && properties(schema).length > 0) {
      const expand = { def: `inline:${JSON.stringify(schema)}`, suffix: '', schema };
      if (asSchema(schema['additionalProperties']) !== undefined) {
        const { properties: _known, ...map } = schema;
        return { ...this.describe(map), expand };
      }
      return { type: 'object', constraints: objectConstraints(schema), expand };
    }
    if (type === 'array') {
      const item = this.describe(asSchema(schema['items']) ?? {});
      return {
        type: `list of ${item.type}`,
        constraints: [...arrayConstraints(schema), ...prefixed('each', item.constraints)],
        ...(item.aws ? { aws: item.aws } : {}),
        ...(item.expand ? { expand: { def: item.expand.def, suffix: `[]${item.expand.suffix}` } } : {}),
      };
    }
    if (type === 'object') {
      const value = this.describe(asSchema(schema['additionalProperties']) ?? {});
      return {
        type: `map of ${value.type}`,
        constraints: [...mapConstraints(schema), ...prefixed('values', value.constraints)],
        ...(value.aws ? { aws: value.aws } : {}),
        ...(value.expand ? { expand: { def: value.expand.def, suffix: `.<key>${value.expand.suffix}` } } : {}),
      };
    }
    if (typeof type === 'string') return { type, constraints: scalarConstraints(schema) };
    if (Object.keys(schema).length === 0) return { type: 'any JSON value', constraints: [] };
    if (schema['const'] !== undefined) return { type: typeof schema['const'], constraints: scalarConstraints(schema) };
    const values = Array.isArray(schema['enum']) ? schema['enum'] : [];
    const named = asStrings(type).join(' or ');
    const inferred = named === '' && values.length > 0 && values.every((v) => typeof v === 'string') ? 'string' : named;
    return { type: inferred, constraints: scalarConstraints(schema) };
  }

  /** Rows for a definition's fields, depth first; `stack` guards against inlining a recursive shape. */
  fieldRows(defName: string, prefix: string, context: string, stack: readonly string[] = [defName]): FieldRow[] {
    return this.schemaRows(this.def(defName), prefix, context, stack);
  }

  private schemaRows(def: JsonSchema, prefix: string, context: string, stack: readonly string[]): FieldRow[] {
    const required = new Set(asStrings(def['required']));
    const rows: FieldRow[] = [];
    for (const [key, prop] of properties(def)) {
      const path = joinPath(prefix, key);
      rows.push(...this.rowsFor(path, prop, required.has(key), context, stack));
    }
    return rows;
  }

  rowsFor(path: string, schema: JsonSchema, required: boolean, context: string, stack: readonly string[]): FieldRow[] {
    const described = this.describe(schema);
    const target = this.target(schema);
    if (target !== undefined && this.shared.has(target)) {
      const usages = this.usages.get(target) ?? [];
      usages.push({ context, path });
      this.usages.set(target, usages);
    }
    const row: FieldRow = { path, type: described.type, required, constraints: described.constraints };
    if (described.aws) row.aws = described.aws;
    const rows = [row];
    const expand = described.expand;
    if (expand && !stack.includes(expand.def)) {
      const inner = [...stack, expand.def];
      rows.push(
        ...(expand.schema
          ? this.schemaRows(expand.schema, `${path}${expand.suffix}`, context, inner)
          : this.fieldRows(expand.def, `${path}${expand.suffix}`, context, inner)),
      );
    }
    return rows;
  }
}

/** Examples of the string form; checked against the schema's pattern, so a changed pattern cannot leave them wrong. */
const DURATION_EXAMPLES = ['15s', '500ms'];

function durationShorthand(def: JsonSchema): string {
  const pattern = new RegExp(String(def['pattern']), 'u');
  const wrong = DURATION_EXAMPLES.filter((example) => !pattern.test(example));
  if (wrong.length > 0) throw new Error(`gen-docs: duration examples ${wrong.join(', ')} no longer match the schema`);
  const fields = properties(def).map(([key]) => key);
  return `${code(`{${fields.join(', ')}}`)} or a string such as ${list(DURATION_EXAMPLES)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function table(rows: FieldRow[], withAws: boolean): string[] {
  const head = withAws
    ? ['| Field | Type | Required | Constraints | AWS shape |', '| --- | --- | --- | --- | --- |']
    : ['| Field | Type | Required | Constraints |', '| --- | --- | --- | --- |'];
  return [
    ...head,
    ...rows.map((row) => {
      const cells = [code(row.path), row.type, row.required ? 'yes' : 'no', row.constraints.join('; ')];
      if (withAws) cells.push(row.aws ?? '');
      return `| ${cells.map(cell).join(' | ')} |`;
    }),
  ];
}

interface KindSchema {
  kind: string;
  file: string;
  schema: JsonSchema;
  metadataDef: string;
  specDef: string;
  specRequired: boolean;
}

/**
 * Every registered kind, in registry order: the generated ones, then those that bring their own schema (their
 * file named by its `$id`), so a kind added to the registry gets its section with no change here.
 */
export function referenceKinds(): { kind: string; file: string }[] {
  return [
    ...KIND_NAMES.map((kind) => ({ kind, file: KIND_FILES[kind] })),
    ...ownSchemaKinds().map(({ kind, file }) => ({ kind, file })),
  ];
}

function kindSchemas(schemas: Readonly<Record<string, JsonSchema>>): KindSchema[] {
  return referenceKinds().map(({ kind, file }) => {
    const schema = schemas[file];
    if (!schema) throw new Error(`missing schema ${file}`);
    const props = asSchema(schema['properties']) ?? {};
    const metadataDef = refName(asSchema(props['metadata']) ?? {});
    const specDef = refName(asSchema(props['spec']) ?? {});
    if (metadataDef === undefined || specDef === undefined) throw new Error(`${file}: metadata and spec must be $refs`);
    return {
      kind,
      file,
      schema,
      metadataDef,
      specDef,
      specRequired: asStrings(schema['required']).includes('spec'),
    };
  });
}

/** All kinds' definitions in one map; a name defined twice must mean the same thing, or the page would lie. */
function mergedDefinitions(kinds: KindSchema[]): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const { file, schema } of kinds) {
    for (const [name, def] of Object.entries(asSchema(schema['definitions']) ?? {})) {
      const defSchema = asSchema(def) ?? {};
      const known = out[name];
      if (known && JSON.stringify(known) !== JSON.stringify(defSchema)) {
        throw new Error(`definition ${name} differs between schema files (${file})`);
      }
      out[name] = defSchema;
    }
  }
  return out;
}

function smallestExample(examples: readonly ManifestExample[], kind: string): ManifestExample | undefined {
  let best: ManifestExample | undefined;
  for (const example of examples) {
    if (example.kind !== kind) continue;
    if (!best || example.text.split('\n').length < best.text.split('\n').length) best = example;
  }
  return best;
}

function envelopeRows(builder: ReferenceBuilder, k: KindSchema): FieldRow[] {
  const props = asSchema(k.schema['properties']) ?? {};
  const required = new Set(asStrings(k.schema['required']));
  const rows: FieldRow[] = [];
  for (const key of ['apiVersion', 'kind']) {
    rows.push(...builder.rowsFor(key, asSchema(props[key]) ?? {}, required.has(key), k.kind, []));
  }
  rows.push({ path: 'metadata', type: 'object', required: required.has('metadata'), constraints: [] });
  rows.push(...builder.fieldRows(k.metadataDef, 'metadata', k.kind));
  return rows;
}

function introLines(
  defs: Readonly<Record<string, JsonSchema>>,
  kinds: KindSchema[],
  builder: ReferenceBuilder,
): string[] {
  const duration = Object.entries(defs).find(([, def]) => isObjectOrString(def));
  const annotations = asSchema(defs['ManifestAnnotations']);
  const tags = asSchema(defs['ManifestTags']);
  const annotationKeys = annotations ? properties(annotations) : [];
  for (const [key] of annotationKeys) {
    if (ANNOTATION_MEANINGS[key] === undefined) throw new Error(`gen-docs: say what annotation ${key} does`);
  }
  const lines = [
    '# Manifest reference',
    '',
    '<!-- Generated by `npx tsx scripts/gen-docs.ts` from schemas/ and manifests/; do not edit by hand. -->',
    '',
    'Every kind meshward accepts and every field of it, generated from the JSON Schemas in',
    '[`schemas/`](../schemas/README.md) that `meshward validate` checks manifests against. `spec` mirrors the AWS API',
    "shape of each kind key for key, so AWS's API reference (linked on each object) explains what a field does; this",
    'page says what meshward accepts. Back to the [user guide](README.md).',
    '',
    '## How to read this page',
    '',
    '- Each kind has an example from [`manifests/`](../manifests/) (or, for the kinds the App Mesh reference shop',
    '  does not use, from [`examples/`](../examples/)), the document envelope (`apiVersion`, `kind`, `metadata`) and a',
    '  table of every `spec` field at every depth.',
    '- **Field** is the path from the document root: `a.b` is field `b` of object `a`, `a[]` an item of list `a`,',
    '  `a.<key>` a value of map `a`, `a["x/y"]` a key with dots or slashes.',
    '- **Required** `yes` means the field must be present whenever its parent is. "exactly one of" on an object',
    '  means exactly one of the fields listed must be present (an App Mesh union, or a meshward rule); those fields',
    '  themselves say `no`.',
    '- **Constraints** are what validation enforces: `one of` (enum values), `min`/`max` (numbers), `min length`/',
    '  `max length` (strings), `min items`/`max items` (lists), `pattern` (a regular expression), `each:` (every',
    '  list item), `keys:`/`values:` (maps). A field this page does not list is an error (maps take any key their',
    '  constraints allow).',
    '- **AWS shape** links the AWS API reference page of the object (App Mesh or ECS); no link means the shape is',
    "  meshward's own.",
    `- Objects used in several places are described once under [Shared types](#${slug('Shared types')}); the Type column`,
    '  links to them.',
    '',
    '### Kinds',
    '',
    '| Kind | Required metadata | spec | Schema |',
    '| --- | --- | --- | --- |',
    ...kinds.map((k) => {
      const metadata = builder.defs[k.metadataDef];
      // Name first where a kind has one (an association or an auth policy is named by what it joins).
      const required = asStrings(metadata?.['required']);
      const scope = [...required.filter((f) => f === 'name'), ...required.filter((f) => f !== 'name')];
      const either = metadata ? objectConstraints(metadata).filter((c) => c.startsWith('exactly one of')) : [];
      const scopeText = [...scope, ...either].join(', ') || 'none';
      const spec = builder.awsLink(k.specDef) ?? code(k.specDef);
      return `| [${k.kind}](#${slug(k.kind)}) | ${scopeText} | ${spec}${k.specRequired ? '' : ' (optional)'} | [\`${k.file}\`](../schemas/${k.file}) |`;
    }),
    '',
    '### Editor support',
    '',
    'Start each manifest file with this comment (the path is relative to the file) and editors with the YAML',
    'language server complete and check every field on this page as you type:',
    '',
    '```yaml',
    `# yaml-language-server: $schema=../schemas/${ANY_DOCUMENT_FILE}`,
    '```',
    '',
    `\`${ANY_DOCUMENT_FILE}\` accepts every kind and picks the kind's schema by \`kind\`; each kind also has its own file.`,
    '',
  ];
  if (duration) {
    const [name, def] = duration;
    const props = asSchema(def['properties']) ?? {};
    const unit = asSchema(props['unit']) ?? {};
    const value = asSchema(props['value']) ?? {};
    lines.push(
      `### ${DURATION_SECTION}`,
      '',
      `Every App Mesh \`${name}\` (timeouts, retry timeouts, outlier detection intervals) may be written either as the`,
      "API's object or as a string, meshward's one change to the API shapes.",
      '',
      `- object: \`unit\` (${scalarConstraints(unit).join(', ')}) and \`value\` (${[value['type'], ...scalarConstraints(value)].join(', ')}), both required;`,
      `- string: matching ${code(String(def['pattern']))}.`,
      '',
      '```yaml',
      'perRequest: 15s # the same as perRequest: { unit: s, value: 15 }',
      '```',
      '',
    );
  }
  if (annotationKeys.length > 0) {
    lines.push(
      '### Annotations',
      '',
      '`metadata.annotations` holds meshward\'s switches. Values are strings, so quote them: `"true"`. Any other key',
      'is allowed for your own use, except unknown keys under `meshward.dev/` (a misspelt switch would silently do',
      'nothing, so it is an error).',
      '',
      '| Annotation | Values | Effect |',
      '| --- | --- | --- |',
      ...annotationKeys.map(
        ([key, schema]) =>
          `| ${code(key)} | ${list(asStrings(schema['enum']).map((v) => `"${v}"`))} | ${ANNOTATION_MEANINGS[key] ?? ''} |`,
      ),
      '',
    );
  }
  if (tags) {
    const max = asNumber(tags['maxProperties']);
    lines.push(
      '### Tags and ownership',
      '',
      '`metadata.tags` are your tags, applied to the AWS resource. meshward adds its ownership tags to everything it',
      `creates, ${code(`${OWNERSHIP_TAGS.managedBy}=${MANAGED_BY_VALUE}`)} and ${code(`${OWNERSHIP_TAGS.stack}=<stack>`)}, and`,
      'only ever updates or deletes resources that carry both (for the stack it runs as). You may not set them',
      `yourself${max !== undefined ? `, and at most ${max} tags are yours (AWS allows 50 a resource)` : ''}; keys may`,
      'not start with `aws:`.',
      '',
    );
  }
  lines.push(
    '### References',
    '',
    'Resources refer to each other by name, exactly where the API uses names (`metadata.mesh`,',
    '`weightedTargets[].virtualNode`, `provider.virtualRouter.virtualRouterName`,',
    '`backends[].virtualService.virtualServiceName`, `spec.appMesh.virtualNode`, ...). Validation checks that every',
    `referenced resource is declared, unless the referring document is annotated ${code(`${ANNOTATIONS.external}: "true"`)}.`,
    '',
  );
  return lines;
}

function kindLines(builder: ReferenceBuilder, k: KindSchema, examples: readonly ManifestExample[]): string[] {
  const lines = [`## ${k.kind}`, ''];
  if (typeof k.schema['description'] === 'string') lines.push(k.schema['description'], '');
  const example = smallestExample(examples, k.kind);
  if (example) {
    lines.push(
      `Example, from [\`${example.file}\`](../${example.file}):`,
      '',
      // Verbatim: prettier would otherwise restyle the YAML (quotes) and the example would no longer match the file.
      '<!-- prettier-ignore -->',
      '```yaml',
      example.text,
      '```',
      '',
    );
  }
  lines.push(`### ${k.kind} envelope`, '', ...table(envelopeRows(builder, k), false), '');
  const specRow = builder.rowsFor('spec', { $ref: `#/definitions/${k.specDef}` }, k.specRequired, k.kind, []);
  lines.push(`### ${k.kind} spec`, '', ...table(specRow, true), '');
  return lines;
}

function sharedLines(builder: ReferenceBuilder, name: string, rows: FieldRow[]): string[] {
  const def = builder.def(name);
  const aws = builder.awsLink(name);
  // Kind sections and shared types both have a heading named after them, so every context is a link.
  const usages = (builder.usages.get(name) ?? []).map((u) => `[${u.context}](#${slug(u.context)}) ${code(u.path)}`);
  const lines = [`### ${name}`, ''];
  const facts = [
    ...(aws ? [`AWS shape: ${aws}.`] : []),
    ...objectConstraints(def).map((c) => `Takes ${c}.`),
    `Used at: ${usages.join(', ')}.`,
  ];
  lines.push(facts.join(' '), '', ...table(rows, true), '');
  return lines;
}

/**
 * The whole page from the schema files (by file name, as `loadSchemas` returns them). Pure: the same inputs give the
 * same text. The committed page is this text formatted by prettier (`formatMarkdown`), like the rest of docs/.
 */
export function renderManifestReference(
  schemas: Readonly<Record<string, JsonSchema>>,
  context: RenderContext = {},
): string {
  const kinds = kindSchemas(schemas);
  const defs = mergedDefinitions(kinds);
  const builder = new ReferenceBuilder(
    defs,
    kinds.map((k) => k.specDef),
    context.awsApiNames,
  );
  const examples = context.examples ?? [];
  const body = kinds.flatMap((k) => kindLines(builder, k, examples));
  // Shared types are rendered last but their rows first, so "Used at" also lists uses inside other shared types.
  const sharedNames = [...builder.shared].sort();
  const sharedRows = new Map(sharedNames.map((name) => [name, builder.fieldRows(name, '', name)]));
  const shared = sharedNames.flatMap((name) => sharedLines(builder, name, sharedRows.get(name) ?? []));
  const lines = [
    ...introLines(defs, kinds, builder),
    ...body,
    '## Shared types',
    '',
    'Objects reached from several places. Paths here start at the object; prefix them with a path from "Used at".',
    '',
    ...shared,
  ];
  checkAnchors(lines);
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Every `](#anchor)` must land on a heading, and no two headings may share an anchor. */
function checkAnchors(lines: string[]): void {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of lines) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#+ (.*)$/.exec(line);
    if (!heading?.[1]) continue;
    const anchor = slug(heading[1]);
    if (anchors.has(anchor)) throw new Error(`duplicate heading anchor #${anchor}`);
    anchors.add(anchor);
  }
  for (const line of lines) {
    for (const match of line.matchAll(/\]\(#([^)]+)\)/g)) {
      if (match[1] !== undefined && !anchors.has(match[1])) throw new Error(`link to missing anchor #${match[1]}`);
    }
  }
}

/**
 * Formats with the project's prettier through its CLI, so the page passes `prettier --check` like the rest of docs/
 * (prettier's API loads ESM dynamically, which jest's CommonJS runtime refuses).
 */
export function formatMarkdown(markdown: string, root = repoRoot()): string {
  const cli = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [cli, '--stdin-filepath', join(root, REFERENCE_FILE)], {
    input: markdown,
    encoding: 'utf8',
    cwd: root,
  });
}

/** The page exactly as it should be committed. */
export function generateManifestReference(root = repoRoot()): string {
  const text = renderManifestReference(loadSchemas(root), {
    examples: loadExamples(root),
    awsApiNames: loadAwsApiNames(root),
  });
  return formatMarkdown(text, root);
}

function main(): void {
  const root = repoRoot();
  const page = generateManifestReference(root);
  writeFileSync(join(root, REFERENCE_FILE), page);
  console.log(`wrote ${REFERENCE_FILE}: ${page.split('\n').length - 1} lines`);
}

if (require.main === module) main();
