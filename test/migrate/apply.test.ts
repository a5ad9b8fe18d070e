/**
 * The successor applies to the local AWS beside the App Mesh stack it replaces, and plans to zero changes: the
 * proof that migrate's output is not only well-formed but what the engine and AWS accept. It runs once meshward's
 * schemas know the successor kinds (the Service Connect and VPC Lattice kinds are built in parallel); until then
 * the model checks in reference.test.ts and property.test.ts hold the output to the AWS models instead.
 */
import type { ManifestDocument } from '../../src/core/types';
import { seedLocalInfrastructure } from '../../src/engine/session';
import type { MigrationTarget } from '../../src/migrate';
import { changedIds, startHarness, type Harness } from '../engine/harness';
import { join } from 'node:path';
import { loadDir, loadReference, migrateWithInputs, ROOT } from './helpers';
import { schemaKnowsKinds } from './schema-kinds';

const LATTICE_KINDS = [
  'LatticeServiceNetwork',
  'LatticeServiceNetworkVpcAssociation',
  'LatticeService',
  'LatticeServiceNetworkServiceAssociation',
  'LatticeListener',
  'LatticeRule',
  'LatticeTargetGroup',
];
const READY: Record<MigrationTarget, boolean> = {
  'service-connect': schemaKnowsKinds(['CloudMapNamespace', 'EcsService'], ['serviceConnectConfiguration']),
  'vpc-lattice': schemaKnowsKinds([...LATTICE_KINDS, 'EcsService'], ['vpcLatticeConfigurations']),
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe.each(['service-connect', 'vpc-lattice'] as const)('reference -> %s on the local AWS', (target) => {
  (READY[target] ? it : it.skip)('applies beside the App Mesh stack and then plans no changes', async () => {
    await h.reset();
    const old = await h.run('apply', h.docs);
    expect(old.report.errors).toEqual([]);
    const result = migrateWithInputs(await loadReference(), target, 'new-names', { 'vpc.id': 'vpc-0a1b2c3d4e5f67890' });
    const successor = result.documents.map((d) => d.doc as unknown as ManifestDocument);
    await seedLocalInfrastructure(h.clients, successor);
    const applied = await h.run('apply', successor, { stack: 'test-successor' });
    expect(applied.report.errors).toEqual([]);
    expect(applied.results.filter((r) => r.outcome !== 'created').map((r) => [r.id, r.outcome])).toEqual([]);
    expect(changedIds(await h.run('plan', successor, { stack: 'test-successor' }))).toEqual([]);
    // The App Mesh side is untouched by the successor's apply.
    expect(changedIds(await h.run('plan', h.docs))).toEqual([]);
  });

  (READY[target] ? it : it.skip)('the unseen topology, in new clusters, applies and converges too', async () => {
    await h.reset();
    const source = await loadDir(join(ROOT, 'test', 'migrate', 'fixtures', 'unseen'));
    const result = migrateWithInputs(source, target, 'new-cluster', { 'vpc.id': 'vpc-0a1b2c3d4e5f67890' });
    const successor = result.documents.map((d) => d.doc as unknown as ManifestDocument);
    await seedLocalInfrastructure(h.clients, successor);
    const applied = await h.run('apply', successor, { stack: 'test-unseen' });
    expect(applied.report.errors).toEqual([]);
    expect(applied.results.filter((r) => r.outcome !== 'created').map((r) => [r.id, r.outcome])).toEqual([]);
    expect(changedIds(await h.run('plan', successor, { stack: 'test-unseen' }))).toEqual([]);
  });
});
