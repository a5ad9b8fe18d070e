/** Shared by the migrate tests: load a manifest set, migrate it with every input given, check the output. */
import { join } from 'node:path';
import { repoRoot } from '../../scripts/gen-schemas';
import type { LoadedDocument } from '../../src/core/types';
import { validateFiles, validateManifests } from '../../src/manifest/validate';
import type { ManifestFile } from '../../src/manifest/sources';
import { migrateDocuments, renderManifests } from '../../src/migrate';
import type { MigrateOptions, MigrationResult, MigrationTarget, OutputDocument, ParallelMode } from '../../src/migrate';
import { schemaKnowsKinds } from './schema-kinds';

export const ROOT = repoRoot();

export async function loadReference(): Promise<LoadedDocument[]> {
  const result = await validateManifests(['manifests'], { cwd: ROOT });
  if (!result.valid) throw new Error(`reference manifests invalid: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.documents;
}

export async function loadDir(dir: string): Promise<LoadedDocument[]> {
  const result = await validateManifests([dir], { cwd: ROOT });
  if (!result.valid)
    throw new Error(
      `${dir} invalid: ${result.issues.map((i) => `${i.file}:${i.line} ${i.pointer} ${i.message}`).join('; ')}`,
    );
  return result.documents;
}

/** Migrates twice: once to learn the inputs, once with each input set to its example. */
export function migrateWithInputs(
  docs: LoadedDocument[],
  target: MigrationTarget,
  parallel: ParallelMode = 'new-names',
  extra: MigrateOptions['inputs'] = {},
): MigrationResult {
  const first = migrateDocuments(docs, { target, parallel });
  const inputs = Object.fromEntries(first.report.inputs.map((i) => [i.key, i.example]));
  return migrateDocuments(docs, { target, parallel, inputs: { ...inputs, ...extra } });
}

export function docsOfKind(result: MigrationResult, kind: string): OutputDocument[] {
  return result.documents.map((d) => d.doc).filter((d) => d.kind === kind);
}

export const APP_MESH_KINDS = [
  'Mesh',
  'VirtualNode',
  'VirtualRouter',
  'Route',
  'VirtualService',
  'VirtualGateway',
  'GatewayRoute',
];

/** Validates the rendered successor manifests with meshward's own validate, when the schemas know the target kinds. */
export function validateOutput(result: MigrationResult): { checked: boolean; problems: string[] } {
  const kinds = [...new Set(result.documents.map((d) => d.doc.kind))];
  const members = ['serviceConnectConfiguration', 'vpcLatticeConfigurations'].filter((m) =>
    result.documents.some((d) => d.doc.spec[m] !== undefined),
  );
  if (!schemaKnowsKinds(kinds, members)) return { checked: false, problems: [] };
  const files: ManifestFile[] = renderManifests(result).map(
    (f) => ({ name: f.name, bytes: Buffer.from(f.text) }) as unknown as ManifestFile,
  );
  const validation = validateFiles(files);
  return {
    checked: true,
    problems: validation.issues
      .filter((i) => i.severity === 'error')
      .map((i) => `${i.file}:${i.line} ${i.pointer} ${i.message}`),
  };
}

export const REFERENCE_DIR = join(ROOT, 'manifests');
