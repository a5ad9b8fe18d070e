/**
 * Property: any valid generated App Mesh set (bench/generate.ts, random size, seed, target, naming) migrates to a
 * successor that has no App Mesh left, fits the AWS models, references only what it declares (target groups,
 * services, namespaces, aliases), classifies each source field once, and validates once the target kinds exist.
 */
import fc from 'fast-check';
import { generateManifestSet } from '../../bench/generate';
import { sourceIdOf } from '../../src/kinds/migrations';
import { validateFiles } from '../../src/manifest/validate';
import type { MigrationResult } from '../../src/migrate';
import { checkDocument } from './model-check';
import { APP_MESH_KINDS, docsOfKind, migrateWithInputs, validateOutput } from './helpers';

function references(result: MigrationResult): string[] {
  const problems: string[] = [];
  const tgs = new Set(docsOfKind(result, 'LatticeTargetGroup').map((d) => d.metadata.name));
  const services = new Set(docsOfKind(result, 'LatticeService').map((d) => d.metadata.name));
  const networks = new Set(docsOfKind(result, 'LatticeServiceNetwork').map((d) => d.metadata.name));
  const listeners = new Set(
    docsOfKind(result, 'LatticeListener').map((d) => `${String(d.metadata['service'])}/${d.metadata.name}`),
  );
  const namespaces = new Set(docsOfKind(result, 'CloudMapNamespace').map((d) => d.metadata.name));
  const text = (v: unknown) => JSON.stringify(v);
  for (const d of result.documents.map((x) => x.doc)) {
    for (const m of text(d.spec).matchAll(/"(?:targetGroupIdentifier|targetGroupArn)":"([^"]+)"/g)) {
      if (d.kind !== 'EcsService' || !m[1]?.startsWith('arn:'))
        if (!tgs.has(m[1] ?? '')) problems.push(`${d.kind} ${d.metadata.name}: target group ${m[1]}`);
    }
    if (typeof d.metadata['service'] === 'string' && !services.has(d.metadata['service']))
      problems.push(`${d.kind} ${d.metadata.name}: service ${d.metadata['service']}`);
    if (typeof d.metadata['serviceNetwork'] === 'string' && !networks.has(d.metadata['serviceNetwork']))
      problems.push(`${d.kind}: network`);
    if (
      d.kind === 'LatticeRule' &&
      !listeners.has(`${String(d.metadata['service'])}/${String(d.metadata['listener'])}`)
    )
      problems.push(`rule ${d.metadata.name}: listener`);
    if (d.kind === 'LatticeServiceNetworkServiceAssociation' && !services.has(String(d.metadata['service'])))
      problems.push('association: service');
    const sc = d.spec['serviceConnectConfiguration'] as { namespace?: string } | undefined;
    if (sc && !namespaces.has(sc.namespace ?? '')) problems.push(`${d.metadata.name}: namespace ${sc.namespace}`);
  }
  // Lattice rules on one listener have unique priorities and names.
  const seen = new Set<string>();
  for (const r of docsOfKind(result, 'LatticeRule')) {
    for (const key of [
      `${String(r.metadata['service'])}/${String(r.metadata['listener'])}#${String(r.spec['priority'])}`,
      `${String(r.metadata['service'])}/${r.metadata.name}`,
    ]) {
      if (seen.has(key)) problems.push(`duplicate rule ${key}`);
      seen.add(key);
    }
  }
  return problems;
}

describe('random App Mesh sets migrate to valid successors', () => {
  it('holds for generated sets of any size, seed, target and naming', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 4, max: 160 }),
        fc.constantFrom('service-connect' as const, 'vpc-lattice' as const),
        fc.constantFrom('new-names' as const, 'new-cluster' as const),
        (seed, resources, target, parallel) => {
          const set = generateManifestSet({ resources, seed, perMesh: 80, prefix: 'p' });
          const loaded = validateFiles(set.files.map((f) => ({ name: f.name, bytes: Buffer.from(f.text) })));
          expect(loaded.valid).toBe(true);
          const result = migrateWithInputs(loaded.documents, target, parallel);
          const docs = result.documents.map((d) => d.doc);
          expect(docs.filter((d) => APP_MESH_KINDS.includes(d.kind))).toEqual([]);
          expect(docs.filter((d) => d.spec['appMesh'] !== undefined)).toEqual([]);
          expect(docs.flatMap(checkDocument)).toEqual([]);
          expect(references(result)).toEqual([]);
          const sources = result.report.entries.map((e) => e.source);
          expect(new Set(sources).size).toBe(sources.length);
          // Every document with a spec is classified; every non-gateway ECS service has a successor or becomes a canary.
          const withEntries = new Set(sources.map((s) => s.slice(0, s.indexOf(':'))));
          const unclassified = loaded.documents
            .filter((d) => Object.keys(d.doc.spec).length > 0)
            .map((d) => sourceIdOf(d.doc))
            .filter((id) => !withEntries.has(id));
          expect(unclassified).toEqual([]);
          const successors = docsOfKind(result, 'EcsService').length;
          const gateways = loaded.documents.filter(
            (d) => d.doc.kind === 'EcsService' && JSON.stringify(d.doc.spec).includes('"virtualGateway"'),
          ).length;
          const canaries = result.report.entries.filter(
            (e) => e.source.endsWith(':/spec/appMesh/virtualNode') && e.status === 'approx',
          ).length;
          expect(successors + gateways + canaries).toBe(set.counts.ecsServices);
          const { problems } = validateOutput(result);
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 20, seed: 20261201 },
    );
  });
});
