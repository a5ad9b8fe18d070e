/**
 * Generates the manifest JSON Schemas (`schemas/`) and the kinds' spec types (`src/kinds/spec-types.ts`) from the
 * vendored botocore models, so the API models stay the single source of truth for every field and constraint.
 *
 * Dialect: JSON Schema draft-07 (ajv's default `Ajv` class; also what yaml-language-server handles best).
 * Every schema file is self-contained (its own `definitions`), so each one works alone from an editor and all of
 * them can be added to one Ajv instance without `$id` clashes.
 *
 * Run: `npm run gen:schemas`. `test/schemas/` checks that the committed files equal a fresh generation.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { DURATION_STRING_PATTERN } from '../src/core/duration';
import { ANNOTATIONS, API_VERSION, OWNERSHIP_TAGS } from '../src/core/types';

/**
 * The kinds whose schemas are generated from the AWS models, in registry order. The registry
 * (src/kinds/registry.ts) is the list of kinds; a test checks that this one matches it, so a new kind gets a
 * schema here or brings its own (Kind.documentSchema).
 */
export const KIND_NAMES = [
  'Mesh',
  'VirtualNode',
  'VirtualRouter',
  'Route',
  'VirtualService',
  'VirtualGateway',
  'GatewayRoute',
  'EcsService',
] as const;
export type KindName = (typeof KIND_NAMES)[number];
import { ECS_SERVICE_MEMBERS } from '../src/kinds/ecs-service/service-fields';
import { type KindRegistry, defaultRegistry } from '../src/kinds/registry';
import { PRECOMPILED_VALIDATOR_FILE, validatorSource } from './gen-validators';

// ---------------------------------------------------------------------------------------------------------------
// botocore model types

export interface MemberRef {
  shape: string;
}

export interface BotocoreShape {
  type: string;
  members?: Record<string, MemberRef>;
  required?: string[];
  union?: boolean;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  /**
   * meshward extension (synthetic shapes only): groups of members of which exactly one must be present, for
   * structures that mix an either/or choice with ordinary members (botocore unions cannot).
   */
  exactlyOneOf?: string[][];
  /** botocore document type: any JSON value. */
  document?: boolean;
  /** meshward extension: the rule a pattern enforces, in words (the schema's description; errors quote it). */
  rule?: string;
}

export interface BotocoreModel {
  shapes: Record<string, BotocoreShape>;
}

export type JsonSchema = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------------------------
// What meshward takes from the models, and where it is deliberately stricter

export const SCHEMA_BASE_URL = 'https://meshward.dev/schemas/v1alpha1/';
export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';
export const ECS_PREFIX = 'Ecs';

export const APPMESH_MODEL_FILE = 'appmesh-2019-01-25.json';
export const ECS_MODEL_FILE = 'ecs-2014-11-13.json';

export const KIND_SPEC_SHAPES: Record<KindName, string> = {
  Mesh: 'MeshSpec',
  VirtualNode: 'VirtualNodeSpec',
  VirtualRouter: 'VirtualRouterSpec',
  Route: 'RouteSpec',
  VirtualService: 'VirtualServiceSpec',
  VirtualGateway: 'VirtualGatewaySpec',
  GatewayRoute: 'GatewayRouteSpec',
  EcsService: 'EcsServiceSpec',
};

/** App Mesh Create* calls accept a missing spec only for meshes. */
const SPEC_OPTIONAL: ReadonlySet<KindName> = new Set<KindName>(['Mesh']);

export const KIND_FILES: Record<KindName, string> = {
  Mesh: 'mesh.schema.json',
  VirtualNode: 'virtual-node.schema.json',
  VirtualRouter: 'virtual-router.schema.json',
  Route: 'route.schema.json',
  VirtualService: 'virtual-service.schema.json',
  VirtualGateway: 'virtual-gateway.schema.json',
  GatewayRoute: 'gateway-route.schema.json',
  EcsService: 'ecs-service.schema.json',
};
export const ANY_DOCUMENT_FILE = 'meshward.schema.json';
export const TYPES_FILE = 'src/kinds/spec-types.ts';

const KIND_DESCRIPTIONS: Record<KindName, string> = {
  Mesh: 'An App Mesh service mesh. spec mirrors the App Mesh MeshSpec and may be omitted.',
  VirtualNode:
    'An App Mesh virtual node in metadata.mesh. spec mirrors the App Mesh VirtualNodeSpec; every Duration may also be written as "15s" or "500ms".',
  VirtualRouter: 'An App Mesh virtual router in metadata.mesh. spec mirrors the App Mesh VirtualRouterSpec.',
  Route:
    'An App Mesh route of the virtual router metadata.virtualRouter in metadata.mesh. spec mirrors the App Mesh RouteSpec; every Duration may also be written as "15s" or "500ms".',
  VirtualService: 'An App Mesh virtual service in metadata.mesh. spec mirrors the App Mesh VirtualServiceSpec.',
  VirtualGateway: 'An App Mesh virtual gateway in metadata.mesh. spec mirrors the App Mesh VirtualGatewaySpec.',
  GatewayRoute:
    'An App Mesh gateway route of the virtual gateway metadata.virtualGateway in metadata.mesh. spec mirrors the App Mesh GatewayRouteSpec.',
  EcsService:
    'An ECS service (metadata.name is the service name) with its task definition. spec mirrors ECS CreateService input; spec.taskDefinition mirrors RegisterTaskDefinition input; spec.appMesh says which virtual node or gateway the tasks run as, from which meshward injects the Envoy sidecar and the proxy configuration.',
};

/**
 * RegisterTaskDefinition members left out of `spec.taskDefinition`: tags come from metadata.tags, meshward writes
 * the APPMESH proxy configuration itself (its AppPorts must equal the node's listener ports), and inference
 * accelerators are no longer available in ECS.
 */
export const ECS_TASK_DEFINITION_EXCLUDED = ['tags', 'proxyConfiguration', 'inferenceAccelerators'] as const;

/** Envoy log levels (ENVOY_LOG_LEVEL of the App Mesh Envoy image). */
const ENVOY_LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'];

/**
 * Places where meshward is stricter than the model, as patches on shapes (names after ECS prefixing). Each only
 * narrows what the model accepts; the coverage test applies the same patches to the model it walks.
 */
