/**
 * Desired vs actual vs last applied, per resource (DESIGN.md "The flow of one reconcile": diff).
 *
 * Cause, when both a manifest change and an AWS change are possible:
 * - the desired digest differs from the state store's last-applied digest (or nothing was applied yet) -> `pending`;
 *   if AWS's version also moved past the recorded one, `alsoDrifted` is set, so reports still count it as drift;
 * - the digests are equal but AWS differs from the manifests -> `drift`;
 * - a create is `new`, except when the state store says we applied it before: then AWS lost it, which is `drift`
 *   (or `pending` if the manifest changed too); a delete is `removed`.
 * Pending wins at resource level because applying the manifests is what resolves both.
 */
import { digestOf } from './canonical';
import { sortIds } from './kind-order';
import type {
  ActualResource,
  ChangeCause,
  DesiredResource,
  FieldChange,
  HeldChange,
  ResourceChange,
  StackState,
} from './model';
import {
  comparableTags,
  declaredTags,
  isMeshwardOwned,
  isOwnedBy,
  ownershipOf,
  ownershipTags,
  wantsAdoption,
} from './ownership';
import { type KindCatalog, defaultCatalog } from './kind-catalog';
import { joinPointer, parsePointer, pointerTouches } from './pointer';
import { ANNOTATIONS, type KindName } from './types';
import { diffValues, leafChanges } from './value-diff';

export { applyChanges, diffValues, leafChanges } from './value-diff';

/**
 * DesiredResource.digest as the diff understands it: the normalized spec plus the declared tags (the
 * deletion-protection annotation included, since it becomes a tag). Any digest works as long as it covers at
 * least what the diff compares (else a manifest edit would read as drift); this one is the minimal choice.
 */
export function desiredDigest(d: Pick<DesiredResource, 'spec' | 'tags' | 'annotations'>): string {
  return digestOf({ spec: d.spec, tags: declaredTags(d) });
}

export interface DiffResourcesInput {
  desired: readonly DesiredResource[];
  /** What observe found in the manifests' scope, foreign resources included. */
  actual: readonly ActualResource[];
  state: Pick<StackState, 'applied' | 'intents'>;
  stack: string;
  /** The kind's immutable fields: JSON pointers into the spec (`/serviceName`, or `/spec/serviceName`; `*` matches
   * any one segment). Kind.immutablePaths fits as is. */
  immutablePaths?: (kind: KindName) => readonly string[];
  /** What the diff knows of kinds (compare views, replace rules); default: the kind registry. */
  catalog?: KindCatalog;
}

/** The manifest pointers an `ignore-fields` annotation names, as pointers into the compared spec. */
export function ignoredPointers(desired: DesiredResource, catalog: KindCatalog = defaultCatalog()): string[] {
  const raw = desired.annotations[ANNOTATIONS.ignoreFields];
  if (raw === undefined) return [];
  const kind = catalog.find(desired.ref.kind);
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p === '/spec' || p.startsWith('/spec/'))
    .map((p) => kind?.specPointer?.(p) ?? p);
}

/** `value` without the member at `pointer` (relative to the value; `*` matches any one segment). Pure. */
export function withoutPointer(value: unknown, pointer: readonly string[]): unknown {
  if (pointer.length === 0) return undefined;
  const [head, ...rest] = pointer;
  if (Array.isArray(value)) {
    if (head !== '*' && !/^\d+$/.test(head ?? '')) return value;
    return value.map((item, i) => (head === '*' || String(i) === head ? withoutPointer(item, rest) : item));
  }
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (head !== '*' && key !== head) out[key] = item;
    else if (rest.length > 0) out[key] = withoutPointer(item, rest);
  }
  return out;
}

function specViews(desired: DesiredResource, actual: ActualResource, catalog: KindCatalog): [unknown, unknown] {
  const kind = catalog.find(desired.ref.kind);
  const view = kind?.compareView?.(desired, actual.spec) ?? { desired: desired.spec, actual: actual.spec };
  let d = view.desired;
  let a = view.actual;
  for (const pointer of ignoredPointers(desired, catalog)) {
    const segments = parsePointer(pointer).slice(1);
    d = withoutPointer(d, segments);
    a = withoutPointer(a, segments);
  }
  return [d, a];
}

/**
 * One ResourceChange per id found on either side, in kind order then id. Actual resources that are neither
 * desired, nor ours, nor remembered by the state store are not listed: they belong to someone else.
 * Deletes are listed whatever the prune setting; buildPlan decides whether they run.
 */
