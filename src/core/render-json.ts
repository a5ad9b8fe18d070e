/** `-o json`: the report as a stable, versioned document for CI artefacts and other tools. */
import { redactDeep } from './fingerprint';
import { jsonSafe } from './format-value';
import type { Report } from './report';

/**
 * The JSON report, `formatVersion` 1. Fields are written in this order; optional fields are omitted rather than
 * null. Within `resources[].changes[]`, `before` is the value in AWS now and `after` the value after apply (the
 * manifests), the direction every renderer shows as `before -> after`, drift included (`before` is then what
 * someone set in AWS; `attribution` says who). A missing `before` means the field does not exist in AWS and a
 * missing `after` means the manifests do not set it (values are the normalized API shapes: durations as {unit,
 * value}).
 *
 * - `stack`, `revision?`, `mode?` (plan | apply | drift | enforce | detect), `generatedAt` (ISO time)
 * - `exitCode` (0 in sync, 1 error, 2 pending, 3 drift, 4 refused by a guard)
 * - `summary`: `total`, `byAction` {create, update, replace, delete, unchanged, conflict}, `byCause` {pending,
 *   drift, new, removed, none}, `drifted`, `pending`, `byOutcome` {created, configured, ...: only those seen},
 *   `skipped` {action: count of `byAction` the plan will not make, conflicts excluded}, `blocked` {action: count
 *   of `skipped` held back by a conflict: they would live in or point at a resource not ours}, `prunable` (skipped
 *   deletes that `--prune` would make): a plan without prune that finds 1 removed resource has `byAction.delete`
 *   1, `skipped.delete` 1, `prunable` 1, which the text report says as "0 to delete (1 with --prune)"
 * - `resources[]` (unchanged ones left out unless asked for): `id`, `kind`, `action`, `cause`, `alsoDrifted?`,
 *   `reason?`, `changes[]` {path (JSON pointer), before?, after?}, `source?` {file, line, column},
 *   `attribution?` {identityArn, eventName, eventTime, sourceIp?}, `outcome?`, `skippedReason?`, `blockedBy?` (the
 *   resource not managed by this stack that holds the change back), `error?` {code,
 *   message}
 * - `guards[]`: {code (empty-desired-set | max-deletes | deletion-protection | conflict | plan-moved), message, ids, scope
 *   (plan | resources)}
 * - `errors[]`: {code, message}; `apiCalls?`: {"service:Operation": count}; `driftFingerprint?`
 * Secrets (Slack webhook URLs and tokens) are redacted from every string; control, separator and bidi characters
 * are written as `\uXXXX` escapes.
 */
export interface JsonReport extends Report {
  formatVersion: 1;
}

export function toJsonReport(report: Report): JsonReport {
  return redactDeep({
    formatVersion: 1 as const,
    stack: report.stack,
    ...(report.revision !== undefined ? { revision: report.revision } : {}),
    ...(report.mode !== undefined ? { mode: report.mode } : {}),
    generatedAt: report.generatedAt,
    exitCode: report.exitCode,
    summary: report.summary,
    resources: report.resources,
    guards: report.guards,
    errors: report.errors,
    ...(report.warnings !== undefined ? { warnings: report.warnings } : {}),
    ...(report.apiCalls !== undefined ? { apiCalls: report.apiCalls } : {}),
    ...(report.driftFingerprint !== undefined ? { driftFingerprint: report.driftFingerprint } : {}),
  });
}

export function renderJson(report: Report): string {
  return `${jsonSafe(JSON.stringify(toJsonReport(report), null, 2))}\n`;
}
