/**
 * VirtualService -> on Service Connect, a client alias (its name and port) on the endpoint that serves it; on VPC
 * Lattice, a Lattice service with that name as custom domain, its association with the service network, and one
 * listener per port whose default action is the router's catch-all route (or the node).
 */
import type { LoadedDocument } from '../../core/types';
import { API_VERSION } from '../../core/types';
import type { KindMigration, MigrationRun, Outcome, RuleMatch } from '../../migrate/model';
import { clamp, isRecord, secondsOf, str } from '../../migrate/values';
import {
  ecsServicesOf,
  isCatchAll,
  latticeListenerName,
  latticeNetworkName,
  latticeProtocolVersion,
  latticeServiceName,
  latticeTargetGroupName,
  listenersOf,
  meshOf,
  providerOf,
  routesOf,
  routeTypeOf,
  scAliasOf,
  scRouterPlan,
  successorOfNode,
  weightedTargetsOf,
} from '../shared/migrate-topology';
import { latticeCertificateInput } from '../virtual-node/migrate';

function scProvider(m: RuleMatch): Outcome {
  const mesh = meshOf(m.source);
  const provider = providerOf(m.source);
  const node = provider.router !== undefined ? scRouterPlan(m.run, mesh, provider.router).primary : provider.node;
  const home = node === undefined ? undefined : successorOfNode(m.run, mesh, node);
  if (!home) {
    return {
      status: 'dropped',
      detail:
        'no ECS service serves this virtual service, so Service Connect has no endpoint for it (clients call the real host)',
    };
  }
  const name = m.source.doc.metadata.name;
  const listeners = listenersOf(m.run.lookup({ kind: 'VirtualNode', mesh, name: node ?? '' })?.doc.spec);
  const owned = listeners.find((l) => scAliasOf(m.run, mesh, node ?? '', l)?.virtualService === name);
  if (!owned) {
    const other = listeners
      .map((l) => scAliasOf(m.run, mesh, node ?? '', l)?.virtualService)
      .find((v) => v !== undefined);
    return {
      status: 'dropped',
      detail: `Service Connect allows one client alias per endpoint port and ${other ?? 'another virtual service'} has it: clients must call that name`,
    };
  }
  return {
    status: 'carried',
    target: `${home}:/spec/serviceConnectConfiguration/services/${listeners.indexOf(owned)}/clientAliases/0/dnsName`,
    detail: `a client alias: clients keep calling ${name}, served by ${home}`,
  };
}

function latticeProvider(m: RuleMatch): Outcome {
  const service = latticeServiceName(m.source.doc.metadata.name);
  return plannedListeners(m.source, m.run).length === 0
    ? { status: 'dropped', detail: 'nothing Lattice can forward to (TCP only, or no ECS service behind it)' }
    : {
        status: 'carried',
        target: `LatticeService/${service}:/spec/customDomainName`,
        detail: `Lattice service ${service} with custom domain ${m.source.doc.metadata.name}`,
      };
}

interface PlannedListener {
  port: number;
  protocol: string;
  defaultAction: Record<string, unknown>;
  https: boolean;
  certificateArn?: string;
}

function tgList(mesh: string, run: MigrationRun, targets: { virtualNode: string; weight?: number; port?: number }[]) {
  const out: Record<string, unknown>[] = [];
  for (const t of targets) {
    if (ecsServicesOf(run, mesh, { virtualNode: t.virtualNode }).length === 0) continue;
    const node = run.lookup({ kind: 'VirtualNode', mesh, name: t.virtualNode });
    const listener = listenersOf(node?.doc.spec).find((l) => t.port === undefined || l.port === t.port);
    if (!listener || latticeProtocolVersion(listener.protocol) === undefined) continue;
    const ref: Record<string, unknown> = {
      targetGroupIdentifier: latticeTargetGroupName(mesh, t.virtualNode, listener.port),
    };
    if (t.weight !== undefined) ref['weight'] = t.weight;
    out.push(ref);
  }
  return out;
}

/** TLS on any target of the port makes the Lattice listener HTTPS; an ACM certificate of any of them is reused. */
function tlsOf(nodes: (LoadedDocument | undefined)[], port: number): { https: boolean; acm?: string } {
  let https = false;
  for (const node of nodes) {
    for (const l of Array.isArray(node?.doc.spec['listeners']) ? node.doc.spec['listeners'] : []) {
      if (!isRecord(l) || !isRecord(l['tls']) || l['tls']['mode'] === 'DISABLED') continue;
      if (isRecord(l['portMapping']) && l['portMapping']['port'] !== port && nodes.length === 1) continue;
      https = true;
      const cert = l['tls']['certificate'];
      const acm = isRecord(cert) && isRecord(cert['acm']) ? str(cert['acm']['certificateArn']) : undefined;
      if (acm) return { https, acm };
    }
  }
  return { https };
}

