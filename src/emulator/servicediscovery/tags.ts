import { isObject, optString, type JsonObject } from '../ecs/input';
import { cloudMapErrors } from './errors';
import type { CloudMapTag } from './state';

const MAX_TAGS = 50;

export function readTags(input: JsonObject, key = 'Tags'): CloudMapTag[] {
  const raw = input[key];
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObject).map((t) => ({ Key: optString(t, 'Key') ?? '', Value: optString(t, 'Value') ?? '' }));
}

export function mergeTags(
  existing: readonly CloudMapTag[],
  added: readonly CloudMapTag[],
  tooMany: () => Error,
): CloudMapTag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) {
    if (t.Key.toLowerCase().startsWith('aws:')) {
      throw cloudMapErrors.invalidInput('Tag keys with the prefix aws: are reserved for AWS use.');
    }
    byKey.set(t.Key, t.Value);
  }
  if (byKey.size > MAX_TAGS) throw tooMany();
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}
