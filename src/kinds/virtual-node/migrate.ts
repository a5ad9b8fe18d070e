/**
 * VirtualNode -> on Service Connect, the `services[]` entries of its ECS services' serviceConnectConfiguration (the
 * EcsService rules write them; these rules say what each node field becomes); on VPC Lattice, one target group per
 * listener that ECS registers the tasks in.
 */
import type { LoadedDocument } from '../../core/types';
import { API_VERSION } from '../../core/types';
import type { FieldRule, KindMigration, MigrationRun, Outcome, OutcomeRule, RuleMatch } from '../../migrate/model';
import { clamp, isRecord, num, secondsOf, str } from '../../migrate/values';
import { vpcId } from '../mesh/migrate';
import {
  ecsServicesOf,
  latticeProtocolVersion,
  latticeTargetGroupId,
  latticeTargetGroupName,
  listenersOf,
  meshOf,
  scCanaryOnlyNodes,
  scServicePointer,
  successorOfNode,
} from '../shared/migrate-topology';

/** Where a field of this node's listener `i` goes on Service Connect, or why it goes nowhere. */
function scTarget(match: RuleMatch, rest: string): { target?: string; canaryOf?: string; offEcs?: boolean } {
  const mesh = meshOf(match.source);
  const node = match.source.doc.metadata.name;
  const canary = scCanaryOnlyNodes(match.run, mesh).get(node);
  if (canary) {
    const home = successorOfNode(match.run, mesh, canary.primary);
    return {
      canaryOf: canary.primary,
      target: home ? `${home}:/spec/deploymentConfiguration/canaryConfiguration` : '',
    };
  }
  const id = successorOfNode(match.run, mesh, node);
  if (!id) return { offEcs: true };
  return { target: `${id}:${scServicePointer(match.indexes[0] ?? 0, rest)}` };
}

/** A Service Connect outcome for a node listener field, folding in the two cases where the node has no endpoint. */
function sc(rest: string, onEndpoint: (m: RuleMatch) => Outcome): OutcomeRule {
  return (m) => {
    const where = scTarget(m, rest);
    if (where.offEcs) {
      return { status: 'dropped', detail: 'no ECS service runs this node, so it has no Service Connect endpoint' };
    }
    const outcome = onEndpoint(m);
    if (where.canaryOf !== undefined) {
      const carried = outcome.status === 'carried' ? 'approx' : outcome.status;
      return {
        status: carried,
        target: where.target ?? '',
        detail: `this node becomes the canary revision of ${where.canaryOf}'s endpoint, which keeps ${where.canaryOf}'s setting: ${outcome.detail}`,
      };
    }
    return { ...outcome, target: where.target ?? '' };
  };
}

function latticeTg(m: RuleMatch): string | undefined {
  const listener = listenersOf(m.source.doc.spec)[m.indexes[0] ?? 0];
  if (!listener || latticeProtocolVersion(listener.protocol) === undefined) return undefined;
  const mesh = meshOf(m.source);
  if (ecsServicesOf(m.run, mesh, { virtualNode: m.source.doc.metadata.name }).length === 0) return undefined;
  return latticeTargetGroupId(mesh, m.source.doc.metadata.name, listener.port);
}

function lattice(rest: string, onTargetGroup: (m: RuleMatch) => Outcome): OutcomeRule {
  return (m) => {
    const tg = latticeTg(m);
    if (!tg) {
      return {
        status: 'dropped',
        detail:
          'no Lattice target group for this listener (TCP has no Lattice listener, or no ECS service runs the node)',
      };
    }
    const outcome = onTargetGroup(m);
    return { ...outcome, target: outcome.status === 'dropped' ? '' : `${tg}:${rest}` };
  };
}

function secondsDetail(value: unknown, field: string): Outcome {
  const s = secondsOf(value);
  if (!s) return { status: 'carried', detail: field };
  return s.exact
    ? { status: 'carried', detail: `${field} = ${s.seconds}` }
    : {
        status: 'approx',
        detail: `${field} = ${s.seconds}: whole seconds, rounded up from ${String(JSON.stringify(value))}`,
      };
}

