/**
 * Generates valid ECS Service Connect sets (no App Mesh) for the benchmark and the reliability suite, with the
 * conventions of generate.ts: seeded with the same PRNG, deterministic for a size and seed, written one file per
 * unit. A set is HTTP Cloud Map namespaces (CloudMapNamespace, created by meshward) and ECS services in them:
 * client-only services, HTTP servers (timeouts, proxy access logs, sometimes TLS), gRPC servers (every Service
 * Connect default left to AWS), TCP servers (idle timeout only: a per-request timeout is refused on TCP), under every
 * deployment strategy (ROLLING, CANARY, LINEAR, BLUE_GREEN), some without desiredCount (autoscaling owns it).
 *
 * Valid by construction against the EcsService semantic checks: every portName names a named port mapping, one
 * client alias per entry, alias dnsName + port unique in the namespace (discovery names are unique in the set), no
 * per-request timeout on TCP, task-level memory always set, access logs only beside a log configuration.
 */
import { stringify } from 'yaml';
import { API_VERSION, type ManifestDocument } from '../src/core/types';
import { prng } from '../src/core/prng';
import type { GeneratedFile } from './generate';
import { int, pick } from './random';

export interface ServiceConnectOptions {
  /** ECS services to generate (at least 1); namespaces come on top, one per `perNamespace` services. */
  services: number;
  seed?: number;
  /** Namespace names are `${prefix}-${i}.local`, clusters `${prefix}-${i}`. */
  prefix?: string;
  /** ECS services per namespace (default 50). */
  perNamespace?: number;
}

export type ServiceConnectRole = 'client' | 'http' | 'grpc' | 'tcp';

export interface ServiceConnectNamespaceCounts {
  namespace: string;
  cluster: string;
  /** ECS services by role. */
  roles: Record<ServiceConnectRole, number>;
}

export interface ServiceConnectCounts {
  namespaces: ServiceConnectNamespaceCounts[];
  ecsServices: number;
  /** ECS services that serve an endpoint (their task definitions carry a named port). */
  servers: number;
  /** Resources in the set: namespaces + ECS services. */
  resources: number;
  documents: number;
  /** Services without desiredCount. */
  autoscaled: number;
  /** Services by deployment strategy. */
  strategies: Record<string, number>;
}

export interface ServiceConnectSet {
  docs: ManifestDocument[];
  files: GeneratedFile[];
  counts: ServiceConnectCounts;
}

