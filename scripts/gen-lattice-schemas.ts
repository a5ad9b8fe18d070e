/**
 * Generates the nine VPC Lattice kinds' document schemas from the vendored model
 * (`aws-models/vpc-lattice-2022-11-30.json`) into `src/kinds/shared/lattice-schemas.ts`: each spec is the Create*
 * input key for key, without what the document's metadata carries (names, parents), `clientToken` (meshward's) and
 * `tags` (metadata.tags). One deliberate change: a forward action names its target groups by their meshward name
 * (`targetGroupIdentifier: checkout-blue`), not by id or ARN, since the id is not known before the apply.
 * Model patterns are anchored (the API reference matches them against the whole value).
 *
 * Run: `npx tsx scripts/gen-lattice-schemas.ts`. `test/kinds/lattice-schemas.test.ts` checks the committed file
 * equals a fresh generation.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ANNOTATIONS, API_VERSION, OWNERSHIP_TAGS } from '../src/core/types';
import {
  type BotocoreShape,
  type JsonSchema,
  type JsonValue,
  MAX_USER_TAGS,
  readModel,
  shapeDefinitions,
} from './gen-schemas';

export const LATTICE_MODEL_FILE = 'vpc-lattice-2022-11-30.json';
export const LATTICE_SCHEMAS_FILE = 'src/kinds/shared/lattice-schemas.ts';
const PREFIX = 'Lattice';

/** kind -> its Create* (or Put*) request shape and the members the metadata or meshward carries instead. */
export const LATTICE_KIND_INPUTS = {
  LatticeServiceNetwork: { input: 'CreateServiceNetworkRequest', omit: ['name'] },
  LatticeTargetGroup: { input: 'CreateTargetGroupRequest', omit: ['name'] },
  LatticeService: { input: 'CreateServiceRequest', omit: ['name'] },
  LatticeListener: { input: 'CreateListenerRequest', omit: ['name', 'serviceIdentifier'] },
  LatticeRule: { input: 'CreateRuleRequest', omit: ['name', 'serviceIdentifier', 'listenerIdentifier'] },
  LatticeServiceNetworkVpcAssociation: {
    input: 'CreateServiceNetworkVpcAssociationRequest',
    omit: ['serviceNetworkIdentifier'],
  },
  LatticeServiceNetworkServiceAssociation: {
    input: 'CreateServiceNetworkServiceAssociationRequest',
    omit: ['serviceNetworkIdentifier', 'serviceIdentifier'],
  },
  LatticeAccessLogSubscription: { input: 'CreateAccessLogSubscriptionRequest', omit: ['resourceIdentifier'] },
  LatticeAuthPolicy: { input: 'PutAuthPolicyRequest', omit: ['resourceIdentifier'] },
} as const;
export type LatticeKindName = keyof typeof LATTICE_KIND_INPUTS;
export const LATTICE_KIND_NAMES = Object.keys(LATTICE_KIND_INPUTS) as LatticeKindName[];
/** Never part of a spec: meshward sends its own client token, and tags come from metadata.tags. */
export const ALWAYS_OMITTED = ['clientToken', 'tags'];

const DESCRIPTIONS: Record<LatticeKindName, string> = {
  LatticeServiceNetwork: 'A VPC Lattice service network (metadata.name). spec mirrors CreateServiceNetwork input.',
  LatticeTargetGroup:
    'A VPC Lattice target group (metadata.name). spec mirrors CreateTargetGroup input; ECS services register their tasks through EcsService.spec.vpcLatticeConfigurations.',
  LatticeService: 'A VPC Lattice service (metadata.name). spec mirrors CreateService input.',
  LatticeListener:
    'A listener of the VPC Lattice service metadata.service. spec mirrors CreateListener input; forward actions name target groups by name.',
  LatticeRule:
    'A rule of the listener metadata.listener of the VPC Lattice service metadata.service. spec mirrors CreateRule input; forward actions name target groups by name.',
  LatticeServiceNetworkVpcAssociation:
    'The association of spec.vpcIdentifier with the service network metadata.serviceNetwork. spec mirrors CreateServiceNetworkVpcAssociation input.',
  LatticeServiceNetworkServiceAssociation:
    'The association of the service metadata.service with the service network metadata.serviceNetwork.',
  LatticeAccessLogSubscription:
    'An access log subscription of the service metadata.service or the service network metadata.serviceNetwork (one per destination type). spec mirrors CreateAccessLogSubscription input.',
  LatticeAuthPolicy:
    'The auth policy of the service metadata.service or the service network metadata.serviceNetwork. spec mirrors PutAuthPolicy input.',
};

