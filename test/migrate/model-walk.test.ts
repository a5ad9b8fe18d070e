/**
 * Every field of every App Mesh spec shape is classified for both targets: the walk goes through the App Mesh
 * model (aws-models/appmesh-2019-01-25.json) and fails on any member path no rule covers. Rules must also name
 * real model paths (a typo would classify nothing) and must not overlap (one entry per field path).
 */
import { join } from 'node:path';
import { readModel, repoRoot } from '../../scripts/gen-schemas';
import { KIND_MIGRATIONS } from '../../src/kinds/migrations';
import type { LoadedDocument } from '../../src/core/types';
import { migrateDocuments } from '../../src/migrate';
import { MIGRATION_TARGETS, STATUSES } from '../../src/migrate/model';
import { covers } from '../../src/migrate/rules';
import { ModelWalker, type PathNode } from '../schemas/model-walk';

const model = readModel(join(repoRoot(), 'aws-models', 'appmesh-2019-01-25.json'));
const walker = new ModelWalker(model.shapes);

function patternOf(node: PathNode): string {
  return node.steps.map((s) => ('member' in s ? `/${s.member}` : 'item' in s ? '/*' : '/{}')).join('');
}

function isLeaf(node: PathNode): boolean {
  if (node.cycleCut) return true;
  const type = model.shapes[node.shape]?.type;
  return type !== 'structure' && type !== 'list' && type !== 'map';
}

const specShapes = Object.keys(model.shapes).filter((s) => s.endsWith('Spec'));
const migrations = KIND_MIGRATIONS.filter((m) => m.specShape !== undefined);

describe('every App Mesh spec field is classified for both targets', () => {
  it('has a migration for each of the seven App Mesh spec shapes', () => {
    expect(migrations.map((m) => m.specShape).sort()).toEqual(specShapes.sort());
    expect(specShapes).toHaveLength(7);
  });

  for (const migration of migrations) {
    const shape = migration.specShape ?? '';
    const nodes = walker.nodes(shape).filter((n) => n.steps.length > 0);
    const paths = nodes.map(patternOf);

    it(`${migration.kind}: every leaf of ${shape} is covered by a rule`, () => {
      const unclassified = nodes
        .filter(isLeaf)
        .map(patternOf)
        .filter((p) => !migration.rules.some((r) => covers(r.path, p)));
      expect(unclassified).toEqual([]);
      expect(nodes.filter(isLeaf).length).toBeGreaterThan(0);
    });

    it(`${migration.kind}: every rule names a path of the model, with an outcome for each target`, () => {
      for (const rule of migration.rules) {
        expect({ rule: rule.path, known: paths.includes(rule.path) }).toEqual({ rule: rule.path, known: true });
        for (const target of MIGRATION_TARGETS) expect(rule[target]).toBeDefined();
      }
    });

    it(`${migration.kind}: no rule covers another (one report entry per field path)`, () => {
      const overlapping = migration.rules.flatMap((a) =>
        migration.rules.filter((b) => a !== b && covers(a.path, b.path)).map((b) => `${a.path} covers ${b.path}`),
      );
      expect(overlapping).toEqual([]);
    });
  }

  it('EcsService: every member of the appMesh attachment (schemas/ecs-service.schema.json) is classified', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require('../../schemas/ecs-service.schema.json') as {
      definitions: Record<string, { properties?: Record<string, unknown> }>;
    };
    const members = Object.keys(schema.definitions['EcsAppMeshSpec']?.properties ?? {});
    expect(members.length).toBeGreaterThan(3);
    const ecs = KIND_MIGRATIONS.find((m) => m.kind === 'EcsService');
    const missing = members.filter((m) => !ecs?.rules.some((r) => covers(r.path, `/appMesh/${m}`)));
    expect(missing).toEqual([]);
  });
});

describe('every rule answers for a document that has only its field (no other resource declared)', () => {
  for (const migration of migrations) {
    const shape = migration.specShape ?? '';
    it(`${migration.kind}: each rule gives one entry with a status and a detail, for both targets, without throwing`, () => {
      for (const rule of migration.rules) {
        const steps = rule.path
          .slice(1)
          .split('/')
          .map((t) => (t === '*' ? { item: true as const } : { member: t }));
        const spec = walker.specAlong(shape, steps, (s) => walker.minimal(s)) as Record<string, unknown>;
        const doc: LoadedDocument = {
          doc: {
            apiVersion: 'meshward.dev/v1alpha1',
            kind: migration.kind,
            metadata: { name: 'x', mesh: 'm', virtualRouter: 'r', virtualGateway: 'g' },
            spec,
          },
          file: 'f.yaml',
          index: 0,
          position: { file: 'f.yaml', line: 1, column: 1 },
          pointerPositions: new Map(),
        };
        const pointer = `/spec${rule.path.replace(/\*/g, '0')}`;
        for (const target of MIGRATION_TARGETS) {
          const result = migrateDocuments([doc], { target });
          const entries = result.report.entries.filter((e) => e.source.endsWith(`:${pointer}`));
          expect({ rule: rule.path, target, entries: entries.length }).toEqual({ rule: rule.path, target, entries: 1 });
          expect(STATUSES).toContain(entries[0]?.status);
          expect(entries[0]?.detail.length).toBeGreaterThan(10);
        }
      }
    });
  }
});