export function diffResources(input: DiffResourcesInput): ResourceChange[] {
  // A declared placeholder names a resource managed elsewhere: it exists for references only, so neither side of it
  // is diffed (no create, no update, and no delete of a same-named resource). `external` alone is not one.
  const external = new Set(input.desired.filter(isPlaceholder).map((d) => d.id));
  const desiredById = new Map(input.desired.filter((d) => !external.has(d.id)).map((d) => [d.id, d]));
  const actualById = new Map(input.actual.filter((a) => !external.has(a.id)).map((a) => [a.id, a]));
  const ids = sortIds(new Set([...desiredById.keys(), ...actualById.keys()]));
  const out: ResourceChange[] = [];
  for (const id of ids) {
    const desired = desiredById.get(id);
    const actual = actualById.get(id);
    const change = desired
      ? actual
        ? compare(desired, actual, input)
        : createOf(desired, input)
      : actual
        ? deleteOf(actual, input)
        : undefined;
    if (change) out.push(change);
  }
  return out;
}

/** An interrupted run's write to this resource (StackState.intents), in one line for the reason. */
function interruptedWrite(id: string, input: DiffResourcesInput): string | undefined {
  const intent = input.state.intents?.[id];
  return intent === undefined ? undefined : `an interrupted run (${intent.at}) started to ${intent.op} it`;
}

function createOf(desired: DesiredResource, input: DiffResourcesInput): ResourceChange {
  const applied = input.state.applied[desired.id];
  let cause: ChangeCause = applied === undefined ? 'new' : applied.digest === desired.digest ? 'drift' : 'pending';
  // Gone because meshward deleted it (a replace killed between its delete and its create): not AWS's change.
  const interrupted = cause === 'drift' ? interruptedWrite(desired.id, input) : undefined;
  if (interrupted !== undefined) cause = 'pending';
  return {
    id: desired.id,
    ref: desired.ref,
    kind: desired.ref.kind,
    action: 'create',
    cause,
    changes: [...leafChanges(desired.spec, '/spec', 'after'), ...tagLeaves(declaredTags(desired))],
    ...(cause === 'drift' ? { reason: 'applied before, but no longer exists in AWS' } : {}),
    ...(interrupted !== undefined ? { reason: `${interrupted}; creating it again` } : {}),
    desired,
  };
}

function deleteOf(actual: ActualResource, input: DiffResourcesInput): ResourceChange | undefined {
  const base = { id: actual.id, ref: actual.ref, kind: actual.ref.kind, changes: [], actual };
  if (isOwnedBy(actual, input.stack)) return { ...base, action: 'delete', cause: 'removed' };
  // The state store alone never licenses a delete: DESIGN.md says only resources carrying both tags are touched.
  if (input.state.applied[actual.id] !== undefined) {
    return {
      ...base,
      action: 'conflict',
      cause: 'removed',
      reason: `applied by stack "${input.stack}" before, but its ownership tags are gone (${describeOwner(actual)}); not deleted`,
    };
  }
  return undefined;
}

