/** manifests/ is the reference topology of DESIGN.md: it must validate and keep every capability switched on. */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ManifestDocument } from '../../src/core/types';
import { validateManifests } from '../../src/manifest/validate';

const ROOT = path.join(__dirname, '..', '..');

let docs: ManifestDocument[];

beforeAll(async () => {
  const result = await validateManifests(['manifests/'], { cwd: ROOT });
  expect(result.issues).toEqual([]);
  docs = result.documents.map((d) => d.doc);
});

const ofKind = (kind: string): ManifestDocument[] => docs.filter((d) => d.kind === kind);
const names = (kind: string): string[] => ofKind(kind).map((d) => d.metadata.name);
const json = (value: unknown): string => JSON.stringify(value);

describe('reference manifests', () => {
  it('validate, several files, each pointing editors at the schema', () => {
    const files = readdirSync(path.join(ROOT, 'manifests')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const first = readFileSync(path.join(ROOT, 'manifests', file), 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../schemas/meshward.schema.json');
    }
  });

  it('describe gateway -> front -> service A (two versions) -> service B', () => {
    expect(names('Mesh')).toEqual(['shop']);
    expect(names('VirtualGateway')).toEqual(['ingress-gw']);
    expect(names('GatewayRoute').length).toBeGreaterThanOrEqual(2);
    expect(names('VirtualNode').sort()).toEqual(['front', 'service-a-v1', 'service-a-v2', 'service-b']);
    expect(names('EcsService').sort()).toEqual(['front', 'ingress-gw', 'service-a-v1', 'service-a-v2', 'service-b']);
  });

  it('run on Fargate with Cloud Map discovery', () => {
    for (const ecs of ofKind('EcsService')) expect(ecs.spec['launchType']).toBe('FARGATE');
    for (const node of ofKind('VirtualNode')) {
      expect(node.spec['serviceDiscovery']).toHaveProperty('awsCloudMap.namespaceName', 'shop.local');
    }
  });

  it('switch on all six capabilities', () => {
    const routes = ofKind('Route').map((r) => r.spec);
    const weights = routes.map((r) =>
      json(r)
        .match(/"weight":\d+/g)
        ?.join(','),
    );
    expect(weights).toContain('"weight":90,"weight":10');
    expect(json(routes)).toContain('"headers"');
    expect(json(ofKind('GatewayRoute'))).toContain('"prefix"');
    const nodes = json(ofKind('VirtualNode'));
    for (const capability of ['connectionPool', 'healthCheck', 'outlierDetection', '"perRequest":"15s"', '"idle"']) {
      expect(nodes).toContain(capability);
    }
    expect(json(routes)).toContain('retryPolicy');
    expect(json(routes)).toContain('"perRequest":"15s"');
  });
});