export interface ShapeOverlay {
  required?: string[];
  enum?: string[];
  min?: number;
  max?: number;
  exactlyOneOf?: string[][];
  why: string;
}

/**
 * Name rules (issue 12: names accepted any character, so an ANSI escape reached a terminal and a newline forged
 * report lines). Where a model has a pattern it is used as is (Cloud Map's ServiceName and NamespaceName, the VPC
 * Lattice names); App Mesh and ECS publish their name rules only in prose:
 * - ECS (CreateService serviceName, CreateCluster clusterName, RegisterTaskDefinition family, ContainerDefinition
 *   name): "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed";
 * - App Mesh documents only the length (1..255); names travel in URL paths (`/v20190125/meshes/{meshName}`), ARNs
 *   and Envoy's node id, and virtual service names are DNS names, so meshward takes DNS-like names: letters, digits,
 *   `.`, `_` and `-`, beginning with a letter or a digit.
 */
export const NAME_RULES = {
  appMesh: {
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
    min: 1,
    max: 255,
    rule: 'an App Mesh name: 1 to 255 letters, digits, ".", "_" or "-", beginning with a letter or a digit',
  },
  ecs: {
    pattern: '^[A-Za-z0-9_-]+$',
    min: 1,
    max: 255,
    rule: 'an ECS name: 1 to 255 letters, digits, "_" or "-"',
  },
  ecsCluster: {
    pattern: '^(?:[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255})$',
    min: 1,
    rule: 'an ECS cluster name (1 to 255 letters, digits, "_" or "-") or cluster ARN',
  },
} as const;

function nameShape(rule: { pattern: string; min: number; max?: number; rule: string }): BotocoreShape {
  return {
    type: 'string',
    pattern: rule.pattern,
    min: rule.min,
    ...(rule.max !== undefined ? { max: rule.max } : {}),
    rule: rule.rule,
  };
}

export const APPMESH_OVERLAYS: Record<string, ShapeOverlay> = {
  Duration: {
    required: ['unit', 'value'],
    why: 'half a duration has no meaning; the string form and ApiDuration always carry both',
  },
  RouteSpec: {
    exactlyOneOf: [['grpcRoute', 'http2Route', 'httpRoute', 'tcpRoute']],
    why: 'App Mesh takes exactly one route type per route',
  },
  GatewayRouteSpec: {
    exactlyOneOf: [['grpcRoute', 'http2Route', 'httpRoute']],
    why: 'App Mesh takes exactly one gateway route type per gateway route',
  },
};

