/**
 * VPC Lattice state: plain JSON (snapshot/restore is a structured copy), one store per emulator (keyed by its
 * EmulatorEnv, as Cloud Map's is) so the ECS emulator can register task IPs into the same target groups.
 */
import type { EmulatorEnv } from '../contracts';
import type { LatticeKind } from './ids';
import type { ResolvedLatticeOptions } from './options';

export type Json = Record<string, unknown>;

export interface LatticeRecord {
  kind: LatticeKind;
  id: string;
  arn: string;
  name?: string;
  /** Epoch ms (the wire carries ISO 8601: the model's Timestamp is timestampFormat iso8601). */
  createdAt: number;
  lastUpdatedAt: number;
  /** Services, target groups and associations: CREATE_IN_PROGRESS | ACTIVE | DELETE_IN_PROGRESS. */
  status?: string;
  /** When an in-progress status settles (ACTIVE, or gone for a delete), emulator clock ms. */
  settleAt?: number;
  serviceId?: string;
  listenerId?: string;
  /** Kind-specific members, as the API spells them. */
  attrs: Json;
  tags: Record<string, string>;
}

export interface TargetRecord {
  id: string;
  port: number;
  registeredAt: number;
  /** Set by DeregisterTargets: DRAINING until then, gone after. */
  drainingUntil?: number;
}

export interface PolicyRecord {
  policy: string;
  createdAt: number;
  lastUpdatedAt: number;
}

export interface TokenRecord {
  request: string;
  result: unknown;
}

export interface LatticeState {
  formatVersion: 1;
  /** Keyed by id, in creation order (lists page in that order). */
  resources: Record<string, LatticeRecord>;
  /** Target group id -> targets. */
  targets: Record<string, TargetRecord[]>;
  /** Target group id -> `ip:port` -> health the test asked for (HEALTHY unless set). */
  targetHealth: Record<string, Record<string, string>>;
  /** Service or service network id -> auth policy. */
  authPolicies: Record<string, PolicyRecord>;
  /** Resource ARN -> resource policy. */
  resourcePolicies: Record<string, PolicyRecord>;
  /** Target group id -> ECS service ARNs that register tasks into it. */
  ecsAttachments: Record<string, string[]>;
  tokens: Record<string, TokenRecord>;
  /**
   * `serviceDeploymentArn|ruleId` -> the target group id an ECS deployment shifts traffic to (ecs-traffic.ts);
   * absent in snapshots from before it existed.
   */
  ecsGreenTargetGroups?: Record<string, string>;
}

export function emptyLatticeState(): LatticeState {
  return {
    formatVersion: 1,
    resources: {},
    targets: {},
    targetHealth: {},
    authPolicies: {},
    resourcePolicies: {},
    ecsAttachments: {},
    tokens: {},
  };
}

export interface LatticeStore {
  state: LatticeState;
  /** The options the Lattice service was created with, so the ECS hook drains and counts as it does. */
  options?: ResolvedLatticeOptions;
}

const stores = new WeakMap<EmulatorEnv, LatticeStore>();

/** The Lattice store of an emulator: the Lattice service and the ECS hook share it. */
export function latticeStoreFor(env: EmulatorEnv): LatticeStore {
  let store = stores.get(env);
  if (!store) {
    store = { state: emptyLatticeState() };
    stores.set(env, store);
  }
  return store;
}

export function isLatticeState(value: unknown): value is LatticeState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<LatticeState>;
  return (
    v.formatVersion === 1 &&
    typeof v.resources === 'object' &&
    typeof v.targets === 'object' &&
    typeof v.authPolicies === 'object' &&
    typeof v.tokens === 'object'
  );
}

export function recordsOf(state: LatticeState, kind: LatticeKind): LatticeRecord[] {
  return Object.values(state.resources).filter((r) => r.kind === kind);
}

/** Removes a resource and everything that only exists with it (tags live on the record; policies by id/ARN). */
export function dropRecord(state: LatticeState, r: LatticeRecord): void {
  delete state.resources[r.id];
  delete state.authPolicies[r.id];
  delete state.resourcePolicies[r.arn];
  if (r.kind === 'targetGroup') {
    delete state.targets[r.id];
    delete state.targetHealth[r.id];
    delete state.ecsAttachments[r.id];
  }
}

/**
 * Moves in-progress statuses on by the emulator clock: CREATE_IN_PROGRESS becomes ACTIVE and a DELETE_IN_PROGRESS
 * resource disappears once its settleAt has passed; drained targets go away.
 */
export function settle(state: LatticeState, now: number): void {
  for (const r of Object.values(state.resources)) {
    if (r.settleAt === undefined || r.settleAt > now) continue;
    if (r.status === 'DELETE_IN_PROGRESS') {
      dropRecord(state, r);
      continue;
    }
    if (r.status === 'CREATE_IN_PROGRESS') r.status = 'ACTIVE';
    delete r.settleAt;
  }
  for (const [tgId, targets] of Object.entries(state.targets)) {
    state.targets[tgId] = targets.filter((t) => t.drainingUntil === undefined || t.drainingUntil > now);
  }
}
