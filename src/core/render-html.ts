/**
 * `-o html` and the full report stored with the state: one self-contained page (inline CSS and SVG, no script, no
 * request for anything: a Content-Security-Policy forbids it) with the topology picture, every resource's diff
 * (nothing folded: this is where "and N more" points), drifted resources highlighted in both.
 */
import { redact } from './fingerprint';
import {
  ACTION_SYMBOL,
  ACTION_VERB,
  actionCount,
  ARROW,
  causeLabel,
  CHANGED_BY,
  changedByLine,
  countPhrase,
  DIRECTION_LEGEND,
  formatValue,
  printableDeep,
} from './format-value';
import type { Report, ReportResource } from './report';
import { RELATION_LEGEND, type Topology, type TopologyEdge, legendEntries } from './topology';
import { MARK_STROKE, ROLE_FILL, toSvg, xml, type NodeMark } from './topology-svg';

export interface HtmlOptions {
  /** The picture of what the manifests declare; without it the page has the diffs only. */
  topology?: Topology;
  /** Longest value shown in a diff cell before it is cut (the JSON report has them whole). */
  maxValueLength?: number;
}

const EXIT_MEANING: Record<number, string> = {
  0: 'in sync',
  1: 'error',
  2: 'pending changes',
  3: 'drift',
  4: 'refused by a safety guard',
};

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2329; margin: 0; background: #ffffff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid #dde3e9; padding-bottom: 4px; }
.meta { color: #5f6b7a; margin: 0 0 14px; }
.status { display: inline-block; font-weight: 700; padding: 2px 10px; border-radius: 12px; background: #e4e8eb; }
.status.exit-0 { background: #dff1e3; color: #1b5e20; } .status.exit-2 { background: #fdf1d0; color: #6d4c00; }
.status.exit-3, .status.exit-1 { background: #fbe0e0; color: #8e1c1c; } .status.exit-4 { background: #efe0f5; color: #4a1470; }
.counts { margin: 10px 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 8px; }
.counts li { border: 1px solid #dde3e9; border-radius: 6px; padding: 4px 10px; background: #fafbfc; }
.alert { border-left: 4px solid #c62828; background: #fdf0f0; padding: 8px 12px; margin: 8px 0; }
.alert.guard { border-color: #6a1b9a; background: #f7effa; }
.picture { display: inline-block; max-width: 100%; box-sizing: border-box; overflow-x: auto; border: 1px solid #dde3e9; border-radius: 8px; padding: 12px; background: #ffffff; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 10px 0 0; padding: 0; list-style: none; font-size: 13px; color: #3c4650; }
.legend .swatch { display: inline-block; width: 14px; height: 14px; vertical-align: -2px; margin-right: 5px; border: 1px solid #7b8794; border-radius: 3px; }
.legend svg { vertical-align: middle; margin-right: 5px; }
.direction { margin: 6px 0 12px; color: #3c4650; }
.jump a { margin-right: 10px; }
section.resource { border: 1px solid #dde3e9; border-left: 5px solid #9aa5b1; border-radius: 6px; margin: 10px 0; padding: 8px 14px; }
section.resource.drifted { border-left-color: #c62828; background: #fff7f7; }
section.resource.conflict { border-left-color: #6a1b9a; }
section.resource.errored { border-left-color: #c62828; }
section.resource.pending { border-left-color: #b26a00; }
section.resource h3 { font-size: 15px; margin: 2px 0 6px; font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
.badge { display: inline-block; font: 700 11px/1.6 system-ui, sans-serif; padding: 0 8px; border-radius: 9px; margin-left: 6px; background: #e4e8eb; color: #3c4650; vertical-align: 2px; }
.badge.drift { background: #c62828; color: #ffffff; }
.badge.conflict { background: #6a1b9a; color: #ffffff; }
table.diff { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 13px; }
table.diff th, table.diff td { border: 1px solid #dde3e9; padding: 4px 8px; text-align: left; vertical-align: top; }
table.diff th { background: #f3f5f7; }
table.diff td { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; white-space: pre-wrap; }
table.diff td.now { background: #fdf0f0; } table.diff td.after { background: #eff8f0; }
td.arrow { text-align: center; color: #5f6b7a; width: 2em; }
.note { color: #3c4650; margin: 4px 0; }
.error { color: #8e1c1c; }
footer { color: #5f6b7a; margin-top: 30px; font-size: 12px; }
`;

function page(title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Self-contained and inert: nothing is fetched, nothing runs, even if a value slipped through escaping.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${xml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    ...body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

function markOf(r: ReportResource): NodeMark | undefined {
  if (r.action === 'conflict') return 'conflict';
  if (r.error || r.outcome === 'failed' || r.outcome === 'blocked') return 'error';
  if (r.cause === 'drift' || r.alsoDrifted) return 'drift';
  if (r.action !== 'unchanged') return 'pending';
  return undefined;
}

const isDrifted = (r: ReportResource): boolean => r.cause === 'drift' || r.alsoDrifted === true;

function legend(topology: Topology, marks: ReadonlySet<NodeMark>): string {
  const items = legendEntries(topology).map(
    ({ role, noun }) => `<li><span class="swatch" style="background:${ROLE_FILL[role]}"></span>${xml(noun)}</li>`,
  );
  const line = (style: string): string =>
    `<svg width="34" height="10" aria-hidden="true"><line x1="0" y1="5" x2="34" y2="5" ${style}/></svg>`;
  const relations = [...new Set(topology.edges.map((e) => e.relation))] as TopologyEdge['relation'][];
  const solid = relations.filter((r) => r !== 'backend' && r !== 'runs');
  if (solid.length > 0) {
    items.push(
      `<li>${line('stroke="#5f6b7a" stroke-width="1.4"')}routes requests (gateway to its routes to a service, to its router or node, to routes, to nodes); a number is the route's weight</li>`,
    );
  }
  if (relations.includes('backend'))
    items.push(
      `<li>${line('stroke="#2e7d32" stroke-width="1.4" stroke-dasharray="6 4"')}${RELATION_LEGEND.backend}</li>`,
    );
  if (relations.includes('runs'))
    items.push(`<li>${line('stroke="#455a64" stroke-width="3"')}${RELATION_LEGEND.runs}</li>`);
  if (topology.nodes.some((n) => n.external))
    items.push('<li><span class="swatch" style="border-style:dashed"></span>external (managed elsewhere)</li>');
  const markWords: Record<NodeMark, string> = {
    drift: 'drifted: changed in AWS outside meshward',
    pending: 'pending: the manifests change it',
    error: 'failed or blocked',
    conflict: 'conflict: not owned by this stack',
  };
  for (const m of ['drift', 'pending', 'error', 'conflict'] as const) {
    if (marks.has(m)) {
      items.push(
        `<li><span class="swatch" style="border:3px solid ${MARK_STROKE[m]};background:#ffffff"></span>${xml(markWords[m])}</li>`,
      );
    }
  }
  return `<ul class="legend">${items.join('')}</ul>`;
}

function picture(topology: Topology, marks: ReadonlyMap<string, NodeMark>, links: ReadonlyMap<string, string>) {
  return [
    '<div class="picture">',
    toSvg(topology, { marks, links }),
    '</div>',
    legend(topology, new Set(marks.values())),
  ];
}

function resourceSection(r: ReportResource, anchor: string, max: number): string {
  const mark = markOf(r);
  const classes = ['resource', ...(isDrifted(r) ? ['drifted'] : []), ...(mark === 'conflict' ? ['conflict'] : [])];
  if (mark === 'error') classes.push('errored');
  if (mark === 'pending') classes.push('pending');
  const badges = [
    `<span class="badge">${xml(r.action)}</span>`,
    `<span class="badge${isDrifted(r) ? ' drift' : ''}">${xml(isDrifted(r) ? `drift${r.cause === 'drift' ? '' : `, ${r.cause}`}` : causeLabel(r.cause, r.alsoDrifted))}</span>`,
    ...(r.action === 'conflict' ? ['<span class="badge conflict">not ours</span>'] : []),
    ...(r.outcome !== undefined ? [`<span class="badge">${xml(r.outcome)}</span>`] : []),
  ];
  const out = [
    `<section id="${anchor}" class="${classes.join(' ')}" data-id="${xml(r.id)}">`,
    `<h3>${xml(`${ACTION_SYMBOL[r.action]} ${r.id}`)}${badges.join('')}</h3>`,
  ];
  if (r.reason !== undefined) out.push(`<p class="note">${xml(r.reason)}</p>`);
  if (r.changes.length > 0) {
    out.push(
      '<table class="diff"><thead><tr><th>Field</th><th>Now (AWS)</th><th></th><th>After apply (manifests)</th></tr></thead><tbody>',
    );
    for (const f of r.changes) {
      out.push(
        `<tr><td>${xml(f.path)}</td><td class="now">${xml(formatValue(f.before, max))}</td><td class="arrow">${xml(ARROW)}</td><td class="after">${xml(formatValue(f.after, max))}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  if (r.attribution) {
    const by = changedByLine(r.attribution);
    out.push(
      `<p class="note">${xml(CHANGED_BY)} <code>${xml(by.identity)}</code>${by.details !== '' ? ` (${xml(by.details)})` : ''}</p>`,
    );
  }
  if (r.source)
    out.push(
      `<p class="note">Declared in <code>${xml(`${r.source.file}:${r.source.line}:${r.source.column}`)}</code></p>`,
    );
  if (r.skippedReason !== undefined)
    out.push(`<p class="note">${r.blockedBy !== undefined ? 'Blocked' : 'Skipped'}: ${xml(r.skippedReason)}</p>`);
  if (r.error)
    out.push(
      `<p class="note error"><strong>Error</strong> <code>${xml(r.error.code)}</code>: ${xml(r.error.message)}</p>`,
    );
  out.push('</section>');
  return out.join('\n');
}

/** The whole report as one page. */
export function renderHtml(untrusted: Report, options: HtmlOptions = {}): string {
  const report = printableDeep(untrusted);
  const max = options.maxValueLength ?? 2000;
  const s = report.summary;
  const shown = report.resources.filter((r) => r.action !== 'unchanged' || r.outcome !== undefined || r.error);
  const anchors = new Map(shown.map((r, i) => [r.id, `res-${i + 1}`]));
  const marks = new Map<string, NodeMark>();
  for (const r of shown) {
    const m = markOf(r);
    if (m) marks.set(r.id, m);
  }
  const title = `meshward ${report.mode ?? 'report'}: stack ${report.stack}`;
  const meta = [
    `stack <strong>${xml(report.stack)}</strong>`,
    ...(report.revision !== undefined ? [`revision <code>${xml(report.revision)}</code>`] : []),
    xml(report.generatedAt),
  ];
  const counts = (['create', 'update', 'replace', 'delete'] as const).map(
    (a) => `<li>${xml(countPhrase(actionCount(s, a), ACTION_VERB[a]))}</li>`,
  );
  if (s.byAction.conflict > 0)
    counts.push(`<li>${s.byAction.conflict} conflict${s.byAction.conflict === 1 ? '' : 's'}</li>`);
  counts.push(
    `<li>${s.byAction.unchanged} unchanged</li>`,
    `<li>${s.drifted} drifted</li>`,
    `<li>${s.pending} pending</li>`,
  );
  for (const [outcome, n] of Object.entries(s.byOutcome)) counts.push(`<li>${n} ${xml(outcome)}</li>`);
  const body = [
    `<h1>${xml(title)}</h1>`,
    `<p class="meta">${meta.join(' · ')}</p>`,
    `<p><span class="status exit-${report.exitCode}">${xml(EXIT_MEANING[report.exitCode] ?? 'unknown')}</span> ${s.total} resources compared</p>`,
    `<ul class="counts">${counts.join('')}</ul>`,
    ...report.errors.map((e) => `<div class="alert"><strong>${xml(e.code)}</strong>: ${xml(e.message)}</div>`),
    ...report.guards.map(
      (g) => `<div class="alert guard"><strong>Refused (${xml(g.code)})</strong>: ${xml(g.message)}</div>`,
    ),
  ];
  const drifted = shown.filter(isDrifted);
  if (drifted.length > 0) {
    body.push(
      `<p class="jump"><strong>Drifted:</strong> ${drifted.map((r) => `<a href="#${anchors.get(r.id) ?? ''}">${xml(r.id)}</a>`).join(' ')}</p>`,
    );
  }
  if (options.topology && options.topology.nodes.length > 0) {
    const links = new Map([...anchors].map(([id, anchor]) => [id, `#${anchor}`]));
    body.push('<h2>Topology</h2>', ...picture(options.topology, marks, links));
  }
  body.push(`<h2>Resources (${shown.length})</h2>`);
  if (shown.length === 0) body.push('<p>No changes. AWS matches the manifests.</p>');
  else body.push(`<p class="direction">${xml(DIRECTION_LEGEND)}</p>`);
  for (const r of shown) body.push(resourceSection(r, anchors.get(r.id) ?? '', max));
  if (report.apiCalls && Object.keys(report.apiCalls).length > 0) {
    const calls = Object.entries(report.apiCalls).map(([op, n]) => `${xml(op)} ${n}`);
    body.push(`<footer>API calls: ${calls.join(', ')}</footer>`);
  }
  return redact(page(title, body));
}

/** `meshward graph -o html`: the picture and its legend alone. */
export function renderGraphHtml(untrusted: Topology, heading = 'meshward topology'): string {
  const topology = printableDeep(untrusted);
  const frames = [...new Set(topology.nodes.map((n) => n.group))];
  return page(heading, [
    `<h1>${xml(heading)}</h1>`,
    `<p class="meta">${frames.map(xml).join(' · ')} · ${topology.nodes.length} resources</p>`,
    ...(topology.nodes.length > 0
      ? picture(topology, new Map(), new Map())
      : ['<p>The manifests declare no mesh resources.</p>']),
  ]);
}
