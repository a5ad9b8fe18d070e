import type { EmulatorEnv } from '../contracts';

/** One VPC Lattice target of a task: ECS registers the task's IP and the named port in the target group. */
export interface EcsLatticeTarget {
  targetGroupArn: string;
  portName: string;
  /** The port ECS registers: the container port in awsvpc mode, the (dynamic) host port otherwise. */
  port: number;
}

/** A task of an ECS service started or stopped (the emulator's tasks are bookkeeping, nothing runs). */
export interface EcsTaskEvent {
  type: 'TASK_STARTED' | 'TASK_STOPPED';
  clusterName: string;
  serviceName: string;
  serviceArn: string;
  taskId: string;
  taskArn: string;
  /** The ECS deployment (`ecs-svc/...`) the task belongs to. */
  deploymentId: string;
  ipv4: string;
  /** From the deployment's `vpcLatticeConfigurations` (empty when it has none). */
  latticeTargets: EcsLatticeTarget[];
  at: number;
}

/**
 * A service deployment moved its traffic weights (AWS-FACTS.md: during a deployment ECS itself moves the weights of
 * the Lattice or load-balancer rules named in `advancedConfiguration`). Weights are the target revision's, 0..100.
 */
export interface EcsTrafficShiftEvent {
  type: 'TRAFFIC_SHIFTED';
  serviceArn: string;
  serviceDeploymentArn: string;
  targetServiceRevisionArn: string;
  productionWeight: number;
  testWeight: number;
  /** The target revision's `vpcLatticeConfigurations` (with `advancedConfiguration` as given). */
  vpcLatticeConfigurations: Record<string, unknown>[];
  at: number;
}

export type EcsEmulatorEvent = EcsTaskEvent | EcsTrafficShiftEvent;
export type EcsEventListener = (event: EcsEmulatorEvent) => void;

/**
 * The hook other emulated services use to follow ECS tasks (the VPC Lattice emulator registers task IPs in target
 * groups from it). One bus per emulator, keyed by the env the core hands every factory, so the subscriber's factory
 * may run before or after ECS's.
 */
export interface EcsEventBus {
  /** Calls `listener` synchronously for every later event; returns the unsubscribe function. */
  subscribe(listener: EcsEventListener): () => void;
  /** The tasks running now, as TASK_STARTED events (for a subscriber that starts late or after a restore). */
  runningTasks(): EcsTaskEvent[];
  /** Used by the ECS emulator. */
  emit(event: EcsEmulatorEvent): void;
  /** Used by the ECS emulator: how runningTasks() is answered. */
  setRunningTasksSource(source: () => EcsTaskEvent[]): void;
  /**
   * Moves ECS's lazy clock (rollouts, the lifecycle clock) forward to `now`, as every ECS call does first: another
   * service calls it before answering, so what ECS did by then (weights it moved) shows whichever API is asked.
   */
  advance(now: number, region: string): void;
  /** Used by the ECS emulator: what advance() does. */
  setAdvancer(advancer: (now: number, region: string) => void): void;
}

const buses = new WeakMap<EmulatorEnv, EcsEventBus>();

export function ecsEventBusFor(env: EmulatorEnv): EcsEventBus {
  const found = buses.get(env);
  if (found) return found;
  const listeners = new Set<EcsEventListener>();
  let source: () => EcsTaskEvent[] = () => [];
  let advancer: (now: number, region: string) => void = () => undefined;
  const bus: EcsEventBus = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    runningTasks: () => source(),
    emit(event) {
      for (const l of [...listeners]) l(event);
    },
    setRunningTasksSource(s) {
      source = s;
    },
    advance: (now, region) => advancer(now, region),
    setAdvancer(a) {
      advancer = a;
    },
  };
  buses.set(env, bus);
  return bus;
}

/**
 * What keeps Lattice target groups in step with ECS tasks. Structurally the VPC Lattice emulator's target registry
 * (registerTarget / deregisterTarget / attachEcsService / detachEcsService), so that emulator needs no ECS types.
 */
export interface LatticeTargetSink {
  registerTarget(targetGroupArn: string, ip: string, port: number, now: number): boolean;
  deregisterTarget(targetGroupArn: string, ip: string, port: number, now: number): boolean;
  attachEcsService?(targetGroupArn: string, ecsServiceArn: string): void;
  detachEcsService?(targetGroupArn: string, ecsServiceArn: string): void;
  /** When present, CreateService/UpdateService refuse a target group it does not find. */
  findTargetGroup?(identifier: string, now: number): unknown;
}

/**
 * Registers every running and future task's IP:port in the target groups of its deployment's
 * vpcLatticeConfigurations and deregisters it when the task stops, as ECS does. A service counts as attached to a
 * target group while it has a task registered there. Returns the disconnect function.
 */
export function connectLatticeTargets(bus: EcsEventBus, sink: LatticeTargetSink): () => void {
  // targetGroupArn|serviceArn -> registered task ids
  const attached = new Map<string, Set<string>>();
  const onTask = (e: EcsTaskEvent): void => {
    for (const t of e.latticeTargets) {
      const key = `${t.targetGroupArn}|${e.serviceArn}`;
      const tasks = attached.get(key) ?? new Set<string>();
      if (e.type === 'TASK_STARTED') {
        if (!sink.registerTarget(t.targetGroupArn, e.ipv4, t.port, e.at)) continue;
        if (tasks.size === 0) sink.attachEcsService?.(t.targetGroupArn, e.serviceArn);
        tasks.add(e.taskId);
        attached.set(key, tasks);
      } else {
        sink.deregisterTarget(t.targetGroupArn, e.ipv4, t.port, e.at);
        if (!tasks.delete(e.taskId)) continue;
        if (tasks.size === 0) {
          attached.delete(key);
          sink.detachEcsService?.(t.targetGroupArn, e.serviceArn);
        }
      }
    }
  };
  for (const e of bus.runningTasks()) onTask(e);
  return bus.subscribe((e) => {
    if (e.type !== 'TRAFFIC_SHIFTED') onTask(e);
  });
}
