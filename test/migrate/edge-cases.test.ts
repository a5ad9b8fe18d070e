/**
 * Corners the reference and the generator do not reach: two virtual services on one node (Service Connect has one
 * alias per port), two ECS services running one node, a header presence match (no Lattice form), and a plain ECS
 * service with no mesh attachment in the input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateFiles } from '../../src/manifest/validate';
import type { LoadedDocument } from '../../src/core/types';
import { checkDocument } from './model-check';
import { docsOfKind, migrateWithInputs, ROOT } from './helpers';
import { schemaAllowsPlainEcs } from './schema-kinds';

function load(extra: string): LoadedDocument[] {
  const files = ['mesh.yaml', 'service-b.yaml'].map((f) => ({
    name: `manifests/${f}`,
    bytes: readFileSync(join(ROOT, 'manifests', f)),
  }));
  files.push({ name: 'extra.yaml', bytes: Buffer.from(extra) });
  const result = validateFiles(files);
  if (!result.valid) throw new Error(result.issues.map((i) => `${i.file}:${i.line} ${i.message}`).join('\n'));
  return result.documents;
}

const SECOND_SERVICE = `
apiVersion: meshward.dev/v1alpha1
kind: VirtualService
metadata:
  name: inventory.shop.local
  mesh: shop
spec:
  provider:
    virtualNode:
      virtualNodeName: service-b
`;

const SECOND_ECS = readFileSync(join(ROOT, 'manifests', 'service-b.yaml'), 'utf8')
  .split(/^---$/m)
  .find((d) => d.includes('kind: EcsService'))
  ?.replace('name: service-b\nspec:', 'name: service-b-batch\nspec:')
  .replace('family: shop-service-b', 'family: shop-service-b-batch');

const PLAIN = `
apiVersion: meshward.dev/v1alpha1
kind: EcsService
metadata:
  name: cron
spec:
  cluster: shop
  launchType: FARGATE
  taskDefinition:
    family: shop-cron
    cpu: "256"
    memory: "512"
    networkMode: awsvpc
    requiresCompatibilities: [FARGATE]
    containerDefinitions:
      - name: app
        image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/cron:1.0.0
`;

describe('edge cases', () => {
  it('two virtual services on one node: the first keeps the alias, the second is reported dropped with the reason', () => {
    const result = migrateWithInputs(load(SECOND_SERVICE), 'service-connect');
    const b = docsOfKind(result, 'EcsService').find((d) => d.metadata.name === 'service-b-sc');
    const services = (b?.spec['serviceConnectConfiguration'] as { services: { clientAliases?: unknown[] }[] }).services;
    expect(services[0]?.clientAliases).toEqual([{ port: 9090, dnsName: 'service-b.shop.local' }]);
    const entry = result.report.entries.find(
      (e) => e.source === 'VirtualService/shop/inventory.shop.local:/spec/provider/virtualNode',
    );
    expect(entry?.status).toBe('dropped');
    expect(entry?.detail).toContain('service-b.shop.local has it');
    // Lattice has no such limit: each virtual service is a Lattice service of its own.
    const lattice = migrateWithInputs(load(SECOND_SERVICE), 'vpc-lattice');
    expect(
      docsOfKind(lattice, 'LatticeService')
        .map((d) => d.spec['customDomainName'])
        .sort(),
    ).toEqual(['inventory.shop.local', 'service-b.shop.local']);
  });

  it('two ECS services run one node: both migrate, only the first carries the client alias', () => {
    const result = migrateWithInputs(load(SECOND_ECS ?? ''), 'service-connect');
    const byName = new Map(docsOfKind(result, 'EcsService').map((d) => [d.metadata.name, d.spec]));
    const aliases = (name: string) =>
      (byName.get(name)?.['serviceConnectConfiguration'] as { services: { clientAliases?: unknown[] }[] }).services[0]
        ?.clientAliases;
    expect(aliases('service-b-sc')).toHaveLength(1);
    expect(aliases('service-b-batch-sc')).toBeUndefined();
    expect(result.documents.flatMap((d) => checkDocument(d.doc))).toEqual([]);
  });

  // An EcsService without appMesh validates once the architecture refactor makes the attachment optional.
  (schemaAllowsPlainEcs() ? it : it.skip)(
    'a plain ECS service (no appMesh) carries over under its successor name, outside the namespace',
    () => {
      const result = migrateWithInputs(load(PLAIN), 'service-connect');
      const cron = docsOfKind(result, 'EcsService').find((d) => d.metadata.name === 'cron-sc');
      expect(cron?.spec['serviceConnectConfiguration']).toBeUndefined();
      expect((cron?.spec['taskDefinition'] as Record<string, unknown>)['family']).toBe('shop-cron-sc');
      expect(
        result.report.entries
          .filter((e) => e.source.startsWith('EcsService/shop/cron:'))
          .every((e) => e.status === 'carried'),
      ).toBe(true);
    },
  );
});
