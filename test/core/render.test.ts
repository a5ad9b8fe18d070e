import { diffResources } from '../../src/core/diff';
import type { ResourceChange } from '../../src/core/model';
import { buildPlan } from '../../src/core/plan';
import { buildReport, renderJson, renderMarkdown, renderText, type Report } from '../../src/core/report';
import { resourceId } from '../../src/core/types';
import { actualOf, appliedState, desired, referenceTopology, refs, STACK } from './fixtures/resources';

const NOW = '2026-11-25T12:00:00.000Z';
const nodeId = resourceId(refs.frontNode);
const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';

/** Drift on the front node, a new node, a removed service (prune off), attribution on the drift. */
function sampleReport(overrides: Partial<Parameters<typeof buildReport>[0]> = {}): Report {
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
  const extra = desired(
    { kind: 'VirtualNode', name: 'service-c', mesh: 'shop' },
    { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
  );
  const kept = all.filter((d) => d.id !== resourceId(refs.bService));
  const changes = diffResources({ desired: [...kept, extra], actual: actuals, state: appliedState(all), stack: STACK });
  const plan = buildPlan(changes, { prune: false, desiredCount: kept.length + 1 });
  return buildReport({
    stack: STACK,
    revision: 'abc123',
    mode: 'drift',
    generatedAt: NOW,
    plan,
    attribution: {
      [nodeId]: {
        identityArn: 'arn:aws:iam::111122223333:user/alice',
        eventName: 'UpdateVirtualNode',
        eventTime: '2026-11-25T11:58:00Z',
        sourceIp: '203.0.113.7',
      },
    },
    apiCalls: { 'appmesh:ListVirtualNodes': 2 },
    ...overrides,
  });
}

describe('renderText', () => {
  const text = renderText(sampleReport());
  const lines = text.split('\n');

  it('heads with mode, stack, revision and time', () => {
    expect(lines[0]).toBe(`meshward drift · stack ${STACK} · revision abc123 · ${NOW}`);
  });

  it('shows field-level diffs with compact durations, cause in parentheses', () => {
    expect(lines).toContain('~ VirtualNode/shop/front  (drift)');
    expect(lines).toContain('    ~ /spec/listeners/0/timeout/http/perRequest: 60s -> 15s');
    expect(lines).toContain(
      '    changed outside meshward by arn:aws:iam::111122223333:user/alice (UpdateVirtualNode, 2026-11-25T11:58:00Z, from 203.0.113.7)',
    );
  });

  it('lists a create field by field and a skipped delete with its reason', () => {
    expect(lines).toContain('+ VirtualNode/shop/service-c  (new)');
    expect(lines).toContain('    + /spec/listeners/0/portMapping/protocol: "http"');
    expect(lines).toContain('- VirtualService/shop/service-b.shop.local  (removed)');
    expect(lines).toContain('    skipped: prune is off');
  });

  it('ends with a summary and the API calls', () => {
    expect(text).toContain(
      'Summary: 1 to create, 1 to update, 0 to replace, 0 to delete (1 with --prune), 12 unchanged · 1 drifted, 2 pending · exit 3',
    );
    expect(text).toContain('API calls: appmesh:ListVirtualNodes 2');
  });

  it('colors only when asked', () => {
    expect(text).not.toContain('\x1b[');
    const colored = renderText(sampleReport(), { color: true });
    expect(colored).toContain('\x1b[33m~ VirtualNode/shop/front  (drift)\x1b[0m');
    expect(colored).toContain('\x1b[32m+ VirtualNode/shop/service-c  (new)\x1b[0m');
    expect(colored).toContain('\x1b[31m- VirtualService/shop/service-b.shop.local  (removed)\x1b[0m');
  });

  it('says so when there is nothing to do', () => {
    const empty = buildReport({ stack: STACK, generatedAt: NOW, changes: [] });
    expect(renderText(empty)).toContain('No changes. AWS matches the manifests.');
  });

  it('cuts long values and long creates', () => {
    const long = 'x'.repeat(500);
    const change: ResourceChange = {
      id: nodeId,
      ref: refs.frontNode,
      kind: 'VirtualNode',
      action: 'create',
      cause: 'new',
      changes: Array.from({ length: 30 }, (_, i) => ({ path: `/spec/f${i}`, before: undefined, after: long })),
    };
    const out = renderText(buildReport({ stack: STACK, generatedAt: NOW, changes: [change] }), {
      maxValueLength: 40,
      maxCreateFields: 5,
    });
    expect(out).toContain('    … and 25 more fields');
    const line = out.split('\n').find((l) => l.startsWith('    + /spec/f0: '));
    expect(line?.length).toBeLessThanOrEqual('    + /spec/f0: '.length + 40);
    expect(line).toContain('…');
  });

  it('shows refusals and errors', () => {
    const report = sampleReport({
      errors: [{ code: 'AWS_TERMINAL', message: 'boom' }],
    });
    const withGuard: Report = {
      ...report,
      guards: [{ code: 'max-deletes', message: 'too many', ids: ['a'], scope: 'plan' }],
    };
    const out = renderText(withGuard);
    expect(out).toContain('error AWS_TERMINAL: boom');
    expect(out).toContain('Refused by safety guards:');
    expect(out).toContain('  ! max-deletes: too many');
  });

  // Reasons, tag keys and error messages come from AWS; an escape sequence in one must not drive the terminal.
  it('shows control characters from AWS as escapes instead of sending them to the terminal', () => {
    const hostile = '\u001b]0;owned\u0007\u001b[2J';
    const out = renderText(sampleReport({ errors: [{ code: 'AWS_TERMINAL', message: `boom ${hostile}` }] }), {
      color: true,
    });
    expect(out).toContain('boom \\u001b]0;owned\\u0007\\u001b[2J');
    expect(out).not.toContain('\u0007');
    // Only the renderer's own color codes remain.
    expect(
      out
        .split('\u001b')
        .slice(1)
        .every((rest) => /^\[\d+m/.test(rest)),
    ).toBe(true);
  });

  it('never prints a Slack secret', () => {
    const out = renderText(sampleReport({ errors: [{ code: 'CONFIG', message: `cannot post to ${HOOK}` }] }));
    expect(out).not.toContain('hooks.slack.com');
    expect(out).toContain('cannot post to [redacted]');
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleReport());

  it('heads with stack, revision, verdict and a summary table', () => {
    expect(md.startsWith(`### meshward drift: stack \`${STACK}\` at \`abc123\``)).toBe(true);
    expect(md).toContain('**drift** (exit 3) · 1 drifted · 2 pending · 15 resources');
    expect(md).toContain('| Action | Count |\n|---|---:|\n| create | 1 |\n| update | 1 |');
  });

  it('folds each resource into <details> with a before/after table', () => {
    expect(md).toContain('<details><summary><code>~ VirtualNode/shop/front</code> update · drift</summary>');
    expect(md).toContain('| `/spec/listeners/0/timeout/http/perRequest` | `60s` | `15s` |');
    expect(md).toContain('Changed outside meshward by `arn:aws:iam::111122223333:user/alice` (UpdateVirtualNode, ');
    expect(md).toContain('| Field | Now (AWS) | After apply (manifests) |');
    expect(md).toContain('| delete | 0 (1 with --prune) |');
    expect(md).toContain('Skipped: prune is off');
    expect(md.match(/<details>/g)).toHaveLength(3);
    expect(md.match(/<\/details>/g)).toHaveLength(3);
  });

  it('keeps pipes and backticks from breaking the table', () => {
    const change: ResourceChange = {
      id: nodeId,
      ref: refs.frontNode,
      kind: 'VirtualNode',
      action: 'update',
      cause: 'pending',
      changes: [{ path: '/tags/a', before: 'x|y', after: 'has `tick`' }],
    };
    const out = renderMarkdown(buildReport({ stack: STACK, generatedAt: NOW, changes: [change] }));
    expect(out).toContain('| `/tags/a` | `"x\\|y"` | ``"has `tick`"`` |');
  });

  it('stays within the comment limit, folding the rest into "and N more"', () => {
    const changes: ResourceChange[] = Array.from({ length: 400 }, (_, i) => ({
      id: `VirtualNode/shop/n${String(i).padStart(3, '0')}`,
      ref: { kind: 'VirtualNode', name: `n${i}`, mesh: 'shop' },
      kind: 'VirtualNode',
      action: 'update',
      cause: 'drift',
      changes: Array.from({ length: 10 }, (_, j) => ({ path: `/spec/field${j}`, before: 'a'.repeat(50), after: 'b' })),
    }));
    const report = buildReport({ stack: STACK, generatedAt: NOW, changes });
    const out = renderMarkdown(report);
    expect(out.length).toBeLessThanOrEqual(65_536);
    expect(out).toMatch(/_… and \d+ more resources not shown \(see `-o json`\)._\n$/);
    const shown = out.match(/<details>/g)?.length ?? 0;
    expect(out).toContain(`and ${400 - shown} more resources`);
    expect(out.match(/<\/details>/g)?.length).toBe(shown);
    const small = renderMarkdown(report, { maxLength: 3000 });
    expect(small.length).toBeLessThanOrEqual(3000);
  });

  it('lists guards as warnings', () => {
    const report: Report = {
      ...sampleReport(),
      guards: [{ code: 'deletion-protection', message: 'not deleting X', ids: ['X'], scope: 'resources' }],
    };
    expect(renderMarkdown(report)).toContain('> [!WARNING]\n> **Refused (deletion-protection)**: not deleting X');
  });

  it('never prints a Slack secret', () => {
    const out = renderMarkdown(
      sampleReport({ errors: [{ code: 'CONFIG', message: `token xoxb-123-456-abc failed` }] }),
    );
    expect(out).not.toContain('xoxb-');
  });
});

describe('renderJson', () => {
  it('writes the documented, versioned shape with absent values left out', () => {
    const json = JSON.parse(renderJson(sampleReport())) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'formatVersion',
      'stack',
      'revision',
      'mode',
      'generatedAt',
      'exitCode',
      'summary',
      'resources',
      'guards',
      'errors',
      'apiCalls',
      'driftFingerprint',
    ]);
    expect(json.formatVersion).toBe(1);
    expect(json.exitCode).toBe(3);
    const resources = json.resources as { id: string; changes: Record<string, unknown>[] }[];
    const created = resources.find((r) => r.id === 'VirtualNode/shop/service-c');
    expect(created?.changes[0]).toEqual({ path: '/spec/listeners/0/portMapping/port', after: 80 });
    const drifted = resources.find((r) => r.id === nodeId);
    expect(drifted?.changes[0]).toEqual({
      path: '/spec/listeners/0/timeout/http/perRequest',
      before: { unit: 's', value: 60 },
      after: { unit: 's', value: 15 },
    });
  });

  it('is byte-for-byte stable and redacted', () => {
    expect(renderJson(sampleReport())).toBe(renderJson(sampleReport()));
    const out = renderJson(sampleReport({ errors: [{ code: 'CONFIG', message: HOOK }] }));
    expect(out).not.toContain('hooks.slack.com');
  });
});

describe('warnings (what a run could not check)', () => {
  const warning = { code: 'PREFLIGHT_UNCHECKED', message: 'IAM role "arn:aws:iam::111122223333:role/x" not checked' };

  it('are shown in text, Markdown and JSON, and change no exit code', () => {
    const plain = buildReport({ stack: STACK, generatedAt: NOW, changes: [] });
    const warned = buildReport({ stack: STACK, generatedAt: NOW, changes: [], warnings: [warning] });
    expect(warned.exitCode).toBe(plain.exitCode);
    expect(renderText(warned)).toContain(`warning PREFLIGHT_UNCHECKED: ${warning.message}`);
    expect(renderMarkdown(warned)).toContain('**PREFLIGHT_UNCHECKED**: IAM role');
    expect((JSON.parse(renderJson(warned)) as { warnings: unknown }).warnings).toEqual([warning]);
  });

  it('leave a report without them as it was (no empty list in the JSON)', () => {
    const plain = buildReport({ stack: STACK, generatedAt: NOW, changes: [], warnings: [] });
    expect('warnings' in (JSON.parse(renderJson(plain)) as object)).toBe(false);
  });
});
