/**
 * App Mesh state: resources keyed by kind/mesh/parent/name in creation order (lists page in that order), and the
 * idempotency tokens seen. Plain JSON all the way, so snapshot/restore is a structured copy.
 */
import type { ResourceAddress } from './arns';
import type { KindName } from './kinds';

export interface TagRef {
  key: string;
  value: string;
}

export interface ResourceMetadata {
  arn: string;
  uid: string;
  version: number;
  /** Epoch seconds, as the wire carries them. */
  createdAt: number;
  lastUpdatedAt: number;
  meshOwner: string;
  resourceOwner: string;
}

export interface StoredResource extends ResourceAddress {
  spec: Record<string, unknown>;
  tags: TagRef[];
  metadata: ResourceMetadata;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETED';
}

export interface TokenRecord {
  /** Canonical JSON of the request without its clientToken. */
  request: string;
  result: unknown;
}

interface Snapshot {
  formatVersion: 1;
  resources: StoredResource[];
  tokens: [string, TokenRecord][];
}

export function keyOf(a: { kind: KindName; meshName: string; parentName?: string; name: string }): string {
  return [a.kind, a.meshName, a.parentName ?? '', a.name].join('\u0000');
}

/** The list scopes a resource belongs to: its kind, its kind in its mesh, its kind under its parent. */
function scopesOf(r: ResourceAddress): string[] {
  const kindScope = `k\u0000${r.kind}`;
  const meshScope = `${kindScope}\u0000${r.meshName}`;
  const out = [kindScope, meshScope];
  if (r.parentName !== undefined) out.push(`${meshScope}\u0000${r.parentName}`);
  return out;
}

export class AppMeshStore {
  private resources = new Map<string, StoredResource>();
  private tokens = new Map<string, TokenRecord>();
  // Secondary indexes, so that list, byArn, members and the create quotas cost what they return rather than a scan
  // of the whole account (a scan per create made a first apply quadratic). Each inner Map keeps creation order, as
  // `resources` does: an update re-sets an existing key, which leaves its place unchanged.
  private arnIndex = new Map<string, string>();
  private scopeIndex = new Map<string, Map<string, StoredResource>>();
  private meshIndex = new Map<string, Map<string, StoredResource>>();

  get(a: ResourceAddress): StoredResource | undefined {
    return this.resources.get(keyOf(a));
  }

  put(resource: StoredResource): void {
    const key = keyOf(resource);
    const before = this.resources.get(key);
    if (before && before.metadata.arn !== resource.metadata.arn) this.arnIndex.delete(before.metadata.arn);
    this.resources.set(key, resource);
    this.arnIndex.set(resource.metadata.arn, key);
    for (const scope of scopesOf(resource)) indexed(this.scopeIndex, scope).set(key, resource);
    if (resource.kind !== 'mesh') indexed(this.meshIndex, resource.meshName).set(key, resource);
  }

  remove(a: ResourceAddress): void {
    const key = keyOf(a);
    const r = this.resources.get(key);
    if (!r) return;
    this.resources.delete(key);
    if (this.arnIndex.get(r.metadata.arn) === key) this.arnIndex.delete(r.metadata.arn);
    for (const scope of scopesOf(r)) this.scopeIndex.get(scope)?.delete(key);
    if (r.kind !== 'mesh') this.meshIndex.get(r.meshName)?.delete(key);
  }

  byArn(arn: string): StoredResource | undefined {
    const key = this.arnIndex.get(arn);
    return key === undefined ? undefined : this.resources.get(key);
  }

  /** How many resources a list would return, without building it (the create quotas). */
  count(kind: KindName, meshName?: string, parentName?: string): number {
    const scope = this.scopeFor(kind, meshName, parentName);
    return scope === null ? this.list(kind, meshName, parentName).length : (this.scopeIndex.get(scope)?.size ?? 0);
  }

  /** Resources of a kind in a mesh (and under a parent, for routes and gateway routes), in creation order. */
  list(kind: KindName, meshName?: string, parentName?: string): StoredResource[] {
    const scope = this.scopeFor(kind, meshName, parentName);
    if (scope !== null) return [...(this.scopeIndex.get(scope)?.values() ?? [])];
    // A parent without a mesh is no scope App Mesh lists; filter the kind's index.
    return [...(this.scopeIndex.get(`k\u0000${kind}`)?.values() ?? [])].filter((r) => r.parentName === parentName);
  }

  /** Every stored resource, in creation order (the Tagging API's view). */
  all(): StoredResource[] {
    return [...this.resources.values()];
  }

  /** Everything that lives in a mesh (the mesh itself excluded). */
  members(meshName: string): StoredResource[] {
    return [...(this.meshIndex.get(meshName)?.values() ?? [])];
  }

  private scopeFor(kind: KindName, meshName?: string, parentName?: string): string | null {
    if (meshName === undefined) return parentName === undefined ? `k\u0000${kind}` : null;
    return parentName === undefined
      ? `k\u0000${kind}\u0000${meshName}`
      : `k\u0000${kind}\u0000${meshName}\u0000${parentName}`;
  }

  token(key: string): TokenRecord | undefined {
    return this.tokens.get(key);
  }

  rememberToken(key: string, record: TokenRecord): void {
    this.tokens.set(key, record);
  }

  snapshot(): Snapshot {
    return {
      formatVersion: 1,
      resources: structuredClone([...this.resources.values()]),
      tokens: structuredClone([...this.tokens]),
    };
  }

  restore(state: unknown): void {
    const s = state as Partial<Snapshot> | null;
    if (!s || s.formatVersion !== 1 || !Array.isArray(s.resources) || !Array.isArray(s.tokens)) {
      throw new Error('App Mesh snapshot is not formatVersion 1 with resources[] and tokens[]');
    }
    this.clearResources();
    for (const r of s.resources) this.put(structuredClone(r));
    this.tokens = new Map(structuredClone(s.tokens));
  }

  reset(): void {
    this.clearResources();
    this.tokens.clear();
  }

  private clearResources(): void {
    this.resources.clear();
    this.arnIndex.clear();
    this.scopeIndex.clear();
    this.meshIndex.clear();
  }
}

function indexed(index: Map<string, Map<string, StoredResource>>, scope: string): Map<string, StoredResource> {
  let inner = index.get(scope);
  if (!inner) {
    inner = new Map();
    index.set(scope, inner);
  }
  return inner;
}
