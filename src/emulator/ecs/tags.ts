import { isObject, optString, type JsonObject } from './input';
import { ecsErrors } from './errors';
import type { EcsTag } from './state';

const MAX_TAGS = 50;

export function readTags(input: JsonObject, key = 'tags'): EcsTag[] {
  const raw = input[key];
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObject).map((t) => ({ key: optString(t, 'key') ?? '', value: optString(t, 'value') ?? '' }));
}

/** Adds or overwrites tags by key, enforcing ECS's 50-tag limit and its reserved `aws:` prefix. */
export function mergeTags(existing: readonly EcsTag[], added: readonly EcsTag[]): EcsTag[] {
  const byKey = new Map(existing.map((t) => [t.key, t.value]));
  for (const tag of added) {
    if (tag.key.toLowerCase().startsWith('aws:')) {
      throw ecsErrors.invalidParameter('Tag keys with the prefix aws: are reserved for AWS use.');
    }
    byKey.set(tag.key, tag.value);
  }
  if (byKey.size > MAX_TAGS) throw ecsErrors.invalidParameter(`A resource can have at most ${MAX_TAGS} tags.`);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

export function removeTags(existing: readonly EcsTag[], keys: readonly string[]): EcsTag[] {
  const drop = new Set(keys);
  return existing.filter((t) => !drop.has(t.key));
}
