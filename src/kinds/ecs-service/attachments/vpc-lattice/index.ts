/**
 * The `vpcLatticeConfigurations` attachment (VPC Lattice, AWS-FACTS.md): the CreateService member key for key,
 * where `targetGroupArn` may name a LatticeTargetGroup declared in the manifests (resolved to its ARN at apply and
 * read back as the name) or be the ARN of one managed elsewhere. ECS registers the tasks' IPs in the groups itself.
 * `portName` must name a port mapping of the task definition; `roleArn` is the ECS infrastructure role. The list
 * has no order; an EcsService without the member (or with `[]`) has none: ECS is sent `[]`, as it needs.
 * A target group in use by a service cannot be deleted, so the service lets go of it first (the reference orders
 * the target group's delete after the service's update).
 */
import type { ResourceRef } from '../../../../core/types';
import { resourceId } from '../../../../core/types';
import { type KindContext, type SemanticChecker, type SpecReference, TRAFFIC_WEIGHTS_TOPIC } from '../../../kind';
import { arnOrFail, targetGroupArn, targetGroupName } from '../../../shared/lattice-kind';
import { prerequisitesOf } from '../../../shared/prerequisite';
import { asArray, clone, getPath, getString, isRecord } from '../../../shared/spec-utils';
import type { EcsAttachment, EcsComparable } from '../../attachment';
import { deploymentInProgress } from '../../deployment-state';

export const MEMBER = 'vpcLatticeConfigurations';
const TARGET_GROUP_KIND = 'LatticeTargetGroup';
const RULE_KIND = 'LatticeRule';
const LISTENER_KIND = 'LatticeListener';
const ARN = /^arn:[a-z0-9-]+:vpc-lattice:/;
const ADVANCED = 'advancedConfiguration';
/** The members of advancedConfiguration that name a rule (or a listener, for its default action). */
const RULE_MEMBERS = ['productionListenerRule', 'testListenerRule'] as const;

/**
 * A production or test listener rule as a manifest names it: `service/listener/rule` (a LatticeRule),
 * `service/listener` (a LatticeListener's default action), or an ARN (managed elsewhere: undefined).
 */
export function listenerRuleRef(name: string): ResourceRef | undefined {
  if (ARN.test(name)) return undefined;
  const [service, listener, rule, ...rest] = name.split('/');
  if (!service || !listener || rest.length > 0) return undefined;
  return rule === undefined
    ? { kind: LISTENER_KIND, mesh: service, name: listener }
    : rule === ''
      ? undefined
      : { kind: RULE_KIND, mesh: service, parent: listener, name: rule };
}

/** The manifest's name of a rule or listener resource id (`LatticeRule/svc/l/r` -> `svc/l/r`). */
function nameOfId(id: string): string | undefined {
  const [kind, ...rest] = id.split('/');
  return kind === RULE_KIND || kind === LISTENER_KIND ? rest.join('/') : undefined;
}

function advancedOf(c: Record<string, unknown>): Record<string, unknown> | undefined {
  const a = c[ADVANCED];
  return isRecord(a) ? a : undefined;
}

function configsOf(service: Record<string, unknown>): Record<string, unknown>[] {
  return asArray(service[MEMBER]).filter(isRecord);
}

function sortKey(c: Record<string, unknown>): string {
  return `${String(c['targetGroupArn'])}\0${String(c['portName'])}`;
}

function normalize(c: EcsComparable): EcsComparable {
  if (!(MEMBER in c.service)) return c;
  const configs = configsOf(c.service)
    .map((x) => clone(x))
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const service = { ...c.service };
  if (configs.length > 0) service[MEMBER] = configs;
  else delete service[MEMBER];
  return { ...c, service };
}

function portNames(spec: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const container of asArray(getPath(spec, 'taskDefinition', 'containerDefinitions'))) {
    for (const mapping of asArray(getPath(container, 'portMappings'))) {
      const n = getString(mapping, 'name');
      if (n) names.add(n);
    }
  }
  return names;
}

function check(checker: SemanticChecker): void {
  const spec = checker.loaded.doc.spec;
  const ports = portNames(spec);
  const seen = new Set<string>();
  asArray(spec[MEMBER]).forEach((raw, i) => {
    const portName = getString(raw, 'portName') ?? '';
    if (!ports.has(portName)) {
      checker.report(
        `/spec/${MEMBER}/${i}/portName`,
        'PORT_MISMATCH',
        `portName "${portName}" names no port mapping of the task definition (${[...ports].join(', ') || 'it has no named port mappings'})`,
      );
    }
    checkAdvanced(checker, raw, i);
    const key = `${getString(raw, 'targetGroupArn') ?? ''}/${portName}`;
    if (seen.has(key))
      checker.report(`/spec/${MEMBER}/${i}`, 'DUPLICATE_RESOURCE', `the same target group and port twice`);
    seen.add(key);
  });
}

