/**
 * The verbs and flag handling a terraform/kubectl user expects: version, "did you mean" for commands and flags,
 * one-line flag errors, exit codes that match what is printed, shell completion, a declined apply exiting 1.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMMANDS } from '../../src/cli/main';
import { main } from '../../src/cli/main';
import { EXIT } from '../../src/cli/output';
import { commandFlags, completionScript } from '../../src/cli/commands/completion';
import { nodeSupported } from '../../src/cli/commands/version';
import { unreadyReason } from '../../src/cli/commands/plan';
import type { IssueCode, ValidationIssue } from '../../src/manifest/issues';
import { captureIo, type CapturedIo } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function capture(cwd = ROOT): CapturedIo {
  return captureIo(cwd, {});
}

describe('meshward version', () => {
  it('prints the package version for "version", "--version" and "-v", and --help lists --version', async () => {
    for (const args of [['version'], ['--version'], ['-v']]) {
      const c = capture();
      expect(await main(args, c.io)).toBe(EXIT.ok);
      expect(c.out()).toMatch(new RegExp(`^meshward ${VERSION.replace(/\./g, '\\.')}\nNode\\.js v\\d+`));
    }
    const json = capture();
    expect(await main(['version', '-o', 'json'], json.io)).toBe(EXIT.ok);
    expect(JSON.parse(json.out())).toEqual({
      meshward: VERSION,
      node: process.version,
      nodeSupported: nodeSupported(),
    });
    const help = capture();
    await main(['--help'], help.io);
    expect(help.out()).toMatch(/-v, --version/);
  });

  it('measures Node.js against the documented minimum, 22', () => {
    expect(nodeSupported('v20.20.2')).toBe(false);
    expect(nodeSupported('v22.0.0')).toBe(true);
    expect(nodeSupported('v24.1.0')).toBe(true);
  });
});

describe('flag errors', () => {
  it('suggests the closest flag of the command, on one line that points to its help', async () => {
    const c = capture();
    expect(await main(['plan', '--prun'], c.io)).toBe(EXIT.error);
    expect(c.err()).toBe('error: unknown option "--prun" (did you mean "--prune"?) (see "meshward plan --help")\n');
    const apply = capture();
    expect(await main(['apply', '--auto-aprove'], apply.io)).toBe(EXIT.error);
    expect(apply.err()).toContain('did you mean "--auto-approve"?');
    expect(
      apply
        .err()
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(1);
  });

  it('does not guess for a flag nothing resembles, and still prints no help text', async () => {
    const c = capture();
    expect(await main(['validate', '--zzzzzzzz'], c.io)).toBe(EXIT.error);
    expect(c.err()).toBe('error: unknown option "--zzzzzzzz" (see "meshward validate --help")\n');
  });

  it('suggests global flags and commands', async () => {
    const flag = capture();
    expect(await main(['--verison'], flag.io)).toBe(EXIT.error);
    expect(flag.err()).toContain('did you mean "--version"?');
    const command = capture();
    expect(await main(['aply'], command.io)).toBe(EXIT.error);
    expect(command.err()).toBe('error: unknown command "aply" (did you mean "apply"?) (see "meshward --help")\n');
  });
});

describe('exit codes of plan and apply without a run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'meshward-verbs-'));
    mkdirSync(path.join(dir, 'empty'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an empty manifest set with --prune as the empty-set guard (exit 4), pointing to destroy', async () => {
    for (const command of ['plan', 'apply']) {
      const c = capture(dir);
      const extra = command === 'apply' ? ['--auto-approve'] : [];
      expect(await main([command, 'empty', '--prune', ...extra], c.io)).toBe(EXIT.refused);
      expect(c.err()).toContain('empty-set guard');
      expect(c.err()).toContain('meshward destroy');
      expect(c.err()).not.toContain('invalid');
    }
    const without = capture(dir);
    expect(await main(['plan', 'empty'], without.io)).toBe(EXIT.error);
    expect(without.err()).toContain('no manifests found');
  });

  it('calls a path that cannot be read a read error, not invalid manifests', async () => {
    const c = capture(dir);
    expect(await main(['plan', 'missing/'], c.io)).toBe(EXIT.error);
    expect(c.err()).toContain('missing/ no such file or directory');
    expect(c.err()).toContain('manifests could not be read');
    expect(c.err()).not.toContain('invalid');
  });

  it('tells read failures, empty sets and invalid manifests apart', () => {
    const issue = (code: IssueCode, severity: 'error' | 'warning' = 'error'): ValidationIssue => ({
      file: 'x',
      line: 0,
      column: 0,
      pointer: '',
      message: 'm',
      code,
      severity,
    });
    expect(unreadyReason([issue('NO_DOCUMENTS')])).toBe('empty');
    expect(unreadyReason([issue('SOURCE_READ_FAILED'), issue('SCHEMA')])).toBe('unreadable');
    expect(unreadyReason([issue('SCHEMA'), issue('NO_DOCUMENTS', 'warning')])).toBe('invalid');
  });
});

describe('meshward completion', () => {
  const bash = completionScript('bash');

  function complete(words: string[]): string[] {
    const script = path.join(tmpdir(), `meshward-completion-${process.pid}.bash`);
    writeFileSync(script, bash);
    try {
      const line = words.map((w) => `'${w}'`).join(' ');
      const out = execFileSync(
        'bash',
        [
          '-c',
          `source '${script}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _meshward; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      );
      return out.split('\n').filter((w) => w !== '');
    } finally {
      rmSync(script, { force: true });
    }
  }

  it("completes commands and each command's own flags in bash", () => {
    expect(complete(['meshward', 'pl'])).toEqual(['plan']);
    expect(complete(['meshward', 'apply', '--au'])).toEqual(['--auto-approve']);
    expect(complete(['meshward', 'plan', '--pr'])).toEqual(['--prune']);
    expect(complete(['meshward', 'validate', '--pr'])).toEqual([]);
    expect(complete(['meshward', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('offers every command and every documented flag in zsh and fish too', () => {
    const flags = commandFlags();
    for (const shell of ['zsh', 'fish'] as const) {
      const script = completionScript(shell, flags);
      for (const name of Object.keys(COMMANDS)) expect(script).toContain(name);
      for (const flag of flags['plan'] ?? [])
        expect(script).toContain(shell === 'fish' ? flag.replace(/^-+/, '') : flag);
    }
    expect(flags['plan']).toEqual(expect.arrayContaining(['--prune', '--detailed-exitcode', '--local', '-o']));
  });

  it('names the shells on a wrong argument', async () => {
    const c = capture();
    expect(await main(['completion', 'tcsh'], c.io)).toBe(EXIT.error);
    expect(c.err()).toContain('bash, zsh, fish');
  });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// `script` gives the CLI a terminal, so the real confirmation prompt runs (it asks only on a TTY).
(hasScript ? describe : describe.skip)('a declined apply', () => {
  it('exits 1, changes nothing, and its preview states no exit code', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'meshward-decline-'));
    try {
      cpSync(path.join(ROOT, 'manifests'), path.join(dir, 'manifests'), { recursive: true });
      const bin = path.join(ROOT, 'bin', 'meshward.js');
      const child = execFile('script', ['-qec', `node '${bin}' apply --local`, '/dev/null'], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 60_000,
      });
      let output = '';
      child.stdout?.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Only "yes" is accepted')) child.stdin?.end('no\n');
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(output).toContain('Apply cancelled: nothing was changed.');
      expect(code).toBe(EXIT.error);
      expect(output).toMatch(/Summary: \d+ to create/);
      expect(output).not.toMatch(/· exit \d/);
      // Nothing was created: a plan afterwards still creates as many resources as the declined preview showed.
      const shown = Number(/Summary: (\d+) to create/.exec(output)?.[1]);
      const after = capture(dir);
      expect(await main(['plan', '--local', '-o', 'json'], after.io)).toBe(EXIT.ok);
      const report = JSON.parse(after.out()) as { summary: { byAction: { create: number } } };
      expect(report.summary.byAction.create).toBe(shown);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the exit code a report states', () => {
  it('is the one the process exits with, for plain plan and with --detailed-exitcode', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'meshward-exit-'));
    try {
      cpSync(path.join(ROOT, 'manifests'), path.join(dir, 'manifests'), { recursive: true });
      const plain = capture(dir);
      expect(await main(['plan', '--local', '-o', 'json'], plain.io)).toBe(EXIT.ok);
      expect((JSON.parse(plain.out()) as { exitCode: number }).exitCode).toBe(EXIT.ok);
      const detailed = capture(dir);
      expect(await main(['plan', '--local', '-o', 'json', '--detailed-exitcode'], detailed.io)).toBe(EXIT.pending);
      expect((JSON.parse(detailed.out()) as { exitCode: number }).exitCode).toBe(EXIT.pending);
      const text = capture(dir);
      expect(await main(['plan', '--local'], text.io)).toBe(EXIT.ok);
      expect(text.out()).not.toMatch(/exit [1-9]/);
      // Markdown keeps what the plan found as its headline, and the code beside it is the real one.
      const markdown = capture(dir);
      expect(await main(['plan', '--local', '-o', 'markdown'], markdown.io)).toBe(EXIT.ok);
      expect(markdown.out()).toMatch(/pending changes\*\* \(exit 0\)/);
      expect(markdown.out()).not.toMatch(/exit [1-9]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
