import { epochSeconds, type JsonObject } from './input';
import type { DeploymentRecord, ServiceRecord } from './state';

export function deploymentView(d: DeploymentRecord): JsonObject {
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    desiredCount: d.desiredCount,
    pendingCount: d.rolloutState === 'IN_PROGRESS' ? Math.max(0, d.desiredCount - d.runningCount) : 0,
    runningCount: d.runningCount,
    failedTasks: 0,
    createdAt: epochSeconds(d.createdAt),
    updatedAt: epochSeconds(d.updatedAt),
    ...(d.capacityProviderStrategy ? { capacityProviderStrategy: d.capacityProviderStrategy } : {}),
    ...(d.launchType ? { launchType: d.launchType } : {}),
    ...(d.platformVersion ? { platformVersion: d.platformVersion } : {}),
    ...(d.platformFamily ? { platformFamily: d.platformFamily } : {}),
    ...(d.networkConfiguration ? { networkConfiguration: d.networkConfiguration } : {}),
    rolloutState: d.rolloutState,
    rolloutStateReason:
      d.rolloutState === 'COMPLETED'
        ? `ECS deployment ${d.id} completed.`
        : d.rolloutState === 'FAILED'
          ? `ECS deployment ${d.id} failed: ${d.failureReason ?? 'rolled back'}`
          : `ECS deployment ${d.id} in progress.`,
    // DescribeServices shows Service Connect and VPC Lattice under the deployment, not at the service's top level.
    ...(d.serviceConnectConfiguration ? { serviceConnectConfiguration: d.serviceConnectConfiguration } : {}),
    ...(d.serviceConnectResources ? { serviceConnectResources: d.serviceConnectResources } : {}),
    ...(d.vpcLatticeConfigurations ? { vpcLatticeConfigurations: d.vpcLatticeConfigurations } : {}),
  };
}

/** The Service shape as DescribeServices returns it; tags only when asked for (`include: ["TAGS"]`). */
export function serviceView(s: ServiceRecord, clusterArn: string, withTags: boolean): JsonObject {
  const running = s.deployments.reduce((n, d) => n + d.runningCount, 0);
  const pending = s.deployments.reduce(
    (n, d) => n + (d.rolloutState === 'IN_PROGRESS' ? Math.max(0, d.desiredCount - d.runningCount) : 0),
    0,
  );
  return {
    serviceArn: s.serviceArn,
    serviceName: s.serviceName,
    clusterArn,
    ...s.fields,
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: running,
    pendingCount: s.status === 'ACTIVE' ? pending : 0,
    taskDefinition: s.taskDefinition,
    deployments: s.deployments.map(deploymentView),
    ...currentRevisions(s),
    events: s.events.map((e) => ({ id: e.id, createdAt: epochSeconds(e.createdAt), message: e.message })),
    createdAt: epochSeconds(s.createdAt),
    createdBy: s.createdBy,
    ...(withTags ? { tags: s.tags } : {}),
  };
}

/** The service deployment under way or last finished, and the revisions running now (DescribeServices). */
function currentRevisions(s: ServiceRecord): JsonObject {
  const withRevision = s.deployments.filter((d) => d.serviceRevisionArn !== undefined);
  const latest = s.deployments.find((d) => d.serviceDeploymentArn !== undefined);
  return {
    ...(latest?.serviceDeploymentArn ? { currentServiceDeployment: latest.serviceDeploymentArn } : {}),
    ...(withRevision.length > 0
      ? {
          currentServiceRevisions: withRevision.map((d) => ({
            arn: d.serviceRevisionArn,
            requestedTaskCount: d.desiredCount,
            runningTaskCount: d.runningCount,
            pendingTaskCount: d.rolloutState === 'IN_PROGRESS' ? Math.max(0, d.desiredCount - d.runningCount) : 0,
          })),
        }
      : {}),
  };
}
