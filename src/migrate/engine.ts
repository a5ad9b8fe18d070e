/**
 * The pure core of `meshward migrate`: validated source documents in, successor documents and the report out.
 * Every kind-specific decision comes from the kinds' migrate.ts (through KIND_MIGRATIONS); this file only runs
 * them, collects what they produce and counts.
 */
import { canonicalJson } from '../core/canonical';
import type { LoadedDocument, ResourceRef } from '../core/types';
import { resourceId } from '../core/types';
import { KIND_MIGRATIONS, sourceIdOf } from '../kinds/migrations';
import { placeholderFor, STATUSES } from './model';
import type {
  AlbRule,
  EmittedDocument,
  KindMigration,
  MigrateOptions,
  MigrationInput,
  MigrationResult,
  MigrationRun,
  MigrationStatus,
  OutputDocument,
  ReportEntry,
  SequenceStep,
} from './model';
import { classify, locate, sourceId } from './rules';

/** Identity of an emitted document, so two rules emitting the same shared resource (a service network) give one. */
function emittedKey(doc: OutputDocument): string {
  const { tags: _tags, annotations: _annotations, ...identity } = doc.metadata;
  const cluster = doc.spec['cluster'];
  return canonicalJson({ kind: doc.kind, identity, cluster: typeof cluster === 'string' ? cluster : undefined });
}

export function migrateDocuments(
  documents: readonly LoadedDocument[],
  options: MigrateOptions,
  migrations: readonly KindMigration[] = KIND_MIGRATIONS,
): MigrationResult {
  const byId = new Map<string, LoadedDocument>();
  for (const d of documents) byId.set(sourceIdOf(d.doc), d);
  const byKind = new Map(migrations.map((m) => [m.kind, m]));
  const given = options.inputs ?? {};
  const inputs = new Map<string, MigrationInput>();
  const emitted: EmittedDocument[] = [];
  const emittedKeys = new Set<string>();
  const albRules: AlbRule[] = [];
  const steps: SequenceStep[] = [];
  const notes: string[] = [];

  const input = (key: string, description: string, example: string, blocking = false): string | undefined => {
    const value = Object.hasOwn(given, key) ? given[key] : undefined;
    const known = inputs.get(key);
    if (!known) inputs.set(key, { key, description, example, given: value !== undefined, blocking });
    else if (blocking) known.blocking = true;
    return value;
  };

  const run: MigrationRun = {
    target: options.target,
    parallel: options.parallel ?? 'new-names',
    documents,
    lookup: (ref: ResourceRef) => byId.get(resourceId(ref)),
    ofKind: (kind: string) => documents.filter((d) => d.doc.kind === kind),
    input: (key, description, example) => input(key, description, example),
    inputOrPlaceholder: (key, description, example, where = 'manifest') =>
      input(key, description, example, where === 'manifest') ?? placeholderFor(key),
    emit(doc, from, extra = []) {
      const key = emittedKey(doc);
      if (emittedKeys.has(key)) return;
      emittedKeys.add(key);
      emitted.push({ doc, from, notes: extra });
    },
    albRule: (rule) => albRules.push(rule),
    step: (wave, text, service) => {
      if (!steps.some((s) => s.wave === wave && s.text === text))
        steps.push({ wave, text, ...(service ? { service } : {}) });
    },
    note: (text) => {
      if (!notes.includes(text)) notes.push(text);
    },
    memo: new Map(),
  };

  const entries: ReportEntry[] = [];
  for (const source of documents) {
    const migration = byKind.get(source.doc.kind);
    if (!migration) {
      // Not an App Mesh kind (a namespace, an already migrated service): it carries over as it is.
      run.emit(source.doc as unknown as OutputDocument, source, ['carried over unchanged']);
      entries.push({
        source: `${sourceId(source)}:/spec`,
        target: `${sourceId(source)}:/spec`,
        status: 'carried',
        detail: 'not an App Mesh resource: copied as it is',
        location: locate(source, '/spec'),
      });
      continue;
    }
    entries.push(...classify(source, migration.rules, run));
    migration.migrate(source, run);
  }

  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<MigrationStatus, number>;
  for (const entry of entries) counts[entry.status] += 1;
  steps.sort((a, b) => a.wave - b.wave);
  return {
    documents: emitted,
    report: {
      target: run.target,
      parallel: run.parallel,
      entries,
      inputs: [...inputs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      counts,
      albRules,
      steps,
      notes,
    },
  };
}
