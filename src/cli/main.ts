/**
 * The `meshward` command: dispatches to one module per subcommand under ./commands. Modules load lazily (a
 * validate run never pays for the AWS SDK) and may not exist yet: a command whose module is missing says so
 * instead of crashing, so a new command is one new file, with no edit here beyond its line in COMMANDS.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT, processIO, reportFailure, styleFor, UsageError, writeLine } from './output';
import type { CliIO } from './output';
import { suggest } from '../manifest/suggest';
import { GLOBAL_FLAGS } from './help';

/** What every command module exports. */
export interface CommandModule {
  run(argv: string[], io?: CliIO): Promise<number>;
}

/** Subcommands in help order, with the one-line summary `meshward --help` shows. */
export const COMMANDS: Readonly<Record<string, string>> = {
  validate: 'check manifests against the schemas and the cross-resource rules',
  plan: 'show what apply would change in AWS',
  apply: 'make AWS match the manifests (or apply a plan saved with plan --out)',
  destroy: 'delete everything the stack owns, consumers first',
  drift: 'report what changed in AWS outside meshward',
  export: 'write manifests from existing App Mesh and ECS resources',
  migrate: 'turn App Mesh manifests into Service Connect or VPC Lattice manifests',
  graph: 'draw the mesh topology (mermaid or dot)',
  publish: 'upload a validated manifest set to S3 as one unit',
  reconcile: 'run the Lambda handler locally on one event',
  local: 'run the local AWS emulator',
  demo: 'a guided tour on the local emulator',
  completion: 'print a shell completion script (bash, zsh or fish)',
  version: 'print the meshward and Node.js versions',
};

// Before any command loads the AWS SDK (`npm run meshward` enters here without bin/meshward.js): see that file.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export const USAGE = `Usage: meshward <command> [options]

meshward keeps AWS App Mesh and ECS in the state that YAML manifests declare.

Commands:
${Object.entries(COMMANDS)
  .map(([name, summary]) => `  ${name.padEnd(11)} ${summary}`)
  .join('\n')}

Options:
  -h, --help     show this help ("meshward <command> --help" for a command's options)
  -v, --version  print the meshward and Node.js versions

AWS settings come from the standard SDK environment (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...).`;

function isCommandModule(value: unknown): value is CommandModule {
  return typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function';
}

const COMMANDS_DIR = path.join(__dirname, 'commands');

/** The module file of a command: TypeScript in a development checkout (tsx, jest), JavaScript when built. */
function commandFile(name: string, dir: string): string | undefined {
  for (const extension of ['.ts', '.js']) {
    const file = path.join(dir, `${name}${extension}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function loadCommand(name: string, dir: string = COMMANDS_DIR): CommandModule | undefined {
  const file = commandFile(name, dir);
  if (file === undefined) return undefined;
  // require, not import(): it resolves the same way under tsx, ts-jest and compiled CommonJS, and needs no
  // static specifier, so a command file can appear without this file changing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded: unknown = require(file);
  if (!isCommandModule(loaded)) throw new Error(`${file} does not export run(argv)`);
  return loaded;
}

/** `commandsDir` exists for tests; the CLI always uses ./commands. */
export async function main(argv: string[], io: CliIO = processIO(), commandsDir = COMMANDS_DIR): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h') {
      writeLine(first === undefined ? io.stderr : io.stdout, USAGE);
      return first === undefined ? EXIT.error : EXIT.ok;
    }
    if (first === '--version' || first === '-v') return await main(['version', ...rest], io, commandsDir);
    if (first === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        writeLine(io.stdout, USAGE);
        return EXIT.ok;
      }
      return await main([topic, '--help'], io, commandsDir);
    }
    if (first.startsWith('-')) {
      const hint = suggest(first, [...GLOBAL_FLAGS]);
      const did = hint !== undefined ? `did you mean "${hint}"? ` : '';
      throw new UsageError(`unknown option "${first}" (${did}options go after the command)`);
    }
    if (!Object.hasOwn(COMMANDS, first) && commandFile(first, commandsDir) === undefined) {
      const hint = suggest(first, Object.keys(COMMANDS));
      throw new UsageError(`unknown command "${first}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
    const command = loadCommand(first, commandsDir);
    if (command === undefined) {
      const style = styleFor(io.stderr, io.env);
      writeLine(io.stderr, `${style.yellow('meshward ' + first)} is not available yet in this version.`);
      return EXIT.error;
    }
    return await command.run(rest, io);
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}

// bin/meshward.js requires this file (through tsx in a checkout), so "main module" alone would miss that entry.
const entry = require.main?.filename ?? '';
if (require.main === module || /[\\/]bin[\\/]meshward(\.js)?$/.test(entry)) {
  // `meshward validate | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw error;
  });
  void main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportFailure(processIO(), error);
    },
  );
}
