/**
 * Checks successor documents against the AWS models, independent of meshward's schemas: every spec key must be a
 * member of the Create* input (or ECS shape) the DESIGN.md contract says the kind mirrors, enums must hold, numbers
 * stay in range and strings match the model's patterns. Names given where the API wants ids/ARNs are allowed (the
 * contract resolves them), so only identifier members skip the pattern check.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { repoRoot, translatePattern, type BotocoreShape } from '../../scripts/gen-schemas';

interface Model {
  shapes: Record<string, BotocoreShape>;
  operations?: Record<string, { input?: { shape: string } }>;
}

function readModel(file: string): Model {
  return JSON.parse(readFileSync(file, 'utf8')) as Model;
}

const MODELS = join(repoRoot(), 'aws-models');
const lattice = readModel(join(MODELS, 'vpc-lattice-2022-11-30.json'));
const ecs = readModel(join(MODELS, 'ecs-2014-11-13.json'));
const cloudMap = readModel(join(MODELS, 'servicediscovery-2017-03-14.json'));
const elbv2 = readModel(join(MODELS, 'elbv2-2015-12-01.json'));

type Shapes = Record<string, BotocoreShape>;

interface Root {
  shapes: Shapes;
  shape: string;
  /** Members of the root the manifest does not carry in spec (metadata has them, or meshward fills them). */
  excluded: string[];
  /** Keys the manifest may carry that are not model members. */
  extra?: Record<string, (value: unknown) => string[]>;
  /** Members whose value may be a resource name instead of the id/ARN the model's pattern describes. */
  byName?: string[];
  camel?: boolean;
}

function inputOf(model: Model, op: string): string {
  const shape = model.operations?.[op]?.input?.shape;
  if (!shape) throw new Error(`no operation ${op}`);
  return shape;
}

const LATTICE_COMMON = ['name', 'clientToken', 'tags'];
const LATTICE_IDS = [
  'targetGroupIdentifier',
  'serviceIdentifier',
  'serviceNetworkIdentifier',
  'resourceIdentifier',
  'targetGroupArn',
];

export const ROOTS: Record<string, Root> = {
  LatticeServiceNetwork: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'CreateServiceNetwork'),
    excluded: LATTICE_COMMON,
  },
  LatticeServiceNetworkVpcAssociation: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'CreateServiceNetworkVpcAssociation'),
    excluded: [...LATTICE_COMMON, 'serviceNetworkIdentifier'],
  },
  LatticeService: { shapes: lattice.shapes, shape: inputOf(lattice, 'CreateService'), excluded: LATTICE_COMMON },
  LatticeServiceNetworkServiceAssociation: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'CreateServiceNetworkServiceAssociation'),
    excluded: [...LATTICE_COMMON, 'serviceNetworkIdentifier', 'serviceIdentifier'],
    byName: LATTICE_IDS,
  },
  LatticeListener: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'CreateListener'),
    excluded: [...LATTICE_COMMON, 'serviceIdentifier'],
    byName: LATTICE_IDS,
  },
  LatticeRule: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'CreateRule'),
    excluded: [...LATTICE_COMMON, 'serviceIdentifier', 'listenerIdentifier'],
    byName: LATTICE_IDS,
  },
  LatticeTargetGroup: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'CreateTargetGroup'),
    excluded: LATTICE_COMMON,
  },
  LatticeAccessLogSubscription: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'CreateAccessLogSubscription'),
    excluded: ['clientToken', 'tags', 'resourceIdentifier'],
    byName: LATTICE_IDS,
  },
  LatticeAuthPolicy: {
    shapes: lattice.shapes,
    shape: inputOf(lattice, 'PutAuthPolicy'),
    excluded: ['resourceIdentifier'],
  },
  CloudMapNamespace: {
    shapes: cloudMap.shapes,
    shape: inputOf(cloudMap, 'CreateHttpNamespace'),
    excluded: ['Name', 'CreatorRequestId', 'Tags'],
    extra: { type: (v) => (v === 'HTTP' || v === 'DNS_PRIVATE' ? [] : [`type ${String(v)}`]) },
    camel: true,
  },
  EcsService: {
    shapes: ecs.shapes,
    shape: inputOf(ecs, 'CreateService'),
    // serviceName and tags come from metadata; the task definition is an object of its own (checked below).
    excluded: ['serviceName', 'tags', 'taskDefinition', 'clientToken'],
    extra: {
      taskDefinition: (v) =>
        check(ecs.shapes, inputOf(ecs, 'RegisterTaskDefinition'), v, '/spec/taskDefinition', {
          excluded: ['tags', 'proxyConfiguration'],
        }),
    },
    byName: ['targetGroupArn'],
  },
};

