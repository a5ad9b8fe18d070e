import type { ReportResource } from './report';

/**
 * What meshward did about a resource, in the words a Slack message or a summary uses: `reverted` (drift undone),
 * `applied`, `reported only` (plan, drift, detect mode), `skipped: <why>`, `failed`, `blocked by a failed
 * dependency`, `blocked by <resource>: <resource> is not managed by this stack` (held back by a conflict), `left
 * alone` (conflicts).
 */
export function describeOutcome(r: ReportResource): string {
  if (r.action === 'conflict') return 'left alone';
  switch (r.outcome) {
    case undefined:
      if (r.blockedBy !== undefined && r.skippedReason !== undefined) return r.skippedReason;
      return r.skippedReason !== undefined ? `skipped: ${r.skippedReason}` : 'reported only';
    case 'created':
    case 'configured':
    case 'deleted':
      return r.cause === 'drift' ? 'reverted' : 'applied';
    case 'unchanged':
      return 'already in sync';
    case 'skipped':
      return r.skippedReason !== undefined ? `skipped: ${r.skippedReason}` : 'skipped';
    case 'failed':
      return r.error ? `failed: ${r.error.message}` : 'failed';
    case 'blocked':
      // Held back by a conflict: the message names the resource that is not ours.
      return r.error?.code === 'CONFLICT' ? r.error.message : 'blocked by a failed dependency';
  }
}
