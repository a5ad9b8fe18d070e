/**
 * CloudMapNamespace (issue 9): created with the ownership tags, a tag edited in the console is drift and reverted,
 * a same-named namespace meshward does not own is a conflict left alone, and prune deletes it after the services
 * that live in it. The description and a DNS namespace's SOA TTL change in place (Update*Namespace), whether the
 * manifests moved or someone changed them in the console.
 */
import {
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  CreateHttpNamespaceCommand,
  UpdateHttpNamespaceCommand,
} from '@aws-sdk/client-servicediscovery';
import type { ManifestDocument } from '../../src/core/types';
import { type Harness, startHarness } from './harness';

const ns = (name: string, spec: Record<string, unknown>): ManifestDocument => ({
  apiVersion: 'meshward.dev/v1alpha1',
  kind: 'CloudMapNamespace',
  metadata: { name, tags: { team: 'platform' } },
  spec,
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(async () => h.reset());

async function namespaces() {
  return (await h.clients.cloudMap.send(new ListNamespacesCommand({}))).Namespaces ?? [];
}

describe('CloudMapNamespace', () => {
  const docs = [
    ns('billing.internal', { type: 'HTTP', description: 'billing' }),
    ns('billing.vpc', {
      type: 'DNS_PRIVATE',
      vpc: 'vpc-0local0000000000',
      properties: { dnsProperties: { soa: { ttl: 60 } } },
    }),
  ];

  it('creates HTTP and private DNS namespaces, plans to 0, and reverts a console tag edit', async () => {
    const applied = await h.run('apply', docs);
    expect(applied.results.map((r) => [r.id, r.outcome])).toEqual([
      ['CloudMapNamespace/billing.internal', 'created'],
      ['CloudMapNamespace/billing.vpc', 'created'],
    ]);
    const found = await namespaces();
    expect(found.find((n) => n.Name === 'billing.internal')?.Type).toBe('HTTP');
    expect(found.find((n) => n.Name === 'billing.vpc')?.Properties?.DnsProperties?.SOA?.TTL).toBe(60);
    expect((await h.run('plan', docs)).changes.filter((c) => c.action !== 'unchanged')).toEqual([]);

    const arn = found.find((n) => n.Name === 'billing.internal')?.Arn;
    await h
      .consoleClients()
      .cloudMap.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'team', Value: 'x' }] }));
    // Tags are not in ListNamespaces and a namespace has no version: they are cached like App Mesh's and Lattice's
    // and read again when the cache expires (here at once).
    const drift = await h.run('drift', docs, { cacheMaxAgeMillis: 0 });
    expect(
      drift.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.cause, c.changes.map((f) => f.path)]),
    ).toEqual([['CloudMapNamespace/billing.internal', 'drift', ['/tags/team']]]);
    await h.run('apply', docs, { cacheMaxAgeMillis: 0 });
    const tags = await h.clients.cloudMap.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    expect(tags.Tags?.find((t) => t.Key === 'team')?.Value).toBe('platform');
    expect((await h.run('plan', docs)).changes.filter((c) => c.action !== 'unchanged')).toEqual([]);
    expect(
      (await h.run('plan', docs, { cacheMaxAgeMillis: 0 })).changes.filter((c) => c.action !== 'unchanged'),
    ).toEqual([]);
  });

  it('leaves a same-named namespace it does not own alone, and prunes its own', async () => {
    await h.consoleClients().cloudMap.send(new CreateHttpNamespaceCommand({ Name: 'billing.internal' }));
    const conflicted = await h.run('apply', docs);
    expect(conflicted.changes.find((c) => c.id === 'CloudMapNamespace/billing.internal')?.action).toBe('conflict');
    const pruned = await h.run('apply', [docs[0] as ManifestDocument], { prune: true });
    expect(pruned.results.find((r) => r.id === 'CloudMapNamespace/billing.vpc')?.outcome).toBe('deleted');
    expect((await namespaces()).some((n) => n.Name === 'billing.vpc')).toBe(false);
    expect((await namespaces()).some((n) => n.Name === 'billing.internal')).toBe(true);
  });

  it('updates a description and an SOA TTL in place, and reverts a console description change', async () => {
    await h.run('apply', docs);
    const ids = new Map((await namespaces()).map((n) => [n.Name, n.Id]));
    const edited = [
      ns('billing.internal', { type: 'HTTP', description: 'billing, v2' }),
      ns('billing.vpc', {
        type: 'DNS_PRIVATE',
        vpc: 'vpc-0local0000000000',
        description: 'billing in the VPC',
        properties: { dnsProperties: { soa: { ttl: 300 } } },
      }),
    ];
    const planned = await h.run('plan', edited);
    expect(planned.changes.map((c) => [c.id, c.action, c.changes.map((f) => f.path).sort()])).toEqual([
      ['CloudMapNamespace/billing.internal', 'update', ['/spec/description']],
      ['CloudMapNamespace/billing.vpc', 'update', ['/spec/description', '/spec/properties/dnsProperties/soa/ttl']],
    ]);
    const before = h.emulator.servedWrites().length;
    const applied = await h.run('apply', edited);
    expect(applied.results.map((r) => [r.id, r.outcome])).toEqual([
      ['CloudMapNamespace/billing.internal', 'configured'],
      ['CloudMapNamespace/billing.vpc', 'configured'],
    ]);
    const writes = h.emulator.servedWrites().slice(before);
    expect(writes.map((w) => w.eventName).sort()).toEqual(['UpdateHttpNamespace', 'UpdatePrivateDnsNamespace']);
    // Retry-safe: each update carries its UpdaterRequestId.
    for (const w of writes) expect(typeof w.requestParameters['UpdaterRequestId']).toBe('string');
    const found = await namespaces();
    const internal = found.find((n) => n.Name === 'billing.internal');
    const vpc = found.find((n) => n.Name === 'billing.vpc');
    expect(internal).toMatchObject({ Id: ids.get('billing.internal'), Description: 'billing, v2' });
    expect(vpc).toMatchObject({ Id: ids.get('billing.vpc'), Description: 'billing in the VPC' });
    expect(vpc?.Properties?.DnsProperties?.SOA?.TTL).toBe(300);
    expect((await h.run('plan', edited)).changes.filter((c) => c.action !== 'unchanged')).toEqual([]);

    await h
      .consoleClients()
      .cloudMap.send(new UpdateHttpNamespaceCommand({ Id: internal?.Id, Namespace: { Description: 'by hand' } }));
    const drift = await h.run('drift', edited);
    expect(drift.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.cause, c.action])).toEqual([
      ['CloudMapNamespace/billing.internal', 'drift', 'update'],
    ]);
    await h.run('apply', edited);
    expect((await namespaces()).find((n) => n.Name === 'billing.internal')?.Description).toBe('billing, v2');
    expect((await h.run('plan', edited)).changes.filter((c) => c.action !== 'unchanged')).toEqual([]);
  });
});
