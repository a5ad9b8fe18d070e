/**
 * cdk-nag's AwsSolutions-IAM5 flags every wildcard in a policy. Each statement of the reconciler's policy carries
 * its own reason (why its wildcard cannot be narrower); this acknowledges each wildcard resource with the reasons
 * of exactly the statements that use it. A wildcard in a statement without a reason stays a finding, so a new
 * statement cannot hide behind another one's justification. Wildcard actions are never acknowledged.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

export interface ReasonedStatement {
  statement: iam.PolicyStatement;
  /** Why the statement's wildcard resources cannot be narrower; required when it has any. */
  reason?: string;
}

/**
 * One Allow statement of the reconciler's policy with its reason: the shape every grant takes (named actions, the
 * narrowest resources, optional conditions, and why any wildcard among them cannot be narrower).
 */
export function scopedStatement(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  options: { conditions?: Record<string, unknown>; reason?: string } = {},
): ReasonedStatement {
  return {
    statement: new iam.PolicyStatement({
      sid,
      actions: [...actions],
      resources: [...resources],
      ...(options.conditions ? { conditions: options.conditions } : {}),
    }),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
  };
}

/** Renders a resolved CloudFormation value the way cdk-nag prints it: `<Logical.Arn>`, `<AWS::Region>`. */
export function nagText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const join = obj['Fn::Join'];
    if (Array.isArray(join)) {
      const [sep, parts] = join as [string, unknown[]];
      return parts.map(nagText).join(sep);
    }
    const ref = obj.Ref;
    if (typeof ref === 'string') return `<${ref}>`;
    const getAtt = obj['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
  }
  return JSON.stringify(value);
}

/** Acknowledges each wildcard resource of the policy with the reasons of the statements that hold it. */
export function acknowledgeWildcardResources(policy: iam.Policy, statements: readonly ReasonedStatement[]): void {
  const stack = Stack.of(policy);
  const reasons = new Map<string, string[]>();
  for (const { statement, reason } of statements) {
    const json = stack.resolve(statement.toStatementJson()) as { Resource?: unknown; Sid?: string };
    const resources = Array.isArray(json.Resource) ? json.Resource : [json.Resource];
    for (const resource of resources) {
      const text = nagText(resource);
      if (!text.includes('*') || reason === undefined) continue;
      reasons.set(text, [...(reasons.get(text) ?? []), `${json.Sid ?? '?'}: ${reason}`]);
    }
  }
  for (const [text, why] of reasons) {
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${text}]`, reason: why.join(' | ') });
  }
}
