/**
 * The benchmark's generated manifest sets are the suites' inputs too: every size must validate with zero issues,
 * stay within App Mesh's default quotas, and be the same set for the same seed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  APP_MESH_QUOTAS,
  MAX_SET_RESOURCES,
  generateManifestSet,
  quotaViolations,
  writeManifestSet,
} from '../../bench/generate';
import { validateManifests } from '../../src/manifest/validate';

it.each([4, 10, 100, 1000, 2999])('%i App Mesh resources: valid, within quotas, exact size', async (size) => {
  const set = generateManifestSet({ resources: size });
  expect(set.counts.appMeshResources).toBe(size);
  expect(quotaViolations(set.counts)).toEqual([]);
  const dir = await mkdtemp(path.join(tmpdir(), 'meshward-generated-'));
  try {
    await writeManifestSet(set, dir);
    const result = await validateManifests([dir], { cwd: dir });
    expect(result.issues).toEqual([]);
    expect(result.documents).toHaveLength(set.counts.documents);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('is deterministic for a seed and varies with it', () => {
  const a = generateManifestSet({ resources: 100, seed: 4 });
  expect(generateManifestSet({ resources: 100, seed: 4 }).files).toEqual(a.files);
  expect(generateManifestSet({ resources: 100, seed: 5 }).files).not.toEqual(a.files);
});

// The generator spreads large sets over the 15 meshes of the account quota, up to 800 resources a mesh (about 180
// nodes: under the 200-per-mesh quota): 12,000 resources is the largest set that fits, and anything it would
// have to build beyond App Mesh's default quotas is refused, never handed out for AWS to refuse half way.
it('refuses a size that needs more meshes than the quota allows, or fuller meshes than AWS accepts', () => {
  expect(MAX_SET_RESOURCES).toBe(APP_MESH_QUOTAS.meshes * 800);
  expect(() => generateManifestSet({ resources: MAX_SET_RESOURCES + 1 })).toThrow(
    /12001 resources do not fit the App Mesh default quotas: at most 12000 \(15 meshes of 800\)/,
  );
  // 200 a mesh: 3,001 resources would need a 16th mesh.
  expect(() => generateManifestSet({ resources: 3001, perMesh: 200 })).toThrow(/need 16 meshes, over the quota of 15/);
  // One mesh of 1,000 has more than 200 virtual nodes.
  expect(() => generateManifestSet({ resources: 1000, perMesh: 1000 })).toThrow(/exceed the App Mesh quotas: .*nodes/);
});

it('builds the largest set it allows within every quota', () => {
  const set = generateManifestSet({ resources: MAX_SET_RESOURCES });
  expect(set.counts.appMeshResources).toBe(MAX_SET_RESOURCES);
  expect(set.counts.meshes).toHaveLength(APP_MESH_QUOTAS.meshes);
  expect(quotaViolations(set.counts)).toEqual([]);
  // 12,000 documents take a few seconds idle; a loaded machine must not turn that into a failure.
}, 120_000);
