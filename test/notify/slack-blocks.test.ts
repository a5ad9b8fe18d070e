import { renderResolved, renderSlackReport, type SlackBlock } from '../../src/notify/slack-blocks';
import { SLACK_LIMITS } from '../../src/notify/slack-limits';
import { driftedNode, view } from './fixtures';

function texts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((b) => {
    if (b.type === 'section') return [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)];
    if (b.type === 'context') return b.elements.map((e) => e.text);
    if (b.type === 'header') return [b.text.text];
    return [];
  });
}

function assertWithinLimits(blocks: SlackBlock[], text: string): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.topLevelText);
  for (const block of blocks) {
    if (block.type === 'section') {
      expect((block.text?.text ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
  }
}

describe('renderSlackReport', () => {
  it('names the stack, revision, mode, counts, resource, field, values, identity and outcome', () => {
    const message = renderSlackReport(view());
    const all = texts(message.blocks).join('\n');
    expect(message.text).toContain('meshward prod: drift detected');
    expect(all).toContain('stack *prod*');
    expect(all).toContain('`0123456789ab`');
    expect(all).toContain('mode *detect*');
    expect(all).toContain('*drift*\n1');
    expect(all).toContain('VirtualNode/shop/orders');
    // Drift reads as every diff does: the value in AWS now (what someone set) -> the value after apply (declared).
    expect(all).toContain('`/spec/listeners/0/timeout/http/perRequest/value`: `30` -&gt; `15`');
    expect(all).toContain('arn:aws:iam::123456789012:user/alice');
    expect(all).toContain('UpdateVirtualNode, 2026-11-25T17:00:00Z, from 10.1.2.3');
    expect(all).toContain('*reported only*');
  });

  it('shows pending changes in apply direction and the outcome of the apply', () => {
    const message = renderSlackReport(
      view({
        status: 'changed',
        mode: 'enforce',
        resources: [
          driftedNode({
            drifted: false,
            cause: 'pending',
            outcome: 'applied',
            attribution: undefined,
            changes: [{ path: '/spec/x', before: 'a', after: 'b' }],
          }),
        ],
      }),
    );
    expect(texts(message.blocks).join('\n')).toContain('`/spec/x`: `"a"` -&gt; `"b"`');
    expect(texts(message.blocks).join('\n')).toContain('— update from the manifests\n');
    expect(texts(message.blocks).join('\n')).toContain('meshward: *applied*');
  });

  it('tells a drift as what the person did, then what meshward did, in that order', () => {
    const drift = (outcome: 'reverted' | 'reported' | 'failed'): string =>
      renderSlackReport(
        view({
          mode: outcome === 'reported' ? 'detect' : 'enforce',
          resources: [
            driftedNode({
              outcome,
              changes: [{ path: '/spec/t', before: { unit: 's', value: 30 }, after: { unit: 's', value: 15 } }],
            }),
          ],
        }),
      ).blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []))[0] ?? '';
    const reverted = drift('reverted');
    // The head says what happened to the resource, not meshward's verb (an arrow under "reverted" reads as
    // "meshward changed 15s to 30s").
    expect(reverted.split('\n')[0]).toBe('*VirtualNode/shop/orders* — changed outside meshward');
    const lines = reverted.split('\n');
    const arrow = lines.findIndex((l) => l.includes('`30s` -&gt; `15s`'));
    const who = lines.findIndex((l) =>
      l.startsWith('_changed outside meshward by_ `arn:aws:iam::123456789012:user/alice`'),
    );
    const did = lines.findIndex((l) => l.startsWith('meshward: *reverted*'));
    expect(arrow).toBeGreaterThan(0);
    expect(who).toBeGreaterThan(arrow);
    expect(did).toBeGreaterThan(who);
    expect(lines[did]).toBe('meshward: *reverted* it to the declared value');
    expect(drift('reported')).toContain('meshward: *reported only* (detect mode: AWS keeps the change)');
    expect(drift('failed')).toContain('meshward: *failed* to revert it');
  });

  it('keeps the one direction when a pending change also overwrites a change made outside meshward', () => {
    const text =
      renderSlackReport(
        view({
          mode: 'enforce',
          resources: [
            driftedNode({ cause: 'pending', outcome: 'applied', changes: [{ path: '/spec/x', before: 1, after: 2 }] }),
          ],
        }),
      ).blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []))[0] ?? '';
    expect(text).toContain('— update from the manifests; AWS had also been changed outside meshward');
    expect(text).toContain('• `/spec/x`: `1` -&gt; `2`');
    expect(text).toContain('_changed outside meshward by_ `arn:aws:iam::123456789012:user/alice`');
    expect(text).toContain('meshward: *applied* the manifests (overwriting that change)');
  });

  it('keeps a realistic big drift (200 resources, long unicode values) inside every Slack limit', () => {
    const long = 'ünïcødé-✓-😀-'.repeat(200);
    const resources = Array.from({ length: 200 }, (_, i) =>
      driftedNode({
        id: `VirtualNode/shop/node-${i}-${'é'.repeat(40)}`,
        outcome: i % 2 === 0 ? 'reverted' : 'failed',
        error: i % 2 === 0 ? undefined : `BadRequestException: ${long}`,
        attribution: Array.from({ length: 5 }, (_, j) => ({
          identityArn: `arn:aws:sts::123456789012:assumed-role/${'R'.repeat(60)}/session-${j}-😀`,
          eventName: 'UpdateVirtualNode',
          eventTime: '2026-11-25T17:00:00Z',
        })),
        changes: Array.from({ length: 30 }, (_, k) => ({
          path: `/spec/listeners/${k}/timeout/http/perRequest`,
          before: { nested: long, k },
          after: `<@U123> ${long}`,
        })),
      }),
    );
    const message = renderSlackReport(
      view({ resources, counts: { drifted: 200, reverted: 100, failed: 100 }, error: long.repeat(5) }),
    );
    assertWithinLimits(message.blocks, message.text);
    const all = texts(message.blocks).join('\n');
    expect(all).not.toContain('<@U123>');
    expect(all).toMatch(/…and \d+ more resources/);
    // No half surrogate pair anywhere (a cut emoji makes Slack reject the payload as invalid UTF-8).
    expect(all).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    // Every resource section still says what meshward did, however much of the middle was folded.
    for (const block of message.blocks) {
      if (block.type === 'section' && block.text?.text.startsWith('*VirtualNode'))
        expect(block.text.text).toMatch(/\nmeshward: \*(reverted|failed)\*/);
    }
  });

  it('links the folded "and N more" to the full report stored with the state', () => {
    const resources = Array.from({ length: 200 }, (_, i) => driftedNode({ id: `VirtualNode/shop/node-${i}` }));
    const htmlUrl = 'https://eu-west-1.console.aws.amazon.com/s3/object/b?region=eu-west-1&prefix=s/reports/x.html';
    const message = renderSlackReport(
      view({ resources, fullReport: { htmlUrl, markdownUrl: htmlUrl.replace('.html', '.md') } }),
    );
    assertWithinLimits(message.blocks, message.text);
    const all = texts(message.blocks).join('\n');
    expect(all).toMatch(
      new RegExp(`…and \\d+ more resources: <${htmlUrl.replace(/[?.]/g, '\\$&')}\\|see the full report>`),
    );
    expect(all).toContain(`<${htmlUrl}|Full report>`);
    // Without a stored report, nothing pretends to link.
    expect(texts(renderSlackReport(view({ resources })).blocks).join('\n')).not.toContain('full report');
  });

  it('escapes Slack control characters in user data', () => {
    const message = renderSlackReport(
      view({ resources: [driftedNode({ id: 'VirtualNode/m/<!channel>', changes: [] })] }),
    );
    const all = texts(message.blocks).join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('&lt;!channel&gt;');
  });

  it('folds many resources into "and N more" within 50 blocks', () => {
    const resources = Array.from({ length: 120 }, (_, i) => driftedNode({ id: `VirtualNode/shop/n${i}` }));
    const message = renderSlackReport(view({ resources, counts: { drift: 120 } }));
    assertWithinLimits(message.blocks, message.text);
    expect(message.blocks).toHaveLength(SLACK_LIMITS.blocks);
    const last = message.blocks[message.blocks.length - 1];
    expect(last?.type === 'context' && last.elements[0]?.text).toMatch(/…and \d+ more resources/);
    const shown = message.blocks.filter((b) => b.type === 'section' && b.text?.text.startsWith('*VirtualNode')).length;
    expect(last?.type === 'context' && last.elements[0]?.text).toBe(`…and ${120 - shown} more resources`);
  });

  it('folds many fields of one resource into "and N more fields" within 3,000 characters', () => {
    const changes = Array.from({ length: 200 }, (_, i) => ({
      path: `/spec/listeners/${i}/portMapping/port`,
      before: 'x'.repeat(400),
      after: i,
    }));
    const message = renderSlackReport(view({ resources: [driftedNode({ changes })] }));
    assertWithinLimits(message.blocks, message.text);
    expect(texts(message.blocks).join('\n')).toMatch(/…and \d+ more fields/);
  });

  it('keeps counts within 10 fields', () => {
    const counts = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`c${i}`, i + 1]));
    const message = renderSlackReport(view({ counts }));
    assertWithinLimits(message.blocks, message.text);
    const fieldsBlock = message.blocks.find((b) => b.type === 'section' && b.fields);
    expect(fieldsBlock?.type === 'section' && fieldsBlock.fields?.[9]?.text).toContain('c13: 14');
  });

  it('says why nothing was applied for invalid manifests, folding long issue lists', () => {
    const issues = Array.from({ length: 300 }, (_, i) => `manifests/a.yaml:${i + 1}:3 /spec/x must be string`);
    const message = renderSlackReport(view({ status: 'invalid', resources: [], counts: {}, issues }));
    assertWithinLimits(message.blocks, message.text);
    const all = texts(message.blocks).join('\n');
    expect(all).toContain('invalid manifests: nothing applied');
    expect(all).toContain('manifests/a.yaml:1:3 /spec/x must be string');
    expect(all).toMatch(/…and \d+ more issues/);
  });

  it('renders a resolved message listing the resources', () => {
    const message = renderResolved(view(), ['VirtualNode/shop/orders']);
    expect(message.text).toBe('meshward prod: drift resolved');
    expect(texts(message.blocks).join('\n')).toContain('VirtualNode/shop/orders');
  });

  it('lists safety-guard refusals', () => {
    const message = renderSlackReport(
      view({ status: 'refused', resources: [], refusals: ['MAX_DELETES: 7 deletes exceed --max-deletes 5'] }),
    );
    const all = texts(message.blocks).join('\n');
    expect(all).toContain('refused by a safety guard');
    expect(all).toContain('MAX_DELETES: 7 deletes exceed --max-deletes 5');
  });
});