export const ECS_OVERLAYS: Record<string, ShapeOverlay> = {
  EcsContainerDefinition: {
    required: ['name', 'image'],
    why: 'RegisterTaskDefinition rejects a container without a name or an image',
  },
  EcsContainerDefinitions: { min: 1, why: 'RegisterTaskDefinition needs at least one container' },
  EcsServiceRegistries: { max: 1, why: 'ECS supports one service registry per service' },
  EcsNetworkMode: {
    enum: ['awsvpc'],
    why: 'an APPMESH proxy configuration (and Fargate) requires the awsvpc network mode',
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Model loading: App Mesh shapes keep their names, ECS shapes get the Ecs prefix, synthetic shapes join them

export function readModel(path: string): BotocoreModel {
  return JSON.parse(readFileSync(path, 'utf8')) as BotocoreModel;
}

function refShape(ref: MemberRef, rename: (name: string) => string): MemberRef {
  return { shape: rename(ref.shape) };
}

function renameShapes(model: BotocoreModel, rename: (name: string) => string): Record<string, BotocoreShape> {
  const out: Record<string, BotocoreShape> = {};
  for (const [name, shape] of Object.entries(model.shapes)) {
    const copy: BotocoreShape = { ...shape };
    if (shape.members) {
      copy.members = Object.fromEntries(
        Object.entries(shape.members).map(([member, ref]) => [member, refShape(ref, rename)]),
      );
    }
    if (shape.member) copy.member = refShape(shape.member, rename);
    if (shape.key) copy.key = refShape(shape.key, rename);
    if (shape.value) copy.value = refShape(shape.value, rename);
    out[rename(name)] = copy;
  }
  return out;
}

export function applyOverlays(
  shapes: Record<string, BotocoreShape>,
  overlays: Record<string, ShapeOverlay>,
): Record<string, BotocoreShape> {
  const out = { ...shapes };
  for (const [name, overlay] of Object.entries(overlays)) {
    const shape = out[name];
    if (!shape) throw new Error(`overlay for unknown shape ${name}`);
    const patched: BotocoreShape = { ...shape };
    if (overlay.required) patched.required = [...new Set([...(shape.required ?? []), ...overlay.required])].sort();
    if (overlay.enum) patched.enum = [...overlay.enum];
    if (overlay.min !== undefined) patched.min = Math.max(overlay.min, shape.min ?? overlay.min);
    if (overlay.max !== undefined) patched.max = Math.min(overlay.max, shape.max ?? overlay.max);
    if (overlay.exactlyOneOf) patched.exactlyOneOf = [...(shape.exactlyOneOf ?? []), ...overlay.exactlyOneOf];
    out[name] = patched;
  }
  return out;
}

function pickMembers(shape: BotocoreShape | undefined, keep: (member: string) => boolean): Record<string, MemberRef> {
  if (!shape?.members) throw new Error('expected a structure');
  return Object.fromEntries(Object.entries(shape.members).filter(([member]) => keep(member)));
}

/** The synthetic shapes of the EcsService kind, in botocore form so one walk serves schemas, types and tests. */
function ecsServiceShapes(ecs: Record<string, BotocoreShape>): Record<string, BotocoreShape> {
  const p = ECS_PREFIX;
  const service = ecs[`${p}CreateServiceRequest`];
  const withMember = (shape: BotocoreShape | undefined, member: string, target: string): Record<string, MemberRef> => {
    if (!shape?.members?.[member]) throw new Error(`expected member ${member}`);
    return { ...shape.members, [member]: { shape: target } };
  };
  const register = ecs[`${p}RegisterTaskDefinitionRequest`];
  const serviceMembers = new Set<string>(ECS_SERVICE_MEMBERS);
  const excluded = new Set<string>(ECS_TASK_DEFINITION_EXCLUDED);
  const missing = ECS_SERVICE_MEMBERS.filter((m) => !service?.members?.[m]);
  if (missing.length > 0) throw new Error(`CreateServiceRequest lacks ${missing.join(', ')}`);
  return {
    EcsServiceSpec: {
      type: 'structure',
      members: {
        ...pickMembers(service, (m) => serviceMembers.has(m)),
        cluster: { shape: 'EcsClusterName' },
        taskDefinition: { shape: 'EcsTaskDefinitionSpec' },
        appMesh: { shape: 'EcsAppMeshSpec' },
      },
      required: ['taskDefinition'],
    },
    EcsTaskDefinitionSpec: {
      type: 'structure',
      members: { ...pickMembers(register, (m) => !excluded.has(m)), family: { shape: 'EcsName' } },
      required: (register?.required ?? []).filter((m) => !excluded.has(m)),
    },
    EcsAppMeshSpec: {
      type: 'structure',
      members: {
        mesh: { shape: 'ResourceName' },
        virtualNode: { shape: 'ResourceName' },
        virtualGateway: { shape: 'ResourceName' },
        envoy: { shape: 'EcsEnvoySpec' },
        cloudMapService: { shape: 'EcsCloudMapServiceRef' },
      },
      required: ['envoy', 'mesh'],
      exactlyOneOf: [['virtualNode', 'virtualGateway']],
    },
    EcsEnvoySpec: {
      type: 'structure',
      members: {
        image: { shape: 'EcsEnvoyImage' },
        cpu: { shape: `${p}Integer` },
        memory: { shape: `${p}BoxedInteger` },
        memoryReservation: { shape: `${p}BoxedInteger` },
        logLevel: { shape: 'EcsEnvoyLogLevel' },
        environment: { shape: 'EcsEnvoyEnvironment' },
        logConfiguration: { shape: `${p}LogConfiguration` },
        egressIgnoredPorts: { shape: 'EcsEnvoyEgressIgnoredPorts' },
      },
      required: ['image'],
    },
    EcsEnvoyImage: { type: 'string', min: 1 },
    EcsEnvoyEnvironment: { type: 'map', key: { shape: 'EcsEnvoyEnvironmentName' }, value: { shape: `${p}String` } },
    // meshward sets APPMESH_RESOURCE_ARN from appMesh.virtualNode / virtualGateway; a second value would shadow it.
    EcsEnvoyEnvironmentName: { type: 'string', min: 1, pattern: '^(?!APPMESH_RESOURCE_ARN$)[A-Za-z_][A-Za-z0-9_]*$' },
    EcsEnvoyLogLevel: { type: 'string', enum: ENVOY_LOG_LEVELS },
    EcsEnvoyEgressIgnoredPorts: { type: 'list', member: { shape: 'PortNumber' }, min: 1, max: 15 },
    EcsCloudMapServiceRef: {
      type: 'structure',
      members: {
        namespaceName: { shape: 'CloudMapNamespaceName' },
        serviceName: { shape: 'CloudMapServiceName' },
      },
      required: ['namespaceName', 'serviceName'],
    },
    EcsName: nameShape(NAME_RULES.ecs),
    EcsClusterName: nameShape(NAME_RULES.ecsCluster),
    // Containers are named like the rest of ECS.
    [`${p}ContainerDefinition`]: {
      ...(ecs[`${p}ContainerDefinition`] as BotocoreShape),
      members: withMember(ecs[`${p}ContainerDefinition`], 'name', 'EcsName'),
    },
  };
}

export const SERVICE_DISCOVERY_MODEL_FILE = 'servicediscovery-2017-03-14.json';

/** Cloud Map's own name shapes, from its model, for the Cloud Map names App Mesh and EcsService carry. */
function cloudMapNameShapes(modelsDir: string): Record<string, BotocoreShape> {
  const model = readModel(join(modelsDir, SERVICE_DISCOVERY_MODEL_FILE));
  const pick = (name: string): BotocoreShape => {
    const shape = model.shapes[name];
    if (!shape?.pattern) throw new Error(`Cloud Map model: ${name} has no pattern`);
    return { type: 'string', pattern: shape.pattern, ...(shape.max !== undefined ? { max: shape.max } : {}) };
  };
  return {
    CloudMapServiceName: {
      ...pick('ServiceName'),
      rule: 'a Cloud Map service name: DNS labels of letters, digits, "_" and "-", up to 127 characters',
    },
    CloudMapNamespaceName: { ...pick('NamespaceName'), rule: 'a Cloud Map namespace name: printable ASCII, no spaces' },
  };
}

/** All shapes meshward generates from: App Mesh as is, ECS prefixed, EcsService synthetic ones, overlays applied. */
export function buildShapes(modelsDir: string): Record<string, BotocoreShape> {
  const appmesh = readModel(join(modelsDir, APPMESH_MODEL_FILE));
  const ecsRaw = readModel(join(modelsDir, ECS_MODEL_FILE));
  const ecs = renameShapes(ecsRaw, (name) => `${ECS_PREFIX}${name}`);
  const shapes: Record<string, BotocoreShape> = { ...appmesh.shapes };
  const synthetic = ecsServiceShapes(ecs);
  for (const [name, shape] of [...Object.entries(ecs), ...Object.entries(cloudMapNameShapes(modelsDir))]) {
    if (shapes[name]) throw new Error(`shape name clash: ${name}`);
    shapes[name] = shape;
  }
  // Synthetic shapes may replace an ECS shape of the same name on purpose (ContainerDefinition's name rule).
  for (const [name, shape] of Object.entries(synthetic)) {
    if (shapes[name] && !ecs[name]) throw new Error(`shape name clash: ${name}`);
    shapes[name] = shape;
  }
  // App Mesh names: the name rule wherever a ResourceName or a virtual service name appears.
  shapes.ResourceName = nameShape(NAME_RULES.appMesh);
  shapes.ServiceName = nameShape(NAME_RULES.appMesh);
  // Within App Mesh's own bounds for these members (AwsCloudMapName), Cloud Map's patterns on top.
  const appMeshBounds = shapes.AwsCloudMapName;
  for (const name of ['CloudMapServiceName', 'CloudMapNamespaceName']) {
    const shape = shapes[name] as BotocoreShape;
    shapes[name] = {
      ...shape,
      min: Math.max(shape.min ?? 1, appMeshBounds?.min ?? 1),
      max: Math.min(shape.max ?? Infinity, appMeshBounds?.max ?? Infinity),
    };
  }
  const discovery = shapes.AwsCloudMapServiceDiscovery;
  if (!discovery?.members) throw new Error('App Mesh model: no AwsCloudMapServiceDiscovery');
  shapes.AwsCloudMapServiceDiscovery = {
    ...discovery,
    members: {
      ...discovery.members,
      namespaceName: { shape: 'CloudMapNamespaceName' },
      serviceName: { shape: 'CloudMapServiceName' },
    },
  };
  return applyOverlays(applyOverlays(shapes, APPMESH_OVERLAYS), ECS_OVERLAYS);
}

// ---------------------------------------------------------------------------------------------------------------
// Patterns: botocore patterns are Java regexes; JSON Schema patterns are ECMA-262 (ajv compiles them with `u`)

export interface PatternReport {
  shape: string;
  pattern: string;
  /** The pattern as written into the schema, or undefined when it was skipped. */
  translated?: string;
  reason?: string;
}

// Only rewrites that keep the meaning exactly; anything else Java-only is skipped (and listed in the README).
const JAVA_TO_JS: [RegExp, string][] = [
  [/^\\A/, '^'],
  [/\\[zZ]$/, '$'],
];

function compiles(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function translatePattern(shape: string, pattern: string): PatternReport {
  if (compiles(pattern) === undefined) return { shape, pattern, translated: pattern };
  let js = pattern;
  for (const [from, to] of JAVA_TO_JS) js = js.replace(from, to);
  const failure = compiles(js);
  if (failure === undefined) return { shape, pattern, translated: js, reason: 'translated from Java syntax' };
  return { shape, pattern, reason: `not an ECMA-262 (u) regex: ${failure}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes -> JSON Schema

const DURATION_SHAPE = 'Duration';

class SchemaBuilder {
  readonly patterns = new Map<string, PatternReport>();

  constructor(private readonly shapes: Record<string, BotocoreShape>) {}

  shape(name: string): BotocoreShape {
    const shape = this.shapes[name];
    if (!shape) throw new Error(`unknown shape ${name}`);
    return shape;
  }

  /** Structures become definitions (which is also what makes recursive shapes finite); the rest is inlined. */
  ref(name: string): JsonSchema {
    const shape = this.shape(name);
    // A document is free-form JSON passed through to the user's own code (ECS lifecycle hook details).
    if (shape.document) return {};
    if (shape.type === 'structure') return { $ref: `#/definitions/${name}` };
    return this.inline(name, shape);
  }

  private inline(name: string, shape: BotocoreShape): JsonSchema {
    switch (shape.type) {
      case 'string':
      case 'timestamp':
      case 'blob':
        return this.string(name, shape);
      case 'integer':
      case 'long':
        return withBounds({ type: 'integer' }, shape, 'minimum', 'maximum');
      case 'double':
      case 'float':
        return withBounds({ type: 'number' }, shape, 'minimum', 'maximum');
      case 'boolean':
        return { type: 'boolean' };
      case 'list':
        if (!shape.member) throw new Error(`list ${name} without member`);
        return withBounds({ type: 'array', items: this.ref(shape.member.shape) }, shape, 'minItems', 'maxItems');
      case 'map': {
        if (!shape.key || !shape.value) throw new Error(`map ${name} without key/value`);
        const keySchema = this.ref(shape.key.shape);
        const schema: JsonSchema = { type: 'object' };
        if (Object.keys(keySchema).some((key) => key !== 'type')) schema.propertyNames = keySchema;
        schema.additionalProperties = this.ref(shape.value.shape);
        return withBounds(schema, shape, 'minProperties', 'maxProperties');
      }
      default:
        throw new Error(`shape ${name}: unsupported type ${shape.type}`);
    }
  }

  private string(name: string, shape: BotocoreShape): JsonSchema {
    if (shape.enum) return { type: 'string', enum: [...shape.enum] };
    const schema = withBounds({ type: 'string' }, shape, 'minLength', 'maxLength');
    if (shape.pattern !== undefined) {
      const report = translatePattern(name, shape.pattern);
      this.patterns.set(name, report);
      if (report.translated !== undefined) schema.pattern = report.translated;
      else schema.$comment = `model pattern ${JSON.stringify(shape.pattern)} skipped: ${report.reason ?? ''}`;
    }
    if (shape.rule !== undefined) schema.description = shape.rule;
    return schema;
  }

  definition(name: string): JsonSchema {
    const shape = this.shape(name);
    const members = shape.members ?? {};
    const properties: Record<string, JsonValue> = {};
    for (const member of Object.keys(members).sort()) {
      const ref = members[member];
      if (ref) properties[member] = this.ref(ref.shape);
    }
    const schema: JsonSchema = { type: 'object' };
    if (name === DURATION_SHAPE) {
      // meshward's one deliberate change to the API shapes: "15s" / "500ms". pattern applies only to strings and
      // the object keywords only to objects, so one schema without if/then keeps the errors at the right place.
      schema.type = ['object', 'string'];
      schema.pattern = DURATION_STRING_PATTERN;
    }
    schema.additionalProperties = false;
    if (shape.union) {
      schema.minProperties = 1;
      schema.maxProperties = 1;
    }
    if (shape.required && shape.required.length > 0) schema.required = [...shape.required].sort();
    schema.properties = properties;
    if (shape.exactlyOneOf) {
      const groups = shape.exactlyOneOf.map((group) => ({
        // properties repeated so ajv's strictRequired sees the member defined where it is required
        oneOf: group.map((member) => ({ properties: { [member]: true }, required: [member] })),
      }));
      if (groups.length === 1 && groups[0]) Object.assign(schema, groups[0]);
      else schema.allOf = groups;
    }
    return schema;
  }

  /** Every structure reachable from the roots, in name order. */
  reachableStructures(roots: string[]): string[] {
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const child of childShapes(this.shape(name))) visit(child);
    };
    roots.forEach(visit);
    return [...seen].filter((name) => this.shape(name).type === 'structure' && !this.shape(name).document).sort();
  }
}

/** Definitions for every structure reachable from the roots of any shape set (recursive shapes included). */
export function shapeDefinitions(shapes: Record<string, BotocoreShape>, roots: string[]): Record<string, JsonSchema> {
  const builder = new SchemaBuilder(shapes);
  return Object.fromEntries(builder.reachableStructures(roots).map((name) => [name, builder.definition(name)]));
}

export function childShapes(shape: BotocoreShape): string[] {
  const children = Object.values(shape.members ?? {}).map((ref) => ref.shape);
  for (const ref of [shape.member, shape.key, shape.value]) if (ref) children.push(ref.shape);
  return children;
}

function withBounds(schema: JsonSchema, shape: BotocoreShape, minKey: string, maxKey: string): JsonSchema {
  if (shape.min !== undefined) schema[minKey] = shape.min;
  if (shape.max !== undefined) schema[maxKey] = shape.max;
  return schema;
}

// ---------------------------------------------------------------------------------------------------------------
// The document envelope (apiVersion, kind, metadata)

/** AWS allows 50 tags a resource; meshward adds its two ownership tags. */
export const MAX_USER_TAGS = 50 - Object.keys(OWNERSHIP_TAGS).length;

type MetadataVariant =
  'MeshMetadata' | 'MeshScopedMetadata' | 'RouteMetadata' | 'GatewayRouteMetadata' | 'EcsServiceMetadata';

const KIND_METADATA: Record<KindName, MetadataVariant> = {
  Mesh: 'MeshMetadata',
  VirtualNode: 'MeshScopedMetadata',
  VirtualRouter: 'MeshScopedMetadata',
  Route: 'RouteMetadata',
  VirtualService: 'MeshScopedMetadata',
  VirtualGateway: 'MeshScopedMetadata',
  GatewayRoute: 'GatewayRouteMetadata',
  EcsService: 'EcsServiceMetadata',
};

const RESOURCE_NAME: JsonSchema = {
  type: 'string',
  minLength: NAME_RULES.appMesh.min,
  maxLength: NAME_RULES.appMesh.max,
  pattern: NAME_RULES.appMesh.pattern,
  description: NAME_RULES.appMesh.rule,
};

function tagsSchema(ecs: boolean): JsonSchema {
  // ECS documents its tag pattern anchored (whole key/value); aws: in any case is reserved for AWS.
  const ecsChars = '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$';
  const keySchema: JsonSchema = {
    type: 'string',
    minLength: 1,
    maxLength: 128,
    pattern: '^(?![aA][wW][sS]:)',
    not: { enum: Object.values(OWNERSHIP_TAGS) },
  };
  const valueSchema: JsonSchema = { type: 'string', maxLength: 256 };
  if (ecs) {
    keySchema.allOf = [{ type: 'string', pattern: ecsChars }];
    valueSchema.pattern = ecsChars;
  }
  return {
    type: 'object',
    maxProperties: MAX_USER_TAGS,
    propertyNames: keySchema,
    additionalProperties: valueSchema,
  };
}

const BOOLEAN_STRING: JsonSchema = { type: 'string', enum: ['true', 'false'] };

function envelopeDefinitions(): Record<string, JsonSchema> {
  const knownAnnotations = Object.values(ANNOTATIONS)
    .map((key) => key.replace(/^meshward\.dev\//, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  const annotations: JsonSchema = {
    type: 'object',
    properties: {
      [ANNOTATIONS.adopt]: BOOLEAN_STRING,
      [ANNOTATIONS.deletionProtection]: BOOLEAN_STRING,
      [ANNOTATIONS.external]: BOOLEAN_STRING,
      [ANNOTATIONS.placeholder]: BOOLEAN_STRING,
      [ANNOTATIONS.ignoreFields]: {
        type: 'string',
        pattern: '^\\s*/spec(/[^,\\s]*)?(\\s*,\\s*/spec(/[^,\\s]*)?)*\\s*$',
      },
    },
    // Keys under meshward's prefix are switches: a misspelt one would silently do nothing, so only known ones pass.
    propertyNames: { type: 'string', pattern: `^(?!meshward\\.dev/(?!(?:${knownAnnotations})$))` },
    additionalProperties: { type: 'string' },
  };
  const metadata = (extra: Record<string, JsonSchema>, ecs = false): JsonSchema => ({
    type: 'object',
    additionalProperties: false,
    required: ['name', ...Object.keys(extra)].sort(),
    properties: {
      annotations: { $ref: '#/definitions/ManifestAnnotations' },
      ...extra,
      name: ecs
        ? {
            type: 'string',
            minLength: NAME_RULES.ecs.min,
            maxLength: NAME_RULES.ecs.max,
            pattern: NAME_RULES.ecs.pattern,
            description: NAME_RULES.ecs.rule,
          }
        : RESOURCE_NAME,
      tags: { $ref: ecs ? '#/definitions/EcsManifestTags' : '#/definitions/ManifestTags' },
    },
  });
  return {
    ManifestAnnotations: annotations,
    ManifestTags: tagsSchema(false),
    EcsManifestTags: tagsSchema(true),
    MeshMetadata: metadata({}),
    MeshScopedMetadata: metadata({ mesh: RESOURCE_NAME }),
    RouteMetadata: metadata({ mesh: RESOURCE_NAME, virtualRouter: RESOURCE_NAME }),
    GatewayRouteMetadata: metadata({ mesh: RESOURCE_NAME, virtualGateway: RESOURCE_NAME }),
    EcsServiceMetadata: metadata({}, true),
  };
}

/** Not localeCompare: the output must be byte-identical on every machine, whatever its locale. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).sort(([a], [b]) => byCodePoint(a, b)));
}

function documentSchema(kind: KindName): JsonSchema {
  const required = ['apiVersion', 'kind', 'metadata'];
  if (!SPEC_OPTIONAL.has(kind)) required.push('spec');
  return {
    description: KIND_DESCRIPTIONS[kind],
    type: 'object',
    additionalProperties: false,
    required,
    properties: {
      apiVersion: { const: API_VERSION },
      kind: { const: kind },
      metadata: { $ref: `#/definitions/${KIND_METADATA[kind]}` },
      spec: { $ref: `#/definitions/${KIND_SPEC_SHAPES[kind]}` },
    },
  };
}

function documentDefinitionName(kind: string): string {
  return `${kind}Document`;
}

// ---------------------------------------------------------------------------------------------------------------
// Kinds that bring their own document schema (Kind.documentSchema: Cloud Map, VPC Lattice, any kind added later)

/** A registered kind outside the generated set, its schema split for embedding and for a file of its own. */
export interface OwnSchemaKind {
  kind: string;
  /** `schemas/` file name, from the schema's `$id`. */
  file: string;
  /** The document schema, with `metadata` and `spec` as `$ref`s into `definitions` and no `$id`. */
  document: JsonSchema;
  definitions: Record<string, JsonSchema>;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every registered kind that brings its own document schema, in registry order: read from the registry, so a new
 * kind shows up in `meshward.schema.json`, in a file of its own and in the manifest reference with no change here.
 * Inline `metadata` and `spec` objects become definitions `<Kind>Metadata` / `<Kind>Spec`, the shape the generated
 * kinds have, so that every kind reads the same in the reference.
 */
export function ownSchemaKinds(registry: KindRegistry = defaultRegistry): OwnSchemaKind[] {
  const generated: readonly string[] = KIND_NAMES;
  const out: OwnSchemaKind[] = [];
  for (const k of registry.kinds) {
    if (k.documentSchema === undefined || generated.includes(k.kind)) continue;
    const own = JSON.parse(JSON.stringify(k.documentSchema)) as JsonSchema;
    const { $id, $schema: _dialect, definitions, ...document } = own;
    // Named by its $id where it has one, else after the kind (ProbeService -> probe-service.schema.json).
    const kebab = `${k.kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.schema.json`;
    const file = typeof $id === 'string' ? $id.slice($id.lastIndexOf('/') + 1) : kebab;
    if (!file.endsWith('.schema.json')) throw new Error(`${k.kind}: documentSchema's $id must end in .schema.json`);
    const defs: Record<string, JsonSchema> = {};
    for (const [name, def] of Object.entries(isSchema(definitions) ? definitions : {})) {
      if (isSchema(def)) defs[name] = def;
    }
    const props = isSchema(document['properties']) ? { ...document['properties'] } : {};
    for (const [member, suffix] of [
      ['metadata', 'Metadata'],
      ['spec', 'Spec'],
    ] as const) {
      const schema = props[member];
      if (!isSchema(schema) || typeof schema['$ref'] === 'string') continue;
      const name = `${k.kind}${suffix}`;
      if (defs[name]) throw new Error(`${k.kind}: definition ${name} already exists`);
      defs[name] = schema;
      props[member] = { $ref: `#/definitions/${name}` };
    }
    out.push({ kind: k.kind, file, document: { ...document, properties: props }, definitions: defs });
  }
  return out;
}

/** Adds definitions to a map; a name defined twice must mean the same thing. */
function mergeDefinitions(into: Record<string, JsonValue>, add: Record<string, JsonSchema>, from: string): void {
  for (const [name, def] of Object.entries(add)) {
    const known = into[name];
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(def)) {
      throw new Error(`definition ${name} of ${from} clashes with another of the same name`);
    }
    into[name] = def;
  }
}

function ownKindSchema(own: OwnSchemaKind): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE_URL}${own.file}`,
    title: `meshward ${own.kind}`,
    ...own.document,
    definitions: sortKeys(own.definitions),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Whole files

export interface Generated {
  /** schema file name -> schema */
  schemas: Record<string, JsonSchema>;
  /** relative path (from the project root) -> exact file text */
  files: Record<string, string>;
  patterns: PatternReport[];
}

function definitionsFor(builder: SchemaBuilder, kinds: readonly KindName[], withDocuments: boolean): JsonSchema {
  const envelope = envelopeDefinitions();
  const defs: Record<string, JsonValue> = {};
  for (const name of builder.reachableStructures(kinds.map((kind) => KIND_SPEC_SHAPES[kind]))) {
    defs[name] = builder.definition(name);
  }
  const usedMetadata = new Set(kinds.map((kind) => KIND_METADATA[kind]));
  for (const [name, schema] of Object.entries(envelope)) {
    const used =
      usedMetadata.has(name as MetadataVariant) ||
      name === 'ManifestAnnotations' ||
      (name === 'ManifestTags' && kinds.some((k) => k !== 'EcsService')) ||
      (name === 'EcsManifestTags' && kinds.includes('EcsService'));
    if (!used) continue;
    if (defs[name]) throw new Error(`definition name clash: ${name}`);
    defs[name] = schema;
  }
  if (withDocuments) {
    for (const kind of kinds) {
      const name = documentDefinitionName(kind);
      if (defs[name]) throw new Error(`definition name clash: ${name}`);
      defs[name] = documentSchema(kind);
    }
  }
  return sortKeys(defs as JsonSchema);
}

function kindSchema(builder: SchemaBuilder, kind: KindName): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE_URL}${KIND_FILES[kind]}`,
    title: `meshward ${kind}`,
    ...documentSchema(kind),
    definitions: definitionsFor(builder, [kind], false),
  };
}

