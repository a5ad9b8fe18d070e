/**
 * Every kind meshward manages, in dependency order: the single list. The engine, the core and validation find a
 * kind here and never switch on it; a new kind is a new folder plus a line in KINDS (or `register` from outside).
 */
import { MeshwardError } from '../core/errors';
import type { KindCatalog } from '../core/kind-catalog';
import type { KindName, ManifestDocument, ResourceRef } from '../core/types';
import { cloudMapNamespaceKind } from './cloud-map-namespace';
import { ecsServiceKind } from './ecs-service';
import { gatewayRouteKind } from './gateway-route';
import type { Kind } from './kind';
import { latticeAccessLogSubscriptionKind } from './lattice-access-log-subscription';
import { latticeAuthPolicyKind } from './lattice-auth-policy';
import { latticeListenerKind } from './lattice-listener';
import { latticeRuleKind } from './lattice-rule';
import { latticeServiceKind } from './lattice-service';
import { latticeServiceNetworkKind } from './lattice-service-network';
import { latticeServiceNetworkServiceAssociationKind } from './lattice-service-network-service-association';
import { latticeServiceNetworkVpcAssociationKind } from './lattice-service-network-vpc-association';
import { latticeTargetGroupKind } from './lattice-target-group';
import { meshKind } from './mesh';
import { routeKind } from './route';
import { virtualGatewayKind } from './virtual-gateway';
import { virtualNodeKind } from './virtual-node';
import { virtualRouterKind } from './virtual-router';
import { virtualServiceKind } from './virtual-service';

export const KINDS: readonly Kind[] = [
  meshKind,
  virtualNodeKind,
  virtualRouterKind,
  routeKind,
  virtualServiceKind,
  virtualGatewayKind,
  gatewayRouteKind,
  cloudMapNamespaceKind,
  // VPC Lattice: network -> target groups -> services -> listeners -> rules -> associations (then ECS attaches).
  latticeServiceNetworkKind,
  latticeTargetGroupKind,
  latticeServiceKind,
  latticeListenerKind,
  latticeRuleKind,
  latticeServiceNetworkVpcAssociationKind,
  latticeServiceNetworkServiceAssociationKind,
  latticeAccessLogSubscriptionKind,
  latticeAuthPolicyKind,
  ecsServiceKind,
];

export class KindRegistry implements KindCatalog {
  private readonly list: Kind[];
  private readonly byName: Map<KindName, Kind>;
  private nameList: readonly KindName[] = [];
  private readonly ranks = new Map<KindName, number>();

  constructor(kinds: readonly Kind[] = KINDS) {
    this.list = [];
    this.byName = new Map();
    for (const k of kinds) this.register(k);
  }

  get kinds(): readonly Kind[] {
    return this.list;
  }

  /** Adds a kind after the others (it may depend on any of them). A name registered twice is a bug. */
  register(kind: Kind): this {
    if (this.byName.has(kind.kind)) throw new MeshwardError('INTERNAL', `kind ${kind.kind} is registered twice`);
    this.list.push(kind);
    this.byName.set(kind.kind, kind);
    this.ranks.set(kind.kind, this.list.length - 1);
    this.nameList = this.list.map((k) => k.kind);
    return this;
  }

  names(): readonly KindName[] {
    return this.nameList;
  }

  rank(kind: KindName): number {
    return this.ranks.get(kind) ?? this.list.length;
  }

  find(kind: KindName): Kind | undefined {
    return this.byName.get(kind);
  }

  get(kind: KindName): Kind {
    const k = this.byName.get(kind);
    if (!k) throw new MeshwardError('INTERNAL', `no kind registered for ${kind}`);
    return k;
  }

  has(kind: unknown): kind is KindName {
    return typeof kind === 'string' && this.byName.has(kind);
  }

  /** Identity of a document of a registered kind (undefined for unknown kinds and documents without a name). */
  refOf(doc: unknown): ResourceRef | undefined {
    if (typeof doc !== 'object' || doc === null) return undefined;
    const { kind, metadata, spec } = doc as { kind?: unknown; metadata?: unknown; spec?: unknown };
    return this.has(kind) ? this.get(kind).refOf({ metadata, spec }) : undefined;
  }

  /** Like refOf, for a document that passed validation: a missing identity is a bug. */
  refOfDocument(doc: ManifestDocument): ResourceRef {
    const ref = this.refOf(doc);
    if (!ref) throw new MeshwardError('INTERNAL', `${doc.kind} document without an identity`);
    return ref;
  }

  /** Identity from a resource id, for ids the state store remembers. */
  refOfId(id: string): ResourceRef | undefined {
    const head = id.split('/')[0] ?? '';
    return this.find(head)?.refOfId(id);
  }

  /** Kinds grouped so that each group's `parentKind` was observed by an earlier group. */
  observeWaves(): Kind[][] {
    const done = new Set<KindName>();
    const waves: Kind[][] = [];
    let left = [...this.list];
    while (left.length > 0) {
      const wave = left.filter((k) => k.parentKind === undefined || done.has(k.parentKind));
      if (wave.length === 0) throw new MeshwardError('INTERNAL', 'kinds with unresolvable parent kinds');
      for (const k of wave) done.add(k.kind);
      waves.push(wave);
      left = left.filter((k) => !wave.includes(k));
    }
    return waves;
  }
}

export const defaultRegistry = new KindRegistry();

/** The registered kinds' names, in dependency order. */
export const KIND_NAMES: readonly KindName[] = defaultRegistry.names();
