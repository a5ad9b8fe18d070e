/**
 * What can be read out of a command's help text: the flags shell completion offers and the test that keeps
 * docs/cli.md and the README in step with the help checks. The command list itself is COMMANDS in ./main.
 */

/** The options every command takes before its own (`meshward --version`, `meshward --help`). */
export const GLOBAL_FLAGS = ['--help', '-h', '--version', '-v'] as const;

/**
 * Every flag a help text names (`--prune`, `-o`), in order of first mention. Options are documented in help, so
 * this is what completion offers and what the docs must list.
 */
export function flagsOf(usage: string): string[] {
  const found = new Set<string>();
  for (const match of usage.matchAll(/(?<![\w/-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])/g)) {
    const flag = match[1];
    if (flag !== undefined) found.add(flag);
  }
  return [...found];
}
