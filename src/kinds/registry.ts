/** Every kind meshward manages, in dependency order. The engine finds a kind here and never switches on it. */
import { MeshwardError } from '../core/errors';
import type { KindName } from '../core/types';
import { ecsServiceKind } from './ecs-service';
import { gatewayRouteKind } from './gateway-route';
import type { Kind } from './kind';
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
  ecsServiceKind,
];

/** A backend is a set of kinds; a Service Connect backend would register its own `EcsService` here instead. */
export class KindRegistry {
  private readonly byName: Map<KindName, Kind>;

  constructor(readonly kinds: readonly Kind[] = KINDS) {
    this.byName = new Map(kinds.map((k) => [k.kind, k]));
  }

  get(kind: KindName): Kind {
    const k = this.byName.get(kind);
    if (!k) throw new MeshwardError('INTERNAL', `no kind registered for ${kind}`);
    return k;
  }

  has(kind: KindName): boolean {
    return this.byName.has(kind);
  }

  /** Kinds grouped so that each group's `parentKind` was observed by an earlier group. */
  observeWaves(): Kind[][] {
    const done = new Set<KindName>();
    const waves: Kind[][] = [];
    let left = [...this.kinds];
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
