/**
 * The preflight: what the manifests assume but meshward does not create, checked before any write: ECS clusters
 * and Cloud Map namespaces the manifests do not declare (`Kind.infrastructure`, minus what `Kind.provides`), and the
 * resources they name by ARN (`Kind.prerequisites`): ELB target groups, listeners and listener rules, IAM roles.
 * This file only knows how to look each type up. Without it a plan against the wrong account reads clean and the
 * apply half-applies (the creates before the first ECS service succeed, the services fail on what is missing).
 * Roles are checked where readable: a caller without iam:GetRole gets a warning, not a failure.
 */
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import type { AwsClients } from '../aws/clients';
import { errorName } from '../aws/errors';
import { ANNOTATIONS, type ManifestDocument, resourceId } from '../core/types';
import type { InfrastructureNeed, Prerequisite } from '../kinds/kind';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';

export interface AssumedInfrastructure {
  need: InfrastructureNeed;
  /** Ids of the resources that assume it, sorted. */
  by: string[];
}

const key = (n: InfrastructureNeed): string => `${n.type}\u0000${n.name}`;

/** What the documents assume and do not declare themselves, with who assumes it. Pure. */
export function assumedInfrastructure(
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): AssumedInfrastructure[] {
  const found = new Map<string, AssumedInfrastructure>();
  for (const doc of docs) {
    const kind = registry.find(doc.kind);
    const id = resourceId(registry.refOfDocument(doc));
    for (const need of kind?.infrastructure?.(doc) ?? []) {
      const entry = found.get(key(need)) ?? { need, by: [] };
      if (!entry.by.includes(id)) entry.by.push(id);
      found.set(key(need), entry);
    }
  }
  for (const doc of docs) {
    // A placeholder stands for something someone else runs: it does not create what it names.
    if (doc.metadata.annotations?.[ANNOTATIONS.placeholder] === 'true') continue;
    const ref = registry.refOf(doc);
    for (const need of ref ? (registry.find(doc.kind)?.provides?.(ref) ?? []) : []) found.delete(key(need));
  }
  return [...found.values()]
    .map((e) => ({ ...e, by: [...e.by].sort() }))
    .sort((a, b) => (key(a.need) < key(b.need) ? -1 : 1));
}

/** How each type is looked up: the names among `names` that exist. */
const LOOKUPS: Record<InfrastructureNeed['type'], (clients: AwsClients, names: string[]) => Promise<Set<string>>> = {
  async 'ecs-cluster'(clients, names) {
    const active = new Set<string>();
    // DescribeClusters takes at most 100 names; a missing cluster is a `failures` entry (MISSING), not an error.
    for (let i = 0; i < names.length; i += 100) {
      const out = await clients.ecs.send(new DescribeClustersCommand({ clusters: names.slice(i, i + 100) }));
      for (const c of out.clusters ?? []) if (c.status === 'ACTIVE' && c.clusterName) active.add(c.clusterName);
    }
    return active;
  },
  async 'cloud-map-namespace'(clients) {
    const existing = new Set<string>();
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await clients.cloudMap.send(new ListNamespacesCommand({ NextToken: nextToken }));
      for (const ns of out.Namespaces ?? []) if (ns.Name) existing.add(ns.Name);
      nextToken = out.NextToken;
      pages += 1;
    } while (nextToken && pages < 1000);
    return existing;
  },
};

const WHAT: Record<InfrastructureNeed['type'], string> = {
  'ecs-cluster': 'ECS cluster',
  'cloud-map-namespace': 'Cloud Map namespace',
};

/** One message per missing piece of infrastructure; empty when everything assumed exists. Read-only calls. */
export async function missingInfrastructure(
  clients: AwsClients,
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): Promise<string[]> {
  const assumed = assumedInfrastructure(docs, registry);
  const messages: string[] = [];
  for (const type of Object.keys(LOOKUPS) as InfrastructureNeed['type'][]) {
    const ofType = assumed.filter((a) => a.need.type === type);
    if (ofType.length === 0) continue;
    const existing = await LOOKUPS[type](
      clients,
      ofType.map((a) => a.need.name),
    );
    for (const a of ofType) {
      if (existing.has(a.need.name)) continue;
      const by = a.by.length > 3 ? `${a.by.slice(0, 3).join(', ')} and ${a.by.length - 3} more` : a.by.join(', ');
      messages.push(
        `${WHAT[type]} "${a.need.name}" does not exist in ${clients.region} (needed by ${by}): meshward does not create it. ` +
          'Create it first, or point meshward at the account that has it (--local runs the embedded emulator).',
      );
    }
  }
  return messages;
}

