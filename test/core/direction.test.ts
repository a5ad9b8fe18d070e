/**
 * One fact, one direction, in every output: a drifted timeout that someone set to 60s in AWS while the manifests
 * declare 15s reads "60s -> 15s" (value in AWS now -> value after apply, terraform's way) in text, Markdown,
 * JSON, Slack, HTML and the docs, with who changed it on a line of its own.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diffResources } from '../../src/core/diff';
import { buildPlan } from '../../src/core/plan';
import { renderHtml } from '../../src/core/render-html';
import { buildReport, renderJson, renderMarkdown, renderText, type Report } from '../../src/core/report';
import { resourceId } from '../../src/core/types';
import { renderSlackReport } from '../../src/notify/slack-blocks';
import { toReportView } from '../../src/operator/report-view';
import { actualOf, appliedState, referenceTopology, refs, STACK } from './fixtures/resources';

const FIELD = '/spec/listeners/0/timeout/http/perRequest';
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const nodeId = resourceId(refs.frontNode);

function driftReport(): Report {
  const all = referenceTopology();
  const actuals = all.map((d) => {
    const a = actualOf(d);
    if (d.id === nodeId) {
      const spec = a.spec as { listeners: { timeout: { http: { perRequest: { value: number } } } }[] };
      const l = spec.listeners[0];
      if (l) l.timeout.http.perRequest.value = 60;
    }
    return a;
  });
  // service-b left the manifests: with prune off it is counted as "0 to delete (1 with --prune)".
  const kept = all.filter((d) => d.id !== resourceId(refs.bNode));
  const changes = diffResources({ desired: kept, actual: actuals, state: appliedState(all), stack: STACK });
  return buildReport({
    stack: STACK,
    mode: 'drift',
    generatedAt: '2026-11-25T12:00:00.000Z',
    plan: buildPlan(changes, { prune: false, desiredCount: kept.length }),
    attribution: {
      [nodeId]: { identityArn: ALICE, eventName: 'UpdateVirtualNode', eventTime: '2026-11-25T11:58:00Z' },
    },
  });
}

const report = driftReport();

it('text: "60s -> 15s", then the author on its own line', () => {
  const lines = renderText(report).split('\n');
  const field = lines.findIndex((l) => l === `    ~ ${FIELD}: 60s -> 15s`);
  expect(field).toBeGreaterThan(0);
  expect(lines[field + 1]).toBe(`    changed outside meshward by ${ALICE} (UpdateVirtualNode, 2026-11-25T11:58:00Z)`);
});

it('Markdown: the AWS-now column holds 60s, the after-apply column 15s', () => {
  const md = renderMarkdown(report);
  expect(md).toContain('| Field | Now (AWS) | After apply (manifests) |');
  expect(md).toContain(`| \`${FIELD}\` | \`60s\` | \`15s\` |`);
  expect(md).toMatch(new RegExp(`\\n\\nChanged outside meshward by \`${ALICE.replace(/[/]/g, '\\/')}\``));
});

it('JSON: before is the value in AWS (60s), after the value after apply (15s)', () => {
  const json = JSON.parse(renderJson(report)) as Report;
  const change = json.resources.find((r) => r.id === nodeId)?.changes.find((c) => c.path === FIELD);
  expect(change).toEqual({ path: FIELD, before: { unit: 's', value: 60 }, after: { unit: 's', value: 15 } });
});

it('Slack: "`60s` -> `15s`" (escaped for mrkdwn), then the author on its own line', () => {
  const message = renderSlackReport(toReportView(report, { mode: 'detect' }));
  const section = message.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
  const text = section.find((t) => t.includes(FIELD)) ?? '';
  const lines = text.split('\n');
  const field = lines.findIndex((l) => l === `• \`${FIELD}\`: \`60s\` -&gt; \`15s\``);
  expect(field).toBeGreaterThan(0);
  expect(lines[field + 1]).toMatch(new RegExp(`^_changed outside meshward by_ \`${ALICE.replace(/[/]/g, '\\/')}\``));
  const legend = message.blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : []));
  expect(legend).toContain('Fields read: value in AWS now -&gt; value after apply (the manifests).');
});

it('every count says "0 to delete (1 with --prune)" for the delete prune would make', () => {
  expect(renderText(report)).toContain('0 to delete (1 with --prune)');
  expect(renderMarkdown(report)).toContain('| delete | 0 (1 with --prune) |');
  expect(renderHtml(report)).toContain('<li>0 to delete (1 with --prune)</li>');
  const json = JSON.parse(renderJson(report)) as Report;
  expect(json.summary).toMatchObject({ skipped: { delete: 1 }, prunable: 1 });
  const view = toReportView(report, { mode: 'detect' });
  expect(view.counts).toMatchObject({ delete: 0, 'delete with --prune': 1 });
  const fields = renderSlackReport(view).blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []) : []));
  expect(fields.map((f) => f.text)).toEqual(expect.arrayContaining(['*delete with --prune*\n1']));
});

it('HTML: the now cell holds 60s, the after-apply cell 15s', () => {
  const html = renderHtml(report);
  expect(html).toContain(
    `<tr><td>${FIELD}</td><td class="now">60s</td><td class="arrow">-&gt;</td><td class="after">15s</td></tr>`,
  );
  expect(html).toContain(`changed outside meshward by <code>${ALICE}</code>`);
});

it('the docs show the same direction as the renderers, word for word', () => {
  const root = resolve(__dirname, '../..');
  const slackDoc = readFileSync(resolve(root, 'docs/slack.md'), 'utf8');
  const reportsDoc = readFileSync(resolve(root, 'docs/reports.md'), 'utf8');
  const troubleshooting = readFileSync(resolve(root, 'docs/troubleshooting.md'), 'utf8');
  // The docs' drift example is this report, rendered.
  expect(reportsDoc).toContain(`    ~ ${FIELD}: 60s -> 15s\n    changed outside meshward by ${ALICE}`);
  expect(reportsDoc).toContain(
    renderText(report)
      .split('\n')
      .find((l) => l.startsWith('Summary:')),
  );
  const slackLines = `• \`${FIELD}\`: \`60s\` -> \`15s\`\n_changed outside meshward by_ \`${ALICE}\``;
  expect(slackDoc).toContain(slackLines);
  expect(reportsDoc).toContain(slackLines);
  // No doc tells the old, reversed or labelled forms.
  for (const doc of [slackDoc, reportsDoc, troubleshooting]) {
    expect(doc).not.toMatch(/declared → changed to|AWS … → manifests|value in AWS set by/);
  }
});
