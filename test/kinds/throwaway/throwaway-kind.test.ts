/**
 * The architecture's acceptance test (issue 9): a kind registered from this folder, and nowhere else, is validated,
 * planned, applied, observed, drift-checked and pruned by the unchanged engine, against the emulator's real Cloud
 * Map API through the real SDK. If the engine, the core or validation knew a kind by name, this would fail.
 */
import { GetServiceCommand, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-servicediscovery';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedLocalInfrastructure } from '../../../src/engine/session';
import { reconcile, type ReconcileOptions } from '../../../src/engine/reconcile';
import { MemoryStateStore } from '../../../src/engine/state-store';
import { KINDS, KindRegistry } from '../../../src/kinds/registry';
import { validateManifests } from '../../../src/manifest/validate';
import { type Harness, startHarness } from '../../engine/harness';
import { PROBE_KIND, probeServiceKind } from './probe-service-kind';

const registry = new KindRegistry([...KINDS, probeServiceKind]);

const doc = (name: string, spec: Record<string, string>, extra = ''): string =>
  `apiVersion: meshward.dev/v1alpha1
kind: ${PROBE_KIND}
metadata:
  name: ${name}
  namespace: probe.local
${extra}spec: ${JSON.stringify(spec)}
`;

let h: Harness;
let dir: string;
let store: MemoryStateStore;

function write(...docs: string[]): string[] {
  rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'meshward-probe-'));
  writeFileSync(join(dir, 'probes.yaml'), docs.join('---\n'));
  return [dir];
}

function run(mode: ReconcileOptions['mode'], paths: string[], extra: Partial<ReconcileOptions> = {}) {
  return reconcile({ mode, stack: 'probe', store, clients: h.clients, paths, registry, ...extra });
}

async function serviceNamed(name: string) {
  const list = await h.clients.cloudMap.send(new ListServicesCommand({}));
  const id = list.Services?.find((s) => s.Name === name)?.Id;
  return id ? (await h.clients.cloudMap.send(new GetServiceCommand({ Id: id }))).Service : undefined;
}

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'meshward-probe-'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h.close();
});

beforeEach(() => {
  h.emulator.reset();
  store = new MemoryStateStore();
});

describe('a kind registered from outside src/', () => {
  it('is validated with its own schema, references and rules', async () => {
    const paths = write(
      doc('api', { description: 'the api', upstream: 'db' }),
      doc('loop', { upstream: 'loop' }),
      doc('typo', { descripton: 'x' }),
    );
    const result = await validateManifests(paths, { registry });
    expect(result.valid).toBe(false);
    const found = result.issues.map((i) => `${i.code} ${i.pointer} ${i.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^DANGLING_REFERENCE \/spec\/upstream ProbeService "db" is not declared in namespace "probe.local"/,
        ),
        'PROBE_SELF_UPSTREAM /spec/upstream a probe service cannot be its own upstream',
        expect.stringMatching(/^SCHEMA \/spec/),
      ]),
    );
    // The default registry does not know the kind: its documents are refused, not half-understood.
    const unknown = await validateManifests(write(doc('api', {})));
    expect(unknown.valid).toBe(false);
  });

  it('is planned in dependency order, applied, observed in sync, drift-checked with its delta, and pruned', async () => {
    const paths = write(doc('api', { description: 'the api', upstream: 'db' }), doc('db', { description: 'the db' }));
    const docs = (await validateManifests(paths, { registry })).documents.map((d) => d.doc);
    // The infrastructure the kind says it assumes is seeded like any other kind's.
    await seedLocalInfrastructure(h.clients, docs, registry);

    const applied = await run('apply', paths);
    expect(applied.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const stages = (applied.plan?.stages ?? []).map((s) => s.steps.map((st) => `${st.op} ${st.id}`));
    expect(stages).toEqual([['create ProbeService/probe.local/db'], ['create ProbeService/probe.local/api']]);
    expect(applied.results.map((r) => r.outcome)).toEqual(['created', 'created']);
    expect((await serviceNamed('api'))?.Description).toBe('the api');

    const again = await run('plan', paths);
    expect(again.changes.map((c) => c.action)).toEqual(['unchanged', 'unchanged']);

    // Someone edits the description in the console: drift on exactly that field, reverted with only that call.
    const db = await serviceNamed('db');
    await h
      .consoleClients()
      .cloudMap.send(new UpdateServiceCommand({ Id: db?.Id, Service: { Description: 'edited' } }));
    const drift = await run('drift', paths);
    const changed = drift.changes.filter((c) => c.action !== 'unchanged');
    expect(changed.map((c) => [c.id, c.cause, c.changes.map((f) => f.path)])).toEqual([
      ['ProbeService/probe.local/db', 'drift', ['/spec/description']],
    ]);
    const before = h.clients.calls.snapshot();
    const reverted = await run('apply', paths);
    expect(reverted.results.find((r) => r.id === 'ProbeService/probe.local/db')?.outcome).toBe('configured');
    const after = h.clients.calls.snapshot();
    expect((after['servicediscovery:UpdateService'] ?? 0) - (before['servicediscovery:UpdateService'] ?? 0)).toBe(1);
    expect(after['servicediscovery:TagResource'] ?? 0).toBe(before['servicediscovery:TagResource'] ?? 0);
    expect((await serviceNamed('db'))?.Description).toBe('the db');

    // api leaves the manifests: the state remembers it, so observe still looks in its namespace and prune deletes it.
    const pruned = await run('apply', write(doc('db', { description: 'the db' })), { prune: true });
    expect(pruned.results.filter((r) => r.outcome !== 'unchanged').map((r) => [r.id, r.outcome])).toEqual([
      ['ProbeService/probe.local/api', 'deleted'],
    ]);
    expect(await serviceNamed('api')).toBeUndefined();
    expect(await serviceNamed('db')).toBeDefined();
  });

  it('lives beside the App Mesh kinds: the reference manifests and probe services reconcile together', async () => {
    const paths = write(doc('db', { description: 'the db' }));
    const probeDocs = (await validateManifests(paths, { registry })).documents.map((d) => d.doc);
    const docs = [...h.docs, ...probeDocs];
    await seedLocalInfrastructure(h.clients, docs, registry);
    const applied = await reconcile({
      mode: 'apply',
      stack: 'probe',
      store,
      clients: h.clients,
      documents: docs,
      registry,
    });
    expect(applied.results.every((r) => r.outcome === 'created')).toBe(true);
    const plan = await reconcile({
      mode: 'plan',
      stack: 'probe',
      store,
      clients: h.clients,
      documents: docs,
      registry,
    });
    expect(plan.changes.filter((c) => c.action !== 'unchanged')).toEqual([]);
  });
});