function tlsRules(prefix: string): FieldRule[] {
  return [
    {
      path: `${prefix}/certificate`,
      'service-connect': {
        status: 'dropped',
        detail: 'a client certificate (mutual TLS): Service Connect TLS is one-way, from AWS Private CA',
      },
      'vpc-lattice': {
        status: 'dropped',
        detail: 'a client certificate (mutual TLS): VPC Lattice has no mTLS to services',
      },
    },
    {
      path: `${prefix}/enforce`,
      'service-connect': {
        status: 'builtin',
        detail: 'a Service Connect client always speaks TLS to an endpoint that has tls configured',
      },
      'vpc-lattice': {
        status: 'approx',
        detail: 'clients choose TLS by calling the HTTPS listener; Lattice does not force it from the client side',
      },
    },
    {
      path: `${prefix}/ports`,
      'service-connect': { status: 'dropped', detail: 'TLS is per endpoint, not per client port list' },
      'vpc-lattice': { status: 'dropped', detail: 'TLS is per listener, not per client port list' },
    },
    {
      path: `${prefix}/validation`,
      'service-connect': {
        status: 'approx',
        detail:
          'clients trust the Private CA the endpoints are issued from automatically; SAN and trust bundles are not configurable',
      },
      'vpc-lattice': {
        status: 'approx',
        detail:
          "clients validate the listener's ACM certificate with their own trust store; SAN lists are not configurable",
      },
    },
  ];
}

const BACKEND_DETAIL =
  'the backend list was an allow-list (with egress DROP_ALL) and is the call graph; the successor lets this service call any endpoint, and meshward uses the list to deploy servers before clients';

export const TLS_INPUTS = {
  pca: {
    key: 'serviceConnect.tls.awsPcaAuthorityArn',
    description: 'The AWS Private CA that issues Service Connect TLS certificates (replaces App Mesh listener TLS)',
    example: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/12345678-1234-1234-1234-123456789012',
  },
  role: {
    key: 'ecs.infrastructureRoleArn',
    description:
      'The ECS infrastructure IAM role (AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity / ...ForVpcLattice attached)',
    example: 'arn:aws:iam::111122223333:role/ecsInfrastructureRole',
  },
} as const;

export function latticeCertificateInput(vsOrNode: string) {
  return {
    key: `lattice.certificateArn.${vsOrNode}`,
    description: `ACM certificate for the HTTPS listener of ${vsOrNode} (App Mesh served a file or SDS certificate)`,
    example: 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
  };
}

