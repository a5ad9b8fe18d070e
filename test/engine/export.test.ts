/** Export round trip: apply -> export -> apply the export to an empty account -> plan shows no changes. */
import { exportManifests, toYaml } from '../../src/cli/commands/export';
import { parseAllDocuments } from 'yaml';
import type { ManifestDocument } from '../../src/core/types';
import { validateFiles } from '../../src/manifest/validate';
import { type Harness, changedIds, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

it('exports clean manifests that validate and re-create the same mesh', async () => {
  await h.run('apply');
  const { documents, skipped } = await exportManifests(h, 'shop', 'shop');
  expect(skipped).toEqual([]);
  expect(documents).toHaveLength(h.docs.length);

  // Server defaults are stripped: no filled health-check port, no ECS defaults, no injected sidecar.
  const front = documents.find((d) => d.kind === 'EcsService' && d.metadata.name === 'front');
  expect(JSON.stringify(front)).not.toContain('APPMESH_RESOURCE_ARN');
  expect(JSON.stringify(front)).not.toContain('proxyConfiguration');
  expect(documents.find((d) => d.kind === 'Mesh')?.metadata.annotations).toEqual({
    'meshward.dev/deletion-protection': 'true',
  });

  // What export writes is valid input for meshward.
  const yaml = toYaml(documents);
  const validation = validateFiles([{ name: 'exported.yaml', bytes: new TextEncoder().encode(yaml) }]);
  expect(validation.issues.filter((i) => i.severity === 'error')).toEqual([]);
  const reparsed = parseAllDocuments(yaml).map((d) => d.toJS() as ManifestDocument);

  await h.reset();
  const applied = await h.run('apply', reparsed);
  expect(applied.results.every((r) => r.outcome === 'created')).toBe(true);
  expect(changedIds(await h.run('plan', reparsed))).toEqual([]);
  // ... and the original manifests agree with the re-created mesh too.
  expect(changedIds(await h.run('plan'))).toEqual([]);
});
