/**
 * Decides what a run posts and posts it. The same drift is posted once; again only when it changes; and a
 * "resolved" message when it clears. What was posted is remembered in StackState.reportedDrift, which the caller
 * saves, so the decision survives between Lambda invocations. A failed post leaves the memory unchanged, so the
 * next run tries again.
 */
import { digestOf } from '../core/canonical';
import { renderResolved, renderSlackReport, type SlackMessage } from './slack-blocks';
import type { ReportView, ResourceView } from './report-view';
import type { PostedMessage, SlackTransport } from './slack-transport';

/** Keys inside StackState.reportedDrift. */
export const REPORTED_KEYS = {
  /** Fingerprint of the open drift episode (drift still present after the run). */
  episode: 'slack:episode',
  /** JSON array of the resource ids in the open episode, for the "resolved" message. */
  episodeIds: 'slack:episode-ids',
  /** `<channel> <ts>` of the episode's parent message (bot token only). */
  thread: 'slack:thread',
  /** Fingerprint of the validation issues last posted, so an invalid revision is reported once. */
  invalid: 'slack:invalid',
  /** Fingerprint of the failure last posted, so a failure repeating on every schedule is reported once. */
  failure: 'slack:failure',
  /**
   * Fingerprint of the standing, non-drift differences last posted (pending changes detect mode does not apply,
   * resources that keep failing or are refused), so they are reported when they change, not on every schedule.
   */
  standing: 'slack:standing',
  /**
   * The outbox (JSON): the posts of the last decision, recorded before each post and after it with the message id,
   * so a run retried after a failed state save edits what Slack already shows instead of posting it again.
   */
  outbox: 'slack:outbox',
} as const;

export type NotificationKind = 'report' | 'drift-new' | 'drift-changed' | 'resolved' | 'invalid' | 'failure';

export interface PlannedPost {
  kind: NotificationKind;
  message: SlackMessage;
}

export interface NotifyPlan {
  posts: PlannedPost[];
  /** reportedDrift after every post succeeded. */
  next: Record<string, string>;
  /** Why nothing (more) is posted, for the log. */
  skipped: string[];
}

/** Drift still present after the run: in detect mode all of it, in enforce mode what could not be reverted. */
export function openDrift(view: ReportView): ResourceView[] {
  return view.resources.filter((r) => r.drifted && r.outcome !== 'reverted' && r.outcome !== 'applied');
}

