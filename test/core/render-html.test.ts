/**
 * The HTML report and `graph -o html`, as pages a person opens: rendered by headless Chromium (Debian's package,
 * driven through its command line), with the DOM and computed styles read back and a screenshot taken.
 * MESHWARD_SCREENSHOTS=DIR keeps the screenshots for a look.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as graph from '../../src/cli/commands/graph';
import { diffResources } from '../../src/core/diff';
import { buildPlan } from '../../src/core/plan';
import { renderGraphHtml, renderHtml } from '../../src/core/render-html';
import { buildReport, type Report } from '../../src/core/report';
import { buildTopology } from '../../src/core/topology';
import { resourceId } from '../../src/core/types';
import { checkPage, describeWithChromium, pngSize } from '../support/chromium';
import { actualOf, appliedState, desired, referenceTopology, refs, STACK } from './fixtures/resources';

const nodeId = resourceId(refs.frontNode);
const HOSTILE = 'evil\u001b[2J\u202e<script>alert(1)</script>\nforged';

/** Drift on the front node, 200 new nodes (one with a hostile name): more than any Slack message can hold. */
function bigDrift(): { report: Report; topology: ReturnType<typeof buildTopology> } {
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
  const extra = Array.from({ length: 200 }, (_, i) =>
    desired(
      { kind: 'VirtualNode', name: i === 7 ? HOSTILE : `worker-${String(i).padStart(3, '0')}`, mesh: 'shop' },
      { listeners: [{ portMapping: { port: 8080 + i, protocol: 'http' } }] },
    ),
  );
  const wanted = [...all, ...extra];
  const changes = diffResources({ desired: wanted, actual: actuals, state: appliedState(all), stack: STACK });
  const report = buildReport({
    stack: STACK,
    revision: 'abc123',
    mode: 'detect',
    generatedAt: '2026-11-25T12:00:00.000Z',
    plan: buildPlan(changes, { prune: false, desiredCount: wanted.length }),
    attribution: {
      [nodeId]: {
        identityArn: 'arn:aws:iam::111122223333:user/alice',
        eventName: 'UpdateVirtualNode',
        eventTime: '2026-11-25T11:58:00Z',
      },
    },
  });
  return { report, topology: buildTopology(wanted) };
}

function keep(name: string, png: Buffer): void {
  const dir = process.env['MESHWARD_SCREENSHOTS'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), png);
}

describe('renderHtml (markup)', () => {
  const { report, topology } = bigDrift();
  const html = renderHtml(report, { topology });

  it('is one self-contained page that loads and runs nothing', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|src=|url\(http/i);
  });

  it('lists every resource, nothing folded', () => {
    expect(html.match(/<section id="res-/g)).toHaveLength(201);
  });

  it('escapes the hostile name: no markup, no raw control or bidi character', () => {
    expect(html).toContain('evil\\u001b[2J\\u202e&lt;script&gt;alert(1)&lt;/script&gt;\\u000aforged');
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\u001b\u202e]/);
  });
});

describeWithChromium('HTML pages in headless Chromium', (chromium) => {
  jest.setTimeout(120_000);

  it('renders the report: the picture, 201 diffs, the drifted resource highlighted in both', async () => {
    const { report, topology } = bigDrift();
    const page = await checkPage(
      chromium,
      renderHtml(report, { topology }),
      `
      const drifted = document.querySelector('section.resource.drifted');
      const plain = document.querySelector('section.resource:not(.drifted)');
      const box = document.querySelector('svg.topology [data-id="${nodeId}"]');
      const rect = box && box.querySelector('rect');
      const svg = document.querySelector('svg.topology').getBoundingClientRect();
      return {
        title: document.title,
        sections: document.querySelectorAll('section.resource').length,
        driftedId: drifted && drifted.dataset.id,
        driftedBorder: drifted && getComputedStyle(drifted).borderLeftColor,
        plainBorder: plain && getComputedStyle(plain).borderLeftColor,
        driftedBackground: drifted && getComputedStyle(drifted).backgroundColor,
        boxClass: box && box.getAttribute('class'),
        boxStroke: rect && rect.getAttribute('stroke'),
        boxLink: box && box.getAttribute('href'),
        svgWidth: svg.width,
        svgHeight: svg.height,
        scripts: document.scripts.length,
        jump: document.querySelector('.jump a') && document.querySelector('.jump a').getAttribute('href'),
      };`,
    );
    expect(page.probe).toMatchObject({
      title: `meshward detect: stack ${STACK}`,
      sections: 201,
      driftedId: nodeId,
      // #c62828 in the stylesheet: red for drift, grey for the rest.
      driftedBorder: 'rgb(198, 40, 40)',
      plainBorder: expect.not.stringMatching(/198, 40, 40/),
      driftedBackground: 'rgb(255, 247, 247)',
      boxClass: expect.stringContaining('mark-drift'),
      boxStroke: '#c62828',
      // Only the probe's own script: the hostile name did not become one.
      scripts: 1,
    });
    const probe = page.probe as { boxLink: string; jump: string; svgWidth: number; svgHeight: number };
    expect(probe.boxLink).toBe(probe.jump);
    expect(probe.svgWidth).toBeGreaterThan(400);
    expect(probe.svgHeight).toBeGreaterThan(400);
    expect(pngSize(page.screenshot)).toEqual({ width: 1280, height: 1600 });
    // A blank page compresses to a few KB; a rendered one with a picture and tables does not.
    expect(page.screenshot.length).toBeGreaterThan(30_000);
    keep('report.png', page.screenshot);
  });

  it('renders graph -o html of manifests/: every resource drawn, ECS services, match conditions, a legend', async () => {
    let out = '';
    const io = {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
      env: {},
      cwd: resolve(__dirname, '../..'),
    };
    expect(await graph.run(['manifests/', '-o', 'html'], io)).toBe(0);
    const page = await checkPage(
      chromium,
      out,
      `
      const nodes = [...document.querySelectorAll('svg.topology .node')];
      const text = (el) => el.textContent;
      return {
        nodes: nodes.length,
        ecs: nodes.filter((n) => n.getAttribute('class').includes('role-task')).map(text),
        routes: nodes.filter((n) => n.getAttribute('class').includes('role-route')).map(text),
        edges: document.querySelectorAll('svg.topology path.edge').length,
        legend: [...document.querySelectorAll('.legend li')].map(text),
        // Top to bottom: the gateway above the nodes it leads to.
        gatewayY: document.querySelector('.role-entry rect').getBoundingClientRect().y,
        nodeY: Math.min(...[...document.querySelectorAll('.role-workload rect')].map((r) => r.getBoundingClientRect().y)),
      };`,
    );
    const probe = page.probe as {
      nodes: number;
      ecs: string[];
      routes: string[];
      edges: number;
      legend: string[];
      gatewayY: number;
      nodeY: number;
    };
    expect(probe.nodes).toBe(18);
    expect(probe.ecs).toHaveLength(5);
    expect(probe.routes.join(' ')).toContain('header x-canary = true');
    expect(probe.edges).toBeGreaterThan(15);
    expect(probe.legend).toEqual(expect.arrayContaining(['gateway', 'route', 'node', 'ECS service']));
    expect(probe.gatewayY).toBeLessThan(probe.nodeY);
    expect(page.screenshot.length).toBeGreaterThan(30_000);
    keep('graph.png', page.screenshot);
  });

  it('renders an empty topology page without failing', async () => {
    const page = await checkPage(
      chromium,
      renderGraphHtml({ nodes: [], edges: [] }),
      'return document.body.innerText;',
    );
    expect(page.probe).toContain('The manifests declare no mesh resources.');
  });
});