function anyDocumentSchema(builder: SchemaBuilder, own: readonly OwnSchemaKind[]): JsonSchema {
  const kinds = [...KIND_NAMES, ...own.map((o) => o.kind)];
  const defs = definitionsFor(builder, KIND_NAMES, true) as Record<string, JsonValue>;
  for (const o of own) {
    mergeDefinitions(defs, o.definitions, o.kind);
    mergeDefinitions(defs, { [documentDefinitionName(o.kind)]: o.document }, o.kind);
  }
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_BASE_URL}${ANY_DOCUMENT_FILE}`,
    title: 'meshward document',
    description:
      'Any meshward manifest document. kind selects the schema of that kind (if/then, so errors are reported against that kind only).',
    type: 'object',
    // A known kind hands the whole document to that kind's schema, so each problem is reported once and only
    // against that kind; anything else gets the envelope checked here.
    if: { type: 'object', required: ['kind'], properties: { kind: { enum: kinds } } },
    then: {
      allOf: kinds.map((kind) => ({
        if: { properties: { kind: { const: kind } } },
        then: { $ref: `#/definitions/${documentDefinitionName(kind)}` },
      })),
    },
    else: {
      required: ['apiVersion', 'kind', 'metadata'],
      properties: {
        apiVersion: { const: API_VERSION },
        kind: { type: 'string', enum: kinds },
        metadata: { type: 'object' },
      },
    },
    definitions: sortKeys(defs as JsonSchema),
  };
}

