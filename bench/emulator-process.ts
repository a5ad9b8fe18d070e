/**
 * The benchmark's emulator, in a process of its own so that the reconcile's peak RSS and CPU time are meshward's
 * alone. Prints `{"endpoint": ...}` on its first stdout line; faults, latency and rate limits are set through the
 * HTTP control plane (/_emulator/faults); `--s3` serves S3 too; exits, printing its own peak RSS, when stdin closes.
 */
import { startEmulator } from '../src/emulator/server';

async function main(): Promise<void> {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', s3: process.argv.includes('--s3') });
  process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint })}\n`);
  const stop = async (): Promise<void> => {
    await emulator.stop();
    process.stdout.write(`${JSON.stringify({ peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
    process.exit(0);
  };
  process.stdin.resume();
  process.stdin.on('end', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
