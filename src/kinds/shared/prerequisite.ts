/**
 * Turning an ARN a document writes into a preflight prerequisite (kind.ts `Prerequisite`). Kinds say which fields
 * hold ARNs of things meshward does not create; the shape of the ARN says what it is. A value that is no such ARN
 * (a Lattice target group given by name, which meshward resolves) is not a prerequisite.
 */
import type { Prerequisite } from '../kind';

const ELB = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:(targetgroup|listener-rule|listener)\//;
const ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\//;

const ELB_TYPES: Record<string, Prerequisite['type']> = {
  targetgroup: 'elb-target-group',
  listener: 'elb-listener',
  'listener-rule': 'elb-listener-rule',
};

/** The prerequisite an ARN at `pointer` stands for, or undefined when the value is not an ELB or IAM role ARN. */
export function prerequisiteOf(value: unknown, pointer: string): Prerequisite | undefined {
  if (typeof value !== 'string') return undefined;
  if (ROLE.test(value)) return { type: 'iam-role', arn: value, pointer };
  const elb = ELB.exec(value)?.[1];
  const type = elb === undefined ? undefined : ELB_TYPES[elb];
  return type ? { type, arn: value, pointer } : undefined;
}

/** prerequisiteOf over several (value, pointer) pairs, the ones that are prerequisites. */
export function prerequisitesOf(pairs: readonly (readonly [unknown, string])[]): Prerequisite[] {
  const out: Prerequisite[] = [];
  for (const [value, pointer] of pairs) {
    const p = prerequisiteOf(value, pointer);
    if (p) out.push(p);
  }
  return out;
}
