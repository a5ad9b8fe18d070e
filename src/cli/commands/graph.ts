/** `meshward graph [PATH...] [-o mermaid|dot|html]`: the mesh topology the manifests declare. No AWS calls. */
import { manifestSchemes } from '../manifest-schemes';
import { renderGraphHtml } from '../../core/render-html';
import { buildTopology, toDot, toMermaid } from '../../core/topology';
import { buildDesired } from '../../engine/desired';
import { validateManifests } from '../../manifest/validate';
import { EXIT, outputFormat, parseCommandArgs, processIO, reportFailure, writeLine } from '../output';
import type { CliIO } from '../output';
import { printIssues } from './plan';

export const USAGE = `Usage: meshward graph [PATH...] [-o mermaid|dot|html]

Draw the mesh topology, top to bottom as requests flow: gateway -> gateway routes (with their match conditions) ->
virtual services -> routers -> routes (match conditions, weights) -> nodes -> the services they call, and the ECS
services that run each node and gateway; a legend names the shapes and lines. PATH defaults to manifests/.
Reads no AWS.

Options:
  -o, --output FORMAT  mermaid (default), dot (Graphviz) or html (a self-contained page with the picture:
                       redirect it to a file and open it in a browser)
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
    const format = outputFormat(values.output, ['mermaid', 'dot', 'html'] as const, 'mermaid');
    const validation = await validateManifests(positionals.length > 0 ? positionals : ['manifests/'], {
      cwd: io.cwd,
      schemes: manifestSchemes(),
    });
    if (!validation.valid) {
      printIssues(io, validation.issues);
      return EXIT.error;
    }
    const topology = buildTopology(buildDesired(validation.documents));
    const text =
      format === 'html' ? renderGraphHtml(topology) : format === 'dot' ? toDot(topology) : toMermaid(topology);
    writeLine(io.stdout, text.trimEnd());
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, USAGE);
  }
}
