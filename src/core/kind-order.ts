import { KIND_NAMES, type KindName } from './types';

/** Position of a kind in KIND_NAMES: the tiebreak that keeps plans readable (mesh first, ECS services last). */
export function kindRank(kind: KindName): number {
  return KIND_NAMES.indexOf(kind);
}

/** The kind is the first segment of every resource id (`VirtualNode/shop/a`). */
export function kindOfId(id: string): KindName | undefined {
  const head = id.split('/')[0];
  return KIND_NAMES.find((kind) => kind === head);
}

/** Kind order first, then the id: a total, deterministic order for everything the core emits. */
export function compareIds(a: string, b: string): number {
  const ka = kindOfId(a);
  const kb = kindOfId(b);
  const ra = ka === undefined ? KIND_NAMES.length : kindRank(ka);
  const rb = kb === undefined ? KIND_NAMES.length : kindRank(kb);
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}
