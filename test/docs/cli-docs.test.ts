/**
 * docs/cli.md, the README and `--help` agree: every command has a section, every flag a command's help names is in
 * its section (and no other), every flag the README uses on a command exists, and every flag a help names is one the
 * command's parser accepts. A new flag fails here until it is documented.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { flagsOf } from '../../src/cli/help';
import { COMMANDS, main, USAGE as MAIN_USAGE } from '../../src/cli/main';
import { commandFlags } from '../../src/cli/commands/completion';
import { COMMON_HELP } from '../../src/cli/commands/plan';
import type { CliIO } from '../../src/cli/output';

const ROOT = path.join(__dirname, '..', '..');
const CLI_MD = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const HELP_FLAGS = new Set(['-h', '--help']);

/** The text under a `## `/`### ` heading, up to the next heading of that level or higher. */
function section(markdown: string, heading: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return undefined;
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && (/^#+/.exec(l)?.[0].length ?? 0) <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

function usageOf(name: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.join(ROOT, 'src', 'cli', 'commands', `${name}.ts`)) as { USAGE?: unknown };
  if (typeof loaded.USAGE !== 'string') throw new Error(`${name} exports no USAGE`);
  return loaded.USAGE;
}

function sorted(flags: Iterable<string>): string[] {
  return [...new Set(flags)].filter((f) => !HELP_FLAGS.has(f)).sort();
}

const COMMON_FLAGS = flagsOf(section(CLI_MD, '## Common options (plan, apply, drift)') ?? '');

describe('docs/cli.md and --help', () => {
  it('has a section for every command, and none for a command that does not exist', () => {
    const documented = [...CLI_MD.matchAll(/^### (\S+)$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it.each(Object.keys(COMMANDS))('documents exactly the flags "meshward %s --help" lists', (name) => {
    const usage = usageOf(name);
    const own = flagsOf(section(CLI_MD, `### ${name}`) ?? '');
    const common = usage.includes(COMMON_HELP) ? COMMON_FLAGS : [];
    expect(sorted([...own, ...common])).toEqual(sorted(flagsOf(usage)));
  });

  it('lists the common options --help shows for plan, apply and drift', () => {
    expect(sorted(COMMON_FLAGS)).toEqual(sorted(flagsOf(COMMON_HELP)));
  });

  it.each(Object.keys(COMMANDS))('accepts every flag "meshward %s --help" lists', async (name) => {
    for (const flag of flagsOf(usageOf(name))) {
      let stderr = '';
      const io: CliIO = {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        env: {},
        cwd: ROOT,
      };
      // "--help" first: a string flag takes "=x" and help ends the run; a boolean one rejects the value. Either way
      // an unknown flag is the only thing that says "unknown option".
      const spelled = flag.startsWith('--') ? `${flag}=x` : flag;
      await main([name, '--help', spelled], io);
      expect({ flag, stderr }).toEqual({ flag, stderr: expect.not.stringContaining('unknown option') });
    }
  });
});

describe('README and --help', () => {
  const commands = Object.keys(COMMANDS);
  const uses = [...README.matchAll(/\bmeshward ([a-z][a-z-]*)([^\n`]*)/g)].filter((m) => commands.includes(m[1] ?? ''));

  it('names only commands that exist, and mentions the command list', () => {
    for (const m of README.matchAll(/npx meshward ([a-z][a-z-]*)/g)) expect(commands).toContain(m[1]);
    expect(README).toContain('meshward --help');
  });

  it('uses only flags the command has', () => {
    const flags = commandFlags();
    expect(uses.length).toBeGreaterThan(5);
    for (const [, name, rest] of uses) {
      const used = flagsOf((rest ?? '').replace(/#.*$/, ''));
      for (const flag of used)
        expect({ name, flag, known: (flags[name ?? ''] ?? []).includes(flag) }).toEqual({
          name,
          flag,
          known: true,
        });
    }
  });

  it('shows the global options in the main help', () => {
    expect(flagsOf(MAIN_USAGE)).toEqual(expect.arrayContaining(['--help', '--version']));
  });
});
