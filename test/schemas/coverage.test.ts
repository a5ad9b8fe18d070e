/**
 * Proves the schemas cover the API models: every member path of every spec shape (App Mesh's seven, and the
 * EcsService spec built from ECS shapes) is accepted, and every constraint on the way is enforced at the right
 * JSON pointer. The walk reads the model files directly; the only shared input with the generator is its declared
 * list of overlays, which can only make the model stricter (checked below).
 */
import { join } from 'node:path';
import {
  APPMESH_MODEL_FILE,
  APPMESH_OVERLAYS,
  applyOverlays,
  buildShapes,
  ECS_MODEL_FILE,
  ECS_OVERLAYS,
  ECS_PREFIX,
  KIND_SPEC_SHAPES,
  readModel,
  repoRoot,
  type BotocoreShape,
} from '../../scripts/gen-schemas';
import { KIND_NAMES, type KindName } from '../../scripts/gen-schemas';
import { ModelWalker, describePath, pointer, type ConstraintKind, type PathNode } from './model-walk';
import { brief, documentOf, errorsOf, loadSchemaSet } from './schema-set';

const MODELS = join(repoRoot(), 'aws-models');
const rawAppMesh = readModel(join(MODELS, APPMESH_MODEL_FILE)).shapes;
const appMeshShapes = applyOverlays(rawAppMesh, APPMESH_OVERLAYS);
const combinedShapes = buildShapes(MODELS);
const schemas = loadSchemaSet();

function shapesFor(kind: KindName): Record<string, BotocoreShape> {
  return kind === 'EcsService' ? combinedShapes : appMeshShapes;
}

interface KindReport {
  kind: KindName;
  paths: number;
  cycleCuts: number;
  constraints: Partial<Record<ConstraintKind, number>>;
  constraintTotal: number;
  failures: string[];
}

interface Outcome {
  schema: string;
  valid: boolean;
  errors: ReturnType<typeof errorsOf>;
}

/** Validates with the kind's own schema and with the any-document schema: both must hold every expectation. */
function check(kind: KindName, spec: unknown): Outcome[] {
  const doc = documentOf(kind, spec);
  return [
    { schema: `${kind} schema`, validate: schemas.kind[kind] },
    { schema: 'meshward.schema.json', validate: schemas.any },
  ].map(({ schema, validate }) => {
    const errors = errorsOf(validate, doc);
    return { schema, valid: errors === undefined, errors };
  });
}

function walkKind(kind: KindName): KindReport {
  const walker = new ModelWalker(shapesFor(kind));
  const root = KIND_SPEC_SHAPES[kind];
  const report: KindReport = { kind, paths: 0, cycleCuts: 0, constraints: {}, constraintTotal: 0, failures: [] };
  const where = (node: PathNode): string => `${kind} spec${describePath(node.steps)}`;
  const expectValid = (label: string, spec: unknown): void => {
    for (const outcome of check(kind, spec)) {
      if (!outcome.valid) report.failures.push(`${label} rejected by ${outcome.schema}: ${brief(outcome.errors)}`);
    }
  };

  for (const node of walker.nodes(root)) {
    if (node.cycleCut) report.cycleCuts += 1;
    if (node.member) {
      report.paths += 1;
      expectValid(
        where(node),
        walker.specAlong(root, node.steps, (shape) => walker.minimal(shape)),
      );
    }
    if (node.shape === 'Duration' && !node.cycleCut) {
      for (const text of ['15s', '500ms', '0ms']) {
        expectValid(
          `${where(node)} = "${text}"`,
          walker.specAlong(root, node.steps, () => text),
        );
      }
    }
    for (const constraint of walker.constraints(node)) {
      report.constraintTotal += 1;
      report.constraints[constraint.kind] = (report.constraints[constraint.kind] ?? 0) + 1;
      const at = `/spec${pointer(node.steps)}`;
      const label = `${where(node)} ${constraint.kind}${constraint.detail ? ` (${constraint.detail})` : ''}`;
      for (const outcome of check(
        kind,
        walker.specAlong(root, node.steps, () => constraint.violation),
      )) {
        if (outcome.valid) {
          const shown = JSON.stringify(constraint.violation).slice(0, 80);
          report.failures.push(`${label}: ${outcome.schema} accepted ${shown}`);
          continue;
        }
        const hit = (outcome.errors ?? []).some(
          (e) =>
            e.instancePath === at &&
            e.keyword === constraint.keyword &&
            (constraint.kind !== 'required' || e.params['missingProperty'] === constraint.detail),
        );
        if (!hit) {
          report.failures.push(
            `${label}: expected ${constraint.keyword} at ${at} from ${outcome.schema}, got ${brief(outcome.errors)}`,
          );
        }
      }
    }
  }
  return report;
}

