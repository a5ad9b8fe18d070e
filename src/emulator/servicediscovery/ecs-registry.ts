import type { CallContext, EmulatorEnv } from '../contracts';
import { idOf, newServiceId, serviceArn } from './ids';
import { dropInstance, putInstance } from './instances';
import { createHttpNamespace } from './namespaces';
import { cloudMapStoreFor, type NamespaceRecord, type ServiceRecord } from './state';

/** A Cloud Map namespace as ECS sees it (Service Connect names it by name or ARN and shows its ARN). */
export interface CloudMapNamespaceRef {
  id: string;
  arn: string;
  name: string;
  type: NamespaceRecord['Type'];
}

/** What ECS needs from Cloud Map: `serviceRegistries` registration and Service Connect's namespaces and services. */
export interface CloudMapRegistry {
  /** The Cloud Map service with this ARN, if it exists: its id and whether its DNS records include SRV. */
  findService(registryArn: string): { id: string; namespaceName?: string; usesSrv: boolean } | undefined;
  register(registryArn: string, instanceId: string, attributes: Record<string, string>, now: number): void;
  deregister(registryArn: string, instanceId: string): void;
  /** A namespace by ARN, id or name (ECS accepts a Service Connect namespace by name or ARN). */
  findNamespace(ref: string): CloudMapNamespaceRef | undefined;
  /** Creates an HTTP namespace, as ECS does for a cluster's unknown `serviceConnectDefaults.namespace`. */
  createHttpNamespace(name: string, ctx: CallContext): CloudMapNamespaceRef;
  /**
   * The Cloud Map service Service Connect uses for `discoveryName` in the namespace, created (API-only, as ECS
   * creates them) when missing. Returns its ARN.
   */
  ensureServiceConnectService(namespaceId: string, discoveryName: string, ctx: CallContext): string;
}

const refOf = (ns: NamespaceRecord): CloudMapNamespaceRef => ({ id: ns.Id, arn: ns.Arn, name: ns.Name, type: ns.Type });

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
    findNamespace(ref) {
      const namespaces = Object.values(store.state.namespaces);
      const ns =
        store.state.namespaces[idOf(ref)] ??
        namespaces.find((n) => n.Arn === ref) ??
        namespaces.find((n) => n.Name === ref);
      return ns ? refOf(ns) : undefined;
    },
    createHttpNamespace(name, ctx) {
      createHttpNamespace(store.state, { Name: name }, ctx);
      const ns = Object.values(store.state.namespaces).find((n) => n.Name === name);
      if (!ns) throw new Error(`namespace ${name} was not created`);
      return refOf(ns);
    },
    ensureServiceConnectService(namespaceId, discoveryName, ctx) {
      const existing = Object.values(store.state.services).find(
        (s) => s.NamespaceId === namespaceId && s.Name === discoveryName,
      );
      if (existing) return existing.Arn;
      const id = newServiceId(store.state);
      store.state.services[id] = {
        Id: id,
        Arn: serviceArn(ctx, id),
        Name: discoveryName,
        NamespaceId: namespaceId,
        Type: 'HTTP',
        CreateDate: ctx.now,
        tags: [],
        instances: {},
        createdByEcs: true,
      };
      return serviceArn(ctx, id);
    },
  };
}
