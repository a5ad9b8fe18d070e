/**
 * The stack's ownership tags in bulk, once per run (issue 14): one Resource Groups Tagging API GetResources query,
 * filtered on the stack tag and the resource types in scope, 100 resources a page, instead of one tag read per
 * resource every hour. Kinds take their tags from it (`kinds/shared/bulk-tags.ts`) and keep their describes for as
 * long as the resource's version holds, so no blanket expiry is needed for the types it covers.
 *
 * What it does not replace (src/kinds/README.md, "Ownership reads"): the fresh per-resource read before every update
 * or delete. GetResources is eventually consistent (it returns "previously tagged" resources, and deleted ones for
 * minutes to hours), so a person's removal of our tags may not show in it yet; a write decided on it alone could
 * touch a resource that is no longer ours.
 *
 * Coverage: AWS documents GetResources as supporting all resource types with named exceptions that answer empty.
 * A type that answers nothing while a kind's own read finds this stack's resources of it is marked uncovered in the
 * describe cache and left out for a day; its kind reads its tags itself meanwhile (the hourly expiry applies).
 */
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { OWNERSHIP_TAGS } from '../core/types';
import type { StackTagIndex } from '../kinds/kind';
import type { KindRegistry } from '../kinds/registry';
import type { EngineContext } from './context';
import type { ScopeInput } from './observe';

/** "You can specify a minimum of 1 and a maximum value of 100" (GetResourcesInput.ResourcesPerPage). */
export const TAGGING_PAGE_SIZE = 100;
/** ResourceTypeFilters "can include up to 100 items". */
const MAX_TYPE_FILTERS = 100;
/** Bounded: a service that never ends its pages is a bug, not a loop (1,000 pages = 100,000 resources). */
const MAX_PAGES = 1000;
/** How long a type found uncovered is left out before the bulk read asks for it again. */
export const UNCOVERED_RETRY_MILLIS = 24 * 60 * 60 * 1000;
/**
 * A resource meshward applied this recently may be missing from GetResources because its view lags our own write:
 * such a miss says nothing about coverage.
 */
export const LAG_GRACE_MILLIS = 60 * 60 * 1000;

export function uncoveredMarker(resourceType: string): string {
  return `meshward:tagging-uncovered:${resourceType}`;
}

/** Whether a `service[:resourceType]` filter matches an ARN, as GetResources matches it. */
export function typeMatches(filter: string, arn: string): boolean {
  const parts = arn.split(':');
  if (parts.length < 6) return false;
  const [service, type] = filter.split(':');
  const resourceType = parts.slice(5).join(':').split(/[/:]/)[0];
  return parts[2] === service && (type === undefined || type === resourceType);
}

/** The Tagging API types of the kinds in scope (every id's kind; every kind for an export). */
export function taggingTypesInScope(input: ScopeInput, registry: KindRegistry): string[] {
  const types = new Set<string>();
  const kinds = input.all
    ? registry.observeWaves().flat()
    : (input.ids ?? []).flatMap((id) => {
        const ref = registry.refOfId(id);
        return ref ? [registry.get(ref.kind)] : [];
      });
  for (const kind of kinds) if (kind.taggingResourceType) types.add(kind.taggingResourceType);
  return [...types].sort();
}

export interface BulkTagRead extends StackTagIndex {
  /** After observe: types that answered nothing while kinds found this stack's resources of them. */
  settle(): string[];
  readonly resources: number;
  readonly pages: number;
}

/**
 * Reads every resource tagged `meshward.dev/stack=<stack>` of the given types. Undefined when there is nothing to
 * ask or the read failed (no `tag:GetResources` permission, throttling past the SDK's retries): the kinds then read
 * their tags themselves, as before, and the run goes on.
 */
export async function readStackTags(ctx: EngineContext, types: readonly string[]): Promise<BulkTagRead | undefined> {
  const now = Date.now();
  const asked = types.filter((t) => {
    const marked = ctx.cache[uncoveredMarker(t)]?.data;
    return !(typeof marked === 'string' && now - Date.parse(marked) < UNCOVERED_RETRY_MILLIS);
  });
  if (asked.length === 0) return undefined;
  const tags = new Map<string, Readonly<Record<string, string>>>();
  let pages = 0;
  try {
    for (let i = 0; i < asked.length; i += MAX_TYPE_FILTERS) {
      let token: string | undefined;
      do {
        const out = await ctx.clients.tagging.send(
          new GetResourcesCommand({
            TagFilters: [{ Key: OWNERSHIP_TAGS.stack, Values: [ctx.stack] }],
            ResourceTypeFilters: asked.slice(i, i + MAX_TYPE_FILTERS),
            ResourcesPerPage: TAGGING_PAGE_SIZE,
            ...(token ? { PaginationToken: token } : {}),
          }),
        );
        pages += 1;
        for (const r of out.ResourceTagMappingList ?? []) {
          if (!r.ResourceARN) continue;
          const own: Record<string, string> = {};
          for (const t of r.Tags ?? []) if (t.Key !== undefined) own[t.Key] = t.Value ?? '';
          tags.set(r.ResourceARN, own);
        }
        token = out.PaginationToken || undefined;
        if (pages >= MAX_PAGES) throw new Error(`GetResources did not end its pages after ${MAX_PAGES}`);
      } while (token);
    }
  } catch (err) {
    ctx.progress(
      `bulk tag read failed (${err instanceof Error ? err.message : String(err)}); reading tags per resource instead`,
    );
    return undefined;
  }
  const covered = new Set(asked);
  const misses = new Map<string, number>();
  return {
    resources: tags.size,
    pages,
    covers: (t) => covered.has(t),
    tagsOf: (arn) => tags.get(arn),
    missed: (t, arn) => {
      const applied = ctx.appliedAtOf(arn);
      if (applied !== undefined && Date.now() - Date.parse(applied) < LAG_GRACE_MILLIS) return;
      misses.set(t, (misses.get(t) ?? 0) + 1);
    },
    settle() {
      const uncovered: string[] = [];
      for (const t of misses.keys()) {
        if ([...tags.keys()].some((arn) => typeMatches(t, arn))) continue;
        ctx.cache[uncoveredMarker(t)] = { version: 0, data: new Date().toISOString() };
        uncovered.push(t);
      }
      return uncovered;
    },
  };
}