const rules: FieldRule[] = [
  ...tlsRules('/backendDefaults/clientPolicy/tls'),
  ...tlsRules('/backends/*/virtualService/clientPolicy/tls'),
  {
    path: '/backends/*/virtualService/virtualServiceName',
    'service-connect': { status: 'approx', detail: BACKEND_DETAIL },
    'vpc-lattice': { status: 'approx', detail: BACKEND_DETAIL },
  },
  {
    path: '/listeners/*/connectionPool',
    'service-connect': {
      status: 'dropped',
      detail: 'no circuit breaking: Service Connect has no connection or pending-request limits',
    },
    'vpc-lattice': {
      status: 'dropped',
      detail: 'no circuit breaking: VPC Lattice has no connection or request limits',
    },
  },
  {
    path: '/listeners/*/healthCheck',
    'service-connect': (m) => {
      const protocol = isRecord(m.value) ? str(m.value['protocol']) : undefined;
      if (protocol === 'grpc' || protocol === 'tcp') {
        return {
          status: 'dropped',
          detail: `no ${protocol} active health check: add a container healthCheck (grpc_health_probe, nc) to the task definition`,
        };
      }
      const node = m.source.doc.metadata.name;
      const home = successorOfNode(m.run, meshOf(m.source), node);
      return {
        status: home ? 'approx' : 'dropped',
        target: home ? `${home}:/spec/taskDefinition/containerDefinitions/0/healthCheck` : '',
        detail: home
          ? 'becomes a container health check (curl inside the task: the image needs curl); ECS replaces unhealthy tasks instead of Envoy routing around them; healthyThreshold has no equivalent'
          : 'no ECS service runs this node',
      };
    },
    'vpc-lattice': lattice('/spec/config/healthCheck', (m) => {
      const protocol = isRecord(m.value) ? str(m.value['protocol']) : undefined;
      if (protocol === 'grpc')
        return { status: 'dropped', detail: 'VPC Lattice has no health checks for GRPC target groups' };
      const interval = isRecord(m.value) ? num(m.value['intervalMillis']) : undefined;
      const timeout = isRecord(m.value) ? num(m.value['timeoutMillis']) : undefined;
      const whole = (interval ?? 0) % 1000 === 0 && (timeout ?? 0) % 1000 === 0;
      return whole
        ? {
            status: 'carried',
            detail: 'target group health check: protocol, path, port, interval, timeout, thresholds',
          }
        : { status: 'approx', detail: 'target group health check, interval and timeout rounded to whole seconds' };
    }),
  },
  {
    path: '/listeners/*/outlierDetection',
    'service-connect': sc('', () => ({
      status: 'builtin',
      detail:
        'Service Connect ejects failing tasks on its own (passive outlier detection); thresholds are not configurable',
    })),
    'vpc-lattice': { status: 'dropped', detail: 'VPC Lattice has no outlier detection; only active health checks' },
  },
  {
    path: '/listeners/*/portMapping',
    'service-connect': sc('/portName', (m) => {
      const protocol = isRecord(m.value) ? str(m.value['protocol']) : undefined;
      return {
        status: 'carried',
        detail: `a named port mapping${protocol === 'tcp' ? ' (TCP: no appProtocol)' : ` with appProtocol ${String(protocol)}`} and a Service Connect services[] entry`,
      };
    }),
    'vpc-lattice': lattice('/spec/config', () => ({
      status: 'carried',
      detail:
        'target group port, protocol HTTP and protocolVersion; ECS registers the tasks through vpcLatticeConfigurations',
    })),
  },
  ...(['http', 'http2', 'grpc'] as const).flatMap((p): FieldRule[] => [
    {
      path: `/listeners/*/timeout/${p}/perRequest`,
      'service-connect': sc('/timeout/perRequestTimeoutSeconds', (m) =>
        secondsDetail(m.value, 'perRequestTimeoutSeconds'),
      ),
      'vpc-lattice': { status: 'dropped', detail: 'VPC Lattice has no per-request timeout' },
    },
    {
      path: `/listeners/*/timeout/${p}/idle`,
      'service-connect': sc('/timeout/idleTimeoutSeconds', (m) => secondsDetail(m.value, 'idleTimeoutSeconds')),
      'vpc-lattice': latticeIdle,
    },
  ]),
  {
    path: '/listeners/*/timeout/tcp/idle',
    'service-connect': sc('/timeout/idleTimeoutSeconds', (m) => secondsDetail(m.value, 'idleTimeoutSeconds')),
    'vpc-lattice': { status: 'dropped', detail: 'TCP listeners have no VPC Lattice form' },
  },
  {
    path: '/listeners/*/tls/mode',
    'service-connect': sc('/tls', (m) =>
      m.value === 'DISABLED'
        ? { status: 'carried', detail: 'no TLS' }
        : {
            status: m.value === 'PERMISSIVE' ? 'approx' : 'needs-input',
            detail:
              m.value === 'PERMISSIVE'
                ? 'Service Connect TLS is on or off: PERMISSIVE (plain text accepted too) becomes TLS only; needs the Private CA and role inputs'
                : 'TLS on the endpoint, issued by AWS Private CA: give the CA and the ECS infrastructure role',
          },
    ),
    'vpc-lattice': lattice('/spec/protocol', (m) =>
      m.value === 'DISABLED'
        ? { status: 'carried', detail: 'plain HTTP listener' }
        : {
            status: m.value === 'PERMISSIVE' ? 'approx' : 'carried',
            detail:
              m.value === 'PERMISSIVE'
                ? 'an HTTPS listener; PERMISSIVE (plain text too) has no Lattice form: add a second HTTP listener if needed'
                : 'an HTTPS listener on the Lattice service (TLS ends at Lattice; Lattice to the task is HTTP)',
          },
    ),
  },
  {
    path: '/listeners/*/tls/certificate',
    'service-connect': sc('/tls/issuerCertificateAuthority', () => ({
      status: 'needs-input',
      detail: 'Service Connect issues its own certificates from AWS Private CA; this certificate is not used',
    })),
    'vpc-lattice': (m) =>
      isRecord(m.value) && isRecord(m.value['acm'])
        ? { status: 'carried', target: '', detail: 'the ACM certificate becomes the Lattice service certificateArn' }
        : {
            status: 'needs-input',
            target: '',
            detail:
              'file and SDS certificates cannot be used by Lattice: give an ACM certificate (lattice.certificateArn.<service>)',
          },
  },
  {
    path: '/listeners/*/tls/validation',
    'service-connect': {
      status: 'dropped',
      detail: 'client certificate validation (mTLS) has no Service Connect equivalent',
    },
    'vpc-lattice': {
      status: 'dropped',
      detail:
        'client certificate validation (mTLS) has no VPC Lattice equivalent; AWS_IAM auth policies identify callers instead',
    },
  },
  {
    path: '/logging',
    'service-connect': (m) => {
      const home = successorOfNode(m.run, meshOf(m.source), m.source.doc.metadata.name);
      return {
        status: home ? 'approx' : 'dropped',
        target: home ? `${home}:/spec/serviceConnectConfiguration/accessLogConfiguration` : '',
        detail: home
          ? "Service Connect access logs (format TEXT or JSON, Envoy's default fields) go to the service's log driver, not to a file path; a custom format is not kept"
          : 'no ECS service runs this node',
      };
    },
    'vpc-lattice': (m) => {
      const given = m.run.input(
        'lattice.accessLogDestinationArn',
        'Where VPC Lattice writes access logs (a CloudWatch Logs group, S3 bucket or Firehose stream ARN)',
        'arn:aws:logs:us-east-1:111122223333:log-group:/shop/lattice',
      );
      return given === undefined
        ? {
            status: 'needs-input',
            detail:
              'Lattice access logs go to a destination ARN, per service network; give lattice.accessLogDestinationArn',
          }
        : {
            status: 'approx',
            target: 'LatticeAccessLogSubscription',
            detail:
              "one subscription on the service network, in Lattice's log format (the file path and format are not kept)",
          };
    },
  },
  {
    path: '/serviceDiscovery/awsCloudMap/namespaceName',
    'service-connect': {
      status: 'approx',
      detail:
        'the successor services register in a new HTTP namespace (<mesh>-sc) while the App Mesh ones keep this one',
    },
    'vpc-lattice': { status: 'approx', detail: 'clients find Lattice services by DNS name; Cloud Map is not used' },
  },
  {
    path: '/serviceDiscovery/awsCloudMap/serviceName',
    'service-connect': {
      status: 'approx',
      detail: 'the Service Connect discovery name is the successor ECS service name',
    },
    'vpc-lattice': { status: 'approx', detail: 'ECS registers task IPs in the target group instead of Cloud Map' },
  },
  {
    path: '/serviceDiscovery/awsCloudMap/attributes',
    'service-connect': {
      status: 'dropped',
      detail:
        'no instance attribute filters: versions that shared a Cloud Map service by attribute become one endpoint and a canary deployment',
    },
    'vpc-lattice': { status: 'approx', detail: 'versions told apart by attribute become separate target groups' },
  },
  {
    path: '/serviceDiscovery/awsCloudMap/ipPreference',
    'service-connect': { status: 'approx', detail: 'the address family follows the VPC and subnets' },
    'vpc-lattice': { status: 'approx', detail: 'target group ipAddressType IPV4 or IPV6, no preference order' },
  },
  {
    path: '/serviceDiscovery/dns',
    'service-connect': (m) =>
      successorOfNode(m.run, meshOf(m.source), m.source.doc.metadata.name)
        ? { status: 'approx', detail: 'DNS discovery becomes Service Connect (Cloud Map) discovery of the ECS service' }
        : {
            status: 'dropped',
            detail: `no Service Connect equivalent for a DNS endpoint outside ECS: clients call ${String(isRecord(m.value) ? m.value['hostname'] : '')} directly`,
          },
    'vpc-lattice': (m) =>
      successorOfNode(m.run, meshOf(m.source), m.source.doc.metadata.name)
        ? { status: 'approx', detail: 'DNS discovery becomes Lattice target registration by ECS' }
        : {
            status: 'dropped',
            detail: `a host outside ECS: clients call ${String(isRecord(m.value) ? m.value['hostname'] : '')} directly (or put it behind a Lattice resource configuration)`,
          },
  },
];

