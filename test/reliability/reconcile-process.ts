/**
 * A meshward reconcile in a process of its own, for the concurrency suite: two processes sharing one state file is
 * the situation to test (in one process, two stores would also share the process id). Protocol on stdio: prints
 * READY once its clients exist; each stdin line names a JSON file of manifest documents to apply, answered by
 * `RESULT <json>`; exits when stdin closes.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createAwsClients } from '../../src/aws/clients';
import type { ManifestDocument } from '../../src/core/types';
import { reconcile } from '../../src/engine/reconcile';
import { FileStateStore } from '../../src/engine/state-store';

interface ChildArgs {
  endpoint: string;
  accessKeyId: string;
  statePath: string;
  stack: string;
}

async function applyOnce(args: ChildArgs, docsPath: string, clients: ReturnType<typeof createAwsClients>) {
  try {
    const docs = JSON.parse(readFileSync(docsPath, 'utf8')) as ManifestDocument[];
    const out = await reconcile({
      mode: 'apply',
      stack: args.stack,
      store: new FileStateStore(args.statePath),
      clients,
      documents: docs,
      apply: { retryDelayMillis: 20 },
    });
    return {
      errors: out.report.errors,
      outcomes: out.results.map((r) => ({ id: r.id, outcome: r.outcome })),
      conflicts: out.changes.filter((c) => c.action === 'conflict').map((c) => c.id),
    };
  } catch (err) {
    return { thrown: err instanceof Error ? err.message : String(err) };
  }
}

function main(): void {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  const clients = createAwsClients({
    endpoint: args.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: args.accessKeyId, secretAccessKey: 'x' },
    disableRateLimit: true,
  });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (docsPath) => {
    void applyOnce(args, docsPath, clients).then((result) =>
      process.stdout.write(`RESULT ${JSON.stringify(result)}\n`),
    );
  });
  lines.on('close', () => clients.destroy());
  process.stdout.write('READY\n');
}

main();
