/**
 * No environment value is written to a state store. The describe cache (StackState.versionCache) holds task
 * definitions as AWS returned them; before a save every `environment[]` entry's `value` is replaced by a digest
 * (`valueSha256`), salted with the cache key (the task definition ARN) and the variable's name so that equal
 * values in two revisions do not show as equal and no precomputed table applies.
 *
 * After a load the reconcile puts the values back from what it already knows: the manifests' own environment
 * values (by name) and the ARNs the state recorded (meshward writes APPMESH_RESOURCE_ARN). An entry with any value
 * that cannot be restored that way is dropped from the cache, so the task definition is described again: drift is
 * then seen exactly as without the cache, for the price of one DescribeTaskDefinition.
 */
import { createHash } from 'node:crypto';
import { isPlainObject, ownValue, setOwn } from './canonical';
import type { StackState } from './model';

export function sealDigest(cacheKey: string, name: string, value: string): string {
  return createHash('sha256').update(`${cacheKey}\0${name}\0${value}`).digest('hex');
}

type Visit = (entry: Record<string, unknown>) => Record<string, unknown> | undefined;

/** A copy of `value` with every `environment[]` entry passed through `visit` (undefined: give up on `value`). */
function mapEnvironment(value: unknown, visit: Visit): { value: unknown; ok: boolean } {
  let ok = true;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isPlainObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      const member = ownValue(node, key);
      if (key === 'environment' && Array.isArray(member)) {
        setOwn(
          out,
          key,
          member.map((entry) => {
            if (!isPlainObject(entry) || typeof entry.name !== 'string') return entry;
            const mapped = visit(entry);
            if (mapped === undefined) ok = false;
            return mapped ?? entry;
          }),
        );
      } else setOwn(out, key, walk(member));
    }
    return out;
  };
  const mapped = walk(value);
  return { value: mapped, ok };
}

/** The state as it may be written: environment values replaced by their digests. */
export function sealEnvironment(state: StackState): StackState {
  const versionCache: StackState['versionCache'] = {};
  for (const [key, entry] of Object.entries(state.versionCache)) {
    const { value } = mapEnvironment(entry.data, (env) => {
      if (typeof env.value !== 'string') return env;
      const { value: plain, ...rest } = env;
      return { ...rest, valueSha256: sealDigest(key, String(env.name), plain as string) };
    });
    setOwn(versionCache, key, { ...entry, data: value });
  }
  return { ...state, versionCache };
}

/** Values the reconcile knows, by variable name, plus values any variable may hold (ARNs). */
export interface EnvCandidates {
  byName: ReadonlyMap<string, readonly string[]>;
  any: readonly string[];
}

/** Candidates from the desired specs (every `environment[]` entry) and the ARNs the state recorded. */
export function envCandidates(specs: readonly unknown[], state: Pick<StackState, 'applied'>): EnvCandidates {
  const byName = new Map<string, string[]>();
  for (const spec of specs) {
    mapEnvironment(spec, (env) => {
      if (typeof env.value === 'string')
        byName.set(String(env.name), [...(byName.get(String(env.name)) ?? []), env.value]);
      return env;
    });
  }
  const any = [...new Set(Object.values(state.applied).flatMap((r) => (r.arn ? [r.arn] : [])))];
  return { byName, any };
}

/** The loaded state with environment values restored; cache entries that cannot be restored are left out. */
export function unsealEnvironment(state: StackState, candidates: EnvCandidates): StackState {
  const versionCache: StackState['versionCache'] = {};
  for (const [key, entry] of Object.entries(state.versionCache)) {
    const { value, ok } = mapEnvironment(entry.data, (env) => {
      if (typeof env.valueSha256 !== 'string') return env;
      const name = String(env.name);
      const { valueSha256, ...rest } = env;
      for (const candidate of [...(candidates.byName.get(name) ?? []), ...candidates.any]) {
        if (sealDigest(key, name, candidate) === valueSha256) return { ...rest, value: candidate };
      }
      return undefined;
    });
    if (ok) setOwn(versionCache, key, { ...entry, data: value });
  }
  return { ...state, versionCache };
}
