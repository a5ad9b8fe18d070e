/**
 * The VPC Lattice emulator's knobs. Defaults are AWS's where a public source says so (AWS-FACTS.md "VPC Lattice"),
 * else the likely behaviour, documented as unverified in src/emulator/README.md.
 */
export interface LatticeQuotas {
  serviceNetworksPerRegion: number;
  servicesPerRegion: number;
  targetGroupsPerRegion: number;
  /** "2 per service" (AWS-FACTS.md). */
  listenersPerService: number;
  /** Rules besides the default one. 5 in the English quota page, 10 in the Japanese and Korean ones: unverified. */
  rulesPerListener: number;
  targetsPerTargetGroup: number;
  serviceNetworkAssociationsPerService: number;
  vpcAssociationsPerServiceNetwork: number;
  tagsPerResource: number;
}

export const DEFAULT_LATTICE_QUOTAS: LatticeQuotas = {
  serviceNetworksPerRegion: 10,
  servicesPerRegion: 500,
  targetGroupsPerRegion: 500,
  listenersPerService: 2,
  rulesPerListener: 5,
  targetsPerTargetGroup: 1000,
  serviceNetworkAssociationsPerService: 10,
  vpcAssociationsPerServiceNetwork: 500,
  tagsPerResource: 50,
};

/** The kinds whose create and delete are asynchronous (they carry a `status`). */
export type AsyncKind = 'service' | 'targetGroup' | 'vpcAssociation' | 'serviceAssociation';

export interface LatticeOptions {
  quotas?: Partial<LatticeQuotas>;
  /**
   * How long (emulator clock, ms) a create stays CREATE_IN_PROGRESS and a delete DELETE_IN_PROGRESS, per kind.
   * Default 0: instant (the create answers ACTIVE, the resource is gone right after its delete).
   */
  transitionMs?: Partial<Record<AsyncKind, number>>;
  /** How long a deregistered target stays DRAINING (default 300000: "The default draining time is 5 minutes"). */
  targetDrainingMs?: number;
  /** How long a registered target in a used target group stays INITIAL before HEALTHY (default 0). */
  targetInitialMs?: number;
  /** ListX page size when maxResults is not given (unverified; default 100, the model's maximum). */
  defaultMaxResults?: number;
  /** Weight of a forward target group given without one when the action has several (unverified; default 1). */
  defaultWeightWithSeveral?: number;
  /** Weight of the only forward target group given without one (WeightedTargetGroup: "the default value is 100"). */
  defaultWeightAlone?: number;
  /** DeleteService of a service that still has listeners: 'cascade' (DeleteService's documented behaviour) or 'conflict'. */
  serviceDeleteWithListeners?: 'cascade' | 'conflict';
  /** A target group an ECS service still registers tasks into cannot be deleted (unverified; default true). */
  ecsAttachmentBlocksDelete?: boolean;
  /** A VPC can be associated with one service network only (unverified; default true). */
  oneServiceNetworkPerVpc?: boolean;
}

export interface ResolvedLatticeOptions {
  quotas: LatticeQuotas;
  transitionMs: Record<AsyncKind, number>;
  targetDrainingMs: number;
  targetInitialMs: number;
  defaultMaxResults: number;
  defaultWeightWithSeveral: number;
  defaultWeightAlone: number;
  serviceDeleteWithListeners: 'cascade' | 'conflict';
  ecsAttachmentBlocksDelete: boolean;
  oneServiceNetworkPerVpc: boolean;
}

export function resolveLatticeOptions(options: LatticeOptions = {}): ResolvedLatticeOptions {
  return {
    quotas: { ...DEFAULT_LATTICE_QUOTAS, ...options.quotas },
    transitionMs: {
      service: 0,
      targetGroup: 0,
      vpcAssociation: 0,
      serviceAssociation: 0,
      ...options.transitionMs,
    },
    targetDrainingMs: options.targetDrainingMs ?? 300_000,
    targetInitialMs: options.targetInitialMs ?? 0,
    defaultMaxResults: options.defaultMaxResults ?? 100,
    defaultWeightWithSeveral: options.defaultWeightWithSeveral ?? 1,
    defaultWeightAlone: options.defaultWeightAlone ?? 100,
    serviceDeleteWithListeners: options.serviceDeleteWithListeners ?? 'cascade',
    ecsAttachmentBlocksDelete: options.ecsAttachmentBlocksDelete ?? true,
    oneServiceNetworkPerVpc: options.oneServiceNetworkPerVpc ?? true,
  };
}
