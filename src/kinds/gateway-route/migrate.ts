/**
 * GatewayRoute -> an ALB listener rule (ELBv2 CreateRule input, aws-models/elbv2-2015-12-01.json): the match as
 * conditions, the target as a forward to the successor service's target group, rewrites as ALB transforms.
 */
import type { LoadedDocument } from '../../core/types';
import type { AlbRule, FieldRule, KindMigration, MigrationRun, Outcome, RuleMatch } from '../../migrate/model';
import { locate, sourceId } from '../../migrate/rules';
import { asArray, isRecord, num, str } from '../../migrate/values';
import {
  ecsServicesOf,
  listenersOf,
  meshOf,
  providerOf,
  scRouterPlan,
  successorId,
  weightedTargetsOf,
} from '../shared/migrate-topology';
import { albListenerInput } from '../virtual-gateway/migrate';

const TYPES = ['httpRoute', 'http2Route', 'grpcRoute'] as const;

export function albTargetGroupInput(successor: string) {
  return {
    key: `alb.targetGroupArn.${successor}`,
    description: `An ALB target group (type ip) for the successor service ${successor}; meshward registers the service in it`,
    example: `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${successor.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 32)}/0123456789abcdef`,
  };
}

function both(outcome: Outcome): Pick<FieldRule, 'service-connect' | 'vpc-lattice'> {
  return { 'service-connect': outcome, 'vpc-lattice': outcome };
}

const ALB = 'ALB listener rule';

function bothFn(fn: (m: RuleMatch) => Outcome): Pick<FieldRule, 'service-connect' | 'vpc-lattice'> {
  return { 'service-connect': fn, 'vpc-lattice': fn };
}

function matchRules(type: string): FieldRule[] {
  const carried = (detail: string): Pick<FieldRule, 'service-connect' | 'vpc-lattice'> =>
    both({ status: 'carried', target: ALB, detail });
  const out: FieldRule[] = [
    {
      path: `/${type}/match/port`,
      ...both({ status: 'approx', target: ALB, detail: 'the ALB listener port is the match' }),
    },
    { path: `/${type}/match/hostname`, ...carried('host-header condition (suffix as *.suffix)') },
    {
      path: `/${type}/match/${type === 'grpcRoute' ? 'metadata' : 'headers'}`,
      ...both({
        status: 'carried',
        target: ALB,
        detail:
          'http-header conditions (prefix/suffix as wildcards, regex as RegexValues); range and invert matches are dropped',
      }),
    },
    {
      path: `/${type}/action/target/virtualService`,
      ...bothFn((m) => {
        const vs = isRecord(m.value) ? str(m.value['virtualServiceName']) : undefined;
        const targets = vs === undefined ? [] : albTargetsFor(m.run, meshOf(m.source), vs);
        if (targets.length === 0) {
          return { status: 'dropped', detail: 'no ECS service serves the target: the ALB has nothing to forward to' };
        }
        const missing = targets
          .map((t) => albTargetGroupInput(t.successor))
          .filter((i) => m.run.input(i.key, i.description, i.example) === undefined);
        const split =
          targets.length > 1
            ? `a weighted forward (${targets.map((t) => `${t.successor} ${t.weight}`).join(', ')})`
            : `a forward to ${targets[0]?.successor ?? ''}`;
        return missing.length === 0
          ? { status: 'carried', target: ALB, detail: `${split}, through the given target groups` }
          : {
              status: 'needs-input',
              target: ALB,
              detail: `${split}: give ${missing.map((i) => i.key).join(', ')}`,
            };
      }),
    },
    { path: `/${type}/action/target/port`, ...carried('the target group port') },
    {
      path: `/${type}/action/rewrite/hostname`,
      ...both({ status: 'approx', target: ALB, detail: 'a host-header-rewrite transform to the target name' }),
    },
  ];
  if (type === 'grpcRoute') {
    out.push({ path: '/grpcRoute/match/serviceName', ...carried('path-pattern /<service>/*') });
  } else {
    out.push(
      { path: `/${type}/match/prefix`, ...carried('path-pattern <prefix>*') },
      { path: `/${type}/match/path`, ...carried('path-pattern (exact) or RegexValues (regex)') },
      { path: `/${type}/match/method`, ...carried('http-request-method condition') },
      { path: `/${type}/match/queryParameters`, ...carried('query-string condition (exact values)') },
      { path: `/${type}/action/rewrite/prefix`, ...carried('a url-rewrite transform (regex on the matched prefix)') },
      { path: `/${type}/action/rewrite/path`, ...carried('a url-rewrite transform to the exact path') },
    );
  }
  return out;
}

