/**
 * `meshward completion bash|zsh|fish`: a completion script for the shell, generated from the command list and each
 * command's help, so a new flag is completed as soon as it is documented. The script is static (no call back into
 * meshward on Tab), because starting Node.js on every key press would make completion feel broken.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { GLOBAL_FLAGS, flagsOf } from '../help';
import { COMMANDS } from '../main';
import { EXIT, UsageError, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const USAGE = `Usage: meshward completion bash|zsh|fish

Print a shell completion script for meshward commands and their flags.

  bash   eval "$(meshward completion bash)"            (in ~/.bashrc)
  zsh    source <(meshward completion zsh)              (in ~/.zshrc, after compinit)
  fish   meshward completion fish > ~/.config/fish/completions/meshward.fish

Options:
  -h, --help   show this help`;

/** Each command's flags, read from its help text; a command whose module is missing has none. */
export function commandFlags(dir: string = __dirname): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(COMMANDS)) {
    const file = ['.ts', '.js'].map((ext) => path.join(dir, `${name}${ext}`)).find((f) => existsSync(f));
    let usage = '';
    if (file !== undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(file) as { USAGE?: unknown };
      if (typeof loaded.USAGE === 'string') usage = loaded.USAGE;
    }
    out[name] = flagsOf(usage);
  }
  return out;
}

/** Single quotes for the shells: summaries are ours, but quoting them properly costs nothing. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bash(flags: Record<string, string[]>): string {
  const cases = Object.entries(flags)
    .map(([name, list]) => `    ${name}) flags=${quote(list.join(' '))} ;;`)
    .join('\n');
  const words = [...Object.keys(COMMANDS), 'help', ...GLOBAL_FLAGS].join(' ');
  return `# meshward completion for bash: eval "$(meshward completion bash)"
_meshward() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" flags=''
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote(words)} -- "$cur"))
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    help) COMPREPLY=($(compgen -W ${quote(Object.keys(COMMANDS).join(' '))} -- "$cur")); return 0 ;;
  esac
  if [ "\${COMP_WORDS[1]}" = completion ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=($(compgen -W ${quote(SHELLS.join(' '))} -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=()
  fi
}
complete -o default -F _meshward meshward
`;
}

function zsh(flags: Record<string, string[]>): string {
  const commands = Object.entries(COMMANDS)
    .map(([name, summary]) => `    ${quote(`${name}:${summary}`)}`)
    .join('\n');
  const cases = Object.entries(flags)
    .map(([name, list]) => `      ${name}) compadd -- ${list.join(' ')} ;;`)
    .join('\n');
  return `#compdef meshward
# meshward completion for zsh: source <(meshward completion zsh)
_meshward() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'meshward command' commands
    return
  fi
  if [[ $words[2] == completion ]]; then
    compadd -- ${SHELLS.join(' ')}
  elif [[ $words[CURRENT] == -* ]]; then
    case $words[2] in
${cases}
    esac
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == _meshward ]]; then
  _meshward "$@"
else
  compdef _meshward meshward
fi
`;
}

function fish(flags: Record<string, string[]>): string {
  const lines = ['# meshward completion for fish: meshward completion fish > ~/.config/fish/completions/meshward.fish'];
  for (const [name, summary] of Object.entries(COMMANDS)) {
    lines.push(`complete -c meshward -n __fish_use_subcommand -f -a ${name} -d ${quote(summary)}`);
  }
  for (const [name, list] of Object.entries(flags)) {
    for (const flag of list) {
      const option = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c meshward -n '__fish_seen_subcommand_from ${name}' ${option}`);
    }
  }
  lines.push(`complete -c meshward -n '__fish_seen_subcommand_from completion' -f -a ${quote(SHELLS.join(' '))}`);
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, flags: Record<string, string[]> = commandFlags()): string {
  if (shell === 'bash') return bash(flags);
  if (shell === 'zsh') return zsh(flags);
  return fish(flags);
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const shell = positionals[0];
    if (positionals.length !== 1 || !(SHELLS as readonly string[]).includes(shell ?? '')) {
      throw new UsageError(`name one shell: ${SHELLS.join(', ')}${shell !== undefined ? ` (got "${shell}")` : ''}`);
    }
    io.stdout.write(completionScript(shell as Shell));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
