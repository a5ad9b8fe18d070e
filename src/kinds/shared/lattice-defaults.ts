/**
 * VPC Lattice's server defaults (AWS-FACTS.md "VPC Lattice"), written down once so both sides of a comparison and
 * the export agree: a manifest that leaves a member out means AWS's default; a value departing from it is seen.
 */
import { asArray, clone, getString, isRecord } from './spec-utils';

export const DEFAULT_AUTH_TYPE = 'NONE';
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
/** The listener's port when none is given: 80 for HTTP, 443 for HTTPS and TLS_PASSTHROUGH. */
export function defaultListenerPort(protocol: string | undefined): number {
  return protocol === 'HTTP' ? 80 : 443;
}
/** WeightedTargetGroup: "the default value is 100" for one target group; 1 each with several (the other string). */
export const WEIGHT_ALONE = 100;
export const WEIGHT_WITH_SEVERAL = 1;

/**
 * The weight Lattice applies to one of `groups` forward target groups: as written, else 1; a lone group's is 100
 * whatever is written (weights are relative: alone, a weight means nothing but "all of it").
 */
export function appliedWeight(written: unknown, groups: number): number {
  if (groups === 1) return WEIGHT_ALONE;
  return typeof written === 'number' ? written : WEIGHT_WITH_SEVERAL;
}

/** A forward action with every weight written as Lattice applies it (appliedWeight). */
export function normalizeAction(action: unknown): unknown {
  if (!isRecord(action)) return action;
  const forward = action['forward'];
  if (!isRecord(forward)) return clone(action);
  const groups = asArray(forward['targetGroups']).filter(isRecord);
  const out = groups
    .map((g): Record<string, unknown> => ({ ...g, weight: appliedWeight(g['weight'], groups.length) }))
    // Order has no meaning to Lattice's weighted pick.
    .sort((a, b) => String(a['targetGroupIdentifier']).localeCompare(String(b['targetGroupIdentifier'])));
  return { forward: { ...forward, targetGroups: out } };
}

/** Health-check defaults per target group protocol version (GRPC has none unless enabled explicitly). */
export function normalizeHealthCheck(
  hc: unknown,
  groupProtocol: string | undefined,
  groupVersion: string | undefined,
): Record<string, unknown> {
  const given = isRecord(hc) ? clone(hc) : {};
  const version = groupVersion ?? 'HTTP1';
  const enabled = typeof given['enabled'] === 'boolean' ? given['enabled'] : version === 'HTTP1';
  const out: Record<string, unknown> = {
    enabled,
    healthCheckIntervalSeconds: 30,
    healthCheckTimeoutSeconds: 5,
    healthyThresholdCount: 5,
    unhealthyThresholdCount: 2,
    path: '/',
    matcher: { httpCode: '200' },
    ...(groupProtocol !== undefined ? { protocol: groupProtocol } : {}),
    ...(version !== 'GRPC' ? { protocolVersion: version } : {}),
  };
  for (const [k, v] of Object.entries(given)) {
    // 0 resets a setting to its default (UpdateTargetGroup): it is not a value of its own.
    if (v === 0 && k !== 'port') continue;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function protocolOf(spec: unknown): string | undefined {
  return getString(spec, 'protocol');
}
