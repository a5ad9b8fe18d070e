/**
 * `meshward version` (also `meshward --version`): the package version, and the Node.js running it measured against
 * the supported minimum, because that is the first thing a bug report needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT, outputFormat, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';

export const MIN_NODE_MAJOR = 22;

export const USAGE = `Usage: meshward version [-o text|json]

Print the meshward version and the Node.js version running it (the global version option does the same).

Options:
  -o, --output FORMAT  text (default) or json: {"meshward", "node", "nodeSupported"}
  -h, --help           show this help`;

interface PackageJson {
  name?: unknown;
  version?: unknown;
}

/** package.json of this install: found upwards from this file (src/cli/commands, or dist/src/cli/commands). */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === 'meshward' && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export function nodeSupported(version: string = process.version): boolean {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0) >= MIN_NODE_MAJOR;
}

export function versionText(node: string = process.version): string {
  const note = nodeSupported(node)
    ? ''
    : ` (below the supported minimum, Node.js ${MIN_NODE_MAJOR}: it runs, but upgrade; the AWS SDK drops it in 2027)`;
  return `meshward ${packageVersion()}\nNode.js ${node}${note}`;
}

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values } = parseCommandArgs({
      args: argv,
      strict: true,
      options: { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const format = outputFormat(values.output, ['text', 'json'] as const, 'text');
    if (format === 'json') {
      const json = { meshward: packageVersion(), node: process.version, nodeSupported: nodeSupported() };
      writeLine(io.stdout, JSON.stringify(json));
    } else writeLine(io.stdout, versionText());
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
