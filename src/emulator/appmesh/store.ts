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

export class AppMeshStore {
  private resources = new Map<string, StoredResource>();
  private tokens = new Map<string, TokenRecord>();

  get(a: ResourceAddress): StoredResource | undefined {
    return this.resources.get(keyOf(a));
  }

  put(resource: StoredResource): void {
    this.resources.set(keyOf(resource), resource);
  }

  remove(a: ResourceAddress): void {
    this.resources.delete(keyOf(a));
  }

  byArn(arn: string): StoredResource | undefined {
    for (const r of this.resources.values()) if (r.metadata.arn === arn) return r;
    return undefined;
  }

  /** Resources of a kind in a mesh (and under a parent, for routes and gateway routes), in creation order. */
  list(kind: KindName, meshName?: string, parentName?: string): StoredResource[] {
    const out: StoredResource[] = [];
    for (const r of this.resources.values()) {
      if (r.kind !== kind) continue;
      if (meshName !== undefined && r.meshName !== meshName) continue;
      if (parentName !== undefined && r.parentName !== parentName) continue;
      out.push(r);
    }
    return out;
  }

  /** Everything that lives in a mesh (the mesh itself excluded). */
  members(meshName: string): StoredResource[] {
    return [...this.resources.values()].filter((r) => r.kind !== 'mesh' && r.meshName === meshName);
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
    this.resources = new Map(s.resources.map((r) => [keyOf(r), structuredClone(r)]));
    this.tokens = new Map(structuredClone(s.tokens));
  }

  reset(): void {
    this.resources.clear();
    this.tokens.clear();
  }
}
