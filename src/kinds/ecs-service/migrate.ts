/**
 * EcsService -> its successor: the same service under a new name (or in a new cluster), without the Envoy sidecar
 * and the `appMesh` attachment, with named port mappings and either `serviceConnectConfiguration` (the node's
 * listeners as endpoints, every service a client of the namespace) or `vpcLatticeConfigurations` (one per target
 * group). Gateway services retire: an ALB takes their place.
 */
import type { LoadedDocument } from '../../core/types';
import { API_VERSION } from '../../core/types';
import type { FieldRule, KindMigration, MigrationRun, Outcome, RuleMatch } from '../../migrate/model';
import { STEP_WAVE } from '../../migrate/model';
import { asArray, clamp, isRecord, latticeName, num, secondsOf, str, successorFamily } from '../../migrate/values';
import { albTargetGroupInput, albTargetsFor } from '../gateway-route/migrate';
import {
  ecsServicesOf,
  latticeProtocolVersion,
  latticeTargetGroupName,
  listenersOf,
  routeTypeOf,
  scCanaryOnlyNodes,
  scAliasOf,
  isFirstServiceOfNode,
  scNamespaceName,
  scRouterPlan,
  successorId,
  waveOf,
} from '../shared/migrate-topology';
import { TLS_INPUTS } from '../virtual-node/migrate';
import { ECS_SERVICE_MEMBERS } from './service-fields';

function appMeshOf(source: LoadedDocument): Record<string, unknown> | undefined {
  const a = source.doc.spec['appMesh'];
  return isRecord(a) ? a : undefined;
}

function canaryOnly(m: Pick<RuleMatch, 'run' | 'source'>) {
  const a = appMeshOf(m.source);
  const node = str(a?.['virtualNode']);
  if (m.run.target !== 'service-connect' || node === undefined) return undefined;
  return scCanaryOnlyNodes(m.run, str(a?.['mesh']) ?? '').get(node);
}

function successorRef(m: Pick<RuleMatch, 'run' | 'source'>, pointer: string): string {
  const id = successorId(m.source, m.run);
  return `EcsService/${id.cluster}/${id.name}:${pointer}`;
}

function member(name: string): FieldRule {
  const outcome = (m: RuleMatch): Outcome => {
    if (appMeshOf(m.source)?.['virtualGateway'] !== undefined) {
      return { status: 'dropped', detail: 'the gateway service retires (an ALB routes straight to the services)' };
    }
    const canary = canaryOnly(m);
    if (canary) {
      return {
        status: 'approx',
        detail: `this service becomes the canary revision of ${canary.primary}'s successor: its settings are not kept, only its task definition (see MIGRATION.md)`,
      };
    }
    if (name === 'cluster' && m.run.parallel === 'new-cluster') {
      return {
        status: 'carried',
        target: successorRef(m, '/spec/cluster'),
        detail: 'a new cluster beside the old one (create it first)',
      };
    }
    if (name === 'taskDefinition') {
      return {
        status: 'carried',
        target: successorRef(m, '/spec/taskDefinition'),
        detail:
          'a new family (suffixed) without the Envoy sidecar and proxy configuration; listener ports named for the successor',
      };
    }
    return { status: 'carried', target: successorRef(m, `/spec/${name}`), detail: 'copied' };
  };
  return { path: `/${name}`, 'service-connect': outcome, 'vpc-lattice': outcome };
}