function anchored(pattern: string): string {
  return pattern.startsWith('^') && pattern.endsWith('$') ? pattern : `^(?:${pattern})$`;
}

/** The model's shapes, prefixed, with the synthetic spec shapes and the by-name overlay. */
export function latticeShapes(modelsDir: string): Record<string, BotocoreShape> {
  const model = readModel(join(modelsDir, LATTICE_MODEL_FILE));
  const shapes: Record<string, BotocoreShape> = {};
  const rename = (n: string): string => `${PREFIX}${n}`;
  for (const [name, shape] of Object.entries(model.shapes)) {
    const copy: BotocoreShape = { ...shape };
    if (shape.members) {
      copy.members = Object.fromEntries(Object.entries(shape.members).map(([k, v]) => [k, { shape: rename(v.shape) }]));
    }
    if (shape.member) copy.member = { shape: rename(shape.member.shape) };
    if (shape.key) copy.key = { shape: rename(shape.key.shape) };
    if (shape.value) copy.value = { shape: rename(shape.value.shape) };
    if (copy.pattern !== undefined) copy.pattern = anchored(copy.pattern);
    shapes[rename(name)] = copy;
  }
  for (const kind of LATTICE_KIND_NAMES) {
    const { input, omit } = LATTICE_KIND_INPUTS[kind];
    const request = shapes[rename(input)];
    if (!request?.members) throw new Error(`no shape ${input}`);
    const drop = new Set<string>([...omit, ...ALWAYS_OMITTED]);
    const members = Object.fromEntries(Object.entries(request.members).filter(([k]) => !drop.has(k)));
    const spec: BotocoreShape = { type: 'structure', members };
    const required = (request.required ?? []).filter((k) => !drop.has(k));
    if (required.length > 0) spec.required = required;
    shapes[`${kind}Spec`] = spec;
  }
  // By name: the target group's meshward name (which is its Lattice name).
  const weighted = shapes[rename('WeightedTargetGroup')];
  if (!weighted?.members) throw new Error('no WeightedTargetGroup');
  weighted.members = { ...weighted.members, targetGroupIdentifier: { shape: rename('TargetGroupName') } };
  return shapes;
}

const BOOLEAN_STRING: JsonSchema = { type: 'string', enum: ['true', 'false'] };

function annotations(): JsonSchema {
  return {
    type: 'object',
    properties: {
      [ANNOTATIONS.adopt]: BOOLEAN_STRING,
      [ANNOTATIONS.deletionProtection]: BOOLEAN_STRING,
      [ANNOTATIONS.external]: BOOLEAN_STRING,
      [ANNOTATIONS.ignoreFields]: {
        type: 'string',
        pattern: '^\\s*/spec(/[^,\\s]*)?(\\s*,\\s*/spec(/[^,\\s]*)?)*\\s*$',
      },
    },
    additionalProperties: { type: 'string' },
  };
}

function tags(): JsonSchema {
  return {
    type: 'object',
    maxProperties: MAX_USER_TAGS,
    propertyNames: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      pattern: '^(?![aA][wW][sS]:)',
      not: { enum: Object.values(OWNERSHIP_TAGS) },
    },
    additionalProperties: { type: 'string', maxLength: 256 },
  };
}

const ref = (shape: string): JsonSchema => ({ $ref: `#/definitions/${PREFIX}${shape}` });