/** advancedConfiguration as ECS wants it: the alternate target group and the rules as ARNs. */
async function expandAdvanced(ctx: KindContext, advanced: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out = { ...advanced };
  const alternate = getString(advanced, 'alternateTargetGroupArn');
  if (alternate) out['alternateTargetGroupArn'] = await targetGroupArn(ctx, alternate);
  for (const member of RULE_MEMBERS) {
    const ref = listenerRuleRef(getString(advanced, member) ?? '');
    if (ref) out[member] = arnOrFail(ctx, resourceId(ref));
  }
  return out;
}

/**
 * While the service has an advancedConfiguration, ECS moves the weights of its two target groups on the rules it
 * names: during a deployment step by step, and at its end it leaves production on the group of the new revision
 * (the two alternate from one deployment to the next). Whoever manages those rules is told (TRAFFIC_WEIGHTS_TOPIC).
 */
async function signalWeights(
  ctx: KindContext,
  service: Record<string, unknown>,
  primaryArn: string | undefined,
  advanced: Record<string, unknown>,
): Promise<void> {
  if (!ctx.signal) return;
  const alternateArn = getString(advanced, 'alternateTargetGroupArn');
  const arns = [primaryArn, alternateArn].filter((a): a is string => a !== undefined && a !== '');
  const targetGroups = await Promise.all(arns.map(async (arn) => ({ arn, name: await targetGroupName(ctx, arn) })));
  const who = `${
    String(getPath(service, 'clusterArn') ?? '')
      .split('/')
      .pop() ?? ''
  }/${String(service['serviceName'] ?? '')}`;
  const moving = deploymentInProgress(service);
  for (const member of RULE_MEMBERS) {
    const arn = getString(advanced, member);
    if (!arn) continue;
    ctx.signal({
      topic: TRAFFIC_WEIGHTS_TOPIC,
      arn,
      inProgress: moving !== undefined,
      reason: moving
        ? `ECS deployment of ${who} in progress (${moving}): ECS moves the weights of ${targetGroups.map((t) => t.name).join(' and ')} (${member})`
        : `ECS owns the weights of ${targetGroups.map((t) => t.name).join(' and ')} on the ${member} of ${who}: every deployment moves them, and leaves production on the group of the new revision`,
      detail: { targetGroups },
    });
  }
}

/**
 * ECS shifts traffic between the two target groups on the rules advancedConfiguration names, by their weights in the
 * rule's forward action: a declared rule must forward to both, or every apply would take the alternate group out
 * of the rule under ECS's feet (meshward writes the rule's target groups; ECS only their weights).
 */
function checkAdvanced(checker: SemanticChecker, raw: unknown, i: number): void {
  const advanced = isRecord(raw) ? advancedOf(raw) : undefined;
  if (!advanced) return;
  const groups = [getString(raw, 'targetGroupArn'), getString(advanced, 'alternateTargetGroupArn')];
  for (const member of RULE_MEMBERS) {
    const ref = listenerRuleRef(getString(advanced, member) ?? '');
    const found = ref ? checker.find(ref) : undefined;
    if (!ref || !found) continue;
    const action = ref.kind === RULE_KIND ? 'action' : 'defaultAction';
    const named = new Set(
      asArray(getPath(found.doc.spec, action, 'forward', 'targetGroups')).map((g) =>
        getString(g, 'targetGroupIdentifier'),
      ),
    );
    const missing = groups.filter((g): g is string => g !== undefined && !named.has(g));
    if (missing.length > 0) {
      checker.report(
        `/spec/${MEMBER}/${i}/${ADVANCED}/${member}`,
        'ADVANCED_CONFIGURATION',
        `${String(advanced[member])} must forward to both ${groups.filter(Boolean).join(' and ')} (ECS moves traffic between them by their weights): it does not name ${missing.join(', ')}`,
      );
    }
  }
}

