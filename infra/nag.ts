/**
 * cdk-nag v3 acknowledges each IAM5 finding by its exact resource text. This derives those texts from the policy
 * itself, so a configured mesh or cluster name never needs a hand-kept suppression list.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';

/** Renders a resolved CloudFormation value the way cdk-nag prints it: `<Logical.Arn>`, `<AWS::Region>`. */
function nagText(value: unknown): string {
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

/** Acknowledges every wildcard *resource* of the policy with the reason given; wildcard actions stay findings. */
export function acknowledgeWildcardResources(policy: iam.Policy, reason: string): void {
  const doc = Stack.of(policy).resolve(policy.document.toJSON()) as {
    Statement?: { Resource?: unknown }[];
  };
  const texts = new Set<string>();
  for (const statement of doc.Statement ?? []) {
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources) {
      const text = nagText(resource);
      if (text.includes('*')) texts.add(text);
    }
  }
  for (const text of texts) {
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${text}]`, reason });
  }
}
