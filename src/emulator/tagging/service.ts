/**
 * The Resource Groups Tagging API's GetResources over the tags the emulated services keep (App Mesh, ECS, Cloud Map,
 * VPC Lattice): one account-wide, tag-filtered, paged view. Facts and their sources are in
 * test/emulator/tagging.test.ts; what could not be confirmed is an option (src/emulator/README.md, "Tagging API").
 */
import { createHash } from 'node:crypto';
import { AwsApiError, type ServiceFactory, type ServiceImplementation, type TaggedResource } from '../contracts';
import { TAGGING_MODEL } from './model';

export interface TaggingOptions {
  /**
   * Services whose resources GetResources returns [appmesh, ecs, servicediscovery, vpc-lattice]. AWS says
   * "GetResources ... support[s] all resource types" with named exceptions (Auto Scaling groups answer empty);
   * a service left out here answers as such an exception does: nothing, no error.
   */
  coveredServices?: readonly string[];
  /**
   * How stale the tag view may be, ms [0]. The view is re-read from the services only once it is older than this,
   * so tag changes (and deletes: "previously tagged" resources) show up to this late, as GetResources' eventual
   * consistency allows.
   */
  lagMs?: number;
  /** ResourcesPerPage when the request gives none [100]. */
  defaultResourcesPerPage?: number;
}

export const DEFAULT_COVERED_SERVICES = ['appmesh', 'ecs', 'servicediscovery', 'vpc-lattice'] as const;

/** "A PaginationToken is valid for a maximum of 15 minutes" (PaginationTokenExpiredException). */
export const PAGINATION_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

type Json = Record<string, unknown>;

function invalid(message: string): AwsApiError {
  return new AwsApiError('InvalidParameterException', 400, message);
}

/** `service:resourceType` of an ARN: the service field and the resource part up to its first `/` or `:`. */
export function resourceTypeOf(arn: string): { service: string; type: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const service = parts[2] ?? '';
  const resource = parts.slice(5).join(':');
  const type = resource.split(/[/:]/)[0] ?? '';
  return { service, type };
}

interface TagFilter {
  key: string;
  values: string[];
}

interface Query {
  filters: TagFilter[];
  types: string[];
  arns: string[] | undefined;
}

function queryOf(input: Json): Query {
  const arns = Array.isArray(input.ResourceARNList) ? input.ResourceARNList.map(String) : undefined;
  const rawFilters = Array.isArray(input.TagFilters) ? (input.TagFilters as Json[]) : [];
  const types = Array.isArray(input.ResourceTypeFilters) ? input.ResourceTypeFilters.map(String) : [];
  if (arns !== undefined) {
    // "You can't specify both this parameter and the TagFilters / ResourceTypeFilters / pagination parameters."
    const clash = [
      rawFilters.length > 0 || input.TagFilters !== undefined ? 'TagFilters' : undefined,
      input.ResourceTypeFilters !== undefined ? 'ResourceTypeFilters' : undefined,
      input.ResourcesPerPage !== undefined ? 'ResourcesPerPage' : undefined,
      input.TagsPerPage !== undefined ? 'TagsPerPage' : undefined,
      input.PaginationToken !== undefined && input.PaginationToken !== '' ? 'PaginationToken' : undefined,
    ].filter((x): x is string => x !== undefined);
    if (clash.length > 0) throw invalid(`ResourceARNList cannot be combined with ${clash.join(', ')}.`);
  }
  const filters = rawFilters.map((f, i) => {
    if (typeof f.Key !== 'string') throw invalid(`TagFilters[${i}] must specify a Key.`);
    return { key: f.Key, values: Array.isArray(f.Values) ? f.Values.map(String) : [] };
  });
  // "The array can include up to 100 items."
  if (types.length > 100) throw invalid('ResourceTypeFilters can include at most 100 resource types.');
  for (const t of types) {
    if (t === '' || t.split(':').length > 2) {
      throw invalid(`Invalid resource type filter: "${t}". Use the format service[:resourceType].`);
    }
  }
  return { filters, types, arns };
}

function matchesTags(tags: Readonly<Record<string, string>>, filters: readonly TagFilter[]): boolean {
  // Filters are ANDed; the values of one filter are ORed; a filter without values asks for the key only.
  return filters.every((f) => {
    const v = tags[f.key];
    return v !== undefined && (f.values.length === 0 || f.values.includes(v));
  });
}

function matchesType(arn: string, types: readonly string[]): boolean {
  if (types.length === 0) return true;
  const of = resourceTypeOf(arn);
  if (!of) return false;
  return types.some((t) => {
    const [service, type] = t.split(':');
    return service === of.service && (type === undefined || type === of.type);
  });
}

interface PageToken {
  offset: number;
  issuedAt: number;
  query: string;
  /** The result set the first page was cut from (kept by the emulator while the token is valid). */
  snapshot?: number;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64');
}

function decodeToken(text: string): PageToken | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.offset !== 'number' || typeof v.issuedAt !== 'number' || typeof v.query !== 'string') return undefined;
    return {
      offset: v.offset,
      issuedAt: v.issuedAt,
      query: v.query,
      ...(typeof v.snapshot === 'number' ? { snapshot: v.snapshot } : {}),
    };
  } catch {
    return undefined;
  }
}

