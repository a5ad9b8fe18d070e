/** The two tags that make a resource meshward's (DESIGN.md "Ownership and safety"). */
import type { Ownership } from '../core/model';
import { MANAGED_BY_VALUE, OWNERSHIP_TAGS } from '../core/types';

export function ownershipTags(stack: string): Record<string, string> {
  return { [OWNERSHIP_TAGS.managedBy]: MANAGED_BY_VALUE, [OWNERSHIP_TAGS.stack]: stack };
}

export function ownershipOf(tags: Record<string, string>): Ownership {
  const out: Ownership = {};
  const managedBy = tags[OWNERSHIP_TAGS.managedBy];
  const stack = tags[OWNERSHIP_TAGS.stack];
  if (managedBy !== undefined) out.managedBy = managedBy;
  if (stack !== undefined) out.stack = stack;
  return out;
}

export function isOwnedBy(ownership: Ownership, stack: string): boolean {
  return ownership.managedBy === MANAGED_BY_VALUE && ownership.stack === stack;
}

export function isOwnershipTag(key: string): boolean {
  return key === OWNERSHIP_TAGS.managedBy || key === OWNERSHIP_TAGS.stack;
}

/** User tags only: what the manifests can declare and what export writes back. */
export function userTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !isOwnershipTag(k)));
}

export interface TagChanges {
  set: Record<string, string>;
  remove: string[];
}

/** What TagResource / UntagResource must do to turn `actual` into `desired`. */
export function tagChanges(desired: Record<string, string>, actual: Record<string, string>): TagChanges {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(desired)) if (actual[k] !== v) set[k] = v;
  const remove = Object.keys(actual)
    .filter((k) => !(k in desired))
    .sort();
  return { set, remove };
}

export function toTagList(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
}

export function fromTagList(list: readonly { key?: string; value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}