const reports = KIND_NAMES.map(walkKind);
const total = (pick: (r: KindReport) => number): number => reports.reduce((sum, r) => sum + pick(r), 0);

describe('schema coverage of the API models', () => {
  it.each(reports.map((r) => [r.kind, r.paths, r.constraintTotal, r] as const))(
    '%s: accepts all %d member paths and enforces all %d constraints',
    (_kind, _paths, _constraints, report) => {
      expect(report.failures).toEqual([]);
      expect(report.paths).toBeGreaterThan(0);
    },
  );

  it(`leaves 0 of ${total((r) => r.paths)} member paths and ${total((r) => r.constraintTotal)} constraints uncovered`, () => {
    const uncovered = total((r) => r.failures.length);
    const byKind: Partial<Record<ConstraintKind, number>> = {};
    for (const r of reports) {
      for (const [k, n] of Object.entries(r.constraints)) {
        byKind[k as ConstraintKind] = (byKind[k as ConstraintKind] ?? 0) + n;
      }
    }
    // The numbers the issue asks for, visible in the test output.
    console.log(
      [
        `member paths: ${total((r) => r.paths)} (${reports.map((r) => `${r.kind} ${r.paths}`).join(', ')})`,
        `constraints: ${total((r) => r.constraintTotal)} ${JSON.stringify(byKind)}`,
        `cycle cuts: ${total((r) => r.cycleCuts)}; uncovered: ${uncovered}`,
      ].join('\n'),
    );
    expect(uncovered).toBe(0);
  });

  it('reaches every member of every App Mesh shape under the seven spec shapes', () => {
    const walker = new ModelWalker(appMeshShapes);
    const seen = new Set<string>();
    for (const kind of KIND_NAMES.filter((k) => k !== 'EcsService')) {
      for (const node of walker.nodes(KIND_SPEC_SHAPES[kind])) {
        if (node.member) seen.add(`${node.member.owner}.${node.member.name}`);
      }
    }
    const expected = new Set<string>();
    const visit = (name: string): void => {
      const shape = rawAppMesh[name];
      if (!shape || expected.has(name)) return;
      expected.add(name);
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        expected.add(`${name}.${member}`);
        visit(ref.shape);
      }
      for (const ref of [shape.member, shape.key, shape.value]) if (ref) visit(ref.shape);
    };
    KIND_NAMES.filter((k) => k !== 'EcsService').forEach((k) => visit(KIND_SPEC_SHAPES[k]));
    const members = [...expected].filter((e) => e.includes('.'));
    expect(members.filter((m) => !seen.has(m))).toEqual([]);
    expect(members.length).toBeGreaterThan(200);
  });

  it('applies overlays that only narrow the ECS model', () => {
    const rawEcs = readModel(join(MODELS, ECS_MODEL_FILE)).shapes;
    for (const name of Object.keys(ECS_OVERLAYS)) {
      const raw = rawEcs[name.slice(ECS_PREFIX.length)];
      const patched = combinedShapes[name];
      expect(raw && patched).toBeTruthy();
      if (!raw || !patched) continue;
      for (const member of raw.required ?? []) expect(patched.required).toContain(member);
      for (const value of patched.enum ?? []) expect(raw.enum).toContain(value);
      expect(Object.keys(patched.members ?? {})).toEqual(Object.keys(raw.members ?? {}));
      if (raw.min !== undefined) expect(patched.min).toBeGreaterThanOrEqual(raw.min);
      if (raw.max !== undefined) expect(patched.max).toBeLessThanOrEqual(raw.max);
    }
  });

  it('applies overlays that only narrow the App Mesh model', () => {
    for (const [name, patched] of Object.entries(appMeshShapes)) {
      const raw = rawAppMesh[name];
      expect(raw).toBeDefined();
      if (!raw) continue;
      for (const member of raw.required ?? []) expect(patched.required).toContain(member);
      for (const value of patched.enum ?? []) expect(raw.enum).toContain(value);
      expect(patched.members).toEqual(raw.members);
      if (raw.min !== undefined) expect(patched.min).toBeGreaterThanOrEqual(raw.min);
      if (raw.max !== undefined) expect(patched.max).toBeLessThanOrEqual(raw.max);
    }
  });
});
