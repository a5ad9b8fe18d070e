/**
 * Generates valid VPC Lattice sets (no App Mesh) for the benchmark and the reliability suite, with the conventions
 * of generate.ts: seeded with the same PRNG, deterministic for a size and seed, one file per unit. Sizes count
 * Lattice resources (ECS services come on top, as App Mesh sizes leave them out).
 *
 * A set is service networks (each with its VPC association, some with an auth policy and access logs) and service
 * units spread over them: a Lattice service associated with its network, two target groups (v1, v2: IP, HTTP or
 * HTTPS, health checks), an HTTP listener splitting traffic by weight, sometimes an HTTPS listener, up to five rules
 * (header canaries, path prefixes, methods, weighted forwards), sometimes access logs and an auth policy; in some
 * units ECS services attach their tasks to the target groups through `vpcLatticeConfigurations`.
 *
 * Valid by construction against the Lattice kinds' semantic checks: rule priorities unique per listener, at most
 * five rules per listener (the default quota), forwards only to HTTP/HTTPS target groups from HTTP/HTTPS listeners,
 * never every weight zero, 1..3 header matches, one VPC per network, target groups in their network's VPC, and the
 * Region quotas (10 networks, 500 services, 500 target groups; `latticeQuotaViolations` checks them).
 */
import { stringify } from 'yaml';
import { API_VERSION, type ManifestDocument } from '../src/core/types';
import { prng } from '../src/core/prng';
import type { GeneratedFile } from './generate';
import { int, pick } from './random';

export interface LatticeOptions {
  /** Lattice resources to generate (at least 3: a network, its VPC association and one target group). */
  resources: number;
  seed?: number;
  /** Names start with it (networks `${prefix}-net-0`, services `${prefix}-svc-0`, the ECS cluster `${prefix}`). */
  prefix?: string;
  /** Service units per network (default 40). */
  unitsPerNetwork?: number;
  /** Share of service units whose target groups ECS services register into (default 0.4). */
  ecsShare?: number;
}

export const LATTICE_QUOTAS = {
  serviceNetworks: 10,
  services: 500,
  targetGroups: 500,
  listenersPerService: 2,
  rulesPerListener: 5,
} as const;

export type LatticeKindName =
  | 'LatticeServiceNetwork'
  | 'LatticeServiceNetworkVpcAssociation'
  | 'LatticeService'
  | 'LatticeServiceNetworkServiceAssociation'
  | 'LatticeListener'
  | 'LatticeRule'
  | 'LatticeTargetGroup'
  | 'LatticeAccessLogSubscription'
  | 'LatticeAuthPolicy';

export interface LatticeServiceCounts {
  service: string;
  network: string;
  /** Rules of each listener, by listener name. */
  rulesPerListener: Record<string, number>;
  accessLogs: boolean;
  authPolicy: boolean;
}

export interface LatticeNetworkCounts {
  network: string;
  vpc: string;
  services: number;
  accessLogs: boolean;
  authPolicy: boolean;
}

export interface LatticeCounts {
  latticeResources: number;
  ecsServices: number;
  documents: number;
  byKind: Record<LatticeKindName | 'EcsService', number>;
  networks: LatticeNetworkCounts[];
  services: LatticeServiceCounts[];
  /** The ECS cluster every attached ECS service runs in. */
  cluster: string;
}

export interface LatticeSet {
  docs: ManifestDocument[];
  files: GeneratedFile[];
  counts: LatticeCounts;
}

