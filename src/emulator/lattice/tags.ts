/** TagResource / UntagResource / ListTagsForResource: any Lattice resource, by ARN; tags are a key -> value map. */
import { checkTagCount, isJson, RESOURCE_TYPE, str, type LatticeCall } from './common';
import { notFound } from './errors';
import { idOf, kindOfId } from './ids';
import type { Json, LatticeRecord } from './state';

function taggable(call: LatticeCall, arn: unknown): LatticeRecord {
  const text = str(arn);
  const r = call.state.resources[idOf(text)];
  if (!r || r.arn !== text) {
    const kind = kindOfId(text);
    throw notFound(kind ? RESOURCE_TYPE[kind] : 'SERVICE', text);
  }
  return r;
}

export function tagResource(call: LatticeCall, input: Json): Json {
  const r = taggable(call, input.resourceArn);
  const merged = { ...r.tags };
  if (isJson(input.tags)) for (const [k, v] of Object.entries(input.tags)) if (typeof v === 'string') merged[k] = v;
  checkTagCount(call, Object.keys(merged).length);
  r.tags = merged;
  return {};
}

export function untagResource(call: LatticeCall, input: Json): Json {
  const r = taggable(call, input.resourceArn);
  const drop = new Set(Array.isArray(input.tagKeys) ? input.tagKeys.map(str) : []);
  r.tags = Object.fromEntries(Object.entries(r.tags).filter(([k]) => !drop.has(k)));
  return {};
}

export function listTagsForResource(call: LatticeCall, input: Json): Json {
  return { tags: { ...taggable(call, input.resourceArn).tags } };
}
