/**
 * Manifests beyond the reference topology (test/engine/fixtures/realistic): tcp, grpc (metadata matches) and http2
 * routes, TLS on listeners and gateways, client policies, access logs, DNS discovery, ECS services with secrets,
 * volumes, a log router, long task-size forms and a capacity provider strategy. Apply then plan must show no
 * changes, warm or cold, and export must round-trip.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { CreateServiceCommand, ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { exportManifests, toYaml } from '../../src/cli/commands/export';
import type { ManifestDocument } from '../../src/core/types';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { validateManifests } from '../../src/manifest/validate';
import { type Harness, changedIds, startHarness } from './harness';

let h: Harness;
let docs: ManifestDocument[];

beforeAll(async () => {
  h = await startHarness();
  const validation = await validateManifests([resolve(__dirname, 'fixtures/realistic')]);
  expect(validation.issues.filter((i) => i.severity === 'error')).toEqual([]);
  docs = validation.documents.map((d) => d.doc);
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
  await seedLocalInfrastructure(h.clients, docs);
});

it('applies, then plans no changes with a warm and a cold cache, spending only list calls when warm', async () => {
  const first = await h.run('apply', docs);
  expect(first.report.errors).toEqual([]);
  expect(first.results.filter((r) => r.outcome !== 'created')).toEqual([]);
  expect(first.results).toHaveLength(docs.length);

  const warm = await h.run('plan', docs);
  expect(warm.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.changes])).toEqual([]);
  const calls = Object.keys(warm.report.apiCalls ?? {});
  // Lists, one DescribeServices batch and the run's one bulk ownership read (GetResources pages of 100).
  expect(calls.filter((op) => !/:List|ecs:DescribeServices$|tagging:GetResources$/.test(op))).toEqual([]);
  expect(warm.report.apiCalls?.['ecs:DescribeServices']).toBe(1);
  expect(warm.report.apiCalls?.['tagging:GetResources']).toBe(1);

  const cold = await h.run('plan', docs, { cacheMaxAgeMillis: 0 });
  expect(changedIds(cold)).toEqual([]);
});

it('exports manifests that re-create the same resources', async () => {
  await h.run('apply', docs);
  const { documents, skipped } = await exportManifests(h, 'lab', 'lab');
  expect(skipped).toEqual([]);
  expect(documents).toHaveLength(docs.length);
  const reparsed = parseAllDocuments(toYaml(documents)).map((d) => d.toJS() as ManifestDocument);
  await h.reset();
  await seedLocalInfrastructure(h.clients, docs);
  const applied = await h.run('apply', reparsed);
  expect(applied.results.filter((r) => r.outcome !== 'created')).toEqual([]);
  expect(changedIds(await h.run('plan', docs))).toEqual([]);
});

it('never drops a Cloud Map registry declared as serviceRegistries (a gateway has no node to derive it from)', async () => {
  const ns = await h.clients.cloudMap.send(new ListNamespacesCommand({}));
  const nsId = ns.Namespaces?.find((n) => n.Name === 'lab.local')?.Id;
  const registry = await h.clients.cloudMap.send(
    new CreateServiceCommand({ Name: 'edge', NamespaceId: nsId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } }),
  );
  const withRegistry = JSON.parse(JSON.stringify(docs)) as ManifestDocument[];
  const edge = withRegistry.find((d) => d.kind === 'EcsService' && d.metadata.name === 'edge');
  if (!edge?.spec) throw new Error('fixture');
  edge.spec['serviceRegistries'] = [{ registryArn: registry.Service?.Arn }];
  // Observe names the registry (namespace/service) while the manifest gives its ARN: the two forms differ, so
  // apply updates again (a known perpetual diff, see the review report), but it must never drop the registry:
  // that would deregister the tasks from Cloud Map.
  for (let i = 0; i < 3; i++) {
    const out = await h.run('apply', withRegistry);
    expect(out.results.filter((r) => r.outcome === 'failed')).toEqual([]);
    const described = await h.clients.ecs.send(new DescribeServicesCommand({ cluster: 'lab', services: ['edge'] }));
    expect(described.services?.[0]?.serviceRegistries?.map((r) => r.registryArn)).toEqual([registry.Service?.Arn]);
  }
});
