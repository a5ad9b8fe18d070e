/** TagResource / UntagResource / ListTagsForResource. Update* takes no tags: tags change only here. */
import { notFound, tooManyTags } from './errors';
import { paginate } from './paging';
import type { AppMeshStore, StoredResource, TagRef } from './store';

type Json = Record<string, unknown>;

function resourceFor(store: AppMeshStore, arn: unknown): StoredResource {
  const r = typeof arn === 'string' ? store.byArn(arn) : undefined;
  if (!r) throw notFound(`The specified resource ${String(arn)} does not exist.`);
  return r;
}

export function tagResource(store: AppMeshStore, input: Json, maxTags: number): Json {
  const r = resourceFor(store, input.resourceArn);
  const merged = new Map(r.tags.map((t) => [t.key, t.value]));
  for (const tag of (input.tags as TagRef[] | undefined) ?? []) merged.set(tag.key, tag.value);
  if (merged.size > maxTags) {
    throw tooManyTags(`The request would leave ${merged.size} tags on the resource; at most ${maxTags} are allowed.`);
  }
  store.put({ ...r, tags: [...merged].map(([key, value]) => ({ key, value })) });
  return {};
}

export function untagResource(store: AppMeshStore, input: Json): Json {
  const r = resourceFor(store, input.resourceArn);
  const drop = new Set((input.tagKeys as string[] | undefined) ?? []);
  store.put({ ...r, tags: r.tags.filter((t) => !drop.has(t.key)) });
  return {};
}

export function listTags(store: AppMeshStore, input: Json): Json {
  const r = resourceFor(store, input.resourceArn);
  // "If you don't use this parameter, ListTagsForResource returns up to 100 results" (API reference).
  const page = paginate(r.tags, `tags/${r.metadata.arn}`, input.limit, input.nextToken, 100);
  return { tags: page.items.map((t) => ({ ...t })), nextToken: page.nextToken };
}