export function repoRoot(): string {
  return resolve(__dirname, '..');
}

export function generate(modelsDir = join(repoRoot(), 'aws-models')): Generated {
  const builder = new SchemaBuilder(buildShapes(modelsDir));
  const schemas: Record<string, JsonSchema> = {};
  for (const kind of KIND_NAMES) schemas[KIND_FILES[kind]] = kindSchema(builder, kind);
  const own = ownSchemaKinds();
  for (const o of own) {
    if (schemas[o.file]) throw new Error(`${o.kind}: schema file ${o.file} is taken`);
    schemas[o.file] = ownKindSchema(o);
  }
  schemas[ANY_DOCUMENT_FILE] = anyDocumentSchema(builder, own);
  const files: Record<string, string> = {};
  for (const [file, schema] of Object.entries(schemas)) {
    files[`schemas/${file}`] = `${JSON.stringify(schema, null, 2)}\n`;
  }
  const patterns = [...builder.patterns.values()].sort((a, b) => byCodePoint(a.shape, b.shape));
  files[TYPES_FILE] = formatTs(renderTypes(builder), TYPES_FILE);
  files['schemas/README.md'] = renderReadme(patterns);
  const schemaFiles = Object.fromEntries(Object.keys(schemas).map((f) => [f, files[`schemas/${f}`] ?? '']));
  files[`schemas/${PRECOMPILED_VALIDATOR_FILE}`] = validatorSource(schemaFiles);
  return { schemas, files, patterns };
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes -> TypeScript

function tsLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function tsKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : tsLiteral(key);
}

