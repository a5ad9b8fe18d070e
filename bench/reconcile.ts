/**
 * API calls (and time) of the reconciler on the reference manifests against the embedded emulator:
 * a first apply, a no-op reconcile with a warm describe cache, and one with a cold cache.
 *   npx tsx bench/reconcile.ts [PATH]
 */
import { resolve } from 'node:path';
import { LOCAL_CREDENTIALS, createAwsClients } from '../src/aws/clients';
import type { ReconcileMode, ReconcileOutcome } from '../src/engine/reconcile';
import { reconcile } from '../src/engine/reconcile';
import { seedLocalInfrastructure } from '../src/engine/session';
import { MemoryStateStore } from '../src/engine/state-store';
import { startEmulator } from '../src/emulator/server';
import { validateManifests } from '../src/manifest/validate';

interface Row {
  run: string;
  calls: number;
  reads: number;
  writes: number;
  ms: number;
  changes: number;
  detail: Record<string, number>;
}

async function main(): Promise<void> {
  const path = resolve(process.argv[2] ?? 'manifests');
  const validation = await validateManifests([path]);
  if (!validation.valid) throw new Error(`invalid manifests in ${path}`);
  const docs = validation.documents;
  const emulator = await startEmulator({ port: 0 });
  // The client-side limiter is on, as in production: its waits are part of the measured time.
  const clients = createAwsClients({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const store = new MemoryStateStore();
  const rows: Row[] = [];
  const measure = async (run: string, mode: ReconcileMode): Promise<ReconcileOutcome> => {
    const started = performance.now();
    const out = await reconcile({ mode, stack: 'bench', store, clients, documents: docs });
    const ms = performance.now() - started;
    const detail = out.report.apiCalls ?? {};
    const isRead = (op: string): boolean => /:(List|Describe|Get)/.test(op);
    const sum = (pred: (op: string) => boolean): number =>
      Object.entries(detail)
        .filter(([op]) => pred(op))
        .reduce((n, [, v]) => n + v, 0);
    rows.push({
      run,
      calls: sum(() => true),
      reads: sum(isRead),
      writes: sum((op) => !isRead(op)),
      ms: Math.round(ms),
      changes: out.changes.filter((c) => c.action !== 'unchanged').length,
      detail,
    });
    return out;
  };
  try {
    await seedLocalInfrastructure(
      clients,
      docs.map((d) => d.doc),
    );
    await measure('first apply', 'apply');
    await measure('no-op reconcile, warm cache', 'apply');
    const state = await store.load('bench');
    await store.save({ ...state, versionCache: {} });
    await measure('no-op reconcile, cold cache', 'apply');
    await measure('plan after cold run (warm again)', 'plan');
  } finally {
    clients.destroy();
    await emulator.stop();
  }
  console.log(`\nmeshward reconcile benchmark: ${docs.length} resources from ${path}\n`);
  const header = ['run', 'API calls', 'reads', 'writes', 'changes', 'ms'];
  const table = rows.map((r) => [
    r.run,
    String(r.calls),
    String(r.reads),
    String(r.writes),
    String(r.changes),
    String(r.ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
  for (const r of rows) {
    console.log(`\n${r.run}:`);
    for (const [op, n] of Object.entries(r.detail)) console.log(`  ${op.padEnd(40)} ${n}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
