import { parseEcsArn } from './arns';
import { ecsErrors } from './errors';
import { optString, stringList, type JsonObject } from './input';
import type { EcsState, EcsTag } from './state';
import { mergeTags, readTags, removeTags } from './tags';
import { findTaskDefinition } from './task-definitions';

/** The tag holder behind an ECS ARN: a cluster, a service (long ARN form) or one task definition revision. */
function taggable(state: EcsState, arn: string): { tags: EcsTag[] } {
  const parsed = parseEcsArn(arn);
  if (!parsed) throw ecsErrors.invalidParameter('Invalid resource ARN.');
  switch (parsed.resourceType) {
    case 'cluster': {
      const c = state.clusters[parsed.resource];
      if (!c) throw ecsErrors.clusterNotFound();
      return c;
    }
    case 'service': {
      const [cluster, name] = parsed.resource.split('/');
      if (name === undefined) throw ecsErrors.invalidParameter('Long arn format must be used for tagging operations');
      if (!state.clusters[cluster ?? '']) throw ecsErrors.clusterNotFound();
      const s = state.services[`${cluster ?? ''}/${name}`];
      if (!s || s.serviceArn !== arn) throw ecsErrors.resourceNotFound();
      return s;
    }
    case 'task-definition': {
      const record = findTaskDefinition(state, parsed.resource);
      if (!record || !parsed.resource.includes(':')) throw ecsErrors.resourceNotFound();
      return record;
    }
    default:
      throw ecsErrors.invalidParameter('The specified resource type is not supported for tagging.');
  }
}

export function tagResource(state: EcsState, input: JsonObject): JsonObject {
  const resource = taggable(state, optString(input, 'resourceArn') ?? '');
  resource.tags = mergeTags(resource.tags, readTags(input));
  return {};
}

export function untagResource(state: EcsState, input: JsonObject): JsonObject {
  const resource = taggable(state, optString(input, 'resourceArn') ?? '');
  resource.tags = removeTags(resource.tags, stringList(input, 'tagKeys'));
  return {};
}

export function listTagsForResource(state: EcsState, input: JsonObject): JsonObject {
  return { tags: taggable(state, optString(input, 'resourceArn') ?? '').tags };
}
