/** `meshward graph [PATH...] [-o mermaid|dot]`: the mesh topology the manifests declare. No AWS calls. */
import { manifestSchemes } from '../manifest-schemes';
import { renderGraph } from '../../core/graph';
import { buildDesired } from '../../engine/desired';
import { validateManifests } from '../../manifest/validate';
import { EXIT, outputFormat, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';
import { printIssues } from './plan';

export const USAGE = `Usage: meshward graph [PATH...] [-o mermaid|dot]

Draw the mesh topology: gateway -> gateway routes -> virtual services -> routers -> routes -> weighted nodes ->
backends. PATH defaults to manifests/. Reads no AWS.

Options:
  -o, --output FORMAT  mermaid (default) or dot (Graphviz)
  -h, --help           show this help`;

export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      writeLine(io.stdout, USAGE);
      return EXIT.ok;
    }
    const format = outputFormat(values.output, ['mermaid', 'dot'] as const, 'mermaid');
    const validation = await validateManifests(positionals.length > 0 ? positionals : ['manifests/'], {
      cwd: io.cwd,
      schemes: manifestSchemes(),
    });
    if (!validation.valid) {
      printIssues(io, validation.issues);
      return EXIT.error;
    }
    writeLine(io.stdout, renderGraph(buildDesired(validation.documents), format));
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
