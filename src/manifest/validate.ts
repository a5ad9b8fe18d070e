/**
 * The validate stage: sources -> load -> schema -> cross-document rules. It never throws for bad input; everything
 * wrong with the manifests comes back as issues, all of them, so a user fixes a file once rather than per run.
 */
import type { LoadedDocument } from '../core/types';
import { dedupeIssues, fileIssue, hasErrors, issueAt, positionOf, sortIssues } from './issues';
import type { ValidationIssue } from './issues';
import { DEFAULT_LOAD_LIMITS, loadFiles } from './load';
import type { LoadLimits } from './load';
import { compileKindSchema, loadDocumentSchema } from './schema';
import type { DocumentSchema } from './schema';
import { checkSemantics } from './semantic';
import { resolveSources, SourceError } from './sources';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import type { ManifestFile, ManifestSource, SourceFactory, SourceLimits } from './sources';

export interface ValidateOptions {
  /** Issues name files relative to this directory (default: process.cwd()). */
  cwd?: string;
  limits?: Partial<LoadLimits & SourceLimits>;
  /** Directory holding `*.schema.json` (default: the project's `schemas/`). */
  schemasDir?: string;
  /** Extra URI schemes (`s3`) for PATH arguments. */
  schemes?: Readonly<Record<string, SourceFactory>>;
  /** Use these sources instead of resolving paths. */
  sources?: readonly ManifestSource[];
  /** The kinds documents may be of (default: the kind registry). */
  registry?: KindRegistry;
}

export interface ValidationResult {
  /** Every document that loaded as a mapping, valid or not; check `valid` before using them. */
  documents: LoadedDocument[];
  /** Sorted by file, line, column. */
  issues: ValidationIssue[];
  /** No issue of severity error. */
  valid: boolean;
}

/** Past this, one document's errors are the same mistake repeated (a generated list gone wrong); the rest are counted. */
const MAX_SCHEMA_PROBLEMS_PER_DOCUMENT = 50;

async function readSources(sources: readonly ManifestSource[]): Promise<{
  files: ManifestFile[];
  issues: ValidationIssue[];
}> {
  const files: ManifestFile[] = [];
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    try {
      for (const file of await source.list()) {
        // `meshward validate manifests/ manifests/a.yaml` must not declare a.yaml's resources twice.
        if (seen.has(file.name)) continue;
        seen.add(file.name);
        files.push(file);
      }
    } catch (error) {
      if (error instanceof SourceError) {
        const positioned = error.issueCode === 'SOURCE_READ_FAILED';
        issues.push(fileIssue(error.location, error.issueCode, error.message, { positioned }));
      } else {
        const message = `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
        issues.push(fileIssue(source.location, 'SOURCE_READ_FAILED', message, { positioned: false }));
      }
    }
  }
  return { files, issues };
}

export async function validateManifests(
  paths: readonly string[],
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const sources =
    options.sources ?? resolveSources(paths, { cwd: options.cwd, limits: options.limits, schemes: options.schemes });
  const read = await readSources(sources);
  let result: ValidationResult;
  try {
    result = validateFiles(read.files, options);
  } catch (error) {
    // Bad input never gets here (the fuzz tests hold the loader and rules to that); a bug still must not turn a
    // reconcile into an unhandled exception, and fails validation instead.
    const message = `internal error while validating (please report): ${error instanceof Error ? error.message : String(error)}`;
    const where = sources.map((s) => s.location).join(', ');
    result = {
      documents: [],
      issues: [fileIssue(where, 'INTERNAL_ERROR', message, { positioned: false })],
      valid: false,
    };
  }
  const issues = sortIssues(dedupeIssues([...read.issues, ...result.issues]));
  if (read.files.length === 0 && read.issues.length === 0) {
    const where = sources.map((s) => s.location).join(', ');
    issues.push(fileIssue(where, 'NO_DOCUMENTS', 'no *.yaml or *.yml manifests found', { positioned: false }));
  }
  return { documents: result.documents, issues, valid: !hasErrors(issues) };
}

/** The pure part, from bytes already read: what tests, the fuzzer and non-file sources call. */
export function validateFiles(
  files: readonly ManifestFile[],
  options: Pick<ValidateOptions, 'limits' | 'schemasDir' | 'registry'> = {},
): ValidationResult {
  const registry = options.registry ?? defaultRegistry;
  const loaded = loadFiles(files, { ...DEFAULT_LOAD_LIMITS, ...options.limits });
  const issues: ValidationIssue[] = [...loaded.issues];

  let schema: DocumentSchema | undefined;
  try {
    schema = loadDocumentSchema(options.schemasDir);
  } catch (error) {
    const message = `schemas cannot be loaded, so documents were not checked: ${(error as Error).message}`;
    issues.push(fileIssue(options.schemasDir ?? 'schemas', 'SCHEMA_UNAVAILABLE', message, { positioned: false }));
  }

  const schemaValid = new Set<LoadedDocument>();
  for (const document of loaded.documents) {
    // A kind outside the generated set brings its own schema; every other document meets the generated one.
    const own = registry.find(String((document.doc as { kind?: unknown }).kind))?.documentSchema;
    const against = own ? compileKindSchema(own) : schema;
    if (!against) continue;
    const problems = against.validate(document.doc);
    if (problems.length === 0) schemaValid.add(document);
    for (const problem of problems.slice(0, MAX_SCHEMA_PROBLEMS_PER_DOCUMENT)) {
      issues.push(issueAt(positionOf(document, problem.pointer), problem.pointer, 'SCHEMA', problem.message));
    }
    const firstLeftOut = problems[MAX_SCHEMA_PROBLEMS_PER_DOCUMENT];
    if (firstLeftOut !== undefined) {
      // Placed where the first one left out is, so sorted output reads "...the 50 errors, and N more".
      const more = problems.length - MAX_SCHEMA_PROBLEMS_PER_DOCUMENT;
      const message = `and ${more} more schema errors in this document`;
      issues.push(issueAt(positionOf(document, firstLeftOut.pointer), firstLeftOut.pointer, 'SCHEMA', message));
    }
  }
  issues.push(...checkSemantics(loaded.documents, (d) => schemaValid.has(d), registry));

  const sorted = sortIssues(dedupeIssues(issues));
  if (loaded.documents.length === 0 && files.length > 0 && !hasErrors(sorted)) {
    const where = files.length === 1 ? (files[0] as ManifestFile).name : `${files.length} files`;
    sorted.unshift(fileIssue(where, 'NO_DOCUMENTS', 'no documents found', { positioned: false }));
  }
  return { documents: loaded.documents, issues: sorted, valid: !hasErrors(sorted) };
}
