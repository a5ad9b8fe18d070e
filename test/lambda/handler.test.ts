import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler } from '../../lambda/handler';
import { run as reconcileCli } from '../../src/cli/commands/reconcile';
import { run as publishCli } from '../../src/cli/commands/publish';
import type { CliIO } from '../../src/cli/output';
import { MESH_YAML } from '../operator/helpers';

function cliIo(cwd: string, env: Record<string, string> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    env: { NO_COLOR: '1', ...env },
    cwd,
  };
}

describe('lambda/handler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('fails loudly on invalid configuration, listing every problem', async () => {
    process.env.MESHWARD_MODE = 'sometimes';
    delete process.env.MESHWARD_MANIFESTS;
    await expect(handler({})).rejects.toThrow(/MESHWARD_MANIFESTS: required[\s\S]*MESHWARD_MODE/);
  });
});

describe('meshward publish --local + meshward reconcile --local', () => {
  it('runs the handler locally on an event file and prints what Slack would receive', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'meshward-cli-'));
    const manifests = join(cwd, 'manifests');
    mkdirSync(manifests);
    writeFileSync(join(manifests, 'mesh.yaml'), MESH_YAML);
    const event = {
      version: '0',
      id: 'cli-1',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      account: '111122223333',
      region: 'us-east-1',
      time: '2026-11-25T17:00:00Z',
      resources: [],
      detail: { bucket: { name: 'meshward-local' }, object: { key: 'meshward/default/current.json' } },
    };
    writeFileSync(join(cwd, 'event.json'), JSON.stringify(event));

    const pub = cliIo(cwd);
    expect(await publishCli(['--local', '--to', 's3://meshward-local/meshward/default', '--revision', 'r1'], pub)).toBe(
      0,
    );
    expect(pub.out.join('')).toContain('as revision r1');

    const rec = cliIo(cwd);
    expect(await reconcileCli(['--local', '--mode', 'enforce', '--event', 'event.json'], rec)).toBe(0);
    const out = rec.out.join('');
    expect(out).toContain('--- Slack message ---');
    expect(out).toContain('Mesh/shop');
    expect(out).toContain('"status":"reconciled"');

    const again = cliIo(cwd);
    expect(await reconcileCli(['--local', '--mode', 'enforce', '--event', 'event.json'], again)).toBe(0);
    expect(again.out.join('')).toContain('"status":"duplicate"');
  });

  it('rejects a missing --event with usage', async () => {
    const io = cliIo(tmpdir());
    expect(await reconcileCli([], io)).toBe(1);
    expect(io.err.join('')).toContain('--event FILE is required');
  });
});
