/** plan / apply / drift / export / graph through their run(argv) entry points, on the embedded emulator (--local). */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as apply from '../../src/cli/commands/apply';
import * as drift from '../../src/cli/commands/drift';
import * as exportCommand from '../../src/cli/commands/export';
import * as graph from '../../src/cli/commands/graph';
import * as plan from '../../src/cli/commands/plan';
import { validateManifests } from '../../src/manifest/validate';
import { captureIo, type CapturedIo } from './helpers';

const MANIFESTS = resolve(__dirname, '../../manifests');

function capture(cwd: string): CapturedIo {
  return captureIo(cwd);
}

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'meshward-cli-'));
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

it('graph draws the topology as mermaid and dot without touching AWS', async () => {
  const m = capture(cwd);
  expect(await graph.run([MANIFESTS], m.io)).toBe(0);
  expect(m.out()).toContain('ingress-gw');
  const d = capture(cwd);
  expect(await graph.run([MANIFESTS, '-o', 'dot'], d.io)).toBe(0);
  expect(d.out()).toContain('digraph');
});

it('plan, apply, plan again, drift and export against --local, with the documented exit codes', async () => {
  const p1 = capture(cwd);
  expect(await plan.run([MANIFESTS, '--local', '--detailed-exitcode'], p1.io)).toBe(2);
  expect(p1.out()).toContain('VirtualNode/shop/front');

  const refuse = capture(cwd);
  expect(await apply.run([MANIFESTS, '--local'], refuse.io)).toBe(1);
  expect(refuse.err()).toContain('--auto-approve');

  const a = capture(cwd);
  expect(await apply.run([MANIFESTS, '--local', '--auto-approve'], a.io)).toBe(0);
  expect(a.err()).toMatch(/\[19\/19\]/);
  expect(existsSync(join(cwd, '.meshward/local/state.json'))).toBe(true);

  const p2 = capture(cwd);
  expect(await plan.run([MANIFESTS, '--local', '--detailed-exitcode', '-o', 'json'], p2.io)).toBe(0);
  const report = JSON.parse(p2.out()) as { summary: { total: number }; exitCode: number };
  expect(report.summary.total).toBe(19);
  expect(report.exitCode).toBe(0);

  const dr = capture(cwd);
  expect(await drift.run([MANIFESTS, '--local', '-o', 'markdown'], dr.io)).toBe(0);

  const slack = capture(cwd);
  const code = await drift.run([MANIFESTS, '--local', '-o', 'slack'], slack.io, (r) => ({
    blocks: [],
    exit: r.exitCode,
  }));
  expect(code).toBe(0);
  expect(JSON.parse(slack.out())).toEqual({ blocks: [], exit: 0 });

  const e = capture(cwd);
  expect(await exportCommand.run(['--local', '--mesh', 'shop', '--cluster', 'shop', '-o', 'exported'], e.io)).toBe(0);
  expect(readdirSync(join(cwd, 'exported')).sort()).toEqual([
    'ecs-services.yaml',
    'gateway-routes.yaml',
    'mesh.yaml',
    'routes.yaml',
    'virtual-gateways.yaml',
    'virtual-nodes.yaml',
    'virtual-routers.yaml',
    'virtual-services.yaml',
  ]);
  const exported = await validateManifests([join(cwd, 'exported')]);
  expect(exported.issues.filter((i) => i.severity === 'error')).toEqual([]);

  const p3 = capture(cwd);
  expect(await plan.run([join(cwd, 'exported'), '--local', '--detailed-exitcode'], p3.io)).toBe(0);
});

it('rejects invalid flags and invalid manifests with exit 1', async () => {
  const bad = capture(cwd);
  expect(await plan.run(['--nope'], bad.io)).toBe(1);
  const fmt = capture(cwd);
  expect(await drift.run([MANIFESTS, '-o', 'yaml'], fmt.io)).toBe(1);
  const missing = capture(cwd);
  expect(await plan.run([join(cwd, 'does-not-exist')], missing.io)).toBe(1);
});
