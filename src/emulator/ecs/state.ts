import type { JsonObject } from './input';

/** ECS tags use lower-case keys on the wire. */
export interface EcsTag {
  key: string;
  value: string;
}

export interface ClusterRecord {
  clusterArn: string;
  clusterName: string;
  /** Everything CreateCluster accepted (settings, configuration, capacity providers), echoed back as given. */
  request: JsonObject;
  tags: EcsTag[];
  createdAt: number;
}

export interface TaskDefinitionRecord {
  /** The TaskDefinition shape as DescribeTaskDefinition returns it (server defaults already filled). */
  taskDefinition: JsonObject;
  tags: EcsTag[];
}

export interface DeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  createdAt: number;
  updatedAt: number;
  /** When the rollout completes (ms); evaluated lazily when the emulator's clock passes it. */
  completesAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  launchType?: string;
  platformVersion?: string;
  platformFamily?: string;
  networkConfiguration?: JsonObject;
  serviceConnectConfiguration?: JsonObject;
  capacityProviderStrategy?: JsonObject[];
}

export interface ServiceEventRecord {
  id: string;
  createdAt: number;
  message: string;
}

export interface ServiceRecord {
  serviceArn: string;
  serviceName: string;
  clusterName: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  /** Service fields echoed by DescribeServices (defaults filled), minus the ones computed below. */
  fields: JsonObject;
  desiredCount: number;
  taskDefinition: string;
  deployments: DeploymentRecord[];
  events: ServiceEventRecord[];
  tags: EcsTag[];
  createdAt: number;
  createdBy: string;
  /** Canonical CreateService request (without clientToken): an identical re-create returns the existing service. */
  createRequest: string;
  /** When a DRAINING service turns INACTIVE (ms). */
  inactiveAt?: number;
  /** Task ids currently "running", registered in Cloud Map when the service has a registry. */
  taskIds: string[];
  /** The Cloud Map services the running tasks are registered in (a new deployment may point elsewhere). */
  registeredIn: string[];
}

export interface EcsState {
  clusters: Record<string, ClusterRecord>;
  /** family -> revisions in order; revision N is at index N-1, so the counter survives deregistration. */
  taskDefinitions: Record<string, TaskDefinitionRecord[]>;
  /** `${cluster}/${service}` -> the latest service of that name (a re-created name replaces an INACTIVE one). */
  services: Record<string, ServiceRecord>;
  /** CreateService clientToken -> the canonical request and the service it created. */
  clientTokens: Record<string, { request: string; serviceKey: string }>;
  /** Monotonic counter for ids, so restored state keeps producing unique ids. */
  sequence: number;
}

export function emptyEcsState(): EcsState {
  return { clusters: {}, taskDefinitions: {}, services: {}, clientTokens: {}, sequence: 0 };
}