/** The Lattice listeners of a virtual service, with their default actions; shared with the Route rules. */
export function plannedListeners(vs: LoadedDocument, run: MigrationRun): PlannedListener[] {
  const mesh = meshOf(vs);
  const provider = providerOf(vs);
  const out: PlannedListener[] = [];
  if (provider.node !== undefined) {
    const node = run.lookup({ kind: 'VirtualNode', mesh, name: provider.node });
    for (const l of listenersOf(node?.doc.spec)) {
      const targetGroups = tgList(mesh, run, [{ virtualNode: provider.node, port: l.port }]);
      if (targetGroups.length === 0) continue;
      const tls = tlsOf([node], l.port);
      out.push({
        port: l.port,
        protocol: l.protocol,
        https: tls.https,
        certificateArn: tls.acm,
        defaultAction: { forward: { targetGroups } },
      });
    }
  } else if (provider.router !== undefined) {
    const router = run.lookup({ kind: 'VirtualRouter', mesh, name: provider.router });
    const routes = routesOf(run, mesh, provider.router);
    const listeners = listenersOf(router?.doc.spec);
    for (const l of listeners) {
      if (latticeProtocolVersion(l.protocol) === undefined) continue;
      const onPort = routes.filter((r) =>
        routePort(r) === undefined ? listeners.length === 1 || l === listeners[0] : routePort(r) === l.port,
      );
      const catchAll = onPort.filter(isCatchAll).at(-1);
      const targets = catchAll ? tgList(mesh, run, weightedTargetsOf(catchAll)) : [];
      const nodes = [...new Set(onPort.flatMap((r) => weightedTargetsOf(r).map((t) => t.virtualNode)))].map((n) =>
        run.lookup({ kind: 'VirtualNode', mesh, name: n }),
      );
      const tls = tlsOf(nodes, l.port);
      out.push({
        port: l.port,
        protocol: l.protocol,
        https: tls.https,
        certificateArn: tls.acm,
        // App Mesh answers 404 when no route matches.
        defaultAction:
          targets.length > 0 ? { forward: { targetGroups: targets } } : { fixedResponse: { statusCode: 404 } },
      });
    }
  }
  return out;
}

export function routePort(route: LoadedDocument): number | undefined {
  const type = routeTypeOf(route.doc.spec);
  const body = type ? route.doc.spec[type] : undefined;
  const match = isRecord(body) ? body['match'] : undefined;
  const port = isRecord(match) ? match['port'] : undefined;
  return typeof port === 'number' ? port : undefined;
}

/** The catch-all route that became a listener's default action (so the Route rules emit no rule for it). */
export function defaultRouteOf(
  run: MigrationRun,
  mesh: string,
  router: string,
  port: number,
  single: boolean,
): LoadedDocument | undefined {
  const routes = routesOf(run, mesh, router).filter((r) =>
    routePort(r) === undefined ? single : routePort(r) === port,
  );
  return routes.filter(isCatchAll).at(-1);
}

function idleSeconds(nodes: (LoadedDocument | undefined)[]): number | undefined {
  let best: number | undefined;
  for (const node of nodes) {
    for (const l of Array.isArray(node?.doc.spec['listeners']) ? node.doc.spec['listeners'] : []) {
      if (!isRecord(l) || !isRecord(l['timeout'])) continue;
      for (const p of Object.values(l['timeout'])) {
        const s = isRecord(p) ? secondsOf(p['idle']) : undefined;
        if (s) best = Math.max(best ?? 0, s.seconds);
      }
    }
  }
  return best === undefined ? undefined : clamp(best, 60, 600);
}

function migrate(source: LoadedDocument, run: MigrationRun): void {
  if (run.target !== 'vpc-lattice') return;
  const listeners = plannedListeners(source, run);
  if (listeners.length === 0) return;
  const mesh = meshOf(source);
  const vsName = source.doc.metadata.name;
  const name = latticeServiceName(vsName);
  const provider = providerOf(source);
  const nodeNames =
    provider.node !== undefined
      ? [provider.node]
      : [
          ...new Set(
            routesOf(run, mesh, provider.router ?? '').flatMap((r) => weightedTargetsOf(r).map((t) => t.virtualNode)),
          ),
        ];
  const nodes = nodeNames.map((n) => run.lookup({ kind: 'VirtualNode', mesh, name: n }));
  const https = listeners.find((l) => l.https);
  let certificateArn: string | undefined;
  if (https) {
    const input = latticeCertificateInput(name);
    certificateArn = https.certificateArn ?? run.inputOrPlaceholder(input.key, input.description, input.example);
  }
  const idle = idleSeconds(nodes);
  run.emit(
    {
      apiVersion: API_VERSION,
      kind: 'LatticeService',
      metadata: { name, ...(source.doc.metadata.tags ? { tags: source.doc.metadata.tags } : {}) },
      spec: {
        authType: 'NONE',
        customDomainName: vsName,
        ...(certificateArn !== undefined ? { certificateArn } : {}),
        ...(idle !== undefined ? { idleTimeoutSeconds: idle } : {}),
      },
    },
    source,
    [`clients keep calling ${vsName}: point that name at this service's Lattice DNS name (see MIGRATION.md)`],
  );
  const network = latticeNetworkName(mesh);
  run.emit(
    {
      apiVersion: API_VERSION,
      kind: 'LatticeServiceNetworkServiceAssociation',
      metadata: { serviceNetwork: network, service: name },
      spec: {},
    },
    source,
  );
  for (const l of listeners.slice(0, 2)) {
    run.emit(
      {
        apiVersion: API_VERSION,
        kind: 'LatticeListener',
        metadata: { name: latticeListenerName(l.port), service: name },
        spec: { protocol: l.https ? 'HTTPS' : 'HTTP', port: l.port, defaultAction: l.defaultAction },
      },
      source,
    );
  }
  if (listeners.length > 2)
    run.note(`Lattice service ${name}: only 2 listeners per service; ports beyond the first two were left out`);
}

export const virtualServiceMigration: KindMigration = {
  kind: 'VirtualService',
  specShape: 'VirtualServiceSpec',
  rules: [
    { path: '/provider/virtualNode', 'service-connect': scProvider, 'vpc-lattice': latticeProvider },
    { path: '/provider/virtualRouter', 'service-connect': scProvider, 'vpc-lattice': latticeProvider },
  ],
  migrate,
};
