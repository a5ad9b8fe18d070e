/**
 * ECS moving traffic on VPC Lattice rules during a blue/green, linear or canary deployment (AWS-FACTS.md, "ECS
 * deployments": while a deployment is in progress ECS itself moves the weights of the Lattice rules named in
 * `advancedConfiguration`). The ECS developer guide ("VPC Lattice resources for blue/green, linear, and canary
 * deployments", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-lattice-resources-for-blue-green.html)
 * has a primary and an alternate target group and a production (optional test) listener rule; "canary deployments
 * change weights twice; linear deployments change weights once per step". Observed on AWS (go-to-k/cdk-real-drift
 * issue 1730): ECS rewrites the production rule's forward action to both target groups, weighted, and leaves it at
 * 100 for the new revision's group (0 for the other) after the deployment; successive deployments alternate the two
 * groups (terraform-provider-aws issue 45678). Which group the new revision gets is not documented: the emulator
 * gives it the group of the pair that has less production weight when the deployment first shifts (the
 * alternate on a tie), so deployments alternate.
 */
import type { EcsTrafficShiftEvent } from '../ecs/task-events';
import { idOf } from './ids';
import type { Json, LatticeRecord, LatticeState } from './state';

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The rule, or the listener (its default action), an advancedConfiguration names by ARN. */
function forwardOwner(
  state: LatticeState,
  arn: string,
): { record: LatticeRecord; key: 'action' | 'defaultAction' } | undefined {
  const r = state.resources[idOf(arn)];
  if (!r || r.arn !== arn) return undefined;
  if (r.kind === 'rule') return { record: r, key: 'action' };
  if (r.kind === 'listener') return { record: r, key: 'defaultAction' };
  return undefined;
}

function groupsOf(record: LatticeRecord, key: 'action' | 'defaultAction'): Json[] {
  const action = record.attrs[key];
  const forward = isJson(action) && isJson(action.forward) ? action.forward : undefined;
  return Array.isArray(forward?.targetGroups) ? forward.targetGroups.filter(isJson) : [];
}

function weightOf(groups: readonly Json[], tgId: string): number {
  const g = groups.find((x) => x.targetGroupIdentifier === tgId);
  return typeof g?.weight === 'number' ? g.weight : 0;
}

/** Sets the pair's weights (green gets `weight`, blue the rest), keeping any other target group as it is. */
function setWeights(
  record: LatticeRecord,
  key: 'action' | 'defaultAction',
  green: string,
  blue: string,
  weight: number,
  at: number,
) {
  const groups = groupsOf(record, key).map((g) => ({ ...g }));
  for (const [id, w] of [
    [blue, 100 - weight],
    [green, weight],
  ] as const) {
    const found = groups.find((g) => g.targetGroupIdentifier === id);
    if (found) found.weight = w;
    else groups.push({ targetGroupIdentifier: id, weight: w });
  }
  record.attrs[key] = { forward: { targetGroups: groups } };
  // Lists carry lastUpdatedAt (readers cache on it): a change always moves it, even within one clock tick.
  record.lastUpdatedAt = Math.max(at, record.lastUpdatedAt + 1);
}

/** Applies one ECS traffic shift to the rules its target revision's advancedConfiguration names. */
export function shiftLatticeWeights(state: LatticeState, e: EcsTrafficShiftEvent): void {
  const greens = (state.ecsGreenTargetGroups ??= {});
  for (const config of e.vpcLatticeConfigurations) {
    const advanced = config['advancedConfiguration'];
    if (!isJson(advanced)) continue;
    const primary = typeof config['targetGroupArn'] === 'string' ? idOf(config['targetGroupArn']) : undefined;
    const alternate =
      typeof advanced['alternateTargetGroupArn'] === 'string' ? idOf(advanced['alternateTargetGroupArn']) : undefined;
    const production =
      typeof advanced['productionListenerRule'] === 'string'
        ? forwardOwner(state, advanced['productionListenerRule'])
        : undefined;
    if (!primary || !alternate || !production) continue;
    const key = `${e.serviceDeploymentArn}|${production.record.id}`;
    let green = greens[key];
    if (green === undefined) {
      const groups = groupsOf(production.record, production.key);
      green = weightOf(groups, primary) < weightOf(groups, alternate) ? primary : alternate;
      greens[key] = green;
    }
    const blue = green === primary ? alternate : primary;
    setWeights(production.record, production.key, green, blue, e.productionWeight, e.at);
    const test =
      typeof advanced['testListenerRule'] === 'string' ? forwardOwner(state, advanced['testListenerRule']) : undefined;
    if (test) setWeights(test.record, test.key, green, blue, e.testWeight, e.at);
  }
}