export function taggingServiceFactory(options: TaggingOptions = {}): ServiceFactory {
  const covered = new Set<string>(options.coveredServices ?? DEFAULT_COVERED_SERVICES);
  const lagMs = options.lagMs ?? 0;
  const defaultPage = options.defaultResourcesPerPage ?? 100;
  return (env) => {
    let view: { at: number; items: TaggedResource[] } | undefined;
    // The matching resources of a paged query, cut once at its first page: later pages are slices of the same set
    // (no resource skipped or repeated when tags change between pages), and a query of N resources costs O(N) in
    // all, not O(N) per page. Dropped when their tokens expire.
    const snapshots = new Map<number, { issuedAt: number; matching: TaggedResource[] }>();
    let nextSnapshot = 1;
    const current = (now: number): TaggedResource[] => {
      if (!view || now - view.at >= lagMs || lagMs <= 0) {
        const items = env
          .taggedResources()
          .filter((r) => covered.has(r.service))
          .map((r) => ({ ...r, tags: { ...r.tags } }));
        view = { at: now, items };
      }
      return view.items;
    };

    const getResources = (input: Json, now: number): Json => {
      const query = queryOf(input);
      const perPage = typeof input.ResourcesPerPage === 'number' ? input.ResourcesPerPage : defaultPage;
      // "You can specify a minimum of 1 and a maximum value of 100."
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
        throw invalid(`ResourcesPerPage must be between 1 and 100; got ${String(input.ResourcesPerPage)}.`);
      }
      const tagsPerPage = typeof input.TagsPerPage === 'number' ? input.TagsPerPage : undefined;
      // "You can set TagsPerPage to a minimum of 100 items up to a maximum of 500 items."
      if (tagsPerPage !== undefined && (tagsPerPage < 100 || tagsPerPage > 500)) {
        throw invalid(`TagsPerPage must be between 100 and 500; got ${tagsPerPage}.`);
      }
      if (input.ExcludeCompliantResources === true && input.IncludeComplianceDetails !== true) {
        throw invalid('ExcludeCompliantResources can be used only when IncludeComplianceDetails is true.');
      }
      if (query.arns !== undefined) {
        // "If a resource specified by this parameter doesn't exist, it doesn't generate an error."
        const wanted = new Set(query.arns);
        return {
          ResourceTagMappingList: current(now)
            .filter((r) => wanted.has(r.arn))
            .map(mapping),
          PaginationToken: '',
        };
      }
      const key = createHash('sha256')
        .update(JSON.stringify([query.filters, query.types]))
        .digest('hex')
        .slice(0, 16);
      let offset = 0;
      let snapshotId: number | undefined;
      const tokenText = typeof input.PaginationToken === 'string' ? input.PaginationToken : '';
      if (tokenText !== '') {
        const token = decodeToken(tokenText);
        if (!token || token.query !== key) throw invalid('The specified pagination token is not valid.');
        if (now - token.issuedAt > PAGINATION_TOKEN_LIFETIME_MS) {
          throw new AwsApiError(
            'PaginationTokenExpiredException',
            400,
            'The specified pagination token has expired. A pagination token is valid for 15 minutes.',
          );
        }
        offset = token.offset;
        snapshotId = token.snapshot;
      }
      for (const [id, snap] of snapshots) if (now - snap.issuedAt > PAGINATION_TOKEN_LIFETIME_MS) snapshots.delete(id);
      const kept = snapshotId === undefined ? undefined : snapshots.get(snapshotId);
      // With a TagFilter only tagged resources can match; without one AWS lists every tagged (or once tagged)
      // resource, and the emulator only knows the ones tagged now.
      const matching =
        kept?.matching ??
        current(now).filter(
          (r) =>
            Object.keys(r.tags).length > 0 && matchesTags(r.tags, query.filters) && matchesType(r.arn, query.types),
        );
      if (!kept) {
        snapshotId = nextSnapshot++;
        snapshots.set(snapshotId, { issuedAt: now, matching });
      }
      let end = Math.min(matching.length, offset + perPage);
      if (tagsPerPage !== undefined) {
        // A resource is never split across pages; one without tags counts as one tag.
        let used = 0;
        for (let i = offset; i < end; i += 1) {
          used += Math.max(1, Object.keys(matching[i]?.tags ?? {}).length);
          if (used > tagsPerPage && i > offset) {
            end = i;
            break;
          }
        }
      }
      const next =
        end < matching.length ? encodeToken({ offset: end, issuedAt: now, query: key, snapshot: snapshotId }) : '';
      if (next === '' && snapshotId !== undefined) snapshots.delete(snapshotId);
      return { ResourceTagMappingList: matching.slice(offset, end).map(mapping), PaginationToken: next };
    };

    const impl: ServiceImplementation = {
      modelFile: '',
      model: TAGGING_MODEL,
      operations: new Set(['GetResources']),
      handle(operation, input, ctx) {
        if (operation !== 'GetResources') throw invalid(`Unsupported operation ${operation}`);
        return getResources(input, ctx.now);
      },
      // The view is derived from the other services' state: nothing of its own to persist.
      snapshot: () => ({}),
      restore: () => undefined,
      reset: () => {
        view = undefined;
        snapshots.clear();
      },
    };
    return impl;
  };
}

function mapping(r: TaggedResource): Json {
  return {
    ResourceARN: r.arn,
    Tags: Object.entries(r.tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Key, Value]) => ({ Key, Value })),
  };
}

export const createTaggingService: ServiceFactory = taggingServiceFactory();
