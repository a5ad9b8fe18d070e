/**
 * What a notification needs to know about one reconcile. The operator builds it from the engine's Report plus what
 * only the operator knows (mode, attribution, the revision published to S3), so the renderers stay pure and do not
 * depend on the engine's internals.
 */
import type { ApplyOutcome, ChangeAction, ChangeCause, FieldChange } from '../core/model';

/** Who changed a resource, from CloudTrail (the triggering event or LookupEvents). */
export interface Attribution {
  identityArn: string;
  eventName?: string;
  /** ISO 8601. */
  eventTime?: string;
  sourceIp?: string;
}

/** What meshward did about a resource in this run. */
export type ResourceOutcome = 'reverted' | 'applied' | 'reported' | 'failed' | 'blocked' | 'skipped' | 'refused';

export interface ResourceView {
  id: string;
  kind: string;
  action: ChangeAction;
  cause: ChangeCause;
  /** True when AWS changed the resource outside meshward (drift, or a pending change that also drifted). */
  drifted: boolean;
  changes: readonly FieldChange[];
  outcome: ResourceOutcome;
  attribution?: readonly Attribution[];
  error?: string;
  reason?: string;
}

/**
 * `changed`: meshward applied changes; `pending`: the manifests differ from AWS but nothing was applied (detect
 * mode); `reverted`: drift was found and every drifted resource was put back (enforce).
 */
export type RunStatus =
  | 'in-sync'
  | 'changed'
  | 'pending'
  | 'reverted'
  | 'drift'
  | 'failed'
  | 'invalid'
  | 'refused'
  /** The run stopped starting writes before its deadline (Lambda timeout); the next run applies the rest. */
  | 'partial';

export interface ReportView {
  stack: string;
  /** The manifest revision (git SHA) the run used, when known. */
  revision?: string;
  mode: 'enforce' | 'detect';
  status: RunStatus;
  /** ISO time of the run. */
  at: string;
  /** e.g. { create: 1, update: 2, drift: 1, failed: 0 } — rendered as given, in insertion order. */
  counts: Readonly<Record<string, number>>;
  resources: readonly ResourceView[];
  /** Validation issues, already formatted one per line (`file:line:col /pointer message`). */
  issues?: readonly string[];
  /** A run-level failure, already redacted. */
  error?: string;
  /** Safety-guard refusals, one line each (`GUARD_CODE: why (ids)`). */
  refusals?: readonly string[];
  /** What started the run: 'schedule', 'manifests published', 'CloudTrail UpdateVirtualNode', ... */
  trigger?: string;
  /** Where the full report of this run is stored with the state (see src/operator/report-store.ts). */
  fullReport?: { htmlUrl: string; markdownUrl?: string };
}

export const OUTCOME_OF_APPLY: Readonly<Record<ApplyOutcome, ResourceOutcome>> = {
  created: 'applied',
  configured: 'applied',
  deleted: 'applied',
  unchanged: 'skipped',
  skipped: 'skipped',
  failed: 'failed',
  blocked: 'blocked',
};

/** Resources that changed outside meshward. */
export function driftedResources(view: ReportView): ResourceView[] {
  return view.resources.filter((r) => r.drifted);
}
