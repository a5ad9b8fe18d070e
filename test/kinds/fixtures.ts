/** The reference manifests, loaded once for the pure kind tests. */
import { resolve } from 'node:path';
import type { ManifestDocument } from '../../src/core/types';
import { validateManifests } from '../../src/manifest/validate';

export const MANIFESTS_DIR = resolve(__dirname, '../../manifests');

export async function referenceDocuments(): Promise<ManifestDocument[]> {
  const result = await validateManifests([MANIFESTS_DIR]);
  if (!result.valid) throw new Error(`reference manifests invalid: ${JSON.stringify(result.issues.slice(0, 3))}`);
  return result.documents.map((d) => d.doc);
}