const rules: FieldRule[] = [
  ...[...ECS_SERVICE_MEMBERS, 'taskDefinition'].filter((n) => n !== 'serviceRegistries').map(member),
  {
    path: '/appMesh/mesh',
    'service-connect': (m) => ({
      status: 'carried',
      target: successorRef(m, '/spec/serviceConnectConfiguration/namespace'),
      detail: `the Service Connect namespace ${scNamespaceName(str(m.value) ?? '', m.run)}`,
    }),
    'vpc-lattice': { status: 'carried', detail: 'the Lattice service network of the mesh' },
  },
  {
    path: '/appMesh/virtualNode',
    'service-connect': (m) => {
      const canary = canaryOnly(m);
      if (canary) {
        return {
          status: 'approx',
          target: `${successorRef({ ...m, source: ecsServicesOf(m.run, str(appMeshOf(m.source)?.['mesh']) ?? '', { virtualNode: canary.primary })[0] ?? m.source }, '/spec/deploymentConfiguration')}`,
          detail: `no service of its own: its task definition is the canary revision (${canary.percent}%) of ${canary.primary}'s successor`,
        };
      }
      return {
        status: 'carried',
        target: successorRef(m, '/spec/serviceConnectConfiguration'),
        detail: "the node's listeners become Service Connect endpoints; the service is a client of the namespace",
      };
    },
    'vpc-lattice': (m) => ({
      status: 'carried',
      target: successorRef(m, '/spec/vpcLatticeConfigurations'),
      detail: "ECS registers the tasks in the node's Lattice target groups",
    }),
  },
  {
    path: '/appMesh/virtualGateway',
    'service-connect': {
      status: 'dropped',
      detail: 'no mesh gateway: the ALB rules in MIGRATION.md replace it; retire this service',
    },
    'vpc-lattice': {
      status: 'dropped',
      detail: 'no mesh gateway: the ALB rules in MIGRATION.md replace it; retire this service',
    },
  },
  {
    path: '/appMesh/cloudMapService',
    'service-connect': { status: 'approx', detail: 'Service Connect registers the tasks in the new namespace itself' },
    'vpc-lattice': {
      status: 'dropped',
      detail: 'no Cloud Map registration: clients reach the service through Lattice',
    },
  },
  {
    path: '/appMesh/envoy',
    'service-connect': {
      status: 'builtin',
      detail: 'ECS injects and manages the Service Connect proxy; image and log level are not configurable',
    },
    'vpc-lattice': { status: 'builtin', detail: 'no sidecar: VPC Lattice works in the VPC network' },
  },
];

interface PortPlan {
  listenerIndex: number;
  port: number;
  protocol: string;
  portName: string;
}

/** Names the container port of every node listener (adding a mapping when no container declares it). */
function namePorts(
  td: Record<string, unknown>,
  listeners: { index: number; port: number; protocol: string }[],
  sc: boolean,
): PortPlan[] {
  const containers = asArray(td['containerDefinitions']).filter(isRecord);
  const plans: PortPlan[] = [];
  for (const l of listeners) {
    let container = containers.find((c) =>
      asArray(c['portMappings']).some((p) => isRecord(p) && p['containerPort'] === l.port),
    );
    if (!container) {
      container = containers[0];
      if (!container) continue;
      container['portMappings'] = [...asArray(container['portMappings']), { containerPort: l.port, protocol: 'tcp' }];
    }
    const mapping = asArray(container['portMappings']).find(
      (p): p is Record<string, unknown> => isRecord(p) && p['containerPort'] === l.port,
    );
    if (!mapping) continue;
    const portName = str(mapping['name']) ?? `port-${l.port}`;
    mapping['name'] = portName;
    if (sc && l.protocol !== 'tcp' && mapping['appProtocol'] === undefined) mapping['appProtocol'] = l.protocol;
    plans.push({ listenerIndex: l.index, port: l.port, protocol: l.protocol, portName });
  }
  return plans;
}

function containerWithPort(td: Record<string, unknown>, port: number): Record<string, unknown> | undefined {
  return asArray(td['containerDefinitions'])
    .filter(isRecord)
    .find((c) => asArray(c['portMappings']).some((p) => isRecord(p) && p['containerPort'] === port));
}

