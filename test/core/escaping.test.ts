/* eslint-disable no-control-regex -- these tests are about control characters */
/**
 * A name or value from a manifest or from AWS cannot drive the reader's terminal, forge a report line or reorder
 * text: every output writes control, separator and bidi characters as escapes.
 */
import { renderHtml } from '../../src/core/render-html';
import { buildReport, renderJson, renderMarkdown, renderText, type Report } from '../../src/core/report';
import { resourceId } from '../../src/core/types';
import { renderSlackReport } from '../../src/notify/slack-blocks';
import { toReportView } from '../../src/operator/report-view';
import { actual, desired } from './fixtures/resources';
import { diffResources } from '../../src/core/diff';

// ESC [2J clears the screen; the newline would start a line that looks like meshward's own; U+202E reverses text.
const NAME = 'evil\u001b[2J\n+ VirtualNode/shop/forged  (new)\u202etxt.exe\u2028';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

function hostileReport(): Report {
  const ref = { kind: 'VirtualNode' as const, name: NAME, mesh: 'shop' };
  const changes = diffResources({
    desired: [desired(ref, { backends: [{ virtualService: { virtualServiceName: `x\u001b]0;pwned\u0007` } }] })],
    actual: [actual(ref, { backends: [] })],
    state: { applied: {} },
    stack: 'shop-stack',
  });
  return buildReport({
    stack: 'shop-stack',
    mode: 'plan',
    generatedAt: '2026-11-25T12:00:00.000Z',
    changes,
    errors: [{ code: 'AWS_ERROR', message: `BadRequest for ${NAME}` }],
  });
}

const report = hostileReport();
const id = resourceId({ kind: 'VirtualNode', name: NAME, mesh: 'shop' });

it("has the hostile resource in the report model as it is (escaping is the renderers' job)", () => {
  expect(report.resources.map((r) => r.id)).toContain(id);
});

it.each([
  ['text', () => renderText(report)],
  ['text, colored', () => renderText(report, { color: true }).replace(/\u001b\[[0-9;]*m/g, '')],
  ['markdown', () => renderMarkdown(report)],
  ['html', () => renderHtml(report)],
  [
    'slack',
    () =>
      renderSlackReport(toReportView(report, { mode: 'detect' }))
        .blocks.flatMap((b) =>
          b.type === 'section'
            ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)]
            : b.type === 'context'
              ? b.elements.map((e) => e.text)
              : b.type === 'header'
                ? [b.text.text]
                : [],
        )
        .join('\n'),
  ],
])('%s: no raw control, separator or bidi character, no forged line', (_name, render) => {
  const out = render();
  expect(out).not.toMatch(RAW);
  expect(out).toContain('evil\\u001b[2J\\u000a+ VirtualNode/shop/forged  (new)\\u202etxt.exe\\u2028');
  expect(out.split('\n').some((line) => line.trimStart().startsWith('+ VirtualNode/shop/forged'))).toBe(false);
});

it('the colored text keeps only its own color codes', () => {
  const codes = renderText(report, { color: true }).match(/\u001b\[[0-9;]*[A-Za-z]/g) ?? [];
  expect(codes.every((c) => /^\u001b\[[0-9;]*m$/.test(c))).toBe(true);
});

it('json: escaped as JSON escapes, so the value reads back exactly', () => {
  const out = renderJson(report);
  expect(out).not.toMatch(RAW);
  const parsed = JSON.parse(out) as Report;
  expect(parsed.resources.map((r) => r.id)).toContain(id);
});
