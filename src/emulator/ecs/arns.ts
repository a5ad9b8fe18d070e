import type { CallContext } from '../contracts';
import type { EcsState } from './state';

export function clusterArn(ctx: Pick<CallContext, 'region' | 'accountId'>, name: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/${name}`;
}

export function serviceArn(ctx: Pick<CallContext, 'region' | 'accountId'>, cluster: string, name: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:service/${cluster}/${name}`;
}

export function taskDefinitionArn(
  ctx: Pick<CallContext, 'region' | 'accountId'>,
  family: string,
  revision: number,
): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:task-definition/${family}:${revision}`;
}

export interface ParsedEcsArn {
  resourceType: string;
  /** The part after `type/`, e.g. `cluster/name` for a service, `family:rev` for a task definition. */
  resource: string;
}

export function parseEcsArn(arn: string): ParsedEcsArn | undefined {
  const match = /^arn:aws[\w-]*:ecs:[^:]*:\d*:([a-z-]+)\/(.+)$/.exec(arn);
  if (!match?.[1] || !match[2]) return undefined;
  return { resourceType: match[1], resource: match[2] };
}

/** Accepts a cluster name or ARN; the name is what we key clusters by. */
export function clusterNameOf(clusterOrArn: string | undefined): string {
  if (!clusterOrArn) return 'default';
  const parsed = parseEcsArn(clusterOrArn);
  return parsed?.resourceType === 'cluster' ? parsed.resource : clusterOrArn;
}

/** Accepts a service name or ARN (short `service/name` or long `service/cluster/name` form). */
export function serviceNameOf(serviceOrArn: string): string {
  const parsed = parseEcsArn(serviceOrArn);
  if (parsed?.resourceType !== 'service') return serviceOrArn;
  const parts = parsed.resource.split('/');
  return parts[parts.length - 1] ?? serviceOrArn;
}

/** The caller as ECS records it in `createdBy` / `registeredBy`: the principal the core derived from the access key. */
export function callerArn(ctx: CallContext): string {
  return ctx.principalArn ?? `arn:aws:iam::${ctx.accountId}:root`;
}

/** Ids shaped like ECS's: deployments `ecs-svc/<19 digits>`, tasks and events 32 hex / uuid-like. */
export function nextId(state: EcsState, kind: 'deployment' | 'task' | 'event'): string {
  state.sequence += 1;
  const n = state.sequence;
  if (kind === 'deployment') return `ecs-svc/${String(1_000_000_000_000_000 + n * 7919).padStart(19, '0')}`;
  const hex = (n * 2654435761).toString(16).padStart(12, '0').slice(-12);
  if (kind === 'task') return `${'0'.repeat(20)}${hex}`;
  return `00000000-0000-4000-8000-${hex}`;
}
