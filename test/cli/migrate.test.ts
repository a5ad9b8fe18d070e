/**
 * `meshward migrate` as a user runs it: files written where -o says, exit codes of the CLI contract, nothing
 * written for invalid input or bad flags, --set values landing in the manifests, --fail-on for CI.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { EXIT } from '../../src/cli/output';
import { captureIo, type CapturedIo } from './helpers';

const ROOT = path.join(__dirname, '..', '..');

function capture(): CapturedIo {
  return captureIo(ROOT, {});
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'meshward-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('meshward migrate', () => {
  it('writes the successor manifests, MIGRATION.md and migration.json, and prints the counts', async () => {
    const out = path.join(dir, 'sc');
    const { io, out: stdout } = capture();
    expect(await main(['migrate', 'manifests', '--to', 'service-connect', '-o', out], io)).toBe(EXIT.ok);
    expect(readdirSync(out).sort()).toEqual([
      'MIGRATION.md',
      'front.yaml',
      'mesh.yaml',
      'migration.json',
      'service-a.yaml',
      'service-b.yaml',
    ]);
    const json = JSON.parse(readFileSync(path.join(out, 'migration.json'), 'utf8')) as {
      entries: { status: string }[];
      counts: Record<string, number>;
      inputs: { key: string; description: string; example: string }[];
    };
    const dropped = json.entries.filter((e) => e.status === 'dropped').length;
    expect(json.counts['dropped']).toBe(dropped);
    expect(stdout()).toContain(`${dropped} dropped`);
    expect(stdout()).toMatch(
      /migrate to service-connect: \d+ fields classified \(\d+ carried, \d+ approx, \d+ builtin, \d+ dropped, \d+ needs-input\)/,
    );
    expect(json.inputs.map((i) => i.key)).toContain('alb.listenerArn.ingress-gw');
    expect(readFileSync(path.join(out, 'service-b.yaml'), 'utf8')).toContain('# from manifests/service-b.yaml:');
    expect(readFileSync(path.join(out, 'MIGRATION.md'), 'utf8')).toContain('## Migration sequence');
  });

  it('--set puts the value where the placeholder was; an unknown key is warned about', async () => {
    const out = path.join(dir, 'lattice');
    const { io, err } = capture();
    const code = await main(
      [
        'migrate',
        'manifests',
        '--to',
        'vpc-lattice',
        '-o',
        out,
        '--set',
        'vpc.id=vpc-0123456789abcdef0',
        '--set',
        'vcp.id=typo',
      ],
      io,
    );
    expect(code).toBe(EXIT.ok);
    const mesh = readFileSync(path.join(out, 'mesh.yaml'), 'utf8');
    expect(mesh).toContain('vpcIdentifier: vpc-0123456789abcdef0');
    expect(mesh).not.toContain('<needs-input: vpc.id>');
    expect(readFileSync(path.join(out, 'service-b.yaml'), 'utf8')).toContain(
      '<needs-input: ecs.infrastructureRoleArn>',
    );
    expect(err()).toContain('--set vcp.id is not an input of this migration');
  });

  it('--fail-on dropped,approx exits 4 after writing; --fail-on a status that does not occur exits 0', async () => {
    const { io, err } = capture();
    const out = path.join(dir, 'ci');
    expect(
      await main(['migrate', 'manifests', '--to', 'service-connect', '-o', out, '--fail-on', 'dropped,approx'], io),
    ).toBe(EXIT.refused);
    expect(existsSync(path.join(out, 'migration.json'))).toBe(true);
    expect(err()).toMatch(/\d+ entries with status dropped or approx \(--fail-on\)/);
    const again = capture();
    const unseen = [
      'migrate',
      'test/migrate/fixtures/unseen/mesh.yaml',
      '--to',
      'service-connect',
      '-o',
      path.join(dir, 'ok'),
    ];
    expect(await main([...unseen, '--fail-on', 'needs-input'], again.io)).toBe(EXIT.ok);
  });

  it('invalid manifests: exit 1, the validation errors on stderr, nothing written', async () => {
    const out = path.join(dir, 'never');
    const { io, err } = capture();
    expect(
      await main(['migrate', 'test/fixtures/broken/schema-wrong-type.yaml', '--to', 'vpc-lattice', '-o', out], io),
    ).toBe(EXIT.error);
    expect(err()).toContain('test/fixtures/broken/schema-wrong-type.yaml:15:9');
    expect(err()).toContain('nothing written');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['manifests', '-o', 'x'], '--to is required'],
    [['manifests', '--to', 'istio', '-o', 'x'], 'unknown --to "istio"'],
    [['manifests', '--to', 'vpc-lattice'], '-o DIR is required'],
    [['manifests', '--to', 'vpc-lattice', '-o', 'x', '--set', 'novalue'], '--set takes KEY=VALUE'],
    [['manifests', '--to', 'vpc-lattice', '-o', 'x', '--fail-on', 'lost'], 'unknown status "lost"'],
    [['manifests', '--to', 'vpc-lattice', '-o', 'x', '--parallel', 'blue-green'], 'unknown --parallel "blue-green"'],
  ])('usage error %j: exit 1, nothing written', async (args, message) => {
    const { io, err } = capture();
    const cwdOut = path.join(ROOT, 'x');
    expect(await main(['migrate', ...args], io)).toBe(EXIT.error);
    expect(err()).toContain(message);
    expect(existsSync(cwdOut)).toBe(false);
  });

  it('--parallel new-cluster keeps service names and moves them to a new cluster', async () => {
    const out = path.join(dir, 'nc');
    const { io } = capture();
    expect(
      await main(['migrate', 'manifests', '--to', 'service-connect', '-o', out, '--parallel', 'new-cluster'], io),
    ).toBe(EXIT.ok);
    const text = readFileSync(path.join(out, 'service-b.yaml'), 'utf8');
    expect(text).toContain('name: service-b\n');
    expect(text).toContain('cluster: shop-sc');
    expect(readFileSync(path.join(out, 'MIGRATION.md'), 'utf8')).toContain('Create the clusters `shop-sc`');
  });

  it('is listed in meshward --help', async () => {
    const { io, out } = capture();
    expect(await main(['--help'], io)).toBe(EXIT.ok);
    expect(out()).toContain('migrate');
  });
});
