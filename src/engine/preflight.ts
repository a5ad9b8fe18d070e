/**
 * The preflight: what the manifests assume but meshward does not create (ECS clusters, Cloud Map namespaces the
 * manifests do not declare), checked before any write. Kinds say what they assume (`Kind.infrastructure`) and what
 * they are (`Kind.provides`); this file only knows how to look each type of infrastructure up. Without it a plan
 * against the wrong account reads clean and the apply half-applies (the creates before the first ECS service
 * succeed, the services fail on their missing cluster).
 */
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import type { AwsClients } from '../aws/clients';
import { ANNOTATIONS, type ManifestDocument, resourceId } from '../core/types';
import type { InfrastructureNeed } from '../kinds/kind';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';

export interface AssumedInfrastructure {
  need: InfrastructureNeed;
  /** Ids of the resources that assume it, sorted. */
  by: string[];
}

const key = (n: InfrastructureNeed): string => `${n.type}\u0000${n.name}`;

/** What the documents assume and do not declare themselves, with who assumes it. Pure. */
export function assumedInfrastructure(
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): AssumedInfrastructure[] {
  const found = new Map<string, AssumedInfrastructure>();
  for (const doc of docs) {
    const kind = registry.find(doc.kind);
    const id = resourceId(registry.refOfDocument(doc));
    for (const need of kind?.infrastructure?.(doc) ?? []) {
      const entry = found.get(key(need)) ?? { need, by: [] };
      if (!entry.by.includes(id)) entry.by.push(id);
      found.set(key(need), entry);
    }
  }
  for (const doc of docs) {
    // A placeholder stands for something someone else runs: it does not create what it names.
    if (doc.metadata.annotations?.[ANNOTATIONS.placeholder] === 'true') continue;
    const ref = registry.refOf(doc);
    for (const need of ref ? (registry.find(doc.kind)?.provides?.(ref) ?? []) : []) found.delete(key(need));
  }
  return [...found.values()]
    .map((e) => ({ ...e, by: [...e.by].sort() }))
    .sort((a, b) => (key(a.need) < key(b.need) ? -1 : 1));
}

/** How each type is looked up: the names among `names` that exist. */
const LOOKUPS: Record<InfrastructureNeed['type'], (clients: AwsClients, names: string[]) => Promise<Set<string>>> = {
  async 'ecs-cluster'(clients, names) {
    const active = new Set<string>();
    // DescribeClusters takes at most 100 names; a missing cluster is a `failures` entry (MISSING), not an error.
    for (let i = 0; i < names.length; i += 100) {
      const out = await clients.ecs.send(new DescribeClustersCommand({ clusters: names.slice(i, i + 100) }));
      for (const c of out.clusters ?? []) if (c.status === 'ACTIVE' && c.clusterName) active.add(c.clusterName);
    }
    return active;
  },
  async 'cloud-map-namespace'(clients) {
    const existing = new Set<string>();
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await clients.cloudMap.send(new ListNamespacesCommand({ NextToken: nextToken }));
      for (const ns of out.Namespaces ?? []) if (ns.Name) existing.add(ns.Name);
      nextToken = out.NextToken;
      pages += 1;
    } while (nextToken && pages < 1000);
    return existing;
  },
};

const WHAT: Record<InfrastructureNeed['type'], string> = {
  'ecs-cluster': 'ECS cluster',
  'cloud-map-namespace': 'Cloud Map namespace',
};

/** One message per missing piece of infrastructure; empty when everything assumed exists. Read-only calls. */
export async function missingInfrastructure(
  clients: AwsClients,
  docs: readonly ManifestDocument[],
  registry: KindRegistry = defaultRegistry,
): Promise<string[]> {
  const assumed = assumedInfrastructure(docs, registry);
  const messages: string[] = [];
  for (const type of Object.keys(LOOKUPS) as InfrastructureNeed['type'][]) {
    const ofType = assumed.filter((a) => a.need.type === type);
    if (ofType.length === 0) continue;
    const existing = await LOOKUPS[type](
      clients,
      ofType.map((a) => a.need.name),
    );
    for (const a of ofType) {
      if (existing.has(a.need.name)) continue;
      const by = a.by.length > 3 ? `${a.by.slice(0, 3).join(', ')} and ${a.by.length - 3} more` : a.by.join(', ');
      messages.push(
        `${WHAT[type]} "${a.need.name}" does not exist in ${clients.region} (needed by ${by}): meshward does not create it. ` +
          'Create it first, or point meshward at the account that has it (--local runs the embedded emulator).',
      );
    }
  }
  return messages;
}
