/**
 * `meshward drift [PATH...] [-o text|json|markdown|slack]`: what AWS changed outside meshward (drift) and what the
 * manifests changed since the last apply (pending), kept apart. Exit 0 in sync, 2 pending only, 3 drift, 4 refused
 * (a conflict), 1 error.
 */
import type { Attribution, Report } from '../../core/report';
import type { ReconcileOptions } from '../../engine/reconcile';
import { LOCAL_CREDENTIALS } from '../../aws/clients';
import { EXIT, outputFormat, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  type PreparedRun,
  prepare,
  reportUnready,
  renderReport,
  runReconcile,
} from './plan';

export const USAGE = `Usage: meshward drift [PATH...] [-o text|json|markdown|slack]

Report what differs between the manifests and AWS, separating drift (AWS changed outside meshward) from pending
changes (the manifests changed since the last apply). Reads AWS, writes nothing there. PATH defaults to manifests/.
A differing field reads "value in AWS now -> value after apply", as in plan: for drift, the value on the left is
the one set outside meshward (the line "changed outside meshward by" names who set it), the one on the right the
declared value that apply puts back.

Options:
  -o, --output FORMAT  text (default), json, markdown or slack (Block Kit JSON, as the operator posts it)

Exit codes: 0 in sync, 1 error, 2 pending changes only, 3 drift, 4 refused (a conflict with an unowned resource).

${COMMON_HELP}`;

/**
 * Slack rendering lives with the notifier (src/notify); it is loaded only for `-o slack`, through this hook, so the
 * command does not depend on how the notifier builds its view.
 */
export type SlackRenderer = (report: Report) => unknown;

export function defaultSlackRenderer(): SlackRenderer {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const view = require('../../operator/report-view') as typeof import('../../operator/report-view');
  const blocks = require('../../notify/slack-blocks') as typeof import('../../notify/slack-blocks');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return (report) => blocks.renderSlackReport(view.toReportView(report, { mode: 'detect', trigger: 'cli' }));
}

export interface AttributionSettings {
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** meshward's own identity (or how to spell it for an account id): its writes are not drift. */
  ownIdentityArn?: string | ((accountId: string) => string);
  /** How far back to look (CloudTrail keeps 90 days). */
  sinceDays?: number;
}

/** CloudTrail LookupEvents through the operator's attribution (paced, bounded), as a reconcile hook. */
export function cloudTrailAttribution(settings: AttributionSettings): NonNullable<ReconcileOptions['attribute']> {
  return async (drifted) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { CloudTrailClient } = require('@aws-sdk/client-cloudtrail') as typeof import('@aws-sdk/client-cloudtrail');
    const { lookupAttribution } = require('../../operator/attribution') as typeof import('../../operator/attribution');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const client = new CloudTrailClient({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
    });
    try {
      const account = drifted[0]?.arn.split(':')[4] ?? '';
      const own =
        typeof settings.ownIdentityArn === 'function' ? settings.ownIdentityArn(account) : settings.ownIdentityArn;
      const since = new Date(Date.now() - (settings.sinceDays ?? 7) * 24 * 3600 * 1000);
      const { found } = await lookupAttribution(
        client,
        new Map(drifted.map((d) => [d.id, d.arn])),
        drifted.map((d) => d.id),
        { since, ...(own ? { ownRoleArn: own } : {}) },
      );
      const out: Record<string, Attribution> = {};
      for (const [id, [who]] of found) {
        if (who) {
          out[id] = {
            identityArn: who.identityArn,
            eventName: who.eventName ?? 'unknown',
            eventTime: who.eventTime ?? '',
            ...(who.sourceIp ? { sourceIp: who.sourceIp } : {}),
          };
        }
      }
      return out;
    } finally {
      client.destroy();
    }
  };
}

export async function run(argv: string[], io: CliIO = processIO(), slack?: SlackRenderer): Promise<number> {
  let prepared: PreparedRun | undefined;
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...COMMON_OPTIONS, output: { type: 'string', short: 'o' } },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const format = outputFormat(values.output, ['text', 'json', 'markdown', 'slack'] as const, 'text');
    const ready = await prepare(values, positionals, io);
    if (!ready.run) return reportUnready(io, ready, false);
    prepared = ready.run;
    const session = prepared.session;
    const attribute = cloudTrailAttribution({
      region: session.clients.region,
      ...(session.endpoint
        ? {
            endpoint: session.endpoint,
            credentials: LOCAL_CREDENTIALS,
            ownIdentityArn: (account: string) => `arn:aws:iam::${account}:user/${LOCAL_CREDENTIALS.accessKeyId}`,
          }
        : {}),
    });
    const outcome = await runReconcile(prepared, ready.documents, { mode: 'drift', attribute });
    if (format === 'slack') {
      writeLine(io.stdout, JSON.stringify((slack ?? defaultSlackRenderer())(outcome.report), null, 2));
    } else {
      writeLine(io.stdout, renderReport(outcome.report, format, io));
    }
    return outcome.report.exitCode;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  } finally {
    await prepared?.session.close();
  }
}
