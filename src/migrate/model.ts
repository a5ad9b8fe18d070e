/**
 * The vocabulary of `meshward migrate`: targets, the five statuses, report entries and inputs (DESIGN.md "CLI
 * contract"), and the contract each kind's migration rules implement. Pure data; nothing here names a kind.
 */
import type { LoadedDocument, ManifestDocument, ResourceRef } from '../core/types';

export const MIGRATION_TARGETS = ['service-connect', 'vpc-lattice'] as const;
export type MigrationTarget = (typeof MIGRATION_TARGETS)[number];

export const STATUSES = ['carried', 'approx', 'builtin', 'dropped', 'needs-input'] as const;
export type MigrationStatus = (typeof STATUSES)[number];

/** How the successor services run beside the App Mesh ones: new service names in the same cluster, or a new cluster. */
export const PARALLEL_MODES = ['new-names', 'new-cluster'] as const;
export type ParallelMode = (typeof PARALLEL_MODES)[number];

/** One line of migration.json: what became of one source field path. */
export interface ReportEntry {
  /** `<resource id>:<JSON pointer into the source document>`, e.g. `Route/shop/service-a/canary:/spec/httpRoute/retryPolicy`. */
  source: string;
  /** `<successor id>:<pointer>`, or a short description when the successor is not a manifest (an ALB rule). */
  target: string;
  status: MigrationStatus;
  detail: string;
  /** file:line of the source field, for the Markdown tables (not part of the JSON contract's required keys). */
  location?: string;
}

/** A value meshward cannot derive; given with `--set KEY=VALUE`. */
export interface MigrationInput {
  key: string;
  description: string;
  example: string;
  /** Whether the run had it. */
  given: boolean;
  /** A placeholder stands in a successor manifest while it is missing (so the output does not validate). */
  blocking: boolean;
}

/** What a rule says about one source field. */
export interface Outcome {
  status: MigrationStatus;
  /** Where it went (see ReportEntry.target); empty when nowhere. */
  target?: string;
  detail: string;
}

/** What a rule function sees: the matched value, where it is, and the run. */
export interface RuleMatch {
  value: unknown;
  /** Concrete pointer below `/spec` (list indexes filled in). */
  pointer: string;
  /** List indexes the pattern's `*` matched, in order. */
  indexes: number[];
  source: LoadedDocument;
  run: MigrationRun;
}

export type OutcomeRule = Outcome | ((match: RuleMatch) => Outcome);

/**
 * One classification. `path` is a pattern over the App Mesh spec shape (`*` for a list item), relative to `/spec`;
 * it covers its value and everything under it. Each rule says what happens for both targets, so a new target
 * cannot ship with fields nobody thought about (the model-walk test holds every kind to that).
 */
export interface FieldRule {
  path: string;
  'service-connect': OutcomeRule;
  'vpc-lattice': OutcomeRule;
}

/** A successor document and where it came from. */
export interface EmittedDocument {
  doc: OutputDocument;
  /** The source document it derives from (its file decides the output file, its line the comment). */
  from: LoadedDocument;
  /** Extra comment lines above the document (why it looks the way it does). */
  notes: string[];
}

/** Successor documents use kinds the App Mesh vocabulary does not know (Lattice, Cloud Map), so `kind` is a string. */
export interface OutputDocument {
  apiVersion: ManifestDocument['apiVersion'];
  kind: string;
  /** `name` for most kinds; associations are identified by what they associate (`serviceNetwork`, `service`). */
  metadata: Record<string, unknown> & { name?: string };
  spec: Record<string, unknown>;
}

/** A ready-to-use ELBv2 CreateRule input with what it needs around it. */
export interface AlbRule {
  /** The gateway route it replaces. */
  source: string;
  location: string;
  /** The listener port the rule belongs on (the virtual gateway's listener port). */
  port: number;
  /** The target groups the rule forwards to, and which successor service must register in each. */
  targets: { targetGroupArn: string; service: string; containerPort: number }[];
  createRule: Record<string, unknown>;
}

/** Where non-service steps sit in the sequence: shared resources first, canaries after the waves, retirement last. */
export const STEP_WAVE = { shared: -1, canary: 1_000_000, retire: 2_000_000 } as const;

/** One step of the migration sequence; `wave` orders them (servers before their clients, from 0). */
export interface SequenceStep {
  wave: number;
  text: string;
  /** The successor ECS service the step applies, when it applies one (its clients are redeployed by name). */
  service?: string;
}

/**
 * The run as the rules see it: every source document, the chosen target and naming, the inputs, and the sinks for
 * what they produce. Rules read only through `lookup`/`documents` and write only through the sinks, so a migration
 * is a pure function of its input.
 */
export interface MigrationRun {
  readonly target: MigrationTarget;
  readonly parallel: ParallelMode;
  readonly documents: readonly LoadedDocument[];
  lookup(ref: ResourceRef): LoadedDocument | undefined;
  /** All loaded documents of a kind. */
  ofKind(kind: string): LoadedDocument[];
  /** The value of an input, registering it (with its description) either way. */
  input(key: string, description: string, example: string): string | undefined;
  /**
   * The value written for an input: the given value, or a placeholder no schema accepts. `where` says whether the
   * placeholder lands in a successor manifest (blocking: it cannot be applied) or only in MIGRATION.md.
   */
  inputOrPlaceholder(key: string, description: string, example: string, where?: 'manifest' | 'report'): string;
  emit(doc: OutputDocument, from: LoadedDocument, notes?: string[]): void;
  albRule(rule: AlbRule): void;
  step(wave: number, text: string, service?: string): void;
  /** A migration-wide fact for MIGRATION.md (once per text). */
  note(text: string): void;
  /** Per-run memo shared by the kinds (a name chosen once, reused by every reference to it). */
  readonly memo: Map<string, unknown>;
}

/** One App Mesh (or App Mesh-attached) kind's migration: its field rules and what it turns into. */
export interface KindMigration {
  readonly kind: string;
  /** The botocore shape of `spec` the rules are checked against (the model-walk test), when there is one. */
  readonly specShape?: string;
  readonly rules: readonly FieldRule[];
  /** Emits the successor documents, ALB rules and sequence steps for one source document. */
  migrate(source: LoadedDocument, run: MigrationRun): void;
}

export interface MigrationReport {
  target: MigrationTarget;
  parallel: ParallelMode;
  entries: ReportEntry[];
  inputs: MigrationInput[];
  counts: Record<MigrationStatus, number>;
  albRules: AlbRule[];
  steps: SequenceStep[];
  notes: string[];
}

export interface MigrationResult {
  documents: EmittedDocument[];
  report: MigrationReport;
}

export interface MigrateOptions {
  target: MigrationTarget;
  parallel?: ParallelMode;
  /** `--set KEY=VALUE` values. */
  inputs?: Readonly<Record<string, string>>;
}

/** The mark an input's placeholder carries: schemas reject it, so an output with a missing input cannot be applied. */
export function placeholderFor(key: string): string {
  return `<needs-input: ${key}>`;
}