/** metadata members per kind (beyond annotations and tags), and which are required. */
function metadataOf(kind: LatticeKindName): { props: Record<string, JsonSchema>; required: string[]; oneOf?: boolean } {
  switch (kind) {
    case 'LatticeServiceNetwork':
      return { props: { name: ref('ServiceNetworkName') }, required: ['name'] };
    case 'LatticeTargetGroup':
      return { props: { name: ref('TargetGroupName') }, required: ['name'] };
    case 'LatticeService':
      return { props: { name: ref('ServiceName') }, required: ['name'] };
    case 'LatticeListener':
      return { props: { name: ref('ListenerName'), service: ref('ServiceName') }, required: ['name', 'service'] };
    case 'LatticeRule':
      return {
        props: { name: ref('RuleName'), service: ref('ServiceName'), listener: ref('ListenerName') },
        required: ['listener', 'name', 'service'],
      };
    case 'LatticeServiceNetworkVpcAssociation':
      return { props: { serviceNetwork: ref('ServiceNetworkName') }, required: ['serviceNetwork'] };
    case 'LatticeServiceNetworkServiceAssociation':
      return {
        props: { serviceNetwork: ref('ServiceNetworkName'), service: ref('ServiceName') },
        required: ['service', 'serviceNetwork'],
      };
    case 'LatticeAccessLogSubscription':
    case 'LatticeAuthPolicy':
      return {
        props: { service: ref('ServiceName'), serviceNetwork: ref('ServiceNetworkName') },
        required: [],
        oneOf: true,
      };
  }
}

/** Names as refs need their shapes as definitions: inline the string shapes the metadata uses. */
function nameDefinitions(shapes: Record<string, BotocoreShape>): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const n of ['ServiceNetworkName', 'TargetGroupName', 'ServiceName', 'ListenerName', 'RuleName']) {
    const s = shapes[`${PREFIX}${n}`];
    if (!s) throw new Error(`no ${n}`);
    const schema: JsonSchema = { type: 'string' };
    if (s.min !== undefined) schema['minLength'] = s.min;
    if (s.max !== undefined) schema['maxLength'] = s.max;
    if (s.pattern !== undefined) schema['pattern'] = s.pattern;
    out[`${PREFIX}${n}`] = schema;
  }
  return out;
}

export function latticeDocumentSchema(shapes: Record<string, BotocoreShape>, kind: LatticeKindName): JsonSchema {
  const md = metadataOf(kind);
  const metadata: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      annotations: annotations(),
      ...md.props,
      // An auth policy is not a taggable resource (PutAuthPolicy takes no tags).
      ...(kind === 'LatticeAuthPolicy' ? {} : { tags: tags() }),
    } as Record<string, JsonValue>,
  };
  if (md.required.length > 0) metadata['required'] = md.required;
  // Each branch names its member again so the schema compiles under Ajv's strict mode (strictRequired), as
  // meshward.schema.json, which embeds it, must.
  if (md.oneOf) {
    metadata['oneOf'] = [
      { properties: { service: {} }, required: ['service'] },
      { properties: { serviceNetwork: {} }, required: ['serviceNetwork'] },
    ];
  }
  const specOptional = !(shapes[`${kind}Spec`]?.required?.length ?? 0);
  const definitions = { ...shapeDefinitions(shapes, [`${kind}Spec`]), ...nameDefinitions(shapes) };
  const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    $id: `https://meshward.dev/schemas/v1alpha1/${kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.schema.json`,
    description: DESCRIPTIONS[kind],
    type: 'object',
    additionalProperties: false,
    required: specOptional ? ['apiVersion', 'kind', 'metadata'] : ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: API_VERSION },
      kind: { const: kind },
      metadata,
      spec: { $ref: `#/definitions/${kind}Spec` },
    },
    definitions: sorted as Record<string, JsonValue>,
  };
}

export function generateLatticeSchemas(root: string): string {
  const shapes = latticeShapes(join(root, 'aws-models'));
  const entries = LATTICE_KIND_NAMES.map(
    (kind) => `  ${kind}: ${JSON.stringify(latticeDocumentSchema(shapes, kind), null, 2).replace(/\n/g, '\n  ')},`,
  );
  return [
    '// Generated by scripts/gen-lattice-schemas.ts from aws-models/vpc-lattice-2022-11-30.json. Do not edit.',
    '/* eslint-disable */',
    'export const LATTICE_DOCUMENT_SCHEMAS: Record<string, object> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

if (require.main === module) {
  const root = resolve(__dirname, '..');
  writeFileSync(join(root, LATTICE_SCHEMAS_FILE), generateLatticeSchemas(root));
  console.log(`wrote ${LATTICE_SCHEMAS_FILE}`);
}