function renderTypes(builder: SchemaBuilder): string {
  const tsType = (name: string): string => {
    const shape = builder.shape(name);
    if (shape.document) return 'unknown';
    switch (shape.type) {
      case 'structure':
        return name;
      case 'string':
      case 'timestamp':
      case 'blob':
        return shape.enum ? shape.enum.map(tsLiteral).join(' | ') : 'string';
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'list': {
        const item = tsType(shape.member?.shape ?? '');
        return item.includes('|') ? `(${item})[]` : `${item}[]`;
      }
      case 'map':
        return `Record<string, ${tsType(shape.value?.shape ?? '')}>`;
      default:
        throw new Error(`shape ${name}: unsupported type ${shape.type}`);
    }
  };
  const memberLines = (members: [string, MemberRef][], required: Set<string>): string[] =>
    members.map(([member, ref]) => `${tsKey(member)}${required.has(member) ? '' : '?'}: ${tsType(ref.shape)};`);

  const out: string[] = [
    '/**',
    ' * Generated by scripts/gen-schemas.ts from the botocore models in aws-models/ — do not edit; run',
    ' * `npm run gen:schemas`. The same walk writes schemas/, so these types and the schemas cannot disagree.',
    ' */',
    "import type { ApiDuration } from '../core/duration';",
    '',
    `export type ApiVersion = ${tsLiteral(API_VERSION)};`,
    '',
    '/** User tags; meshward adds its ownership tags itself. */',
    'export type ManifestTags = Record<string, string>;',
    'export type ManifestAnnotations = Record<string, string>;',
    '',
  ];
  const metadataFields: Record<MetadataVariant, string[]> = {
    MeshMetadata: [],
    MeshScopedMetadata: ['mesh'],
    RouteMetadata: ['mesh', 'virtualRouter'],
    GatewayRouteMetadata: ['mesh', 'virtualGateway'],
    EcsServiceMetadata: [],
  };
  for (const [variant, fields] of Object.entries(metadataFields)) {
    out.push(`export interface ${variant} {`, 'name: string;');
    for (const field of fields) out.push(`${field}: string;`);
    out.push('tags?: ManifestTags;', 'annotations?: ManifestAnnotations;', '}', '');
  }
  for (const kind of KIND_NAMES) {
    const spec = `spec${SPEC_OPTIONAL.has(kind) ? '?' : ''}: ${KIND_SPEC_SHAPES[kind]};`;
    out.push(
      `export interface ${documentDefinitionName(kind)} {`,
      'apiVersion: ApiVersion;',
      `kind: ${tsLiteral(kind)};`,
      `metadata: ${KIND_METADATA[kind]};`,
      spec,
      '}',
      '',
    );
  }
  out.push(`export type MeshwardDocument = ${KIND_NAMES.map(documentDefinitionName).join(' | ')};`, '');
  out.push("/** Each kind's spec type, for code that is generic over kinds. */", 'export interface KindSpecs {');
  for (const kind of KIND_NAMES) out.push(`${kind}: ${KIND_SPEC_SHAPES[kind]};`);
  out.push('}', '');

  for (const name of builder.reachableStructures(KIND_NAMES.map((kind) => KIND_SPEC_SHAPES[kind]))) {
    const shape = builder.shape(name);
    const members = Object.entries(shape.members ?? {}).sort(([a], [b]) => byCodePoint(a, b));
    const required = new Set(shape.required ?? []);
    if (name === DURATION_SHAPE) {
      out.push('/** An App Mesh Duration, or the same as a string: "15s", "500ms". */');
      out.push('export type Duration = ApiDuration | string;', '');
      continue;
    }
    if (shape.union) {
      // Exactly one member: each alternative forbids the others, so the compiler enforces the union too.
      const alternatives = members.map(([member, ref]) => {
        const others = members.filter(([other]) => other !== member).map(([other]) => `${tsKey(other)}?: never;`);
        return `{ ${tsKey(member)}: ${tsType(ref.shape)}; ${others.join(' ')} }`;
      });
      out.push(`export type ${name} = ${alternatives.join(' | ')};`, '');
      continue;
    }
    if (shape.exactlyOneOf) {
      const inGroups = new Set(shape.exactlyOneOf.flat());
      const base = members.filter(([member]) => !inGroups.has(member));
      const groupTypes = shape.exactlyOneOf.map((group) => {
        const alternatives = group.map((member) => {
          const ref = shape.members?.[member];
          if (!ref) throw new Error(`${name}: exactlyOneOf names unknown member ${member}`);
          const others = group.filter((other) => other !== member).map((other) => `${tsKey(other)}?: never;`);
          return `{ ${tsKey(member)}: ${tsType(ref.shape)}; ${others.join(' ')} }`;
        });
        return `(${alternatives.join(' | ')})`;
      });
      out.push(`export type ${name} = {`, ...memberLines(base, required), `} & ${groupTypes.join(' & ')};`, '');
      continue;
    }
    out.push(`export interface ${name} {`, ...memberLines(members, required), '}', '');
  }
  return out.join('\n');
}