export interface NamedPrerequisite {
  type: Prerequisite['type'];
  arn: string;
  /** Who names it, as `id at pointer`, sorted. */
  by: string[];
}

const prerequisiteKey = (p: { type: string; arn: string }): string => `${p.type}\u0000${p.arn}`;

/** The ARNs outside meshward the documents name, once each, with who names them where. Pure. */
export function namedPrerequisites(
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): NamedPrerequisite[] {
  const found = new Map<string, NamedPrerequisite>();
  for (const doc of docs) {
    // A placeholder is managed elsewhere: meshward never writes it, so what it names is not meshward's to check.
    if (doc.metadata.annotations?.[ANNOTATIONS.placeholder] === 'true') continue;
    const id = resourceId(registry.refOfDocument(doc));
    for (const p of registry.find(doc.kind)?.prerequisites?.(doc) ?? []) {
      const entry = found.get(prerequisiteKey(p)) ?? { type: p.type, arn: p.arn, by: [] };
      entry.by.push(`${id} at ${p.pointer}`);
      found.set(prerequisiteKey(p), entry);
    }
  }
  return [...found.values()]
    .map((e) => ({ ...e, by: [...new Set(e.by)].sort() }))
    .sort((a, b) => (prerequisiteKey(a) < prerequisiteKey(b) ? -1 : 1));
}

/** What looking up some ARNs of one type found: the missing ones, and those that could not be checked (why). */
interface Lookup {
  missing: Map<string, string>;
  unchecked: Map<string, string>;
}

const isAccessDenied = (err: unknown): boolean => /^AccessDenied(Exception)?$/.test(errorName(err));

/**
 * ELBv2's Describe* by ARN is all or nothing (one unknown ARN fails the call), so a failed batch is asked again one
 * ARN at a time to name the missing ones. Batches of 20: the limit ELBv2 documents for its ARN lists elsewhere
 * (DescribeLoadBalancers); a manifest set names few.
 */
