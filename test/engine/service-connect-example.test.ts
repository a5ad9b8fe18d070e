/** examples/service-connect/ (issue 9): the reference shop on Service Connect validates, applies and plans to 0. */
import { resolve } from 'node:path';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { validateManifests } from '../../src/manifest/validate';
import { type Harness, startHarness } from './harness';

const DIR = resolve(__dirname, '../../examples/service-connect');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

it('validates, applies, and plans to no changes', async () => {
  const validation = await validateManifests([DIR]);
  expect(validation.issues).toEqual([]);
  const docs = validation.documents.map((d) => d.doc);
  expect(new Set(docs.map((d) => d.kind))).toEqual(new Set(['CloudMapNamespace', 'EcsService']));
  // A fresh account: only the infrastructure the example assumes (its cluster); its namespace is its own.
  h.emulator.reset();
  await seedLocalInfrastructure(h.clients, docs);
  const applied = await h.run('apply', docs);
  expect(applied.report.errors ?? []).toEqual([]);
  expect(applied.results.filter((r) => r.outcome !== 'created')).toEqual([]);
  const plan = await h.run('plan', docs);
  expect(plan.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.changes])).toEqual([]);
});