const rules: FieldRule[] = [
  { path: '/priority', ...both({ status: 'carried', target: ALB, detail: 'ALB rule priority (same order)' }) },
  ...TYPES.flatMap(matchRules),
];

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function headerCondition(h: Record<string, unknown>): Record<string, unknown> | undefined {
  const name = str(h['name']);
  if (!name || h['invert'] === true) return undefined;
  const m = isRecord(h['match']) ? h['match'] : undefined;
  const config = (values: Record<string, unknown>) => ({
    Field: 'http-header',
    HttpHeaderConfig: { HttpHeaderName: name, ...values },
  });
  if (!m) return config({ Values: ['*'] });
  if (typeof m['exact'] === 'string') return config({ Values: [m['exact']] });
  if (typeof m['prefix'] === 'string') return config({ Values: [`${m['prefix']}*`] });
  if (typeof m['suffix'] === 'string') return config({ Values: [`*${m['suffix']}`] });
  if (typeof m['regex'] === 'string') return config({ RegexValues: [m['regex']] });
  return undefined;
}

/** The CreateRule input of one gateway route; `target` is the forward's target group ARN (or a placeholder). */
export function albCreateRule(
  route: LoadedDocument,
  listenerArn: string,
  targetGroups: { TargetGroupArn: string; Weight: number }[],
  priority: number,
  targetName: string,
) {
  const type = TYPES.find((t) => isRecord(route.doc.spec[t]));
  const body = type ? route.doc.spec[type] : undefined;
  const match = isRecord(body) && isRecord(body['match']) ? body['match'] : {};
  const action = isRecord(body) && isRecord(body['action']) ? body['action'] : {};
  const conditions: Record<string, unknown>[] = [];
  const transforms: Record<string, unknown>[] = [];
  let matchedPrefix: string | undefined;
  if (type === 'grpcRoute') {
    const svc = str(match['serviceName']);
    conditions.push({ Field: 'path-pattern', PathPatternConfig: { Values: [svc ? `/${svc}/*` : '/*'] } });
  } else {
    const prefix = str(match['prefix']);
    const path = isRecord(match['path']) ? match['path'] : undefined;
    if (path && typeof path['exact'] === 'string')
      conditions.push({ Field: 'path-pattern', PathPatternConfig: { Values: [path['exact']] } });
    else if (path && typeof path['regex'] === 'string')
      conditions.push({ Field: 'path-pattern', PathPatternConfig: { RegexValues: [path['regex']] } });
    else {
      matchedPrefix = prefix ?? '/';
      conditions.push({ Field: 'path-pattern', PathPatternConfig: { Values: [`${matchedPrefix}*`] } });
    }
    if (typeof match['method'] === 'string')
      conditions.push({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: [match['method']] } });
    const query = asArray(match['queryParameters']).flatMap((q) => {
      if (!isRecord(q) || typeof q['name'] !== 'string') return [];
      const exact = isRecord(q['match']) ? str(q['match']['exact']) : undefined;
      return [{ Key: q['name'], Value: exact ?? '*' }];
    });
    if (query.length > 0) conditions.push({ Field: 'query-string', QueryStringConfig: { Values: query } });
  }
  for (const h of asArray(match[type === 'grpcRoute' ? 'metadata' : 'headers'])) {
    const c = isRecord(h) ? headerCondition(h) : undefined;
    if (c) conditions.push(c);
  }
  const hostname = isRecord(match['hostname']) ? match['hostname'] : undefined;
  if (hostname && typeof hostname['exact'] === 'string')
    conditions.push({ Field: 'host-header', HostHeaderConfig: { Values: [hostname['exact']] } });
  if (hostname && typeof hostname['suffix'] === 'string')
    conditions.push({ Field: 'host-header', HostHeaderConfig: { Values: [`*${hostname['suffix']}`] } });

  const rewrite = isRecord(action['rewrite']) ? action['rewrite'] : {};
  const rp = isRecord(rewrite['prefix']) ? rewrite['prefix'] : undefined;
  const rpath = isRecord(rewrite['path']) ? str(rewrite['path']['exact']) : undefined;
  if (rpath !== undefined) {
    transforms.push({ Type: 'url-rewrite', UrlRewriteConfig: { Rewrites: [{ Regex: '^.*$', Replace: rpath }] } });
  } else if (matchedPrefix !== undefined && matchedPrefix !== '/' && rp?.['defaultPrefix'] !== 'DISABLED') {
    // App Mesh's default (defaultPrefix ENABLED) replaces the matched prefix with "/"; `value` names another one.
    const replacement = str(rp?.['value']) ?? '/';
    transforms.push({
      Type: 'url-rewrite',
      UrlRewriteConfig: { Rewrites: [{ Regex: `^${regexEscape(matchedPrefix)}(.*)$`, Replace: `${replacement}$1` }] },
    });
  }
  const hostRewrite = isRecord(rewrite['hostname']) ? rewrite['hostname']['defaultTargetHostname'] : undefined;
  if (hostRewrite !== 'DISABLED') {
    transforms.push({
      Type: 'host-header-rewrite',
      HostHeaderRewriteConfig: { Rewrites: [{ Regex: '^.*$', Replace: targetName }] },
    });
  }
  return {
    ListenerArn: listenerArn,
    Priority: priority,
    Conditions: conditions,
    Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: targetGroups } }],
    ...(transforms.length > 0 ? { Transforms: transforms } : {}),
  };
}