function latticeIdle(m: RuleMatch): Outcome {
  const s = secondsOf(m.value);
  const seconds = s ? clamp(s.seconds, 60, 600) : 60;
  return {
    status: 'approx',
    target: '',
    detail: `the Lattice service idleTimeoutSeconds (${seconds}, 60..600, one per service, taken from the service's nodes)`,
  };
}

function healthCheckOf(
  listener: Record<string, unknown>,
  protocolVersion: string,
): Record<string, unknown> | undefined {
  const hc = listener['healthCheck'];
  if (!isRecord(hc) || protocolVersion === 'GRPC') return undefined;
  const seconds = (ms: unknown, min: number, max: number) => clamp(Math.ceil((num(ms) ?? min * 1000) / 1000), min, max);
  const tcp = hc['protocol'] === 'tcp';
  return {
    enabled: true,
    protocol: tcp ? 'TCP' : 'HTTP',
    ...(tcp ? {} : { protocolVersion: hc['protocol'] === 'http2' ? 'HTTP2' : 'HTTP1' }),
    ...(!tcp && str(hc['path']) !== undefined ? { path: hc['path'] } : {}),
    ...(num(hc['port']) !== undefined ? { port: hc['port'] } : {}),
    healthCheckIntervalSeconds: seconds(hc['intervalMillis'], 5, 300),
    healthCheckTimeoutSeconds: seconds(hc['timeoutMillis'], 1, 120),
    healthyThresholdCount: clamp(num(hc['healthyThreshold']) ?? 5, 2, 10),
    unhealthyThresholdCount: clamp(num(hc['unhealthyThreshold']) ?? 2, 2, 10),
  };
}