const ACCOUNT = '111122223333';
const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ecsInfrastructureRoleForVpcLattice`;
/** A service unit without its optional parts: service, listener, association and two target groups. */
const UNIT_BASE = 5;

function doc(kind: string, metadata: Record<string, unknown>, spec?: Record<string, unknown>): ManifestDocument {
  return {
    apiVersion: API_VERSION,
    kind,
    metadata: metadata as ManifestDocument['metadata'],
    ...(spec ? { spec } : {}),
  } as ManifestDocument;
}

function vpcOf(index: number): string {
  return `vpc-0a1b2c3d4e5f${(0x60700 + index).toString(16).padStart(5, '0')}`;
}

function policy(resource: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: resource,
      },
    ],
  });
}

function healthCheck(random: () => number): Record<string, unknown> {
  const interval = pick(random, [5, 10, 15, 30]);
  return {
    path: pick(random, ['/health', '/ping', '/status']),
    healthCheckIntervalSeconds: interval,
    healthCheckTimeoutSeconds: Math.max(1, Math.min(interval - 1, int(random, 2, 5))),
    healthyThresholdCount: int(random, 2, 5),
    unhealthyThresholdCount: int(random, 2, 5),
    ...(random() < 0.4 ? { matcher: { httpCode: pick(random, ['200', '200-299']) } } : {}),
  };
}

function targetGroup(random: () => number, name: string, vpc: string, port: number, protocol: string) {
  return doc(
    'LatticeTargetGroup',
    { name, ...(random() < 0.3 ? { tags: { team: `team-${int(random, 0, 9)}` } } : {}) },
    {
      type: 'IP',
      config: {
        port,
        protocol,
        vpcIdentifier: vpc,
        ...(random() < 0.3 ? { protocolVersion: 'HTTP1' } : {}),
        healthCheck: healthCheck(random),
      },
    },
  );
}

function weighted(random: () => number, a: string, b: string): Record<string, unknown> {
  const canary = int(random, 1, 30);
  return {
    forward: {
      targetGroups: [
        { targetGroupIdentifier: a, weight: 100 - canary },
        { targetGroupIdentifier: b, weight: canary },
      ],
    },
  };
}

function ruleDocs(
  random: () => number,
  service: string,
  listener: string,
  count: number,
  v1: string,
  v2: string,
): ManifestDocument[] {
  const out: ManifestDocument[] = [];
  for (let k = 0; k < count; k++) {
    const shape = k === 0 ? 'header' : pick(random, ['header', 'path', 'method', 'path'] as const);
    let httpMatch: Record<string, unknown>;
    if (shape === 'header') {
      const n = int(random, 1, 3);
      httpMatch = {
        headerMatches: Array.from({ length: n }, (_, h) => ({
          name: h === 0 ? 'x-canary' : `x-tenant-${h}`,
          match: h === 0 ? { exact: 'true' } : pick(random, [{ prefix: 'beta' }, { contains: 'internal' }]),
          ...(random() < 0.3 ? { caseSensitive: true } : {}),
        })),
      };
    } else if (shape === 'path') {
      httpMatch = {
        pathMatch: {
          match: random() < 0.5 ? { prefix: `/api/v${k + 1}/` } : { exact: `/api/v${k + 1}/orders` },
          ...(random() < 0.3 ? { caseSensitive: false } : {}),
        },
      };
    } else {
      httpMatch = { method: pick(random, ['GET', 'POST', 'PUT']), pathMatch: { match: { prefix: `/m${k}/` } } };
    }
    const action =
      shape === 'header'
        ? { forward: { targetGroups: [{ targetGroupIdentifier: v2 }] } }
        : random() < 0.7
          ? weighted(random, v1, v2)
          : { fixedResponse: { statusCode: pick(random, [403, 404, 503]) } };
    out.push(
      doc(
        'LatticeRule',
        { service, listener, name: `${shape}-${k}` },
        // Priorities unique per listener, with gaps as people leave them.
        { priority: 10 * (k + 1), match: { httpMatch }, action },
      ),
    );
  }
  return out;
}

interface UnitPlan {
  rules: number;
  https: boolean;
  accessLogs: boolean;
  authPolicy: boolean;
  ecs: boolean;
}

/** The optional parts of a unit, shrunk until the unit fits in `left` resources (>= UNIT_BASE). */
function planUnit(random: () => number, left: number, ecsShare: number): UnitPlan {
  const plan: UnitPlan = {
    rules: int(random, 0, LATTICE_QUOTAS.rulesPerListener),
    https: random() < 0.3,
    accessLogs: random() < 0.35,
    authPolicy: random() < 0.25,
    ecs: random() < ecsShare,
  };
  let size = UNIT_BASE + plan.rules + Number(plan.https) + Number(plan.accessLogs) + Number(plan.authPolicy);
  while (size > left) {
    if (plan.rules > 0) plan.rules -= 1;
    else if (plan.authPolicy) plan.authPolicy = false;
    else if (plan.accessLogs) plan.accessLogs = false;
    else plan.https = false;
    size -= 1;
  }
  return plan;
}

function ecsService(
  random: () => number,
  cluster: string,
  name: string,
  targetGroupName: string,
  port: number,
): ManifestDocument {
  return doc(
    'EcsService',
    { name },
    {
      cluster,
      launchType: 'FARGATE',
      ...(random() < 0.2 ? {} : { desiredCount: int(random, 1, 3) }),
      networkConfiguration: {
        awsvpcConfiguration: { subnets: SUBNETS, securityGroups: ['sg-0a1b2c3d4e5f60718'], assignPublicIp: 'DISABLED' },
      },
      vpcLatticeConfigurations: [{ targetGroupArn: targetGroupName, portName: 'http', roleArn: ROLE }],
      taskDefinition: {
        family: `${cluster}-${name}`,
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${cluster}-task-execution`,
        containerDefinitions: [
          {
            name: 'app',
            image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${cluster}/${name}:1.0.0`,
            essential: true,
            portMappings: [{ name: 'http', containerPort: port }],
          },
        ],
      },
    },
  );
}

function serviceUnit(
  random: () => number,
  prefix: string,
  index: number,
  network: LatticeNetworkCounts,
  plan: UnitPlan,
  cluster: string,
): { docs: ManifestDocument[]; counts: LatticeServiceCounts } {
  const service = `${prefix}-svc-${index}`;
  const v1 = `${service}-v1`;
  const v2 = `${service}-v2`;
  const port = pick(random, [8080, 8443, 3000]);
  const protocol = random() < 0.8 ? 'HTTP' : 'HTTPS';
  const docs: ManifestDocument[] = [
    targetGroup(random, v1, network.vpc, port, protocol),
    targetGroup(random, v2, network.vpc, port, protocol),
  ];
  const serviceSpec: Record<string, unknown> = {};
  if (plan.authPolicy) serviceSpec['authType'] = 'AWS_IAM';
  if (random() < 0.4) serviceSpec['idleTimeoutSeconds'] = pick(random, [90, 120, 300]);
  docs.push(
    doc(
      'LatticeService',
      { name: service, ...(random() < 0.5 ? { tags: { team: `team-${int(random, 0, 9)}` } } : {}) },
      serviceSpec,
    ),
  );
  docs.push(
    doc(
      'LatticeListener',
      { service, name: 'http' },
      {
        protocol: 'HTTP',
        ...(random() < 0.3 ? { port: 8080 } : {}),
        defaultAction: weighted(random, v1, v2),
      },
    ),
  );
  docs.push(...ruleDocs(random, service, 'http', plan.rules, v1, v2));
  const rulesPerListener: Record<string, number> = { http: plan.rules };
  if (plan.https) {
    docs.push(
      doc(
        'LatticeListener',
        { service, name: 'https' },
        {
          protocol: 'HTTPS',
          defaultAction:
            random() < 0.5
              ? { forward: { targetGroups: [{ targetGroupIdentifier: v1 }] } }
              : { fixedResponse: { statusCode: 404 } },
        },
      ),
    );
    rulesPerListener['https'] = 0;
  }
  docs.push(doc('LatticeServiceNetworkServiceAssociation', { serviceNetwork: network.network, service }));
  if (plan.accessLogs) {
    const destination =
      random() < 0.5
        ? `arn:aws:s3:::${prefix}-lattice-logs`
        : `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/lattice/${service}`;
    docs.push(doc('LatticeAccessLogSubscription', { service }, { destinationArn: destination }));
  }
  if (plan.authPolicy) docs.push(doc('LatticeAuthPolicy', { service }, { policy: policy('*') }));
  if (plan.ecs) {
    docs.push(ecsService(random, cluster, v1, v1, port));
    if (random() < 0.5) docs.push(ecsService(random, cluster, v2, v2, port));
  }
  network.services += 1;
  return {
    docs,
    counts: {
      service,
      network: network.network,
      rulesPerListener,
      accessLogs: plan.accessLogs,
      authPolicy: plan.authPolicy,
    },
  };
}

function emptyByKind(): LatticeCounts['byKind'] {
  return {
    LatticeServiceNetwork: 0,
    LatticeServiceNetworkVpcAssociation: 0,
    LatticeService: 0,
    LatticeServiceNetworkServiceAssociation: 0,
    LatticeListener: 0,
    LatticeRule: 0,
    LatticeTargetGroup: 0,
    LatticeAccessLogSubscription: 0,
    LatticeAuthPolicy: 0,
    EcsService: 0,
  };
}

export function generateLatticeSet(options: LatticeOptions): LatticeSet {
  const total = Math.max(3, Math.floor(options.resources));
  const prefix = options.prefix ?? 'lat';
  const random = prng(options.seed ?? 1);
  const unitsPerNetwork = Math.max(1, options.unitsPerNetwork ?? 40);
  const ecsShare = options.ecsShare ?? 0.4;
  // About 8 resources a unit; one network per `unitsPerNetwork` units, within the Region quota.
  const networkCount = Math.max(
    1,
    Math.min(LATTICE_QUOTAS.serviceNetworks, Math.ceil(total / (8 * unitsPerNetwork)), Math.floor(total / 3)),
  );
  const cluster = prefix;
  const files: { name: string; docs: ManifestDocument[] }[] = [];
  const networks: LatticeNetworkCounts[] = [];
  let left = total;
  for (let n = 0; n < networkCount; n++) {
    const network = `${prefix}-net-${n}`;
    const c: LatticeNetworkCounts = { network, vpc: vpcOf(n), services: 0, accessLogs: false, authPolicy: false };
    networks.push(c);
    const iam = total >= 30 && random() < 0.5;
    const docs: ManifestDocument[] = [
      doc('LatticeServiceNetwork', { name: network, tags: { team: 'platform' } }, iam ? { authType: 'AWS_IAM' } : {}),
      doc(
        'LatticeServiceNetworkVpcAssociation',
        { serviceNetwork: network },
        { vpcIdentifier: c.vpc, securityGroupIds: [`sg-0a1b2c3d4e5f${(0x60800 + n).toString(16)}`] },
      ),
    ];
    left -= 2;
    // Network-level auth and logs only in sets large enough to keep room for services.
    if (iam) {
      docs.push(doc('LatticeAuthPolicy', { serviceNetwork: network }, { policy: policy('*') }));
      c.authPolicy = true;
      left -= 1;
    }
    if (total >= 30 && random() < 0.5) {
      docs.push(
        doc(
          'LatticeAccessLogSubscription',
          { serviceNetwork: network },
          { destinationArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/lattice/${network}` },
        ),
      );
      c.accessLogs = true;
      left -= 1;
    }
    files.push({ name: `${network}/network`, docs });
  }
  const services: LatticeServiceCounts[] = [];
  let unit = 0;
  let spare = 0;
  while (left > 0) {
    const network = networks[unit % networks.length] as LatticeNetworkCounts;
    if (left >= UNIT_BASE) {
      const plan = planUnit(random, left, ecsShare);
      const u = serviceUnit(random, prefix, unit, network, plan, cluster);
      services.push(u.counts);
      left -= u.docs.filter((d) => d.kind !== 'EcsService').length;
      files.push({ name: `${network.network}/unit-${String(unit).padStart(3, '0')}`, docs: u.docs });
    } else {
      // Fewer resources left than a unit: target groups kept warm for a service not routed yet.
      const docs: ManifestDocument[] = [];
      for (; left > 0; left--) {
        docs.push(targetGroup(random, `${prefix}-spare-${spare}`, network.vpc, 8080, 'HTTP'));
        spare += 1;
      }
      files.push({ name: `${network.network}/spare`, docs });
    }
    unit += 1;
  }
  const docs = files.flatMap((f) => f.docs);
  const byKind = emptyByKind();
  for (const d of docs) byKind[d.kind as keyof typeof byKind] += 1;
  return {
    docs,
    files: files.map((f) => ({
      name: `${f.name}.yaml`,
      text: f.docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'),
    })),
    counts: {
      latticeResources: docs.length - byKind.EcsService,
      ecsServices: byKind.EcsService,
      documents: docs.length,
      byKind,
      networks,
      services,
      cluster,
    },
  };
}

/** Every Lattice default quota the generator promises to respect; empty means the set fits. */
export function latticeQuotaViolations(counts: LatticeCounts): string[] {
  const out: string[] = [];
  const k = counts.byKind;
  if (k.LatticeServiceNetwork > LATTICE_QUOTAS.serviceNetworks) out.push(`${k.LatticeServiceNetwork} networks`);
  if (k.LatticeService > LATTICE_QUOTAS.services) out.push(`${k.LatticeService} services`);
  if (k.LatticeTargetGroup > LATTICE_QUOTAS.targetGroups) out.push(`${k.LatticeTargetGroup} target groups`);
  for (const s of counts.services) {
    const listeners = Object.keys(s.rulesPerListener).length;
    if (listeners > LATTICE_QUOTAS.listenersPerService) out.push(`${s.service}: ${listeners} listeners`);
    for (const [l, n] of Object.entries(s.rulesPerListener))
      if (n > LATTICE_QUOTAS.rulesPerListener) out.push(`${s.service}/${l}: ${n} rules`);
  }
  return out;
}
