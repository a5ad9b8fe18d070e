/**
 * Route -> on Service Connect, nothing of its own: the router's main route decides which node serves the endpoint,
 * a second weighted target becomes an ECS canary deployment and an exact header match test traffic; on VPC
 * Lattice, a listener rule with the matches Lattice has, forwarding to the nodes' target groups by weight.
 */
import type { LoadedDocument } from '../../core/types';
import { API_VERSION } from '../../core/types';
import type { FieldRule, KindMigration, MigrationRun, Outcome, OutcomeRule, RuleMatch } from '../../migrate/model';
import { asArray, isRecord, latticeName, str } from '../../migrate/values';
import {
  ecsServicesOf,
  latticeListenerName,
  latticeServiceName,
  latticeTargetGroupName,
  listenersOf,
  meshOf,
  routesOf,
  routeTypeOf,
  scRouterPlan,
  successorOfNode,
  virtualServicesOf,
  providerOf,
  weightedTargetsOf,
} from '../shared/migrate-topology';
import { defaultRouteOf, routePort } from '../virtual-service/migrate';

const HTTP_TYPES = ['httpRoute', 'http2Route'] as const;

function routerOf(m: RuleMatch): string {
  return m.source.doc.metadata.virtualRouter ?? '';
}

/** Why a Lattice rule cannot say what the route said (then it is left out rather than made broader). */
export function latticeGaps(route: LoadedDocument): string[] {
  const type = routeTypeOf(route.doc.spec);
  if (!type) return ['no route'];
  if (type === 'tcpRoute') return ['TCP routes have no Lattice form'];
  const body = route.doc.spec[type];
  const match = isRecord(body) && isRecord(body['match']) ? body['match'] : {};
  const gaps: string[] = [];
  if (isRecord(match['path']) && match['path']['regex'] !== undefined) gaps.push('a regex path match');
  if (match['queryParameters'] !== undefined) gaps.push('a query-parameter match');
  if (match['scheme'] !== undefined) gaps.push('a scheme match');
  const headers = asArray(match['headers'] ?? match['metadata']);
  if (headers.length > 5) gaps.push('more than 5 header matches');
  for (const h of headers) {
    if (!isRecord(h)) continue;
    if (h['invert'] === true) gaps.push(`an inverted match on ${String(h['name'])}`);
    if (!isRecord(h['match'])) gaps.push(`a presence match on ${String(h['name'])}`);
    const hm = isRecord(h['match']) ? h['match'] : {};
    for (const k of ['suffix', 'regex', 'range'])
      if (hm[k] !== undefined) gaps.push(`a ${k} match on ${String(h['name'])}`);
  }
  if (type === 'grpcRoute' && match['methodName'] !== undefined && match['serviceName'] === undefined) {
    gaps.push('a method name without a service name');
  }
  return gaps;
}

function ruleTarget(m: RuleMatch, rest: string): string {
  const mesh = meshOf(m.source);
  const vs = virtualServicesOf(m.run, mesh).find((v) => providerOf(v).router === routerOf(m));
  const service = vs ? latticeServiceName(vs.doc.metadata.name) : '?';
  return `LatticeRule/${service}/${latticeListenerName(listenerPortOf(m.source, m.run))}/${latticeName(m.source.doc.metadata.name, 63, 'rule-')}:${rest}`;
}

function isLatticeDefault(route: LoadedDocument, run: MigrationRun): boolean {
  const mesh = meshOf(route);
  const router = route.doc.metadata.virtualRouter ?? '';
  const listeners = listenersOf(run.lookup({ kind: 'VirtualRouter', mesh, name: router })?.doc.spec);
  const port = listenerPortOf(route, run);
  const onFirst = listeners[0]?.port === port;
  return defaultRouteOf(run, mesh, router, port, listeners.length === 1 || onFirst) === route;
}

/** A Lattice outcome for a route field: the rule (or the listener default) it lands in, or why it is left out. */
function lattice(rest: string, fn: (m: RuleMatch) => Outcome): OutcomeRule {
  return (m) => {
    const gaps = latticeGaps(m.source);
    if (gaps.length > 0) {
      return {
        status: 'dropped',
        detail: `the rule is left out (without ${gaps.join(', ')} it would match more than the route did); requests it took go to the listener default`,
      };
    }
    const outcome = fn(m);
    if (outcome.status === 'dropped') return { ...outcome, target: '' };
    if (isLatticeDefault(m.source, m.run)) {
      const mesh = meshOf(m.source);
      const vs = virtualServicesOf(m.run, mesh).find((v) => providerOf(v).router === routerOf(m));
      const service = vs ? latticeServiceName(vs.doc.metadata.name) : '?';
      return {
        ...outcome,
        target: `LatticeListener/${service}/${latticeListenerName(listenerPortOf(m.source, m.run))}:/spec/defaultAction`,
        detail: `${outcome.detail} (the catch-all route is the listener's default action)`,
      };
    }
    return { ...outcome, target: ruleTarget(m, rest) };
  };
}

