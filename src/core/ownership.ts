/**
 * Ownership and protection as diff and plan see them (DESIGN.md "Ownership and safety").
 *
 * Deletion protection has to survive the manifest's removal (that is exactly when it matters), so the annotation
 * `meshward.dev/deletion-protection: "true"` is mirrored to a tag of the same name: the engine sets it with the
 * other tags at create, and the diff treats it as a declared tag, so adding or removing the annotation is an
 * ordinary tag update. The plan then reads protection from the actual resource's tags (and from the desired
 * annotation, for replaces). A tag set by hand in the console protects a resource just the same.
 */
import { setOwn } from './canonical';
import type { ActualResource, DesiredResource, Ownership } from './model';
import { ANNOTATIONS, MANAGED_BY_VALUE, OWNERSHIP_TAGS } from './types';

export const DELETION_PROTECTION_TAG = ANNOTATIONS.deletionProtection;

const OWNERSHIP_KEYS: ReadonlySet<string> = new Set(Object.values(OWNERSHIP_TAGS));

/** The ownership tags, read from `ownership` when the engine filled it, else from the tags themselves. */
export function ownershipOf(actual: ActualResource): Ownership {
  return {
    managedBy: actual.ownership.managedBy ?? actual.tags[OWNERSHIP_TAGS.managedBy],
    stack: actual.ownership.stack ?? actual.tags[OWNERSHIP_TAGS.stack],
  };
}

export function isOwnedBy(actual: ActualResource, stack: string): boolean {
  const owner = ownershipOf(actual);
  return owner.managedBy === MANAGED_BY_VALUE && owner.stack === stack;
}

/** Owned by some meshward stack (both tags present). */
export function isMeshwardOwned(actual: ActualResource): boolean {
  const owner = ownershipOf(actual);
  return owner.managedBy === MANAGED_BY_VALUE && owner.stack !== undefined;
}

/** The tags the engine writes on create for this stack: ownership first, then the declared ones. */
export function ownershipTags(stack: string): Record<string, string> {
  return { [OWNERSHIP_TAGS.managedBy]: MANAGED_BY_VALUE, [OWNERSHIP_TAGS.stack]: stack };
}

/** The non-ownership tags the manifest declares: user tags plus the deletion-protection mirror. */
export function declaredTags(desired: Pick<DesiredResource, 'tags' | 'annotations'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired.tags)) {
    if (!OWNERSHIP_KEYS.has(key) && key !== DELETION_PROTECTION_TAG) setOwn(out, key, value);
  }
  if (desired.annotations[ANNOTATIONS.deletionProtection] === 'true') out[DELETION_PROTECTION_TAG] = 'true';
  return out;
}

/** The actual tags the diff compares with declaredTags: everything but ownership. */
export function comparableTags(actual: ActualResource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(actual.tags)) if (!OWNERSHIP_KEYS.has(key)) setOwn(out, key, value);
  return out;
}

export function isDeletionProtected(resource: { actual?: ActualResource; desired?: DesiredResource }): boolean {
  return (
    resource.actual?.tags[DELETION_PROTECTION_TAG] === 'true' ||
    resource.desired?.annotations[ANNOTATIONS.deletionProtection] === 'true'
  );
}

export function wantsAdoption(desired: DesiredResource): boolean {
  return desired.annotations[ANNOTATIONS.adopt] === 'true';
}