/**
 * Formats with the project's prettier through its CLI: prettier's API loads ESM dynamically, which jest's CommonJS
 * runtime refuses, and the drift test must produce byte-identical output.
 */
function formatTs(source: string, file: string): string {
  const cli = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [cli, '--stdin-filepath', join(repoRoot(), file)], {
    input: source,
    encoding: 'utf8',
    cwd: repoRoot(),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// README for schemas/ (generated so its lists cannot go stale)

function renderReadme(patterns: PatternReport[]): string {
  const overlays = [...Object.entries(APPMESH_OVERLAYS), ...Object.entries(ECS_OVERLAYS)];
  const lines = [
    '# meshward manifest schemas (generated)',
    '',
    'Generated by `npm run gen:schemas` (scripts/gen-schemas.ts) from `aws-models/`; do not edit by hand.',
    '',
    '- Dialect: JSON Schema draft-07. Each file is self-contained (its own `definitions`).',
    `- \`${ANY_DOCUMENT_FILE}\` accepts any meshward document and dispatches on \`kind\` with if/then;`,
    '  one file per kind: ' + KIND_NAMES.map((kind) => `\`${KIND_FILES[kind]}\``).join(', ') + '.',
    `- \`$id\`s: \`${SCHEMA_BASE_URL}<file>\`.`,
    '',
    '## With ajv',
    '```ts',
    "import Ajv from 'ajv';",
    '// inlineRefs/optimize off: about half the compile time, validation as fast',
    'const ajv = new Ajv({ allErrors: true, strict: false, inlineRefs: false, code: { optimize: false } });',
    '// add every schemas/*.schema.json, then:',
    `const validate = ajv.getSchema('${SCHEMA_BASE_URL}${ANY_DOCUMENT_FILE}');`,
    '```',
    'With `allErrors`, a failing document also yields one error with keyword `if` at the document root; it only',
    'says "the schema of this kind failed" and can be dropped when the other errors are shown. The schemas also compile',
    'under `strict: true` with `allowUnionTypes: true` (a Duration is an object or a string).',
    '',
    '## From an editor',
    '```yaml',
    `# yaml-language-server: $schema=../schemas/${ANY_DOCUMENT_FILE}`,
    '```',
    '',
    '## Where meshward differs from the API models',
    '- Every App Mesh `Duration` may also be a string: `"15s"`, `"500ms"`.',
    '- `EcsService.spec` takes these CreateService members: ' + ECS_SERVICE_MEMBERS.join(', ') + ';',
    '  `spec.taskDefinition` is RegisterTaskDefinition input without ' + ECS_TASK_DEFINITION_EXCLUDED.join(', ') + '',
    "  (meshward writes the APPMESH proxy configuration from `spec.appMesh`); `spec.appMesh` is meshward's own.",
    ...overlays.map(([shape, overlay]) => {
      const what = [
        overlay.required ? `requires ${overlay.required.join(', ')}` : '',
        overlay.enum ? `allows only ${overlay.enum.join(', ')}` : '',
        overlay.min !== undefined ? `needs at least ${overlay.min}` : '',
        overlay.max !== undefined ? `takes at most ${overlay.max}` : '',
        overlay.exactlyOneOf ? overlay.exactlyOneOf.map((g) => `takes exactly one of ${g.join(', ')}`).join('; ') : '',
      ]
        .filter((part) => part !== '')
        .join('; ');
      return `- \`${shape}\` ${what}: ${overlay.why}.`;
    }),
    `- \`metadata.tags\`: at most ${MAX_USER_TAGS} (AWS allows 50; meshward adds two ownership tags, which users may not set);`,
    '  keys 1..128, values 0..256, no `aws:` prefix; on EcsService also the ECS tag characters (its TagKey/TagValue',
    '  patterns, anchored as the ECS documentation writes them).',
    '- `metadata.annotations`: strings; keys under `meshward.dev/` must be known switches, whose values are "true" or "false".',
    '- Names (issue 12): `metadata.name`, `metadata.mesh`, `metadata.virtualRouter`, `metadata.virtualGateway` and every',
    `  App Mesh name in a spec must be ${NAME_RULES.appMesh.rule} (App Mesh documents only the length; names travel in`,
    '  URL paths, ARNs and Envoy node ids, and virtual service names are DNS names).',
    `- EcsService \`metadata.name\`, \`spec.taskDefinition.family\` and container names must be ${NAME_RULES.ecs.rule}`,
    `  (the ECS documentation's rule); \`spec.cluster\` must be ${NAME_RULES.ecsCluster.rule}.`,
    '- Cloud Map names in `serviceDiscovery.awsCloudMap` and `appMesh.cloudMapService` follow the Cloud Map model',
    '  patterns (ServiceName, NamespaceName) listed below.',
    '',
    '## Patterns (botocore patterns are Java regexes; ajv compiles ECMA-262 with the u flag)',
    ...(patterns.length === 0
      ? ['None met.']
      : patterns.map((p) => {
          const status =
            p.translated === undefined
              ? `skipped (${p.reason ?? ''})`
              : p.reason
                ? `${p.reason}: \`${p.translated}\``
                : 'used as is';
          return `- \`${p.shape}\` \`${p.pattern}\`: ${status}`;
        })),
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

function main(): void {
  const generated = generate();
  const root = repoRoot();
  for (const [file, text] of Object.entries(generated.files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  const skipped = generated.patterns.filter((p) => p.translated === undefined);
  console.log(
    `wrote ${Object.keys(generated.files).length} files; patterns: ${generated.patterns.length} met, ${skipped.length} skipped`,
  );
}

if (require.main === module) main();