function migrate(source: LoadedDocument, run: MigrationRun): void {
  if (run.target !== 'vpc-lattice') return;
  const mesh = meshOf(source);
  const name = source.doc.metadata.name;
  if (ecsServicesOf(run, mesh, { virtualNode: name }).length === 0) return;
  const listeners = Array.isArray(source.doc.spec['listeners']) ? source.doc.spec['listeners'] : [];
  for (const info of listenersOf(source.doc.spec)) {
    const protocolVersion = latticeProtocolVersion(info.protocol);
    const listener = listeners[info.index];
    if (protocolVersion === undefined || !isRecord(listener)) continue;
    const healthCheck = healthCheckOf(listener, protocolVersion);
    run.emit(
      {
        apiVersion: API_VERSION,
        kind: 'LatticeTargetGroup',
        metadata: {
          name: latticeTargetGroupName(mesh, name, info.port),
          ...(source.doc.metadata.tags ? { tags: source.doc.metadata.tags } : {}),
        },
        spec: {
          type: 'IP',
          config: {
            port: info.port,
            protocol: 'HTTP',
            protocolVersion,
            vpcIdentifier: vpcId(run),
            ...(healthCheck ? { healthCheck } : {}),
          },
        },
      },
      source,
      [`listener ${info.port}/${info.protocol} of virtual node ${name}`],
    );
  }
}

export const virtualNodeMigration: KindMigration = {
  kind: 'VirtualNode',
  specShape: 'VirtualNodeSpec',
  rules,
  migrate,
};
