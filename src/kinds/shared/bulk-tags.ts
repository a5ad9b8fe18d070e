/**
 * A resource's tags for observe, from this run's bulk read of the stack's tags (engine/bulk-tags.ts) where it
 * covers the kind, with the kind's own tag read where it cannot answer. Ownership is what matters here: a resource
 * the bulk read returned is tagged with this stack (and carries all its tags); one it did not return is not this
 * stack's unless the Tagging API lags, which only a resource we believed ours can tell us: that one is read again.
 */
import { isOwnedBy, ownershipOf } from '../../aws/ownership';
import type { KindContext } from '../kind';

/** Whether this run's bulk read covers `resourceType` (the kind then needs no tag read of its own to observe). */
export function bulkCovers(ctx: KindContext, resourceType: string | undefined): boolean {
  return resourceType !== undefined && ctx.stackTags?.covers(resourceType) === true;
}

/**
 * The tags to observe a resource with, when `bulkCovers`: the bulk read's; else, for a resource the bulk read did not
 * return, what was cached when that said it is not ours (nothing changed our view), or the kind's own read
 * (`readOne`) when the cache says it is ours or there is no cache (the bulk read may lag a tag just written).
 */
export async function tagsNow(
  ctx: KindContext,
  resourceType: string,
  arn: string,
  cached: Readonly<Record<string, string>> | undefined,
  readOne: () => Promise<Record<string, string>>,
): Promise<Record<string, string>> {
  const hit = ctx.stackTags?.tagsOf(arn);
  if (hit) return { ...hit };
  if (cached !== undefined && !isOwnedBy(ownershipOf({ ...cached }), ctx.stack)) return { ...cached };
  const tags = await readOne();
  if (isOwnedBy(ownershipOf(tags), ctx.stack)) ctx.stackTags?.missed(resourceType, arn);
  return tags;
}
