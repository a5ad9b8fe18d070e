/**
 * One Service Connect or Lattice benchmark set in a fresh process (so that its peak RSS is its own): reads
 * SetSizeOptions as JSON from argv, prints progress on stderr and `RESULT <json>` on stdout, like worker.ts.
 */
import { runSetSize, type SetSizeOptions } from './scenarios-sets';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SetSizeOptions;
  const result = await runSetSize({ ...options, progress: (line) => process.stderr.write(`  ${line}\n`) });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