function listenerPortOf(route: LoadedDocument, run: MigrationRun): number {
  const port = routePort(route);
  if (port !== undefined) return port;
  const router = run.lookup({
    kind: 'VirtualRouter',
    mesh: meshOf(route),
    name: route.doc.metadata.virtualRouter ?? '',
  });
  return listenersOf(router?.doc.spec)[0]?.port ?? 80;
}

/** Service Connect outcome of a route's targets: the main route decides the endpoint, a second target the canary. */
function scTargets(m: RuleMatch): Outcome {
  const mesh = meshOf(m.source);
  const plan = scRouterPlan(m.run, mesh, routerOf(m));
  const home = plan.primary ? successorOfNode(m.run, mesh, plan.primary) : undefined;
  if (plan.main === m.source) {
    if (!home) return { status: 'dropped', detail: 'no ECS service runs the main target, so there is no endpoint' };
    if (plan.canary) {
      return {
        status: 'approx',
        target: `${home}:/spec/deploymentConfiguration/canaryConfiguration`,
        detail: `a standing ${100 - plan.canary.percent}/${plan.canary.percent} split becomes an ECS canary deployment: ${plan.canary.node}'s task definition rolled out to ${home} with canaryPercent ${plan.canary.percent}, then promoted after the bake time (not a permanent split)`,
      };
    }
    return {
      status: 'carried',
      target: `${home}:/spec/serviceConnectConfiguration`,
      detail: 'the endpoint is served by this target',
    };
  }
  if (plan.testHeader?.route === m.source && home) {
    return {
      status: 'approx',
      target: `${home}:/spec/serviceConnectConfiguration/services/0/clientAliases/0/testTrafficRules`,
      detail:
        'requests with this header reach the new revision only while a deployment of the endpoint is in progress (Service Connect test traffic)',
    };
  }
  return {
    status: 'dropped',
    detail: 'Service Connect routes every request of an endpoint to one service: this route has no equivalent',
  };
}

function latticeTargets(m: RuleMatch): Outcome {
  const mesh = meshOf(m.source);
  const missing = weightedTargetsOf(m.source).filter(
    (t) => ecsServicesOf(m.run, mesh, { virtualNode: t.virtualNode }).length === 0,
  );
  return missing.length === 0
    ? { status: 'carried', detail: "forward to the nodes' target groups with the same weights" }
    : {
        status: 'approx',
        detail: `forward to the target groups; ${missing.map((t) => t.virtualNode).join(', ')} run outside ECS and have none`,
      };
}

const SC_DROPPED = (what: string): Outcome => ({
  status: 'dropped',
  detail: `Service Connect has no ${what}: every request of the endpoint goes to one service`,
});

function httpRules(type: string): FieldRule[] {
  return [
    {
      path: `/${type}/action/weightedTargets`,
      'service-connect': scTargets,
      'vpc-lattice': lattice('/spec/action/forward', latticeTargets),
    },
    {
      path: `/${type}/match/prefix`,
      'service-connect': (m) =>
        m.value === '/'
          ? { status: 'carried', detail: 'prefix "/" takes everything, as the endpoint does' }
          : SC_DROPPED('path routing'),
      'vpc-lattice': lattice('/spec/match/httpMatch/pathMatch', (m) =>
        m.value === '/'
          ? { status: 'carried', detail: 'prefix "/" (no path condition)' }
          : { status: 'carried', detail: 'pathMatch prefix (case-sensitive)' },
      ),
    },
    {
      path: `/${type}/match/path`,
      'service-connect': SC_DROPPED('path routing'),
      'vpc-lattice': lattice('/spec/match/httpMatch/pathMatch', () => ({
        status: 'carried',
        detail: 'pathMatch exact',
      })),
    },
    {
      path: `/${type}/match/headers`,
      'service-connect': (m) =>
        scRouterPlan(m.run, meshOf(m.source), routerOf(m)).testHeader?.route === m.source
          ? {
              status: 'approx',
              detail: 'the header becomes a test traffic rule: it reaches the new revision during deployments only',
            }
          : SC_DROPPED('header routing'),
      'vpc-lattice': lattice('/spec/match/httpMatch/headerMatches', () => ({
        status: 'carried',
        detail: 'headerMatches (exact and prefix kept)',
      })),
    },
    {
      path: `/${type}/match/method`,
      'service-connect': SC_DROPPED('method routing'),
      'vpc-lattice': lattice('/spec/match/httpMatch/method', () => ({ status: 'carried', detail: 'method match' })),
    },
    {
      path: `/${type}/match/port`,
      'service-connect': { status: 'carried', detail: 'the port picks the endpoint port (client alias)' },
      'vpc-lattice': lattice('', () => ({ status: 'carried', detail: 'the rule sits on the listener of this port' })),
    },
    {
      path: `/${type}/match/queryParameters`,
      'service-connect': SC_DROPPED('query-parameter routing'),
      'vpc-lattice': { status: 'dropped', detail: 'VPC Lattice has no query-parameter match: the rule is left out' },
    },
    {
      path: `/${type}/match/scheme`,
      'service-connect': SC_DROPPED('scheme routing'),
      'vpc-lattice': { status: 'dropped', detail: 'VPC Lattice has no scheme match: the rule is left out' },
    },
    ...commonRules(type),
  ];
}

