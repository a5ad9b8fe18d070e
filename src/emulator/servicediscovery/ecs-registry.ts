import type { EmulatorEnv } from '../contracts';
import { dropInstance, putInstance } from './instances';
import { cloudMapStoreFor, type ServiceRecord } from './state';

/** What ECS needs from Cloud Map to keep a service's tasks registered, as ECS does for `serviceRegistries`. */
export interface CloudMapRegistry {
  /** The Cloud Map service with this ARN, if it exists: its id and whether its DNS records include SRV. */
  findService(registryArn: string): { id: string; namespaceName?: string; usesSrv: boolean } | undefined;
  register(registryArn: string, instanceId: string, attributes: Record<string, string>, now: number): void;
  deregister(registryArn: string, instanceId: string): void;
}

export function cloudMapRegistryFor(env: EmulatorEnv): CloudMapRegistry {
  const store = cloudMapStoreFor(env);
  const byArn = (arn: string): ServiceRecord | undefined =>
    Object.values(store.state.services).find((s) => s.Arn === arn);
  return {
    findService(registryArn) {
      const s = byArn(registryArn);
      if (!s) return undefined;
      const records = s.DnsConfig?.['DnsRecords'];
      const usesSrv = Array.isArray(records) && records.some((r: unknown) => JSON.stringify(r).includes('"SRV"'));
      const namespaceName = store.state.namespaces[s.NamespaceId]?.Name;
      return { id: s.Id, usesSrv, ...(namespaceName !== undefined ? { namespaceName } : {}) };
    },
    register(registryArn, instanceId, attributes, now) {
      const s = byArn(registryArn);
      if (s) putInstance(store.state, s, instanceId, attributes, now);
    },
    deregister(registryArn, instanceId) {
      const s = byArn(registryArn);
      if (s) dropInstance(s, instanceId);
    },
  };
}