const ACCOUNT = '111122223333';
const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
const PCA = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9`;
/** The rhythm of roles in a namespace: servers outnumber clients, every protocol present from five services. */
const ROLES: readonly ServiceConnectRole[] = ['http', 'grpc', 'client', 'tcp', 'http', 'grpc', 'http', 'client'];

function deploymentConfiguration(random: () => number): { strategy: string; config: Record<string, unknown> } {
  const breaker = random() < 0.7 ? { deploymentCircuitBreaker: { enable: true, rollback: true } } : {};
  const strategy = pick(random, ['ROLLING', 'CANARY', 'LINEAR', 'BLUE_GREEN', 'DEFAULT'] as const);
  switch (strategy) {
    case 'CANARY':
      return {
        strategy,
        config: {
          strategy,
          canaryConfiguration: {
            canaryPercent: pick(random, [5, 10, 20]),
            canaryBakeTimeInMinutes: int(random, 1, 15),
          },
          bakeTimeInMinutes: int(random, 0, 15),
          ...breaker,
        },
      };
    case 'LINEAR':
      return {
        strategy,
        config: {
          strategy,
          linearConfiguration: {
            stepPercent: pick(random, [10, 20, 25, 50]),
            stepBakeTimeInMinutes: int(random, 1, 10),
          },
          bakeTimeInMinutes: int(random, 0, 10),
          ...breaker,
        },
      };
    case 'BLUE_GREEN':
      return { strategy, config: { strategy, bakeTimeInMinutes: int(random, 1, 30), ...breaker } };
    case 'ROLLING':
      return { strategy, config: { strategy, minimumHealthyPercent: 100, maximumPercent: 200, ...breaker } };
    default:
      // Nothing declared: every default is AWS's (ROLLING, 100/200, the circuit breaker off).
      return { strategy: 'ROLLING', config: {} };
  }
}

interface Port {
  name: string;
  containerPort: number;
  appProtocol?: string;
}

function serviceDoc(
  random: () => number,
  ns: string,
  cluster: string,
  name: string,
  role: ServiceConnectRole,
  counts: ServiceConnectCounts,
): ManifestDocument {
  const logs = {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': `/${cluster}/service-connect`,
      'awslogs-region': 'us-east-1',
      'awslogs-stream-prefix': name,
    },
  };
  let port: Port | undefined;
  const sc: Record<string, unknown> = { enabled: true, namespace: ns };
  if (role === 'http') {
    port = { name: 'api', containerPort: pick(random, [8080, 3000]), appProtocol: pick(random, ['http', 'http2']) };
    const entry: Record<string, unknown> = {
      portName: 'api',
      discoveryName: name,
      clientAliases: [{ port: 80, ...(random() < 0.5 ? { dnsName: `${name}.${ns}` } : {}) }],
      timeout: { perRequestTimeoutSeconds: int(random, 2, 60), idleTimeoutSeconds: int(random, 60, 600) },
    };
    if (random() < 0.3) {
      entry['tls'] = {
        issuerCertificateAuthority: { awsPcaAuthorityArn: PCA },
        roleArn: `arn:aws:iam::${ACCOUNT}:role/${cluster}-service-connect-tls`,
      };
    }
    sc['services'] = [entry];
    sc['logConfiguration'] = logs;
    if (random() < 0.7) {
      sc['accessLogConfiguration'] = {
        format: pick(random, ['TEXT', 'JSON']),
        ...(random() < 0.5 ? { includeQueryParameters: pick(random, ['ENABLED', 'DISABLED']) } : {}),
      };
    }
  } else if (role === 'grpc') {
    // Every Service Connect default left to AWS: discoveryName, dnsName, timeouts, logs.
    // The port's name is the default discovery and DNS name: unique in the namespace.
    port = { name, containerPort: pick(random, [50051, 9090]), appProtocol: 'grpc' };
    sc['services'] = [{ portName: name, clientAliases: [{ port: port.containerPort }] }];
  } else if (role === 'tcp') {
    port = { name: 'tcp', containerPort: pick(random, [5432, 6379, 11211]) };
    sc['services'] = [
      {
        portName: 'tcp',
        discoveryName: name,
        clientAliases: [{ port: port.containerPort }],
        ...(random() < 0.6 ? { timeout: { idleTimeoutSeconds: int(random, 300, 3600) } } : {}),
      },
    ];
    if (random() < 0.5) sc['logConfiguration'] = logs;
  } else if (random() < 0.5) {
    // A client-only service: in the namespace, serving nothing; sometimes with proxy logs.
    sc['logConfiguration'] = logs;
  }
  const deployment = deploymentConfiguration(random);
  counts.strategies[deployment.strategy] = (counts.strategies[deployment.strategy] ?? 0) + 1;
  const autoscaled = random() < 0.25;
  if (autoscaled) counts.autoscaled += 1;
  const container: Record<string, unknown> = {
    name: 'app',
    image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${cluster}/${name}:1.${int(random, 0, 9)}.0`,
    essential: true,
    ...(port ? { portMappings: [port] } : {}),
    environment: [{ name: 'LOG_LEVEL', value: pick(random, ['info', 'warn']) }],
  };
  return {
    apiVersion: API_VERSION,
    kind: 'EcsService',
    metadata: { name, ...(random() < 0.5 ? { tags: { team: `team-${int(random, 0, 9)}` } } : {}) },
    spec: {
      cluster,
      launchType: 'FARGATE',
      ...(autoscaled ? {} : { desiredCount: int(random, 1, 4) }),
      networkConfiguration: {
        awsvpcConfiguration: { subnets: SUBNETS, securityGroups: ['sg-0a1b2c3d4e5f60030'], assignPublicIp: 'DISABLED' },
      },
      ...(Object.keys(deployment.config).length > 0 ? { deploymentConfiguration: deployment.config } : {}),
      taskDefinition: {
        family: `${cluster}-${name}`,
        cpu: pick(random, ['256', '512']),
        memory: '1024',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${cluster}-task-execution`,
        containerDefinitions: [container],
      },
      serviceConnectConfiguration: sc,
    },
  };
}

export function generateServiceConnectSet(options: ServiceConnectOptions): ServiceConnectSet {
  const total = Math.max(1, Math.floor(options.services));
  const perNamespace = Math.max(1, options.perNamespace ?? 50);
  const prefix = options.prefix ?? 'sc';
  const random = prng(options.seed ?? 1);
  const namespaceCount = Math.ceil(total / perNamespace);
  const counts: ServiceConnectCounts = {
    namespaces: [],
    ecsServices: 0,
    servers: 0,
    resources: 0,
    documents: 0,
    autoscaled: 0,
    strategies: {},
  };
  const files: { name: string; docs: ManifestDocument[] }[] = [];
  let index = 0;
  for (let n = 0; n < namespaceCount; n++) {
    const cluster = `${prefix}-${n}`;
    const ns = `${cluster}.local`;
    const c: ServiceConnectNamespaceCounts = {
      namespace: ns,
      cluster,
      roles: { client: 0, http: 0, grpc: 0, tcp: 0 },
    };
    counts.namespaces.push(c);
    files.push({
      name: `${cluster}/namespace`,
      docs: [
        {
          apiVersion: API_VERSION,
          kind: 'CloudMapNamespace',
          metadata: { name: ns, tags: { team: 'platform' } },
          spec: { type: 'HTTP', ...(random() < 0.5 ? { description: `Service Connect namespace ${ns}` } : {}) },
        },
      ],
    });
    const here = Math.floor(total / namespaceCount) + (n < total % namespaceCount ? 1 : 0);
    for (let s = 0; s < here; s++) {
      const role = ROLES[s % ROLES.length] as ServiceConnectRole;
      const name = `svc-${index}`;
      index += 1;
      c.roles[role] += 1;
      counts.ecsServices += 1;
      if (role !== 'client') counts.servers += 1;
      files.push({ name: `${cluster}/${name}`, docs: [serviceDoc(random, ns, cluster, name, role, counts)] });
    }
  }
  const docs = files.flatMap((f) => f.docs);
  counts.documents = docs.length;
  counts.resources = docs.length;
  return {
    docs,
    files: files.map((f) => ({
      name: `${f.name}.yaml`,
      text: f.docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'),
    })),
    counts,
  };
}