function compare(desired: DesiredResource, actual: ActualResource, input: DiffResourcesInput): ResourceChange {
  const base = { id: desired.id, ref: desired.ref, kind: desired.ref.kind, desired, actual };
  const catalog = input.catalog ?? defaultCatalog();
  const [desiredSpec, actualSpec] = specViews(desired, actual, catalog);
  const { real, held } = partitionHeld(diffValues(actualSpec, desiredSpec, '/spec'), actual);
  const changes: FieldChange[] = [...real, ...diffValues(comparableTags(actual), declaredTags(desired), '/tags')];
  const heldPart = held.length > 0 ? { held } : {};
  let reason: string | undefined;
  const adopting = !isOwnedBy(actual, input.stack);
  if (adopting) {
    if (isMeshwardOwned(actual)) {
      // Adopting from another stack would make two stacks fight over one resource: never, even when asked.
      return { ...base, action: 'conflict', cause: 'none', changes, reason: `owned by ${describeOwner(actual)}` };
    }
    if (!wantsAdoption(desired)) {
      return {
        ...base,
        action: 'conflict',
        cause: 'none',
        changes,
        reason:
          `exists but is not managed by meshward (${describeOwner(actual)}); set annotation ${ANNOTATIONS.adopt}: "true" to take it over` +
          // Before placeholders were explicit, `external` made one: say what the document now needs.
          (desired.annotations[ANNOTATIONS.external] === 'true'
            ? `, or ${ANNOTATIONS.placeholder}: "true" if this document only stands for it (${ANNOTATIONS.external} relaxes reference checks only)`
            : ''),
      };
    }
    // Adoption is a change even when the spec matches: the ownership tags must be written.
    const tags = ownershipTags(input.stack);
    for (const key of Object.keys(tags).sort()) {
      if (actual.tags[key] !== tags[key]) {
        changes.push(...diffValues(actual.tags[key], tags[key], joinPointer('/tags', key)));
      }
    }
    reason = 'adopting a resource not managed by meshward: ownership tags will be added';
  }
  const applied = input.state.applied[desired.id];
  if (changes.length === 0) return { ...base, action: 'unchanged', cause: 'none', changes, ...heldPart };
  // An in-progress holder is a note on a real change, unless its held fields already say so.
  const notes = (actual.heldBy ?? [])
    .filter((h) => h.inProgress && !held.some((f) => f.reason === h.reason))
    .map((h) => h.reason);
  // What an interrupted run wrote differs from the last record because of meshward, not of someone in AWS.
  const interrupted = interruptedWrite(desired.id, input);
  const pending = applied === undefined || applied.digest !== desired.digest || interrupted !== undefined;
  const alsoDrifted =
    pending &&
    interrupted === undefined &&
    applied?.version !== undefined &&
    actual.version !== undefined &&
    actual.version !== applied.version;
  if (interrupted !== undefined && applied?.digest === desired.digest)
    reason = `${interrupted}; restoring the manifest`;
  // Kinds declare pointers into the spec (`/serviceName`); the diff's paths start at the resource (`/spec/...`).
  const immutable = (input.immutablePaths?.(desired.ref.kind) ?? []).map((p) =>
    p === '/spec' || p.startsWith('/spec/') ? p : `/spec${p}`,
  );
  const touched = changes.find((c) => c.path.startsWith('/spec') && immutable.some((p) => pointerTouches(p, c.path)));
  if (touched && adopting) {
    // Adoption licenses writing to the resource, not deleting it: until the tags are on, it is not ours.
    return {
      ...base,
      action: 'conflict',
      cause: 'none',
      changes,
      reason: `adopting it would delete and create it (immutable field ${touched.path} differs); make the manifest match it first, or delete it yourself`,
    };
  }
  if (touched) reason = `immutable field ${touched.path} changed: delete and create`;
  const kindReason =
    touched || adopting ? undefined : catalog.find(desired.ref.kind)?.replaceReason?.(desired, actual, changes);
  if (kindReason !== undefined) reason = kindReason;
  return {
    ...base,
    action: touched || kindReason !== undefined ? 'replace' : 'update',
    cause: pending ? 'pending' : 'drift',
    changes,
    ...(reason !== undefined ? { reason } : {}),
    ...(alsoDrifted ? { alsoDrifted } : {}),
    ...heldPart,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** Whether `path` is the field `pattern` names or inside it (`*` matches any one segment); a parent is not. */
function isUnder(pattern: string, path: string): boolean {
  const want = parsePointer(pattern);
  const have = parsePointer(path);
  return want.length <= have.length && want.every((segment, i) => segment === '*' || segment === have[i]);
}

/**
 * Spec changes inside fields another controller holds (ActualResource.heldBy) are no change of meshward's: they
 * are set apart with the holder's reason. A change of a parent of a held field (a target group added to the rule)
 * stays a change.
 */
function partitionHeld(changes: FieldChange[], actual: ActualResource): { real: FieldChange[]; held: HeldChange[] } {
  const holds = actual.heldBy ?? [];
  if (holds.length === 0) return { real: changes, held: [] };
  const real: FieldChange[] = [];
  const held: HeldChange[] = [];
  for (const change of changes) {
    const hold = holds.find((h) => h.pointers.some((p) => isUnder(p, change.path)));
    if (hold) held.push({ ...change, reason: hold.reason });
    else real.push(change);
  }
  return { real, held };
}

/**
 * The desired resource as an update must send it: where another controller holds a field, the value AWS has now
 * (so a write of another field of the same member does not move it back). Pure.
 */
export function withHeldValues(desired: DesiredResource, actual: ActualResource): DesiredResource {
  const pointers = (actual.heldBy ?? []).flatMap((h) => h.pointers);
  if (pointers.length === 0) return desired;
  const spec = structuredClone(desired.spec);
  for (const pointer of pointers) copyHeld(actual.spec, spec, parsePointer(pointer).slice(1));
  return { ...desired, spec };
}

function copyHeld(from: unknown, to: unknown, segments: readonly string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined || typeof from !== 'object' || from === null || typeof to !== 'object' || to === null) return;
  const keys = head === '*' ? Object.keys(from) : [head];
  for (const key of keys) {
    const source = (from as Record<string, unknown>)[key];
    if (!(key in to) || source === undefined) continue;
    if (rest.length === 0) (to as Record<string, unknown>)[key] = structuredClone(source);
    else copyHeld(source, (to as Record<string, unknown>)[key], rest);
  }
}

/**
 * A placeholder for a resource managed elsewhere (`meshward.dev/placeholder: "true"`): never created, updated or
 * deleted, and no part of the stack. `meshward.dev/external` only relaxes reference checks and makes none.
 */
export function isPlaceholder(desired: Pick<DesiredResource, 'annotations'>): boolean {
  return desired.annotations[ANNOTATIONS.placeholder] === 'true';
}

function describeOwner(actual: ActualResource): string {
  const owner = ownershipOf(actual);
  if (owner.managedBy === undefined && owner.stack === undefined) return 'no ownership tags';
  return `managed-by=${owner.managedBy ?? '(none)'}, stack=${owner.stack ?? '(none)'}`;
}

/** A create lists each declared tag; no tags at all is not worth a line. */
function tagLeaves(tags: Record<string, string>): FieldChange[] {
  return Object.keys(tags).length === 0 ? [] : leafChanges(tags, '/tags', 'after');
}
