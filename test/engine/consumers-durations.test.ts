/**
 * Issue 13, through the real SDK against the emulator: prune deletes consumers before what they consume (an ECS
 * service before the node or gateway its Envoy runs as), durations are sent and exported as written, and
 * `meshward.dev/external` on an EcsService relaxes its reference checks without dropping the service.
 */
import { DescribeVirtualNodeCommand } from '@aws-sdk/client-app-mesh';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { exportManifests } from '../../src/cli/commands/export';
import { referencesOf } from '../../src/core/kind-catalog';
import { resourceId, type ManifestDocument } from '../../src/core/types';
import { defaultRegistry } from '../../src/kinds/registry';
import { validateFiles } from '../../src/manifest/validate';
import { type Harness, changedIds, clone, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

function find(docs: ManifestDocument[], kind: string, name: string): ManifestDocument {
  const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!d) throw new Error(`${kind}/${name}`);
  return d;
}

it('prunes every consumer before what it consumes: ECS services before their nodes and gateway', async () => {
  await h.run('apply');
  const meshOnly = h.docs.filter((d) => d.kind === 'Mesh');
  const pruned = await h.run('apply', meshOnly, { prune: true, maxDeletes: 50 });
  expect(pruned.results.filter((r) => r.outcome !== 'deleted')).toEqual([]);
  const stageOf = new Map<string, number>();
  for (const stage of pruned.plan?.stages ?? []) for (const s of stage.steps) stageOf.set(s.id, stage.index);
  // Named cases first, so a failure reads as the bug the issue reported.
  expect(stageOf.get('EcsService/shop/front')).toBeLessThan(stageOf.get('VirtualNode/shop/front') ?? -1);
  expect(stageOf.get('EcsService/shop/ingress-gw')).toBeLessThan(stageOf.get('VirtualGateway/shop/ingress-gw') ?? -1);
  // Then every ordering reference any manifest makes: the one that names is deleted before the one it names.
  const late: string[] = [];
  for (const doc of h.docs) {
    const ref = defaultRegistry.refOfDocument(doc);
    const id = resourceId(ref);
    for (const { id: target, reference } of referencesOf(defaultRegistry, ref, doc.spec)) {
      if (reference.order === false || !stageOf.has(target) || !stageOf.has(id)) continue;
      if ((stageOf.get(id) ?? 0) >= (stageOf.get(target) ?? 0)) late.push(`${id} after ${target}`);
    }
  }
  expect(late).toEqual([]);
});

it('sends a duration in the unit the manifest wrote, plans nothing after, and exports it losslessly', async () => {
  const docs = clone(h.docs);
  const node = find(docs, 'VirtualNode', 'front');
  const listener = (node.spec as { listeners: Record<string, unknown>[] }).listeners[0];
  if (!listener) throw new Error('front has a listener');
  listener['timeout'] = { http: { perRequest: { unit: 'ms', value: 2000 }, idle: '1500ms' } };
  await h.run('apply', docs);

  const described = await h.clients.appMesh.send(
    new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'front' }),
  );
  expect(described.virtualNode?.spec?.listeners?.[0]?.timeout?.http).toEqual({
    perRequest: { unit: 'ms', value: 2000 },
    idle: { unit: 'ms', value: 1500 },
  });
  expect(changedIds(await h.run('plan', docs))).toEqual([]);
  // The same duration spelled in seconds is no change either.
  const inSeconds = clone(docs);
  const l2 = (find(inSeconds, 'VirtualNode', 'front').spec as { listeners: Record<string, unknown>[] }).listeners[0];
  if (l2) l2['timeout'] = { http: { perRequest: '2s', idle: '1500ms' } };
  expect(changedIds(await h.run('plan', inSeconds))).toEqual([]);

  const { documents } = await exportManifests(h, 'shop', 'shop');
  const exported = find(documents, 'VirtualNode', 'front');
  expect((exported.spec as { listeners: { timeout: unknown }[] }).listeners[0]?.timeout).toEqual({
    http: { perRequest: '2000ms', idle: '1500ms' },
  });
});

it('manages an EcsService annotated external (it only relaxes reference checks), and skips a placeholder', async () => {
  const docs = clone(h.docs);
  const service = find(docs, 'EcsService', 'front');
  service.metadata.annotations = { 'meshward.dev/external': 'true' };
  // Its node is managed elsewhere: not declared here, which the annotation allows.
  const withoutNode = docs.filter((d) => !(d.kind === 'VirtualNode' && d.metadata.name === 'front'));
  const validation = validateFiles(
    withoutNode.map((d, i) => ({
      name: d === service ? 'service.json' : `doc-${i}.json`,
      bytes: new TextEncoder().encode(JSON.stringify(d)),
    })),
  );
  // The service names the missing node and is not faulted for it (the virtual service, not annotated, is).
  expect(validation.issues.filter((i) => i.file === 'service.json')).toEqual([]);
  expect(validation.issues.some((i) => i.code === 'DANGLING_REFERENCE')).toBe(true);

  const plan = await h.run('plan', docs);
  expect(plan.changes.find((c) => c.id === 'EcsService/shop/front')?.action).toBe('create');
  await h.run('apply', docs);
  const found = await h.clients.ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['front'] }));
  expect(found.services?.map((s) => s.status)).toEqual(['ACTIVE']);

  // A placeholder is the explicit form: never written, and no part of the stack.
  const placeholder = clone(docs);
  find(placeholder, 'EcsService', 'service-b').metadata.annotations = { 'meshward.dev/placeholder': 'true' };
  await h.reset();
  const p2 = await h.run('plan', placeholder);
  expect(p2.changes.map((c) => c.id)).not.toContain('EcsService/shop/service-b');
  expect(p2.changes.find((c) => c.id === 'EcsService/shop/front')?.action).toBe('create');
});