function addHealthCheck(td: Record<string, unknown>, listener: Record<string, unknown>, port: number): void {
  const hc = listener['healthCheck'];
  if (!isRecord(hc) || (hc['protocol'] !== 'http' && hc['protocol'] !== 'http2')) return;
  const container = containerWithPort(td, port);
  if (!container || container['healthCheck'] !== undefined) return;
  const path = str(hc['path']) ?? '/';
  const checkPort = num(hc['port']) ?? port;
  container['healthCheck'] = {
    command: ['CMD-SHELL', `curl -fs http://localhost:${checkPort}${path} > /dev/null || exit 1`],
    interval: clamp(Math.round((num(hc['intervalMillis']) ?? 30000) / 1000), 5, 300),
    timeout: clamp(Math.round((num(hc['timeoutMillis']) ?? 5000) / 1000), 2, 60),
    retries: clamp(num(hc['unhealthyThreshold']) ?? 3, 1, 10),
  };
}

function timeoutOf(listener: Record<string, unknown>, protocol: string, fallback: Record<string, unknown> | undefined) {
  const t = isRecord(listener['timeout']) ? listener['timeout'][protocol] : undefined;
  const source = isRecord(t) ? t : fallback;
  if (!source) return undefined;
  const out: Record<string, number> = {};
  const idle = secondsOf(source['idle']);
  const perRequest = secondsOf(source['perRequest']);
  if (idle) out['idleTimeoutSeconds'] = idle.seconds;
  // Per-request timeouts are refused for TCP (no appProtocol).
  if (perRequest && protocol !== 'tcp') out['perRequestTimeoutSeconds'] = perRequest.seconds;
  return Object.keys(out).length > 0 ? out : undefined;
}

function scConfig(
  first: boolean,
  run: MigrationRun,
  mesh: string,
  node: LoadedDocument | undefined,
  ports: PortPlan[],
  td: Record<string, unknown>,
  successorName: string,
): Record<string, unknown> {
  const nodeName = node?.doc.metadata.name ?? '';
  const listeners = Array.isArray(node?.doc.spec['listeners']) ? node.doc.spec['listeners'] : [];
  const services = ports.map((p) => {
    const listener = isRecord(listeners[p.listenerIndex]) ? listeners[p.listenerIndex] : {};
    const endpoint = first
      ? scAliasOf(run, mesh, nodeName, { index: p.listenerIndex, port: p.port, protocol: p.protocol })
      : undefined;
    const routerPlan = routerPlanFor(run, mesh, endpoint?.virtualService);
    const mainBody = routerPlan?.main
      ? routerPlan.main.doc.spec[routeTypeOf(routerPlan.main.doc.spec) ?? '']
      : undefined;
    const routeTimeout = isRecord(mainBody) && isRecord(mainBody['timeout']) ? mainBody['timeout'] : undefined;
    const entry: Record<string, unknown> = {
      portName: p.portName,
      discoveryName: latticeName(ports.length === 1 ? successorName : `${successorName}-${p.port}`, 64),
    };
    if (endpoint) {
      const alias: Record<string, unknown> = { port: endpoint.port, dnsName: endpoint.virtualService };
      if (routerPlan?.testHeader) {
        alias['testTrafficRules'] = {
          header: { name: routerPlan.testHeader.name, value: { exact: routerPlan.testHeader.exact } },
        };
      }
      entry['clientAliases'] = [alias];
    }
    const timeout = timeoutOf(isRecord(listener) ? listener : {}, p.protocol, routeTimeout);
    if (timeout) entry['timeout'] = timeout;
    const tls = isRecord(listener) && isRecord(listener['tls']) ? listener['tls'] : undefined;
    if (tls && tls['mode'] !== 'DISABLED') {
      entry['tls'] = {
        issuerCertificateAuthority: {
          awsPcaAuthorityArn: run.inputOrPlaceholder(
            TLS_INPUTS.pca.key,
            TLS_INPUTS.pca.description,
            TLS_INPUTS.pca.example,
          ),
        },
        roleArn: run.inputOrPlaceholder(TLS_INPUTS.role.key, TLS_INPUTS.role.description, TLS_INPUTS.role.example),
      };
    }
    return entry;
  });
  const config: Record<string, unknown> = { enabled: true, namespace: scNamespaceName(mesh, run) };
  if (services.length > 0) config['services'] = services;
  const logging = node?.doc.spec['logging'];
  const logConfiguration = asArray(td['containerDefinitions'])
    .filter(isRecord)
    .find((c) => isRecord(c['logConfiguration']))?.['logConfiguration'];
  if (isRecord(logging) && isRecord(logConfiguration)) {
    const file =
      isRecord(logging['accessLog']) && isRecord(logging['accessLog']['file'])
        ? logging['accessLog']['file']
        : undefined;
    const json = isRecord(file?.['format']) && file['format']['json'] !== undefined;
    config['accessLogConfiguration'] = { format: json ? 'JSON' : 'TEXT' };
    const options = isRecord(logConfiguration['options']) ? { ...logConfiguration['options'] } : undefined;
    if (options && typeof options['awslogs-stream-prefix'] === 'string')
      options['awslogs-stream-prefix'] = 'service-connect';
    config['logConfiguration'] = { ...logConfiguration, ...(options ? { options } : {}) };
  }
  return config;
}