interface CheckOptions {
  excluded?: string[];
  byName?: string[];
  camel?: boolean;
}

function memberName(shape: BotocoreShape, key: string, camel: boolean): string | undefined {
  const members = shape.members ?? {};
  if (Object.hasOwn(members, key)) return key;
  if (camel) {
    const pascal = key.charAt(0).toUpperCase() + key.slice(1);
    if (Object.hasOwn(members, pascal)) return pascal;
  }
  return undefined;
}

const patternCache = new Map<string, RegExp | null>();

function regexOf(shapes: Shapes, name: string): RegExp | undefined {
  if (!patternCache.has(name)) {
    const pattern = shapes[name]?.pattern;
    const translated = pattern === undefined ? undefined : translatePattern(name, pattern).translated;
    patternCache.set(
      name,
      translated === undefined ? null : new RegExp(`^(?:${translated.replace(/^\^|\$$/g, '')})$`, 'u'),
    );
  }
  return patternCache.get(name) ?? undefined;
}

export function check(
  shapes: Shapes,
  shapeName: string,
  value: unknown,
  at: string,
  options: CheckOptions = {},
  member?: string,
): string[] {
  const shape = shapes[shapeName];
  if (!shape) return [`${at}: unknown shape ${shapeName}`];
  const problems: string[] = [];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${at}: expected an object (${shapeName})`];
      for (const [key, v] of Object.entries(value)) {
        const m = memberName(shape, key, options.camel ?? false);
        if (m === undefined || (options.excluded ?? []).includes(m)) {
          problems.push(`${at}/${key}: not a member of ${shapeName}`);
          continue;
        }
        const ref = shape.members?.[m];
        if (ref)
          problems.push(
            ...check(shapes, ref.shape, v, `${at}/${key}`, { camel: options.camel, byName: options.byName }, m),
          );
      }
      for (const required of shape.required ?? []) {
        if ((options.excluded ?? []).includes(required)) continue;
        const present = Object.keys(value).some((k) => memberName(shape, k, options.camel ?? false) === required);
        if (!present) problems.push(`${at}: missing required ${required} (${shapeName})`);
      }
      break;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${at}: expected a list (${shapeName})`];
      if (shape.min !== undefined && value.length < shape.min) problems.push(`${at}: fewer than ${shape.min} items`);
      if (shape.max !== undefined && value.length > shape.max) problems.push(`${at}: more than ${shape.max} items`);
      value.forEach((item, i) =>
        problems.push(
          ...check(shapes, shape.member?.shape ?? '', item, `${at}/${i}`, {
            camel: options.camel,
            byName: options.byName,
          }),
        ),
      );
      break;
    case 'map':
      if (typeof value !== 'object' || value === null) return [`${at}: expected a map`];
      break;
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected a string`];
      // A resource name where the API wants an id or ARN: meshward resolves it, the model's form does not apply.
      if (member !== undefined && (options.byName ?? []).includes(member)) break;
      if (shape.enum && !shape.enum.includes(value)) problems.push(`${at}: ${value} not in ${shape.enum.join('|')}`);
      if (shape.min !== undefined && value.length < shape.min) problems.push(`${at}: shorter than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) problems.push(`${at}: longer than ${shape.max}`);
      {
        const re = regexOf(shapes, shapeName);
        if (re && !re.test(value)) problems.push(`${at}: "${value}" does not match the pattern of ${shapeName}`);
      }
      break;
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      if (typeof value !== 'number') return [`${at}: expected a number`];
      if (shape.min !== undefined && value < shape.min) problems.push(`${at}: below ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) problems.push(`${at}: above ${shape.max}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at}: expected a boolean`);
      break;
    default:
      break;
  }
  return problems;
}

/** Problems of one successor document's spec against the model of its kind (unknown kinds are a problem). */
export function checkDocument(doc: { kind: string; spec: Record<string, unknown> }): string[] {
  const root = ROOTS[doc.kind];
  if (!root) return [`${doc.kind}: not a successor kind`];
  const problems: string[] = [];
  const spec: Record<string, unknown> = { ...doc.spec };
  for (const [key, fn] of Object.entries(root.extra ?? {})) {
    if (key in spec) {
      problems.push(...fn(spec[key]));
      delete spec[key];
    }
  }
  problems.push(
    ...check(root.shapes, root.shape, spec, '/spec', {
      excluded: root.excluded,
      byName: root.byName,
      camel: root.camel,
    }),
  );
  return problems.map((p) => `${doc.kind} ${p}`);
}

/** An ALB CreateRule input against the ELBv2 model (ListenerArn and target group ARNs must be real ARNs). */
export function checkAlbRule(rule: unknown): string[] {
  return check(elbv2.shapes, inputOf(elbv2, 'CreateRule'), rule, 'CreateRule');
}
