/**
 * The full report of a run, stored with the state, so that a Slack message that folds 155 resources into "and 155
 * more" can link to all of them: `<state prefix>/reports/<time>-<id>.html` (self-contained: the topology picture
 * and every diff) and `.md` beside it, one pair per run, never overwritten (a link in an old message keeps showing
 * what that message said). A file state keeps them beside the state file: `.meshward/state.json` ->
 * `.meshward/reports/`.
 *
 * The link is the S3 console's page for the object, not a presigned URL: a presigned URL is a bearer credential
 * (anyone in the channel, or anyone the message is forwarded to, reads the report) that expires after at most 7
 * days, while the console link needs an AWS sign-in with s3:GetObject on the bucket and never expires. Where
 * people read reports through something else (a CloudFront distribution behind SSO, an internal proxy), set
 * MESHWARD_REPORT_URL_BASE and the link is `<base>/<key>`.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DesiredResource } from '../core/model';
import { renderHtml } from '../core/render-html';
import { renderMarkdown } from '../core/render-markdown';
import type { Attribution as ReportAttribution, Report } from '../core/report';
import { buildTopology } from '../core/topology';
import type { Attribution } from '../notify/report-view';
import { keyUnder, type S3Location } from './s3-uri';

export const REPORT_URL_BASE_ENV = 'MESHWARD_REPORT_URL_BASE';
export const REPORTS_FOLDER = 'reports';

export interface StoredReport {
  htmlUrl: string;
  markdownUrl: string;
  htmlKey: string;
  markdownKey: string;
}

/** `20261125T120000Z-1a2b3c4d`: sorts by time; the suffix tells apart two runs in one second. */
export function reportName(report: Pick<Report, 'generatedAt' | 'stack'>, runId: string): string {
  const time = report.generatedAt.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  const id = createHash('sha256').update(`${report.stack}\u0000${runId}\u0000${report.generatedAt}`).digest('hex');
  return `${time.replace(/[^0-9TZ]/g, '')}-${id.slice(0, 8)}`;
}

export function reportKeys(state: S3Location, name: string): { html: string; markdown: string } {
  const base = keyUnder(state.prefix, `${REPORTS_FOLDER}/${name}`);
  return { html: `${base}.html`, markdown: `${base}.md` };
}

/** The S3 console's page for one object (sign-in required; see the module comment). */
export function consoleObjectUrl(bucket: string, key: string, region: string): string {
  const params = new URLSearchParams({ region, bucketType: 'general', prefix: key });
  return `https://${region}.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?${params.toString()}`;
}

export function reportUrl(bucket: string, key: string, region: string, base?: string): string {
  if (base !== undefined && base.trim() !== '') {
    return `${base.trim().replace(/\/+$/, '')}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }
  return consoleObjectUrl(bucket, key, region);
}

/** The operator's attribution (several identities) folded into the report, so the stored pages name them too. */
export function withAttribution(report: Report, attribution?: ReadonlyMap<string, Attribution[]>): Report {
  if (!attribution || attribution.size === 0) return report;
  return {
    ...report,
    resources: report.resources.map((r) => {
      const first = attribution.get(r.id)?.[0];
      if (!first || r.attribution) return r;
      const a: ReportAttribution = {
        identityArn: first.identityArn,
        eventName: first.eventName ?? '',
        eventTime: first.eventTime ?? '',
        ...(first.sourceIp !== undefined ? { sourceIp: first.sourceIp } : {}),
      };
      return { ...r, attribution: a };
    }),
  };
}

/** Both pages, nothing folded (the Markdown is not a pull-request comment here: no 65,536-character cap). */
export function fullReportPages(
  report: Report,
  desired: readonly DesiredResource[],
): { html: string; markdown: string } {
  return {
    html: renderHtml(report, { topology: buildTopology(desired) }),
    markdown: renderMarkdown(report, {
      maxLength: Number.MAX_SAFE_INTEGER,
      maxFieldsPerResource: Number.MAX_SAFE_INTEGER,
      maxValueLength: 2000,
    }),
  };
}

export interface StoreReportInput {
  client: S3Client;
  state: S3Location;
  region: string;
  report: Report;
  desired: readonly DesiredResource[];
  runId: string;
  urlBase?: string;
}

export async function storeFullReport(input: StoreReportInput): Promise<StoredReport> {
  const pages = fullReportPages(input.report, input.desired);
  const keys = reportKeys(input.state, reportName(input.report, input.runId));
  for (const [key, body, type] of [
    [keys.html, pages.html, 'text/html; charset=utf-8'],
    [keys.markdown, pages.markdown, 'text/markdown; charset=utf-8'],
  ] as const) {
    await input.client.send(
      new PutObjectCommand({ Bucket: input.state.bucket, Key: key, Body: body, ContentType: type }),
    );
  }
  return {
    htmlKey: keys.html,
    markdownKey: keys.markdown,
    htmlUrl: reportUrl(input.state.bucket, keys.html, input.region, input.urlBase),
    markdownUrl: reportUrl(input.state.bucket, keys.markdown, input.region, input.urlBase),
  };
}

/** A file state: `dir/state.json` -> `dir/reports/<name>.html|.md`, files 0600 like the state. */
export async function writeFullReportFiles(
  stateFile: string,
  report: Report,
  desired: readonly DesiredResource[],
  runId: string,
): Promise<{ html: string; markdown: string }> {
  const pages = fullReportPages(report, desired);
  const base = join(dirname(stateFile), REPORTS_FOLDER, reportName(report, runId));
  await mkdir(dirname(base), { recursive: true });
  await writeFile(`${base}.html`, pages.html, { mode: 0o600 });
  await writeFile(`${base}.md`, pages.markdown, { mode: 0o600 });
  return { html: `${base}.html`, markdown: `${base}.md` };
}
