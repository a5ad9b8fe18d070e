/**
 * CloudMapNamespace (issue 9): created with the ownership tags, a tag edited in the console is drift and reverted,
 * a same-named namespace meshward does not own is a conflict left alone, and prune deletes it after the services
 * that live in it.
 */
import {
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  CreateHttpNamespaceCommand,
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
});