async function describeElb(
  arns: readonly string[],
  notFound: RegExp,
  describe: (batch: string[]) => Promise<unknown>,
): Promise<Lookup> {
  const out: Lookup = { missing: new Map(), unchecked: new Map() };
  const one = async (arn: string): Promise<void> => {
    try {
      await describe([arn]);
    } catch (err) {
      if (notFound.test(errorName(err))) out.missing.set(arn, 'does not exist');
      else if (isAccessDenied(err)) out.unchecked.set(arn, `${errorName(err)}: ${(err as Error).message}`);
      else throw err;
    }
  };
  for (let i = 0; i < arns.length; i += 20) {
    const batch = arns.slice(i, i + 20);
    try {
      await describe(batch);
    } catch (err) {
      if (isAccessDenied(err)) {
        for (const arn of batch) out.unchecked.set(arn, `${errorName(err)}: ${(err as Error).message}`);
      } else if (notFound.test(errorName(err))) {
        for (const arn of batch) await one(arn);
      } else throw err;
    }
  }
  return out;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role(\/(?:[^/]+\/)*)([^/]+)$/;

/*
 * The ELBv2 and IAM SDK packages load only when a manifest names such an ARN (AwsClients builds their clients on
 * first use for the same reason): every CLI start would otherwise pay for them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const elbSdk = (): typeof import('@aws-sdk/client-elastic-load-balancing-v2') =>
  require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2');
const iamSdk = (): typeof import('@aws-sdk/client-iam') =>
  require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam');
/* eslint-enable @typescript-eslint/no-require-imports */

/** GetRole takes a name: the last segment of the ARN. A role found under another ARN is reported. */
async function lookupRoles(clients: AwsClients, arns: readonly string[]): Promise<Lookup> {
  const { GetRoleCommand } = iamSdk();
  const out: Lookup = { missing: new Map(), unchecked: new Map() };
  for (const arn of arns) {
    const name = ROLE_ARN.exec(arn)?.[4];
    if (name === undefined) {
      out.missing.set(arn, 'is not a role ARN');
      continue;
    }
    try {
      const got = await clients.iam.send(new GetRoleCommand({ RoleName: name }));
      const actual = got.Role?.Arn;
      if (actual === undefined || actual === arn) continue;
      // GetRole reads the caller's account: a role of another account (a cross-account stack) cannot be read here.
      if (ROLE_ARN.exec(actual)?.[2] !== ROLE_ARN.exec(arn)?.[2]) {
        out.unchecked.set(arn, 'is in another account than the credentials');
      } else out.missing.set(arn, `does not exist (the role named ${name} is ${actual})`);
    } catch (err) {
      if (/^NoSuchEntity(Exception)?$/.test(errorName(err))) out.missing.set(arn, 'does not exist');
      else if (isAccessDenied(err)) out.unchecked.set(arn, `${errorName(err)} on iam:GetRole`);
      else throw err;
    }
  }
  return out;
}

const PREREQUISITE_LOOKUPS: Record<Prerequisite['type'], (clients: AwsClients, arns: string[]) => Promise<Lookup>> = {
  'elb-target-group': (clients, arns) =>
    describeElb(arns, /^TargetGroupNotFound(Exception)?$/, (batch) =>
      clients.elbv2.send(new (elbSdk().DescribeTargetGroupsCommand)({ TargetGroupArns: batch })),
    ),
  'elb-listener': (clients, arns) =>
    describeElb(arns, /^ListenerNotFound(Exception)?$/, (batch) =>
      clients.elbv2.send(new (elbSdk().DescribeListenersCommand)({ ListenerArns: batch })),
    ),
  'elb-listener-rule': (clients, arns) =>
    describeElb(arns, /^RuleNotFound(Exception)?$/, (batch) =>
      clients.elbv2.send(new (elbSdk().DescribeRulesCommand)({ RuleArns: batch })),
    ),
  'iam-role': lookupRoles,
};

const PREREQUISITE_WHAT: Record<Prerequisite['type'], string> = {
  'elb-target-group': 'ELB target group',
  'elb-listener': 'ELB listener',
  'elb-listener-rule': 'ELB listener rule',
  'iam-role': 'IAM role',
};

/** ELB resources are regional: one in another region than the clients' is missing for the service. */
const elbRegion = (arn: string): string | undefined => /^arn:[^:]+:elasticloadbalancing:([^:]+):/.exec(arn)?.[1];

function byList(by: readonly string[]): string {
  return by.length > 3 ? `${by.slice(0, 3).join(', ')} and ${by.length - 3} more` : by.join(', ');
}

export interface PreflightResult {
  /** What is missing: nothing may be written. */
  errors: string[];
  /** What could not be checked (no permission to read it, another account): the run goes on. */
  warnings: string[];
}

/** Every check of the preflight, read-only. */
export async function preflight(
  clients: AwsClients,
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): Promise<PreflightResult> {
  const errors = await missingInfrastructure(clients, docs, registry);
  const warnings: string[] = [];
  const named = namedPrerequisites(docs, registry);
  for (const type of Object.keys(PREREQUISITE_LOOKUPS) as Prerequisite['type'][]) {
    const ofType = named.filter((p) => p.type === type);
    const elsewhere = ofType.filter((p) => type !== 'iam-role' && elbRegion(p.arn) !== clients.region);
    const here = ofType.filter((p) => !elsewhere.includes(p));
    const found =
      here.length > 0
        ? await PREREQUISITE_LOOKUPS[type](
            clients,
            here.map((p) => p.arn),
          )
        : { missing: new Map<string, string>(), unchecked: new Map<string, string>() };
    for (const p of elsewhere) found.missing.set(p.arn, `is not in ${clients.region}, where the service runs`);
    for (const p of ofType) {
      const missing = found.missing.get(p.arn);
      if (missing !== undefined) {
        errors.push(
          `${PREREQUISITE_WHAT[type]} "${p.arn}" ${missing} (named by ${byList(p.by)}): meshward does not create it. ` +
            'Create it first, fix the ARN, or point meshward at the account that has it.',
        );
      }
      const unchecked = found.unchecked.get(p.arn);
      if (unchecked !== undefined) {
        warnings.push(`${PREREQUISITE_WHAT[type]} "${p.arn}" not checked: ${unchecked} (named by ${byList(p.by)})`);
      }
    }
  }
  return { errors, warnings };
}
