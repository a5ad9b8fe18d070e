/**
 * `meshward plan --out FILE` / `meshward apply FILE`: apply exactly what was reviewed. The file holds no values
 * (nothing a secret could leak through): the digest of every declared resource, the fingerprint of every resource
 * observed in AWS, the plan's actions and the options that made it. `apply FILE` re-reads the same manifests,
 * re-observes, and refuses the whole apply (exit 4) when any of those moved, naming what moved.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { digestOf } from '../core/canonical';
import type { ActualResource, DesiredResource } from '../core/model';
import type { GuardRefusal, Plan } from '../core/plan';
import { UsageError } from './output';

export const PLAN_FILE_FORMAT = 'meshward-plan/1';

export interface PlanFileOptions {
  prune: boolean;
  maxDeletes?: number;
  force: boolean;
}

export interface PlanFile {
  format: typeof PLAN_FILE_FORMAT;
  stack: string;
  createdAt: string;
  /** Manifest locations, absolute (or s3://): `apply FILE` reads the same ones from any directory. */
  paths: string[];
  /** The state store the plan was made against (undefined: the default). */
  state?: string;
  local: boolean;
  options: PlanFileOptions;
  /** Declared resource id -> its digest (spec, tags, annotations). */
  manifests: Record<string, string>;
  /** Observed resource id -> fingerprint (spec, tags, version). */
  observed: Record<string, string>;
  /** What the plan does: id -> action, unchanged resources left out. */
  actions: Record<string, string>;
}

/** What of an observed resource must not move between plan and apply. */
export function fingerprintOf(a: ActualResource): string {
  return digestOf({ spec: a.spec, tags: a.tags, version: a.version ?? null });
}

function actionsOf(plan: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of plan.changes) if (c.action !== 'unchanged') out[c.id] = c.action;
  return out;
}

export function buildPlanFile(input: {
  stack: string;
  createdAt: string;
  paths: readonly string[];
  cwd: string;
  state?: string | undefined;
  local: boolean;
  options: PlanFileOptions;
  desired: readonly DesiredResource[];
  actual: readonly ActualResource[];
  plan: Plan;
}): PlanFile {
  return {
    format: PLAN_FILE_FORMAT,
    stack: input.stack,
    createdAt: input.createdAt,
    paths: input.paths.map((p) => (p.includes('://') || isAbsolute(p) ? p : resolve(input.cwd, p))),
    ...(input.state !== undefined ? { state: input.state } : {}),
    local: input.local,
    options: input.options,
    manifests: Object.fromEntries(input.desired.map((d) => [d.id, d.digest])),
    observed: Object.fromEntries(input.actual.map((a) => [a.id, fingerprintOf(a)])),
    actions: actionsOf(input.plan),
  };
}

export function writePlanFile(path: string, file: PlanFile): void {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
}

/** The plan file at `path`, undefined when it is not one (a manifest file or directory). */
export function readPlanFile(path: string): PlanFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== PLAN_FILE_FORMAT) {
    return undefined;
  }
  const f = parsed as Partial<PlanFile>;
  const records = [f.manifests, f.observed, f.actions];
  if (
    typeof f.stack !== 'string' ||
    !Array.isArray(f.paths) ||
    typeof f.options !== 'object' ||
    records.some((r) => typeof r !== 'object' || r === null)
  ) {
    throw new UsageError(`${path} is a meshward plan file but it is damaged: run "meshward plan --out ${path}" again`);
  }
  return f as PlanFile;
}

/** "a, b, c and 4 more" */
function list(ids: readonly string[]): string {
  return ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
}

/** id lists of what differs between two id -> value records. */
function moved(before: Record<string, string>, after: Record<string, string>): string[] {
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return ids.filter((id) => before[id] !== after[id]);
}

/**
 * The refusal when what apply would do now is not what the file recorded: the manifests' resources, AWS's
 * resources or the resulting actions moved. Undefined when nothing did.
 */
export function planMoved(
  file: PlanFile,
  fileName: string,
  now: { desired: readonly DesiredResource[]; actual: readonly ActualResource[]; plan: Plan },
): GuardRefusal | undefined {
  const current = buildPlanFile({
    stack: file.stack,
    createdAt: file.createdAt,
    paths: file.paths,
    cwd: '/',
    local: file.local,
    options: file.options,
    ...now,
  });
  const inManifests = moved(file.manifests, current.manifests);
  const inAws = moved(file.observed, current.observed);
  const inPlan = moved(file.actions, current.actions).filter((id) => !inManifests.includes(id) && !inAws.includes(id));
  if (inManifests.length + inAws.length + inPlan.length === 0) return undefined;
  const what = [
    ...(inManifests.length > 0 ? [`the manifests changed for ${list(inManifests)}`] : []),
    ...(inAws.length > 0 ? [`AWS changed for ${list(inAws)}`] : []),
    ...(inPlan.length > 0 ? [`the plan now does something else for ${list(inPlan)}`] : []),
  ];
  return {
    code: 'plan-moved',
    scope: 'plan',
    ids: [...new Set([...inManifests, ...inAws, ...inPlan])].sort(),
    message:
      `${fileName} (planned ${file.createdAt}) is not what apply would do now: ${what.join('; ')}. ` +
      `Nothing was applied: run "meshward plan --out ${fileName}" again and review it.`,
  };
}