/** Changes only when the drifted resources, fields or values change (not the time, attribution or revision). */
export function driftFingerprint(resources: readonly ResourceView[]): string {
  return digestOf(
    resources
      .map((r) => ({ id: r.id, action: r.action, changes: r.changes.map((c) => [c.path, c.before, c.after]) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
}

/** Pure: what to post for this run given what was posted before. */
export function planNotifications(view: ReportView, reported: Readonly<Record<string, string>>): NotifyPlan {
  const next: Record<string, string> = { ...reported };
  const posts: PlannedPost[] = [];
  const skipped: string[] = [];

  if (view.status === 'invalid') {
    const fp = digestOf(view.issues ?? []);
    if (reported[REPORTED_KEYS.invalid] === fp) skipped.push('invalid manifests already reported');
    else posts.push({ kind: 'invalid', message: renderSlackReport(view) });
    next[REPORTED_KEYS.invalid] = fp;
    // Nothing was observed, so nothing is known about drift: keep the episode as it is.
    return { posts, next, skipped };
  }
  delete next[REPORTED_KEYS.invalid];

  if (view.status === 'failed' && view.resources.length === 0) {
    const fp = digestOf(view.error ?? '');
    if (reported[REPORTED_KEYS.failure] === fp) skipped.push('failure already reported');
    else posts.push({ kind: 'failure', message: renderSlackReport(view) });
    next[REPORTED_KEYS.failure] = fp;
    return { posts, next, skipped };
  }
  delete next[REPORTED_KEYS.failure];

  const open = openDrift(view);
  const previous = reported[REPORTED_KEYS.episode];
  // Applied or reverted in this run: news every time. Anything else that differs is a standing condition.
  const actedNow = view.resources.some((r) => r.outcome === 'applied' || r.outcome === 'reverted');
  const standing = view.resources.filter(
    (r) => r.action !== 'unchanged' && !open.includes(r) && r.outcome !== 'applied' && r.outcome !== 'reverted',
  );
  const standingFp =
    standing.length > 0 || (view.refusals ?? []).length > 0
      ? digestOf({
          resources: standing.map((r) => [
            r.id,
            r.action,
            r.outcome,
            r.changes.map((c) => [c.path, c.before, c.after]),
          ]),
          refusals: view.refusals ?? [],
        })
      : undefined;
  const standingNews = standingFp !== undefined && standingFp !== reported[REPORTED_KEYS.standing];
  if (standingFp === undefined) delete next[REPORTED_KEYS.standing];
  else next[REPORTED_KEYS.standing] = standingFp;
  const news = actedNow || standingNews;

  if (open.length > 0) {
    const fp = driftFingerprint(open);
    if (previous === fp && !news) {
      skipped.push('same drift already reported');
    } else {
      posts.push({ kind: previous === undefined ? 'drift-new' : 'drift-changed', message: renderSlackReport(view) });
    }
    next[REPORTED_KEYS.episode] = fp;
    next[REPORTED_KEYS.episodeIds] = JSON.stringify(open.map((r) => r.id));
    return { posts, next, skipped };
  }

  if (news) posts.push({ kind: 'report', message: renderSlackReport(view) });
  else if (standingFp !== undefined) skipped.push('same pending changes already reported');
  if (previous !== undefined) {
    const ids = parseIds(reported[REPORTED_KEYS.episodeIds]);
    posts.push({ kind: 'resolved', message: renderResolved(view, ids) });
    delete next[REPORTED_KEYS.episode];
    delete next[REPORTED_KEYS.episodeIds];
  }
  if (posts.length === 0 && standingFp === undefined) skipped.push('nothing to report');
  return { posts, next, skipped };
}

function parseIds(raw: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(raw ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export interface NotifyResult {
  /** What to store in StackState.reportedDrift. */
  reportedDrift: Record<string, string>;
  posted: NotificationKind[];
  skipped: string[];
  /** Redacted errors of failed posts. */
  errors: string[];
}

/** Saves the memory (reportedDrift with the outbox in it) to the state store, outside the final save. */
export type OutboxRecorder = (reported: Record<string, string>) => Promise<void>;

interface OutboxEntry {
  kind: NotificationKind;
  state: 'pending' | 'posted';
  channel?: string;
  ts?: string;
}

interface Outbox {
  /** Digest of the memory the posts were planned from: the same memory plans the same posts. */
  decision: string;
  entries: Record<string, OutboxEntry>;
}

function readOutbox(raw: string | undefined): Outbox | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<Outbox>;
    return typeof v.decision === 'string' && typeof v.entries === 'object' && v.entries !== null
      ? { decision: v.decision, entries: v.entries }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The id carried in a bot post's metadata: how a retry finds a message whose id it never recorded. */
export function outboxMessageId(decision: string, index: number, kind: NotificationKind): string {
  return `${decision.slice(0, 16)}:${index}:${kind}`;
}

/**
 * Posts the plan. With a bot token a drift episode is one thread: the first report is the parent, changes and the
 * resolution are replies, and the parent is edited to show the latest state. With a webhook each is a new message.
 *
 * With `record`, every post goes through the outbox: "pending" is saved before it, "posted" with its channel and
 * ts after it. A later run planning from the same memory (the previous run's final save failed) edits a posted
 * message (bot) or leaves it (webhook: no id to edit) instead of posting again; a pending one is looked up in
 * Slack by its metadata id (bot) before anything is posted. A failed edit of the thread's parent never repeats
 * the reply already in the thread.
 */
export async function notifySlack(
  view: ReportView,
  transport: SlackTransport,
  reported: Readonly<Record<string, string>>,
  record?: OutboxRecorder,
): Promise<NotifyResult> {
  const memory: Record<string, string> = { ...reported };
  delete memory[REPORTED_KEYS.outbox];
  const plan = planNotifications(view, memory);
  const result: NotifyResult = { reportedDrift: { ...reported }, posted: [], skipped: plan.skipped, errors: [] };
  const decision = digestOf(memory);
  const previous = readOutbox(reported[REPORTED_KEYS.outbox]);
  const outbox: Outbox = { decision, entries: previous?.decision === decision ? { ...previous.entries } : {} };
  const save = async (): Promise<void> => {
    if (record) await record({ ...memory, [REPORTED_KEYS.outbox]: JSON.stringify(outbox) });
  };
  let thread = parseThread(memory[REPORTED_KEYS.thread]);
  for (const [index, post] of plan.posts.entries()) {
    const id = outboxMessageId(decision, index, post.kind);
    try {
      const episodeReply = transport.threads && thread && (post.kind === 'drift-changed' || post.kind === 'resolved');
      const replyTo = episodeReply ? thread?.ts : undefined;
      let entry = outbox.entries[id];
      if (entry?.state === 'pending' && record && transport.find) {
        const found = await transport.find(id, replyTo);
        if (found?.ts) entry = { kind: post.kind, state: 'posted', ...found };
      }
      let posted: PostedMessage;
      if (entry?.state === 'posted' && entry.ts && entry.channel && transport.threads) {
        // Already in Slack: bring it up to date instead of posting a second copy.
        await transport.update(entry.channel, entry.ts, post.message);
        posted = { channel: entry.channel, ts: entry.ts };
      } else if (entry?.state === 'posted') {
        posted = {};
      } else {
        outbox.entries[id] = { kind: post.kind, state: 'pending' };
        await save();
        posted = await transport.post(post.message, replyTo, record ? id : undefined);
        outbox.entries[id] = {
          kind: post.kind,
          state: 'posted',
          ...(posted.channel ? { channel: posted.channel } : {}),
          ...(posted.ts ? { ts: posted.ts } : {}),
        };
        // Best effort: if this save fails, the pending entry and the metadata id still find the message.
        await save().catch((err: unknown) => result.errors.push(`outbox not saved: ${(err as Error).message}`));
      }
      if (episodeReply && thread) {
        try {
          await transport.update(thread.channel, thread.ts, post.message);
        } catch (err) {
          // The reply is in the thread: a retry would repeat it. The parent is edited again on the next change.
          result.errors.push(`thread parent not updated: ${(err as Error).message}`);
        }
      } else if (post.kind === 'drift-new' && posted.channel && posted.ts) {
        thread = { channel: posted.channel, ts: posted.ts };
      }
      result.posted.push(post.kind);
    } catch (err) {
      result.errors.push((err as Error).message);
      // Keep the old memory so the next run posts again; the outbox tells it what already went out.
      result.reportedDrift = record ? { ...memory, [REPORTED_KEYS.outbox]: JSON.stringify(outbox) } : { ...reported };
      return result;
    }
  }
  result.reportedDrift = { ...plan.next };
  delete result.reportedDrift[REPORTED_KEYS.outbox];
  if (plan.next[REPORTED_KEYS.episode] === undefined) delete result.reportedDrift[REPORTED_KEYS.thread];
  else if (thread) result.reportedDrift[REPORTED_KEYS.thread] = `${thread.channel} ${thread.ts}`;
  return result;
}

function parseThread(raw: string | undefined): { channel: string; ts: string } | undefined {
  if (!raw) return undefined;
  const [channel, ts] = raw.split(' ');
  return channel && ts ? { channel, ts } : undefined;
}
