/** Integration harness: one emulator per test file, the real SDK clients, seeded account infrastructure. */
import { resolve } from 'node:path';
import { type AwsClients, LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import type { ManifestDocument } from '../../src/core/types';
import { type ReconcileOptions, type ReconcileOutcome, reconcile } from '../../src/engine/reconcile';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { MemoryStateStore } from '../../src/engine/state-store';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/server';
import { validateManifests } from '../../src/manifest/validate';

export const MANIFESTS_DIR = resolve(__dirname, '../../manifests');

export interface Harness {
  emulator: Emulator;
  clients: AwsClients;
  store: MemoryStateStore;
  docs: ManifestDocument[];
  run(
    mode: ReconcileOptions['mode'],
    docs?: readonly ManifestDocument[],
    extra?: Partial<ReconcileOptions>,
  ): Promise<ReconcileOutcome>;
  /** Fresh AWS and state, same emulator. */
  reset(): Promise<void>;
  /** A client as another identity (a person in the console). */
  consoleClients(): AwsClients;
  close(): Promise<void>;
}

export async function referenceDocs(): Promise<ManifestDocument[]> {
  const v = await validateManifests([MANIFESTS_DIR]);
  if (!v.valid) throw new Error('reference manifests invalid');
  return v.documents.map((d) => d.doc);
}

/** `options`: the emulator's (a test clock, ECS deployment timing...). */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ ...options, port: 0 });
  const settings = {
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    // The emulator enforces no rate limits unless asked; our own limiter (1 task definition/s) would only slow tests.
    disableRateLimit: true,
  };
  const clients = createAwsClients(settings);
  const docs = await referenceDocs();
  const extras: AwsClients[] = [];
  const h: Harness = {
    emulator,
    clients,
    store: new MemoryStateStore(),
    docs,
    run: (mode, d = docs, extra = {}) =>
      reconcile({
        mode,
        stack: 'test',
        store: h.store,
        clients,
        documents: d,
        apply: { retryDelayMillis: 10 },
        ...extra,
      }),
    async reset() {
      emulator.reset();
      emulator.faults.clear();
      emulator.faults.setHook(undefined);
      h.store = new MemoryStateStore();
      await seedLocalInfrastructure(clients, docs);
    },
    consoleClients() {
      const c = createAwsClients({ ...settings, credentials: { accessKeyId: 'console', secretAccessKey: 'console' } });
      extras.push(c);
      return c;
    },
    async close() {
      for (const c of extras) c.destroy();
      clients.destroy();
      await emulator.stop();
    },
  };
  await seedLocalInfrastructure(clients, docs);
  return h;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export function changedIds(outcome: ReconcileOutcome): string[] {
  return outcome.changes.filter((c) => c.action !== 'unchanged').map((c) => c.id);
}