function commonRules(type: string): FieldRule[] {
  return [
    {
      path: `/${type}/retryPolicy`,
      'service-connect': {
        status: 'builtin',
        detail: 'Service Connect retries failed requests itself; count, timeout and events are not configurable',
      },
      'vpc-lattice': { status: 'dropped', detail: 'VPC Lattice does not retry: clients must' },
    },
    {
      path: `/${type}/timeout/perRequest`,
      'service-connect': (m) => {
        const plan = scRouterPlan(m.run, meshOf(m.source), routerOf(m));
        const home = plan.primary ? successorOfNode(m.run, meshOf(m.source), plan.primary) : undefined;
        return plan.main === m.source && home
          ? {
              status: 'approx',
              target: `${home}:/spec/serviceConnectConfiguration/services/0/timeout/perRequestTimeoutSeconds`,
              detail:
                "used as the endpoint's per-request timeout when its node sets none (one timeout per endpoint, not per route)",
            }
          : { status: 'dropped', detail: "one timeout per endpoint: only the main route's timeout can be kept" };
      },
      'vpc-lattice': { status: 'dropped', detail: 'VPC Lattice has no per-request timeout' },
    },
    {
      path: `/${type}/timeout/idle`,
      'service-connect': (m) =>
        scRouterPlan(m.run, meshOf(m.source), routerOf(m)).main === m.source
          ? { status: 'approx', detail: "used as the endpoint's idle timeout when its node sets none" }
          : { status: 'dropped', detail: "one idle timeout per endpoint: only the main route's can be kept" },
      'vpc-lattice': {
        status: 'approx',
        detail: 'the Lattice service has one idleTimeoutSeconds (60..600) for all its listeners',
      },
    },
  ];
}

const grpcRules: FieldRule[] = [
  {
    path: '/grpcRoute/action/weightedTargets',
    'service-connect': scTargets,
    'vpc-lattice': lattice('/spec/action/forward', latticeTargets),
  },
  {
    path: '/grpcRoute/match/serviceName',
    'service-connect': SC_DROPPED('gRPC service routing'),
    'vpc-lattice': lattice('/spec/match/httpMatch/pathMatch', () => ({
      status: 'carried',
      detail: 'pathMatch prefix /<service>/',
    })),
  },
  {
    path: '/grpcRoute/match/methodName',
    'service-connect': SC_DROPPED('gRPC method routing'),
    'vpc-lattice': lattice('/spec/match/httpMatch/pathMatch', () => ({
      status: 'carried',
      detail: 'pathMatch exact /<service>/<method>',
    })),
  },
  {
    path: '/grpcRoute/match/metadata',
    'service-connect': (m) =>
      scRouterPlan(m.run, meshOf(m.source), routerOf(m)).testHeader?.route === m.source
        ? { status: 'approx', detail: 'the metadata becomes a test traffic header rule (deployments only)' }
        : SC_DROPPED('metadata routing'),
    'vpc-lattice': lattice('/spec/match/httpMatch/headerMatches', () => ({
      status: 'carried',
      detail: 'gRPC metadata are HTTP/2 headers: headerMatches',
    })),
  },
  {
    path: '/grpcRoute/match/port',
    'service-connect': { status: 'carried', detail: 'the port picks the endpoint port' },
    'vpc-lattice': lattice('', () => ({ status: 'carried', detail: 'the rule sits on the listener of this port' })),
  },
  ...commonRules('grpcRoute'),
];

const tcpRules: FieldRule[] = [
  {
    path: '/tcpRoute/action/weightedTargets',
    'service-connect': scTargets,
    'vpc-lattice': { status: 'dropped', detail: 'TCP has no Lattice listener' },
  },
  {
    path: '/tcpRoute/match/port',
    'service-connect': { status: 'carried', detail: 'the port picks the endpoint port' },
    'vpc-lattice': { status: 'dropped', detail: 'TCP has no Lattice listener' },
  },
  {
    path: '/tcpRoute/timeout/idle',
    'service-connect': (m) =>
      scRouterPlan(m.run, meshOf(m.source), routerOf(m)).main === m.source
        ? { status: 'approx', detail: "the endpoint's idle timeout when its node sets none" }
        : { status: 'dropped', detail: 'one idle timeout per endpoint' },
    'vpc-lattice': { status: 'dropped', detail: 'TCP has no Lattice listener' },
  },
];