function routerPlanFor(run: MigrationRun, mesh: string, vs: string | undefined) {
  if (vs === undefined) return undefined;
  const vsDoc = run.lookup({ kind: 'VirtualService', mesh, name: vs });
  const provider = isRecord(vsDoc?.doc.spec['provider']) ? vsDoc.doc.spec['provider'] : undefined;
  const router = isRecord(provider?.['virtualRouter'])
    ? str(provider['virtualRouter']['virtualRouterName'])
    : undefined;
  return router === undefined ? undefined : scRouterPlan(run, mesh, router);
}

function migrate(source: LoadedDocument, run: MigrationRun): void {
  const appMesh = appMeshOf(source);
  const mesh = str(appMesh?.['mesh']) ?? '';
  const gateway = str(appMesh?.['virtualGateway']);
  const nodeName = str(appMesh?.['virtualNode']);
  if (gateway !== undefined) {
    run.step(
      STEP_WAVE.retire,
      `retire EcsService ${source.doc.metadata.name} (virtual gateway ${gateway}) once the ALB rules carry all traffic`,
    );
    return;
  }
  if (canaryOnly({ run, source })) return;
  const { appMesh: _appMesh, ...rest } = structuredClone(source.doc.spec);
  const spec: Record<string, unknown> = rest;
  const id = successorId(source, run);
  spec['cluster'] = id.cluster;
  const td = isRecord(spec['taskDefinition']) ? spec['taskDefinition'] : {};
  if (typeof td['family'] === 'string') td['family'] = successorFamily(td['family'], run);
  spec['taskDefinition'] = td;
  const node = nodeName !== undefined ? run.lookup({ kind: 'VirtualNode', mesh, name: nodeName }) : undefined;
  const listeners = listenersOf(node?.doc.spec);
  const notes: string[] = [`successor of EcsService ${source.doc.metadata.name}`];
  if (run.target === 'service-connect') {
    const ports = namePorts(td, listeners, true);
    const nodeListeners = Array.isArray(node?.doc.spec['listeners']) ? node.doc.spec['listeners'] : [];
    for (const p of ports) {
      const l = nodeListeners[p.listenerIndex];
      if (isRecord(l)) addHealthCheck(td, l, p.port);
    }
    // Only appMesh-attached services join the namespace; a plain service stays as it was.
    if (appMesh)
      spec['serviceConnectConfiguration'] = scConfig(
        nodeName !== undefined && isFirstServiceOfNode(run, mesh, nodeName, source),
        run,
        mesh,
        node,
        ports,
        td,
        id.name,
      );
    // Service Connect needs task-level memory (AWS-FACTS.md); Fargate always has it.
    for (const [router, plan] of canaryRouters(run, mesh, nodeName)) {
      const canarySource = ecsServicesOf(run, mesh, { virtualNode: plan.node })[0];
      const deployment = isRecord(spec['deploymentConfiguration']) ? spec['deploymentConfiguration'] : {};
      spec['deploymentConfiguration'] = {
        ...deployment,
        strategy: 'CANARY',
        canaryConfiguration: { canaryPercent: plan.percent, canaryBakeTimeInMinutes: 10 },
      };
      const revision = canarySource
        ? `the task definition of EcsService ${canarySource.doc.metadata.name} (${canarySource.position.file}:${canarySource.position.line})`
        : plan.node;
      notes.push(
        `router ${router} split traffic with ${plan.node}: deploy ${revision} as the next revision to run a ${plan.percent}% canary`,
      );
      run.step(
        STEP_WAVE.canary,
        `canary: once ${id.name} runs, set its taskDefinition to ${revision} and apply; ECS sends ${plan.percent}% of its traffic to the new revision, bakes ${10} minutes, then moves the rest (router ${router} split traffic the same way, but for good)`,
      );
    }
  } else if (appMesh) {
    const ports = namePorts(td, listeners, false).filter((p) => latticeProtocolVersion(p.protocol) !== undefined);
    if (ports.length > 0) {
      const role = run.inputOrPlaceholder(TLS_INPUTS.role.key, TLS_INPUTS.role.description, TLS_INPUTS.role.example);
      spec['vpcLatticeConfigurations'] = ports.map((p) => ({
        targetGroupArn: latticeTargetGroupName(mesh, nodeName ?? '', p.port),
        portName: p.portName,
        roleArn: role,
      }));
    }
  }
  addAlbTargets(run, mesh, nodeName, spec, td);
  run.emit(
    {
      apiVersion: API_VERSION,
      kind: 'EcsService',
      metadata: { ...structuredClone(source.doc.metadata), name: id.name },
      spec,
    },
    source,
    notes,
  );
  const wave = nodeName !== undefined ? waveOf(run, mesh, nodeName) : 0;
  run.step(wave, `EcsService ${id.name} (from ${source.doc.metadata.name})`, id.name);
}

