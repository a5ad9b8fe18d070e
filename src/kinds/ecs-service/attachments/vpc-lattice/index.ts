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
import type { SemanticChecker, SpecReference } from '../../../kind';
import { targetGroupArn, targetGroupName } from '../../../shared/lattice-kind';
import { prerequisitesOf } from '../../../shared/prerequisite';
import { asArray, clone, getPath, getString, isRecord } from '../../../shared/spec-utils';
import type { EcsAttachment, EcsComparable } from '../../attachment';

export const MEMBER = 'vpcLatticeConfigurations';
const TARGET_GROUP_KIND = 'LatticeTargetGroup';
const ARN = /^arn:[a-z0-9-]+:vpc-lattice:/;

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
    const key = `${getString(raw, 'targetGroupArn') ?? ''}/${portName}`;
    if (seen.has(key))
      checker.report(`/spec/${MEMBER}/${i}`, 'DUPLICATE_RESOURCE', `the same target group and port twice`);
    seen.add(key);
  });
}

export const vpcLatticeAttachment: EcsAttachment = {
  member: MEMBER,

  references(_ref: ResourceRef, spec): SpecReference[] {
    return asArray(spec[MEMBER]).flatMap((raw, i) => {
      const name = getString(raw, 'targetGroupArn');
      if (!name || ARN.test(name)) return [];
      return [
        {
          pointer: `/spec/${MEMBER}/${i}/targetGroupArn`,
          target: { kind: TARGET_GROUP_KIND, name },
          relation: 'runs' as const,
        },
      ];
    });
  },

  dependencies(spec) {
    return asArray(spec[MEMBER]).flatMap((raw) => {
      const name = getString(raw, 'targetGroupArn');
      return name && !ARN.test(name) ? [{ kind: TARGET_GROUP_KIND, name }] : [];
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
        return out;
      }),
    );
    return next;
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