function targetOf(route: LoadedDocument): string | undefined {
  for (const t of TYPES) {
    const body = route.doc.spec[t];
    const action = isRecord(body) && isRecord(body['action']) ? body['action'] : undefined;
    const target = action && isRecord(action['target']) ? action['target'] : undefined;
    const vs =
      target && isRecord(target['virtualService']) ? str(target['virtualService']['virtualServiceName']) : undefined;
    if (vs) return vs;
  }
  return undefined;
}

export interface AlbTarget {
  node: string;
  /** The successor ECS service's name and id. */
  successor: string;
  service: string;
  containerPort: number;
  weight: number;
}

/**
 * What an ALB rule for `vs` forwards to, with weights: on VPC Lattice every weighted target of the router's main
 * route (each version is a service of its own), on Service Connect the main route's heaviest target (the others
 * became its canary deployment).
 */
export function albTargetsFor(run: MigrationRun, mesh: string, vs: string): AlbTarget[] {
  const vsDoc = run.lookup({ kind: 'VirtualService', mesh, name: vs });
  if (!vsDoc) return [];
  const provider = providerOf(vsDoc);
  let weighted: { virtualNode: string; weight: number }[] = [];
  if (provider.node !== undefined) weighted = [{ virtualNode: provider.node, weight: 1 }];
  else if (provider.router !== undefined) {
    const plan = scRouterPlan(run, mesh, provider.router);
    weighted =
      run.target === 'service-connect'
        ? plan.primary === undefined
          ? []
          : [{ virtualNode: plan.primary, weight: 1 }]
        : plan.main
          ? weightedTargetsOf(plan.main)
          : [];
  }
  return weighted.flatMap((t) => {
    const ecs = ecsServicesOf(run, mesh, { virtualNode: t.virtualNode })[0];
    const port = listenersOf(run.lookup({ kind: 'VirtualNode', mesh, name: t.virtualNode })?.doc.spec)[0]?.port;
    if (!ecs || port === undefined) return [];
    const id = successorId(ecs, run);
    return [
      {
        node: t.virtualNode,
        successor: id.name,
        service: `EcsService/${id.cluster}/${id.name}`,
        containerPort: port,
        weight: t.weight,
      },
    ];
  });
}

function migrate(source: LoadedDocument, run: MigrationRun): void {
  const mesh = meshOf(source);
  const gateway = source.doc.metadata.virtualGateway ?? '';
  const vs = targetOf(source);
  if (vs === undefined) return;
  const listener = albListenerInput(gateway);
  const listenerArn = run.inputOrPlaceholder(listener.key, listener.description, listener.example, 'report');
  const gw = run.lookup({ kind: 'VirtualGateway', mesh, name: gateway });
  const port = listenersOf(gw?.doc.spec)[0]?.port ?? 80;
  const targets = albTargetsFor(run, mesh, vs).map((t) => {
    const input = albTargetGroupInput(t.successor);
    return { ...t, targetGroupArn: run.inputOrPlaceholder(input.key, input.description, input.example, 'report') };
  });
  const priority = Math.max(1, (num(source.doc.spec['priority']) ?? 999) + 1);
  const rule: AlbRule = {
    source: sourceId(source),
    location: locate(source, ''),
    port,
    targets: targets.map((t) => ({
      targetGroupArn: t.targetGroupArn,
      service: t.service,
      containerPort: t.containerPort,
    })),
    createRule: albCreateRule(
      source,
      listenerArn,
      targets.map((t) => ({ TargetGroupArn: t.targetGroupArn, Weight: t.weight })),
      priority,
      vs,
    ),
  };
  run.albRule(rule);
}

export const gatewayRouteMigration: KindMigration = {
  kind: 'GatewayRoute',
  specShape: 'GatewayRouteSpec',
  rules,
  migrate,
};
