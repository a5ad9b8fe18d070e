/**
 * The command list and what can be read out of a command's help text: one source for `meshward --help`, shell
 * completion and the test that keeps docs/cli.md and the README in step with the help.
 */

/** Subcommands in help order, with the one-line summary `meshward --help` shows. */
export const COMMANDS: Readonly<Record<string, string>> = {
  validate: 'check manifests against the schemas and the cross-resource rules',
  plan: 'show what apply would change in AWS',
  apply: 'make AWS match the manifests',
  drift: 'report what changed in AWS outside meshward',
  export: 'write manifests from existing App Mesh and ECS resources',
  graph: 'draw the mesh topology',
  publish: 'upload a validated manifest set to S3 as one unit',
  reconcile: 'run the Lambda handler locally on one event',
  local: 'run the local AWS emulator',
  demo: 'a guided tour on the local emulator',
  completion: 'print a shell completion script (bash, zsh or fish)',
  version: 'print the meshward and Node.js versions',
};

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