const rules: FieldRule[] = [
  {
    path: '/priority',
    'service-connect': {
      status: 'approx',
      detail: 'decides which route is the main one (the catch-all evaluated last); there are no routes',
    },
    'vpc-lattice': lattice('/spec/priority', () => ({
      status: 'carried',
      detail: 'rule priority (renumbered 1.. in the same order)',
    })),
  },
  ...HTTP_TYPES.flatMap(httpRules),
  ...grpcRules,
  ...tcpRules,
];

function headerMatch(h: Record<string, unknown>): Record<string, unknown> | undefined {
  const hm = isRecord(h['match']) ? h['match'] : undefined;
  const name = str(h['name']);
  if (!name) return undefined;
  if (!hm) return undefined;
  for (const k of ['exact', 'prefix'] as const) {
    if (typeof hm[k] === 'string') return { name, match: { [k]: hm[k] }, caseSensitive: true };
  }
  return undefined;
}

function httpMatchOf(route: LoadedDocument): Record<string, unknown> {
  const type = routeTypeOf(route.doc.spec);
  const body = type ? route.doc.spec[type] : undefined;
  const match = isRecord(body) && isRecord(body['match']) ? body['match'] : {};
  const out: Record<string, unknown> = {};
  if (type === 'grpcRoute') {
    const svc = str(match['serviceName']);
    const method = str(match['methodName']);
    if (svc && method) out['pathMatch'] = { match: { exact: `/${svc}/${method}` }, caseSensitive: true };
    else if (svc) out['pathMatch'] = { match: { prefix: `/${svc}/` }, caseSensitive: true };
    out['method'] = 'POST';
  } else {
    const prefix = str(match['prefix']);
    const exact = isRecord(match['path']) ? str(match['path']['exact']) : undefined;
    if (exact) out['pathMatch'] = { match: { exact }, caseSensitive: true };
    else if (prefix && prefix !== '/') out['pathMatch'] = { match: { prefix }, caseSensitive: true };
    if (typeof match['method'] === 'string') out['method'] = match['method'];
  }
  const headers = asArray(match['headers'] ?? match['metadata'])
    .map((h) => (isRecord(h) ? headerMatch(h) : undefined))
    .filter((h): h is Record<string, unknown> => h !== undefined);
  if (headers.length > 0) out['headerMatches'] = headers;
  // Lattice needs at least one condition; "/" prefix is the neutral one.
  if (Object.keys(out).length === 0) out['pathMatch'] = { match: { prefix: '/' }, caseSensitive: true };
  return out;
}

function migrate(source: LoadedDocument, run: MigrationRun): void {
  if (run.target !== 'vpc-lattice' || latticeGaps(source).length > 0 || isLatticeDefault(source, run)) return;
  const mesh = meshOf(source);
  const router = source.doc.metadata.virtualRouter ?? '';
  const port = listenerPortOf(source, run);
  const targetGroups = weightedTargetsOf(source).flatMap((t) => {
    if (ecsServicesOf(run, mesh, { virtualNode: t.virtualNode }).length === 0) return [];
    const node = run.lookup({ kind: 'VirtualNode', mesh, name: t.virtualNode });
    const listener =
      listenersOf(node?.doc.spec).find((l) => (t.port ?? port) === l.port) ?? listenersOf(node?.doc.spec)[0];
    return listener
      ? [{ targetGroupIdentifier: latticeTargetGroupName(mesh, t.virtualNode, listener.port), weight: t.weight }]
      : [];
  });
  if (targetGroups.length === 0) return;
  const priority = routesOf(run, mesh, router).indexOf(source) + 1;
  for (const vs of virtualServicesOf(run, mesh).filter((v) => providerOf(v).router === router)) {
    run.emit(
      {
        apiVersion: API_VERSION,
        kind: 'LatticeRule',
        metadata: {
          name: latticeName(source.doc.metadata.name, 63, 'rule-'),
          service: latticeServiceName(vs.doc.metadata.name),
          listener: latticeListenerName(port),
        },
        spec: { priority, match: { httpMatch: httpMatchOf(source) }, action: { forward: { targetGroups } } },
      },
      source,
      [
        `route ${source.doc.metadata.name} of router ${router} (App Mesh priority ${String(source.doc.spec['priority'] ?? 'none')})`,
      ],
    );
  }
}

export const routeMigration: KindMigration = { kind: 'Route', specShape: 'RouteSpec', rules, migrate };
