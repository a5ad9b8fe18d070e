/**
 * What the ECS emulator needs from Lattice to keep a service's tasks registered in the target groups of its
 * `vpcLatticeConfigurations`, as ECS does ("ECS registers task IPs itself", AWS-FACTS.md): register a task's
 * IP:port when it starts, deregister it (draining) when it stops, and mark the target group as used by the ECS
 * service so DeleteTargetGroup refuses it while attached.
 */
import type { EmulatorEnv } from '../contracts';
import { idOf } from './ids';
import { resolveLatticeOptions, type LatticeOptions, type ResolvedLatticeOptions } from './options';
import { latticeStoreFor, settle, type LatticeRecord } from './state';
import { drainTarget, putTarget } from './target-groups';

export interface LatticeTargetGroupInfo {
  id: string;
  arn: string;
  type: string;
  port?: number;
  protocol?: string;
  status?: string;
}

export interface LatticeTargetRegistry {
  /** The target group with this ARN or id, unless it is gone or being deleted. */
  findTargetGroup(identifier: string, now: number): LatticeTargetGroupInfo | undefined;
  /** Registers ip:port (idempotent; a draining target comes back). False if the group is missing or full. */
  registerTarget(targetGroupArn: string, ip: string, port: number, now: number): boolean;
  /** Starts draining ip:port (gone after the draining time). False if it was not registered. */
  deregisterTarget(targetGroupArn: string, ip: string, port: number, now: number): boolean;
  /** Records that an ECS service registers into the target group (DeleteTargetGroup then answers Conflict). */
  attachEcsService(targetGroupArn: string, ecsServiceArn: string): void;
  detachEcsService(targetGroupArn: string, ecsServiceArn: string): void;
  /** Test hook: the health ListTargets reports for ip:port once past INITIAL (HEALTHY unless set). */
  setTargetHealth(targetGroupArn: string, ip: string, port: number, status: 'HEALTHY' | 'UNHEALTHY'): void;
}

/**
 * The registry over this emulator's Lattice store. It drains and counts with the options the Lattice service was
 * created with (EmulatorOptions.lattice); `fallback` only applies when no Lattice service shares the env.
 */
export function latticeTargetRegistryFor(env: EmulatorEnv, fallback: LatticeOptions = {}): LatticeTargetRegistry {
  const store = latticeStoreFor(env);
  const fallbackResolved = resolveLatticeOptions(fallback);
  const opts = (): ResolvedLatticeOptions => store.options ?? fallbackResolved;
  const groupOf = (identifier: string, now?: number): LatticeRecord | undefined => {
    if (now !== undefined) settle(store.state, now);
    const r = store.state.resources[idOf(identifier)];
    if (!r || r.kind !== 'targetGroup') return undefined;
    if (identifier.startsWith('arn:') && r.arn !== identifier) return undefined;
    return r.status === 'DELETE_IN_PROGRESS' ? undefined : r;
  };
  return {
    findTargetGroup(identifier, now) {
      const r = groupOf(identifier, now);
      if (!r) return undefined;
      const config = (r.attrs.config ?? {}) as { port?: unknown; protocol?: unknown };
      return {
        id: r.id,
        arn: r.arn,
        type: String(r.attrs.type),
        ...(typeof config.port === 'number' ? { port: config.port } : {}),
        ...(typeof config.protocol === 'string' ? { protocol: config.protocol } : {}),
        ...(r.status !== undefined ? { status: r.status } : {}),
      };
    },
    registerTarget(targetGroupArn, ip, port, now) {
      const r = groupOf(targetGroupArn, now);
      if (!r) return false;
      return putTarget(store.state, opts().quotas.targetsPerTargetGroup, r, ip, port, now) === 'ok';
    },
    deregisterTarget(targetGroupArn, ip, port, now) {
      const r = groupOf(targetGroupArn, now);
      if (!r) return false;
      return drainTarget(store.state, opts().targetDrainingMs, r, ip, port, now);
    },
    attachEcsService(targetGroupArn, ecsServiceArn) {
      const r = groupOf(targetGroupArn);
      if (!r) return;
      const list = (store.state.ecsAttachments[r.id] ??= []);
      if (!list.includes(ecsServiceArn)) list.push(ecsServiceArn);
    },
    detachEcsService(targetGroupArn, ecsServiceArn) {
      const r = store.state.resources[idOf(targetGroupArn)];
      if (!r) return;
      const list = store.state.ecsAttachments[r.id] ?? [];
      store.state.ecsAttachments[r.id] = list.filter((a) => a !== ecsServiceArn);
    },
    setTargetHealth(targetGroupArn, ip, port, status) {
      const r = groupOf(targetGroupArn);
      if (!r) return;
      (store.state.targetHealth[r.id] ??= {})[`${ip}:${port}`] = status;
    },
  };
}
