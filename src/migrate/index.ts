/**
 * `meshward migrate` in-process: validate the sources, migrate, render. No file is written here (the command and
 * the demo choose where the rendered files go), so a caller can show a report without touching the disk.
 */
import { validateManifests } from '../manifest/validate';
import type { ValidateOptions, ValidationResult } from '../manifest/validate';
import { ANNOTATIONS } from '../core/types';
import { sourceIdOf } from '../kinds/migrations';
import { migrateDocuments } from './engine';
import type { MigrateOptions, MigrationResult, MigrationStatus } from './model';
import { renderJson, renderManifests, renderMarkdown } from './render';
import type { RenderedFile } from './render';

export * from './model';
export { migrateDocuments } from './engine';
export { renderJson, renderManifests, renderMarkdown, renderSummary, outputId } from './render';
export type { RenderedFile } from './render';

export interface MigrationRunOptions extends MigrateOptions {
  /** The output directory as the user names it (it appears in MIGRATION.md's commands). */
  outDir: string;
  /** The stack the App Mesh manifests are applied in (for the destroy command in MIGRATION.md). */
  stack?: string;
  validate?: ValidateOptions;
}

export type MigrationOutcome =
  | { valid: false; validation: ValidationResult }
  | {
      valid: true;
      validation: ValidationResult;
      result: MigrationResult;
      files: RenderedFile[];
      unusedInputs: string[];
    };

export async function runMigration(paths: readonly string[], options: MigrationRunOptions): Promise<MigrationOutcome> {
  const validation = await validateManifests(paths, options.validate);
  if (!validation.valid) return { valid: false, validation };
  const result = migrateDocuments(validation.documents, options);
  const deletionProtected = validation.documents
    .filter((d) => d.doc.metadata.annotations?.[ANNOTATIONS.deletionProtection] === 'true')
    .map((d) => sourceIdOf(d.doc));
  const files: RenderedFile[] = [
    ...renderManifests(result),
    {
      name: 'MIGRATION.md',
      text: renderMarkdown(result, { sources: paths, outDir: options.outDir, deletionProtected, stack: options.stack }),
    },
    { name: 'migration.json', text: renderJson(result.report) },
  ];
  const known = new Set(result.report.inputs.map((i) => i.key));
  const unusedInputs = Object.keys(options.inputs ?? {}).filter((k) => !known.has(k));
  return { valid: true, validation, result, files, unusedInputs };
}

/** Entries whose status is one of `statuses` (what `--fail-on` counts). */
export function failingEntries(result: MigrationResult, statuses: readonly MigrationStatus[]): number {
  return result.report.entries.filter((e) => statuses.includes(e.status)).length;
}