function canaryRouters(run: MigrationRun, mesh: string, nodeName: string | undefined) {
  const out: [string, { node: string; percent: number }][] = [];
  if (nodeName === undefined) return out;
  for (const [node, info] of scCanaryOnlyNodes(run, mesh)) {
    if (info.primary === nodeName) out.push([info.router, { node, percent: info.percent }]);
  }
  return out;
}

/** When a gateway route targets this service and its ALB target group is given, register the service in it. */
function addAlbTargets(
  run: MigrationRun,
  mesh: string,
  nodeName: string | undefined,
  spec: Record<string, unknown>,
  td: Record<string, unknown>,
) {
  if (nodeName === undefined) return;
  const targeted = new Set<string>();
  for (const route of run.ofKind('GatewayRoute').filter((r) => r.doc.metadata.mesh === mesh)) {
    for (const t of ['httpRoute', 'http2Route', 'grpcRoute']) {
      const body = route.doc.spec[t];
      const action = isRecord(body) && isRecord(body['action']) ? body['action'] : undefined;
      const target = isRecord(action?.['target']) ? action['target'] : undefined;
      const vs = isRecord(target?.['virtualService']) ? str(target['virtualService']['virtualServiceName']) : undefined;
      if (vs) targeted.add(vs);
    }
  }
  for (const vs of targeted) {
    const target = albTargetsFor(run, mesh, vs).find((t) => t.node === nodeName);
    if (!target) continue;
    const input = albTargetGroupInput(target.successor);
    const arn = run.input(input.key, input.description, input.example);
    if (arn === undefined) continue;
    const container = containerWithPort(td, target.containerPort);
    const lbs = asArray(spec['loadBalancers']).filter((lb) => !(isRecord(lb) && lb['targetGroupArn'] === arn));
    spec['loadBalancers'] = [
      ...lbs,
      { targetGroupArn: arn, containerName: str(container?.['name']) ?? 'app', containerPort: target.containerPort },
    ];
  }
}

export const ecsServiceMigration: KindMigration = { kind: 'EcsService', rules, migrate };
