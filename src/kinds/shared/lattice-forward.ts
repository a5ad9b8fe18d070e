/**
 * Forward actions name target groups by name in manifests and by id in AWS: the conversions, the references they
 * make, and the checks every listener and rule shares (weights not all zero, the protocols agree).
 */
import type { ActualResource, ControllerHold } from '../../core/model';
import type { ResourceRef } from '../../core/types';
import {
  type ControllerSignal,
  type KindContext,
  type SemanticChecker,
  type SpecReference,
  TRAFFIC_WEIGHTS_TOPIC,
} from '../kind';
import { targetGroupArn, targetGroupName } from './lattice-kind';
import { appliedWeight } from './lattice-defaults';
import { asArray, clone, getPath, getString, isRecord } from './spec-utils';

export const TARGET_GROUP_KIND = 'LatticeTargetGroup';

/** The target groups an action forwards to, by name: references that hold them, labelled with their weight. */
export function forwardReferences(action: unknown, base: string): SpecReference[] {
  const groups = asArray(getPath(action, 'forward', 'targetGroups'));
  const records = groups.filter(isRecord).length;
  return groups.flatMap((g, i) => {
    const name = getString(g, 'targetGroupIdentifier');
    if (!name) return [];
    return [
      {
        pointer: `${base}/forward/targetGroups/${i}/targetGroupIdentifier`,
        target: { kind: TARGET_GROUP_KIND, name },
        // Lattice refuses to delete a target group a listener or rule forwards to (ConflictException).
        holds: true,
        relation: 'weighted' as const,
        // The graph labels the edge with the weight Lattice applies, as the normalizer fills it.
        label: String(appliedWeight(getPath(g, 'weight'), records)),
      },
    ];
  });
}

async function mapAction(action: unknown, f: (id: string) => Promise<string>): Promise<unknown> {
  if (!isRecord(action) || !isRecord(action['forward'])) return action;
  const groups = await Promise.all(
    asArray(action['forward']['targetGroups'])
      .filter(isRecord)
      .map(async (g) => ({ ...clone(g), targetGroupIdentifier: await f(String(g['targetGroupIdentifier'] ?? '')) })),
  );
  return { forward: { ...action['forward'], targetGroups: groups } };
}

/** AWS's answer -> manifest form (ids as names). */
export function actionFromApi(ctx: KindContext, action: unknown): Promise<unknown> {
  return mapAction(JSON.parse(JSON.stringify(action ?? {})) as unknown, (id) => targetGroupName(ctx, id));
}

/** Manifest form -> the request (names as ARNs). */
export function actionToApi(ctx: KindContext, action: unknown): Promise<unknown> {
  return mapAction(action, (name) => targetGroupArn(ctx, name));
}

/** Rules for one action of a listener or rule document. */
export function checkAction(
  checker: SemanticChecker,
  action: unknown,
  base: string,
  listenerProtocol: string | undefined,
): void {
  const groups = asArray(getPath(action, 'forward', 'targetGroups')).filter(isRecord);
  if (groups.length > 1 && groups.every((g) => g['weight'] === 0)) {
    checker.report(
      `${base}/forward/targetGroups`,
      'WEIGHTS',
      'every target group has weight 0: no request would be forwarded',
    );
  }
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    const name = getString(g, 'targetGroupIdentifier') ?? '';
    if (seen.has(name)) {
      checker.report(`${base}/forward/targetGroups/${i}`, 'WEIGHTS', `target group "${name}" is listed twice`);
    }
    seen.add(name);
    const tg = checker.find({ kind: TARGET_GROUP_KIND, name } as ResourceRef);
    const tgProtocol = getString(tg?.doc.spec, 'config', 'protocol');
    if (!listenerProtocol || !tgProtocol) return;
    const ok =
      listenerProtocol === 'TLS_PASSTHROUGH' ? tgProtocol === 'TCP' : tgProtocol === 'HTTP' || tgProtocol === 'HTTPS';
    if (!ok) {
      checker.report(
        `${base}/forward/targetGroups/${i}/targetGroupIdentifier`,
        'PROTOCOL_MISMATCH',
        `a ${listenerProtocol} listener cannot forward to the ${tgProtocol} target group "${name}" (${listenerProtocol === 'TLS_PASSTHROUGH' ? 'TCP' : 'HTTP or HTTPS'} only)`,
      );
    }
  });
}

/**
 * The weights another controller moves on a forward action (TRAFFIC_WEIGHTS_TOPIC signals about this resource):
 * an ECS deployment with `advancedConfiguration` shifts traffic between its two target groups on the rules it
 * names. Only those target groups' weights are held; the list of target groups, the match and the priority stay
 * the manifest's. `base` is the action's pointer in the compared spec (`/spec/action`, `/spec/defaultAction`).
 */
export function heldWeights(
  actual: ActualResource,
  signals: readonly ControllerSignal[],
  base: string,
): ControllerHold[] {
  const groups = asArray(getPath(actual.spec, ...base.split('/').slice(2), 'forward', 'targetGroups'));
  const out: ControllerHold[] = [];
  for (const signal of signals) {
    if (signal.topic !== TRAFFIC_WEIGHTS_TOPIC || signal.arn !== actual.arn) continue;
    const names = new Set<string>();
    for (const tg of asArray(signal.detail['targetGroups'])) {
      for (const key of ['arn', 'name']) {
        const v = getString(tg, key);
        if (v) names.add(v).add(v.slice(v.lastIndexOf('/') + 1));
      }
    }
    const pointers = groups.flatMap((g, i) =>
      names.has(getString(g, 'targetGroupIdentifier') ?? '') ? [`${base}/forward/targetGroups/${i}/weight`] : [],
    );
    if (pointers.length > 0) out.push({ pointers, reason: signal.reason, inProgress: signal.inProgress });
  }
  return out;
}
