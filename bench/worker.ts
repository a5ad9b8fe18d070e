/**
 * One benchmark size in a fresh process (so that its peak RSS is its own): reads SizeOptions as JSON from argv,
 * prints progress on stderr and `RESULT <json>` on stdout.
 */
import { runSize, type SizeOptions } from './scenarios';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SizeOptions;
  const result = await runSize({ ...options, progress: (line) => process.stderr.write(`  ${line}\n`) });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
