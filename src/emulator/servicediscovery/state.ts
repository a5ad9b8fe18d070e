import type { EmulatorEnv } from '../contracts';

/** Cloud Map tags use capitalised keys on the wire. */
export interface CloudMapTag {
  Key: string;
  Value: string;
}

export interface NamespaceRecord {
  Id: string;
  Arn: string;
  Name: string;
  Type: 'DNS_PRIVATE' | 'DNS_PUBLIC' | 'HTTP';
  Description?: string;
  CreatorRequestId?: string;
  CreateDate: number;
  Vpc?: string;
  SoaTtl: number;
  HostedZoneId: string;
  tags: CloudMapTag[];
  /** Canonical create request, to tell a retry (same CreatorRequestId, same request) from a conflicting reuse. */
  request: string;
  operationId: string;
}

export interface InstanceRecord {
  Id: string;
  Attributes: Record<string, string>;
  CreatorRequestId?: string;
  CreatedAt: number;
}

export interface ServiceRecord {
  Id: string;
  Arn: string;
  Name: string;
  NamespaceId: string;
  Type: 'HTTP' | 'DNS_HTTP' | 'DNS';
  Description?: string;
  CreatorRequestId?: string;
  CreateDate: number;
  DnsConfig?: Record<string, unknown>;
  HealthCheckConfig?: Record<string, unknown>;
  HealthCheckCustomConfig?: Record<string, unknown>;
  tags: CloudMapTag[];
  instances: Record<string, InstanceRecord>;
  /** Grows on every instance change (DiscoverInstances' InstancesRevision); absent in older snapshots. */
  revision?: number;
  /** Set on the services ECS created for Service Connect (`discoveryName` of a serviceConnectConfiguration). */
  createdByEcs?: boolean;
}

export interface OperationRecord {
  Id: string;
  Type:
    | 'CREATE_NAMESPACE'
    | 'DELETE_NAMESPACE'
    | 'UPDATE_NAMESPACE'
    | 'UPDATE_SERVICE'
    | 'REGISTER_INSTANCE'
    | 'DEREGISTER_INSTANCE';
  Status: 'SUBMITTED' | 'PENDING' | 'SUCCESS' | 'FAIL';
  CreateDate: number;
  UpdateDate: number;
  Targets: Record<string, string>;
}

export interface CloudMapState {
  namespaces: Record<string, NamespaceRecord>;
  services: Record<string, ServiceRecord>;
  operations: Record<string, OperationRecord>;
  /**
   * Update*Namespace requests by UpdaterRequestId: a retry of the same request gets the same operation back and
   * changes nothing again (absent in older snapshots).
   */
  updateRequests?: Record<string, { request: string; operationId: string }>;
  sequence: number;
}

export function emptyCloudMapState(): CloudMapState {
  return { namespaces: {}, services: {}, operations: {}, sequence: 0 };
}

/**
 * The Cloud Map state of one emulator, shared with ECS (which registers a service's tasks as instances, as ECS
 * does for `serviceRegistries`). Keyed by the env object the core hands every factory, so both services of one
 * emulator see the same store whichever factory runs first.
 */
export interface CloudMapStore {
  state: CloudMapState;
}

const stores = new WeakMap<EmulatorEnv, CloudMapStore>();

export function cloudMapStoreFor(env: EmulatorEnv): CloudMapStore {
  let store = stores.get(env);
  if (!store) {
    store = { state: emptyCloudMapState() };
    stores.set(env, store);
  }
  return store;
}