export const vpcLatticeAttachment: EcsAttachment = {
  member: MEMBER,

  references(_ref: ResourceRef, spec): SpecReference[] {
    return asArray(spec[MEMBER]).flatMap((raw, i) => {
      const out: SpecReference[] = [];
      const name = getString(raw, 'targetGroupArn');
      if (name && !ARN.test(name)) {
        out.push({
          pointer: `/spec/${MEMBER}/${i}/targetGroupArn`,
          target: { kind: TARGET_GROUP_KIND, name },
          relation: 'runs' as const,
        });
      }
      const advanced = isRecord(raw) ? advancedOf(raw) : undefined;
      const alternate = getString(advanced, 'alternateTargetGroupArn');
      if (alternate && !ARN.test(alternate)) {
        out.push({
          pointer: `/spec/${MEMBER}/${i}/${ADVANCED}/alternateTargetGroupArn`,
          target: { kind: TARGET_GROUP_KIND, name: alternate },
          relation: 'runs' as const,
        });
      }
      for (const member of RULE_MEMBERS) {
        const target = listenerRuleRef(getString(advanced, member) ?? '');
        // The rule exists before the service (ECS checks it), and outlives it.
        if (target) out.push({ pointer: `/spec/${MEMBER}/${i}/${ADVANCED}/${member}`, target });
      }
      return out;
    });
  },

  dependencies(spec) {
    return asArray(spec[MEMBER]).flatMap((raw) => {
      const out: ResourceRef[] = [];
      const advanced = isRecord(raw) ? advancedOf(raw) : undefined;
      for (const name of [getString(raw, 'targetGroupArn'), getString(advanced, 'alternateTargetGroupArn')]) {
        if (name && !ARN.test(name)) out.push({ kind: TARGET_GROUP_KIND, name });
      }
      for (const member of RULE_MEMBERS) {
        const target = listenerRuleRef(getString(advanced, member) ?? '');
        if (target) out.push(target);
      }
      return out;
    });
  },

  check,
  normalize,

  async expandService(ctx, service) {
    if (!Array.isArray(service[MEMBER])) return service;
    const configs = await Promise.all(
      configsOf(service).map(async (c) => ({
        ...c,
        targetGroupArn: await targetGroupArn(ctx, String(c['targetGroupArn'])),
        ...(advancedOf(c) ? { [ADVANCED]: await expandAdvanced(ctx, advancedOf(c) ?? {}) } : {}),
      })),
    );
    return { ...service, [MEMBER]: configs };
  },

  async readBack(ctx, service, c) {
    const primary = asArray(service['deployments']).find((d) => getString(d, 'status') === 'PRIMARY');
    const next: EcsComparable = { ...c, service: { ...c.service } };
    delete next.service[MEMBER];
    const configs = asArray(getPath(primary, MEMBER)).filter(isRecord);
    if (configs.length === 0) return next;
    next.service[MEMBER] = await Promise.all(
      configs.map(async (raw) => {
        const out = clone(raw);
        const arn = getString(out, 'targetGroupArn');
        if (arn) out['targetGroupArn'] = await targetGroupName(ctx, arn);
        const advanced = advancedOf(out);
        const alternate = getString(advanced, 'alternateTargetGroupArn');
        if (advanced && alternate) {
          out[ADVANCED] = { ...advanced, alternateTargetGroupArn: await targetGroupName(ctx, alternate) };
        }
        if (advanced) await signalWeights(ctx, service, arn, advanced);
        return out;
      }),
    );
    return next;
  },

  // Rules and listeners are observed in later waves: their ARNs become the manifest's names once all are known.
  resolveArns(c, idOfArn) {
    for (const config of configsOf(c.service)) {
      const advanced = advancedOf(config);
      if (!advanced) continue;
      for (const member of RULE_MEMBERS) {
        const arn = getString(advanced, member);
        const id = arn && ARN.test(arn) ? idOfArn(arn) : undefined;
        const name = id ? nameOfId(id) : undefined;
        if (name) advanced[member] = name;
      }
    }
  },

  // Exported with a service network (export --lattice-network ... --cluster ...).
  // The ECS infrastructure role that registers the tasks in the target groups (the groups themselves are Lattice's,
  // declared or named by ARN, not ELB prerequisites).
  prerequisites: (doc) =>
    prerequisitesOf(
      asArray(doc.spec[MEMBER]).map((c, i) => [getPath(c, 'roleArn'), `/spec/${MEMBER}/${i}/roleArn`] as const),
    ),
  inExport: (_member, scopes) => (scopes['serviceNetwork'] ?? []).length > 0,
};
