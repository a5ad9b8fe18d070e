import { type KindCatalog, defaultCatalog } from './kind-catalog';
import type { KindName } from './types';

/** Position of a kind in the registry: the tiebreak that keeps plans readable (mesh first, ECS services last). */
export function kindRank(kind: KindName, catalog: KindCatalog = defaultCatalog()): number {
  return catalog.rank(kind);
}

/** The kind is the first segment of every resource id (`VirtualNode/shop/a`); undefined for an unknown kind. */
export function kindOfId(id: string, catalog: KindCatalog = defaultCatalog()): KindName | undefined {
  const head = id.slice(0, id.indexOf('/') < 0 ? id.length : id.indexOf('/'));
  return catalog.find(head) ? head : undefined;
}

/** Kind order first, then the id: a total, deterministic order for everything the core emits. */
export function compareIds(a: string, b: string): number {
  const catalog = defaultCatalog();
  const ra = catalog.rank(a.slice(0, a.indexOf('/') < 0 ? a.length : a.indexOf('/')));
  const rb = catalog.rank(b.slice(0, b.indexOf('/') < 0 ? b.length : b.indexOf('/')));
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `items` in compareIds order, each item's kind rank computed once instead of twice per comparison: sorting a
 * plan's ids with compareIds was a fifth of the diff + plan CPU at 1,000 resources.
 */
export function sortByIds<T>(items: Iterable<T>, idOf: (item: T) => string): T[] {
  const catalog = defaultCatalog();
  const keyed = [...items].map((item) => {
    const id = idOf(item);
    const slash = id.indexOf('/');
    return { item, id, rank: catalog.rank(slash < 0 ? id : id.slice(0, slash)) };
  });
  keyed.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keyed.map((k) => k.item);
}

/** Ids in compareIds order (see sortByIds). */
export function sortIds(ids: Iterable<string>): string[] {
  return sortByIds(ids, (id) => id);
}
