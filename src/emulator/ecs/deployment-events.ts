import { createHash } from 'node:crypto';
import type { EmulatorEnv } from '../contracts';
import { awsEventSink } from '../events/aws-events';
import type { DeploymentRecord, ServiceRecord } from './state';

export type DeploymentEventName =
  'SERVICE_DEPLOYMENT_IN_PROGRESS' | 'SERVICE_DEPLOYMENT_COMPLETED' | 'SERVICE_DEPLOYMENT_FAILED';

/** Emits one `ECS Deployment State Change` event for a deployment's transition. */
export type DeploymentEventSink = (
  service: ServiceRecord,
  deployment: DeploymentRecord,
  name: DeploymentEventName,
  now: number,
) => void;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** ECS reports deployment progress to EventBridge's default bus (AWS-FACTS.md, Deployments). */
export function deploymentEventSink(env: EmulatorEnv): DeploymentEventSink {
  const put = awsEventSink(env);
  return (service, deployment, name, now) => {
    // Derived from the deployment and transition, so the same transition always has the same event id.
    const hex = createHash('sha256').update(`${deployment.id}|${name}`).digest('hex');
    put({
      version: '0',
      id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
      'detail-type': 'ECS Deployment State Change',
      source: 'aws.ecs',
      account: env.accountId,
      time: iso(now),
      region: env.region,
      resources: [service.serviceArn],
      detail: {
        eventType: name === 'SERVICE_DEPLOYMENT_FAILED' ? 'ERROR' : 'INFO',
        eventName: name,
        deploymentId: deployment.id,
        updatedAt: new Date(now).toISOString(),
        reason:
          name === 'SERVICE_DEPLOYMENT_COMPLETED'
            ? `ECS deployment ${deployment.id} completed.`
            : name === 'SERVICE_DEPLOYMENT_FAILED'
              ? `ECS deployment ${deployment.id} failed: ${deployment.failureReason ?? 'rolled back'}`
              : `ECS deployment ${deployment.id} in progress.`,
      },
      receivedAt: now,
    });
  };
}
