import type { JsonObject } from './input';
import type { EcsTaskEvent } from './task-events';

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
  /** Why the rollout failed (rollback, stop), shown as rolloutStateReason. */
  failureReason?: string;
  launchType?: string;
  platformVersion?: string;
  platformFamily?: string;
  networkConfiguration?: JsonObject;
  serviceConnectConfiguration?: JsonObject;
  /** The Cloud Map services Service Connect uses ({discoveryName, discoveryArn}). */
  serviceConnectResources?: JsonObject[];
  vpcLatticeConfigurations?: JsonObject[];
  capacityProviderStrategy?: JsonObject[];
  /** The service deployment and service revision this deployment is (absent in older snapshots). */
  serviceDeploymentArn?: string;
  serviceRevisionArn?: string;
}

/** One planned step of a service deployment's lifecycle (see service-deployments.ts). */
export interface LifecycleStep {
  stage: string;
  /** Lifecycle hook stages run when the step is entered (PRE_PRODUCTION_TRAFFIC_SHIFT has no lifecycleStage). */
  hookStages: string[];
  durationMs: number;
  /** Traffic weights of the target revision from this step on. */
  productionWeight?: number;
  testWeight?: number;
  /** The step that starts the target revision's tasks (they run when it ends). */
  scaleUp?: boolean;
}

export interface LifecycleHookRecord {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  stage: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  expiresAt: number;
}

export interface ServiceDeploymentRecord {
  arn: string;
  serviceKey: string;
  serviceArn: string;
  clusterArn: string;
  /** The ECS deployment (`deployments[]` entry) that carries the target revision. */
  deploymentId: string;
  targetRevisionArn: string;
  sourceRevisionArns: string[];
  status:
    | 'PENDING'
    | 'IN_PROGRESS'
    | 'SUCCESSFUL'
    | 'STOPPED'
    | 'STOP_REQUESTED'
    | 'ROLLBACK_REQUESTED'
    | 'ROLLBACK_IN_PROGRESS'
    | 'ROLLBACK_SUCCESSFUL'
    | 'ROLLBACK_FAILED';
  statusReason?: string;
  lifecycleStage: string;
  deploymentConfiguration: JsonObject;
  steps: LifecycleStep[];
  stepIndex: number;
  /** When the current step was entered and when it ends (undefined while a hook awaits action). */
  stepStartedAt: number;
  stepEndsAt?: number;
  stepEntered: boolean;
  hooks: LifecycleHookRecord[];
  productionWeight: number;
  testWeight: number;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  /** When a requested rollback or stop completes. */
  settlesAt?: number;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn?: string };
}

/** A service revision: the configuration one deployment runs (DescribeServiceRevisions). */
export interface ServiceRevisionRecord {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  createdAt: number;
  /** The ServiceRevision shape's configuration members, as DescribeServiceRevisions shows them. */
  body: JsonObject;
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
  /** Per running task: its deployment, address, Lattice targets and Cloud Map registrations (absent in old snapshots). */
  tasks?: Record<string, RunningTask>;
}

export interface RunningTask {
  event: EcsTaskEvent;
  /** Cloud Map service ARNs the task is registered in. */
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
  /** Service deployments and revisions by ARN (absent in older snapshots). */
  serviceDeployments: Record<string, ServiceDeploymentRecord>;
  serviceRevisions: Record<string, ServiceRevisionRecord>;
  /** Counter of task addresses, unique across services (Lattice target groups hold IPs of several services). */
  taskAddresses: number;
}

export function emptyEcsState(): EcsState {
  return {
    clusters: {},
    taskDefinitions: {},
    services: {},
    clientTokens: {},
    sequence: 0,
    serviceDeployments: {},
    serviceRevisions: {},
    taskAddresses: 0,
  };
}
