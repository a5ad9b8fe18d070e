import type { CallContext } from '../contracts';
import { callerArn, parseEcsArn, taskDefinitionArn } from './arns';
import { ecsErrors } from './errors';
import { epochSeconds, optArray, optNumber, optString, stringList, type JsonObject } from './input';
import type { EcsEmulatorOptions } from './options';
import { paginate } from './paging';
import type { EcsState, TaskDefinitionRecord } from './state';
import { buildTaskDefinitionBody, compatibilities, requiresAttributes } from './task-definition-defaults';
import { mergeTags, readTags } from './tags';

const FAMILY_RE = /^[a-zA-Z0-9_-]{1,255}$/;
const MAX_TASK_DEFINITION_BYTES = 65536;

export function registerTaskDefinition(
  state: EcsState,
  input: JsonObject,
  ctx: CallContext,
  options: Pick<EcsEmulatorOptions, 'bridgeHostPort'>,
): JsonObject {
  const family = optString(input, 'family') ?? '';
  if (!FAMILY_RE.test(family)) {
    throw ecsErrors.client(
      'Family contains invalid characters. Up to 255 letters, numbers, hyphens, and underscores are allowed.',
    );
  }
  const tags = mergeTags([], readTags(input));
  // ECS caps a task definition at 64 KiB of request JSON ("Actual length: '514430'. Max allowed length is
  // '65536' bytes.", ClientException, as users quote it).
  const length = Buffer.byteLength(JSON.stringify({ ...input, tags: undefined }), 'utf8');
  if (length > MAX_TASK_DEFINITION_BYTES) {
    throw ecsErrors.client(`Actual length: '${length}'. Max allowed length is '${MAX_TASK_DEFINITION_BYTES}' bytes.`);
  }
  const body = buildTaskDefinitionBody(input, options);
  const revisions = (state.taskDefinitions[family] ??= []);
  const revision = revisions.length + 1;
  // The ARN leads the object: the core attributes a write to the first ARN it finds in the output.
  const taskDefinition: JsonObject = {
    taskDefinitionArn: taskDefinitionArn(ctx, family, revision),
    ...body,
    family,
    revision,
    status: 'ACTIVE',
    requiresAttributes: requiresAttributes(body),
    compatibilities: compatibilities(body),
    requiresCompatibilities: optArray(body, 'requiresCompatibilities') ?? [],
    registeredAt: epochSeconds(ctx.now),
    registeredBy: callerArn(ctx),
  };
  revisions.push({ taskDefinition, tags });
  return { taskDefinition, tags };
}

/** Resolves `family`, `family:revision` or a task definition ARN. `family` alone means the latest ACTIVE revision. */
export function findTaskDefinition(state: EcsState, ref: string): TaskDefinitionRecord | undefined {
  const parsed = parseEcsArn(ref);
  const spec = parsed?.resourceType === 'task-definition' ? parsed.resource : ref;
  const [family, rev] = spec.split(':');
  const revisions = state.taskDefinitions[family ?? ''];
  if (!revisions) return undefined;
  if (rev === undefined) {
    return [...revisions].reverse().find((r) => r.taskDefinition['status'] === 'ACTIVE');
  }
  if (!/^\d+$/.test(rev)) return undefined;
  return revisions[Number(rev) - 1];
}

export function describeTaskDefinition(state: EcsState, input: JsonObject): JsonObject {
  const record = findTaskDefinition(state, optString(input, 'taskDefinition') ?? '');
  if (!record) throw ecsErrors.client('Unable to describe task definition.');
  const out: JsonObject = { taskDefinition: record.taskDefinition };
  if (stringList(input, 'include').includes('TAGS')) out['tags'] = record.tags;
  return out;
}

export function deregisterTaskDefinition(state: EcsState, input: JsonObject, ctx: CallContext): JsonObject {
  const ref = optString(input, 'taskDefinition') ?? '';
  const parsed = parseEcsArn(ref);
  const spec = parsed?.resourceType === 'task-definition' ? parsed.resource : ref;
  // Deregistration names one revision; a bare family is rejected rather than guessed.
  if (!/:\d+$/.test(spec)) throw ecsErrors.client('Invalid revision number. Number: ' + (spec.split(':')[1] ?? ''));
  const record = findTaskDefinition(state, spec);
  if (!record) throw ecsErrors.client('The specified task definition does not exist.');
  if (record.taskDefinition['status'] === 'ACTIVE') {
    record.taskDefinition['status'] = 'INACTIVE';
    record.taskDefinition['deregisteredAt'] = epochSeconds(ctx.now);
  }
  return { taskDefinition: record.taskDefinition };
}

export function listTaskDefinitions(state: EcsState, input: JsonObject): JsonObject {
  // ListTaskDefinitions' familyPrefix is the full family name (unlike ListTaskDefinitionFamilies).
  const family = optString(input, 'familyPrefix');
  const status = optString(input, 'status') ?? 'ACTIVE';
  const sort = optString(input, 'sort') ?? 'ASC';
  const maxResults = optNumber(input, 'maxResults') ?? 100;
  if (maxResults < 1 || maxResults > 100) {
    throw ecsErrors.invalidParameter('maxResults can be between 1 and 100.');
  }
  const families = Object.keys(state.taskDefinitions)
    .filter((f) => family === undefined || f === family)
    .sort();
  const arns: string[] = [];
  for (const f of families) {
    for (const r of state.taskDefinitions[f] ?? []) {
      if (r.taskDefinition['status'] === status) arns.push(String(r.taskDefinition['taskDefinitionArn']));
    }
  }
  if (sort === 'DESC') arns.reverse();
  const page = paginate(arns, maxResults, optString(input, 'nextToken'), `td|${family ?? ''}|${status}|${sort}`);
  return { taskDefinitionArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

export function listTaskDefinitionFamilies(state: EcsState, input: JsonObject): JsonObject {
  const prefix = optString(input, 'familyPrefix') ?? '';
  const status = optString(input, 'status') ?? 'ACTIVE';
  const maxResults = optNumber(input, 'maxResults') ?? 100;
  if (maxResults < 1 || maxResults > 100) {
    throw ecsErrors.invalidParameter('maxResults can be between 1 and 100.');
  }
  const families = Object.entries(state.taskDefinitions)
    .filter(([f]) => f.startsWith(prefix))
    .filter(([, revisions]) => {
      const active = revisions.some((r) => r.taskDefinition['status'] === 'ACTIVE');
      return status === 'ALL' || (status === 'ACTIVE' ? active : !active);
    })
    .map(([f]) => f)
    .sort();
  const page = paginate(families, maxResults, optString(input, 'nextToken'), `tdf|${prefix}|${status}`);
  return { families: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
