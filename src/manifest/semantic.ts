/**
 * Rules no single document's schema can express: identity, references between documents, and ports and protocols
 * that must agree across resources. Pure functions over loaded documents; App Mesh would reject (or silently
 * misroute) what they catch, but only after half a plan had been applied.
 */
import { virtualServiceProvider } from '../core/spec-refs';
import { ANNOTATIONS, API_VERSION, KIND_NAMES, refOf, resourceId } from '../core/types';
import type { KindName, LoadedDocument, ManifestDocument, ResourceRef } from '../core/types';
import { formatPosition, issueAt, positionOf } from './issues';
import type { IssueCode, ValidationIssue } from './issues';
import { suggest } from './suggest';
import type { SuggestBudget } from './suggest';

const ROUTE_TYPES = {
  httpRoute: 'http',
  http2Route: 'http2',
  grpcRoute: 'grpc',
  tcpRoute: 'tcp',
} as const;
type RouteType = keyof typeof ROUTE_TYPES;

/** meshward injects its own Envoy container; any container of that name is the proxy, not the application. */
const ENVOY_CONTAINER = 'envoy';

function get(value: unknown, ...keys: Array<string | number>): unknown {
  let node = value;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isKind(value: unknown): value is KindName {
  return typeof value === 'string' && (KIND_NAMES as readonly string[]).includes(value);
}

export function isExternal(doc: ManifestDocument): boolean {
  return get(doc, 'metadata', 'annotations', ANNOTATIONS.external) === 'true';
}

/**
 * The identity of a document that names itself well enough to be referenced, whatever else is wrong with it:
 * built only from string fields, because documents that failed their schema get here too.
 */
export function safeRefOf(doc: unknown): ResourceRef | undefined {
  const kind = get(doc, 'kind');
  const name = str(get(doc, 'metadata', 'name'));
  if (!isKind(kind) || name === undefined) return undefined;
  const metadata: ManifestDocument['metadata'] = { name };
  for (const field of ['mesh', 'virtualRouter', 'virtualGateway'] as const) {
    const value = str(get(doc, 'metadata', field));
    if (value !== undefined) metadata[field] = value;
  }
  const cluster = str(get(doc, 'spec', 'cluster'));
  return refOf({ apiVersion: API_VERSION, kind, metadata, spec: cluster === undefined ? {} : { cluster } });
}

interface Listener {
  port: number;
  protocol: string;
}

function listenersOf(spec: unknown): Listener[] | undefined {
  const raw = get(spec, 'listeners');
  if (!Array.isArray(raw)) return undefined;
  const out: Listener[] = [];
  for (const listener of raw) {
    const port = get(listener, 'portMapping', 'port');
    const protocol = get(listener, 'portMapping', 'protocol');
    if (typeof port === 'number' && typeof protocol === 'string') out.push({ port, protocol });
  }
  return out;
}

function describeListeners(listeners: readonly Listener[]): string {
  return listeners.map((l) => `${l.protocol} ${l.port}`).join(', ');
}

/** Resources a reference could have meant: same kind, same mesh, same parent. */
function siblingGroup(ref: ResourceRef): string {
  return resourceId({ ...ref, name: '' });
}

/** Edit-distance work all "did you mean" hints of one validation may spend (a few hundred ms at most). */
const SUGGEST_CELLS = 50_000_000;

class Checker {
  readonly issues: ValidationIssue[] = [];
  readonly declared = new Map<string, LoadedDocument>();
  /** siblingGroup -> declared names, for hints without rescanning every document per dangling reference. */
  private readonly names = new Map<string, string[]>();
  private readonly budget: SuggestBudget = { cells: SUGGEST_CELLS };

  constructor(documents: readonly LoadedDocument[]) {
    for (const loaded of documents) {
      const ref = safeRefOf(loaded.doc);
      if (ref === undefined) continue;
      const id = resourceId(ref);
      const first = this.declared.get(id);
      if (first === undefined) {
        this.declared.set(id, loaded);
        const group = siblingGroup(ref);
        const names = this.names.get(group);
        if (names) names.push(ref.name);
        else this.names.set(group, [ref.name]);
        continue;
      }
      this.report(
        loaded,
        '/metadata/name',
        'DUPLICATE_RESOURCE',
        `declares ${id} again (first declared at ${formatPosition(positionOf(first, '/metadata/name'))})`,
      );
    }
  }

  report(
    loaded: LoadedDocument,
    pointer: string,
    code: IssueCode,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ): void {
    this.issues.push(issueAt(positionOf(loaded, pointer), pointer, code, message, severity));
  }

  find(ref: ResourceRef): LoadedDocument | undefined {
    return this.declared.get(resourceId(ref));
  }

  /** Checks a reference; returns the target when it is declared. */
  require(loaded: LoadedDocument, pointer: string, ref: ResourceRef): LoadedDocument | undefined {
    const target = this.find(ref);
    if (target !== undefined) return target;
    if (isExternal(loaded.doc)) return undefined;
    const where = ref.kind === 'Mesh' ? '' : ` in mesh "${ref.mesh ?? ''}"`;
    const hint = suggest(ref.name, this.names.get(siblingGroup(ref)) ?? [], this.budget);
    this.report(
      loaded,
      pointer,
      ref.kind === 'Mesh' ? 'UNDECLARED_MESH' : 'DANGLING_REFERENCE',
      `${ref.kind} "${ref.name}" is not declared${where}` +
        (hint
          ? ` (did you mean "${hint}"?)`
          : ` (declare it, or annotate this document ${ANNOTATIONS.external}: "true" if it is managed elsewhere)`),
    );
    return undefined;
  }
}

/**
 * All cross-document rules. `checked` limits the per-document rules to documents that passed the schema (their
 * shapes are known); identities come from every document, so one broken file does not make others dangle.
 */
export function checkSemantics(
  documents: readonly LoadedDocument[],
  checked: (loaded: LoadedDocument) => boolean = () => true,
): ValidationIssue[] {
  const checker = new Checker(documents);
  for (const loaded of documents) {
    if (!checked(loaded) || !isKind(get(loaded.doc, 'kind'))) continue;
    checkDocument(checker, loaded);
  }
  return checker.issues;
}

function checkDocument(checker: Checker, loaded: LoadedDocument): void {
  const { doc } = loaded;
  if (doc.kind === 'Mesh') return;
  if (doc.kind === 'EcsService') {
    checkEcsService(checker, loaded);
    return;
  }
  const mesh = str(doc.metadata.mesh);
  if (mesh === undefined) return;
  // Without its mesh every other reference of the document would dangle too; one error says it.
  if (!checker.find({ kind: 'Mesh', name: mesh }) && !isExternal(doc)) {
    checker.require(loaded, '/metadata/mesh', { kind: 'Mesh', name: mesh });
    return;
  }
  switch (doc.kind) {
    case 'VirtualGateway':
      checkListenerSettings(checker, loaded);
      return;
    case 'VirtualNode':
      checkListenerSettings(checker, loaded);
      checkOutlierDetection(checker, loaded);
      list(get(doc.spec, 'backends')).forEach((backend, i) => {
        const name = str(get(backend, 'virtualService', 'virtualServiceName'));
        const pointer = `/spec/backends/${i}/virtualService/virtualServiceName`;
        if (name) checker.require(loaded, pointer, { kind: 'VirtualService', name, mesh });
      });
      return;
    case 'VirtualService': {
      const node = str(get(doc.spec, 'provider', 'virtualNode', 'virtualNodeName'));
      if (node) {
        checker.require(loaded, '/spec/provider/virtualNode/virtualNodeName', {
          kind: 'VirtualNode',
          name: node,
          mesh,
        });
      }
      const router = str(get(doc.spec, 'provider', 'virtualRouter', 'virtualRouterName'));
      if (router) {
        checker.require(loaded, '/spec/provider/virtualRouter/virtualRouterName', {
          kind: 'VirtualRouter',
          name: router,
          mesh,
        });
      }
      return;
    }
    case 'Route':
      checkRoute(checker, loaded, mesh);
      return;
    case 'GatewayRoute':
      checkGatewayRoute(checker, loaded, mesh);
      return;
    default:
      return;
  }
}

/**
 * A listener's connection pool (and timeout) is chosen per protocol; App Mesh documents that the pool's protocol
 * should be the listener's, and Envoy applies only the listener protocol's timeout, so another one is a mistake.
 */
function checkListenerSettings(checker: Checker, loaded: LoadedDocument): void {
  list(get(loaded.doc.spec, 'listeners')).forEach((listener, i) => {
    const protocol = get(listener, 'portMapping', 'protocol');
    if (typeof protocol !== 'string') return;
    for (const [field, severity] of [
      ['connectionPool', 'error'],
      ['timeout', 'warning'],
    ] as const) {
      const value = get(listener, field);
      if (typeof value !== 'object' || value === null) continue;
      for (const kind of Object.keys(value)) {
        if (kind === protocol) continue;
        checker.report(
          loaded,
          `/spec/listeners/${i}/${field}/${kind}`,
          'PROTOCOL_MISMATCH',
          severity === 'error'
            ? `a ${kind} connection pool on a ${protocol} listener: use ${field}.${protocol}`
            : `a ${kind} timeout on a ${protocol} listener is never applied: use ${field}.${protocol}`,
          severity,
        );
      }
    }
  });
}

/** AWS-FACTS: DNS discovery yields one address, so there is nothing to eject; App Mesh accepts it all the same. */
function checkOutlierDetection(checker: Checker, loaded: LoadedDocument): void {
  if (get(loaded.doc.spec, 'serviceDiscovery', 'awsCloudMap') !== undefined) return;
  list(get(loaded.doc.spec, 'listeners')).forEach((listener, i) => {
    if (get(listener, 'outlierDetection') === undefined) return;
    checker.report(
      loaded,
      `/spec/listeners/${i}/outlierDetection`,
      'OUTLIER_DETECTION_WITHOUT_CLOUD_MAP',
      'has no effect without Cloud Map service discovery (DNS discovery yields a single address)',
      'warning',
    );
  });
}

function routeTypeOf(spec: unknown): RouteType | undefined {
  return (Object.keys(ROUTE_TYPES) as RouteType[]).find((type) => get(spec, type) !== undefined);
}

/**
 * The route's type must be served by a listener of its parent (router or gateway) and, when the parent has several
 * listeners, the match must say which port: App Mesh cannot pick one itself.
 */
function checkListenerFit(
  checker: Checker,
  loaded: LoadedDocument,
  type: RouteType,
  parentKind: 'VirtualRouter' | 'VirtualGateway',
  parent: LoadedDocument,
): void {
  const listeners = listenersOf(parent.doc.spec);
  if (!listeners || listeners.length === 0) return;
  const protocol = ROUTE_TYPES[type];
  const base = `/spec/${type}`;
  const name = parent.doc.metadata.name;
  const port = get(loaded.doc.spec, type, 'match', 'port');
  const matching = listeners.filter((l) => l.protocol === protocol);
  if (matching.length === 0) {
    checker.report(
      loaded,
      base,
      'PROTOCOL_MISMATCH',
      `a ${type} needs a ${protocol} listener, but ${parentKind} "${name}" has ${describeListeners(listeners)}`,
    );
    return;
  }
  if (typeof port === 'number') {
    const listener = listeners.find((l) => l.port === port);
    if (!listener) {
      checker.report(
        loaded,
        `${base}/match/port`,
        'PORT_MISMATCH',
        `port ${port} is not a listener port of ${parentKind} "${name}" (${describeListeners(listeners)})`,
      );
    } else if (listener.protocol !== protocol) {
      checker.report(
        loaded,
        `${base}/match/port`,
        'PROTOCOL_MISMATCH',
        `port ${port} of ${parentKind} "${name}" is a ${listener.protocol} listener, not ${protocol}`,
      );
    }
  } else if (listeners.length > 1) {
    const pointer = get(loaded.doc.spec, type, 'match') === undefined ? base : `${base}/match`;
    checker.report(
      loaded,
      pointer,
      'PORT_MISMATCH',
      `must set match.port: ${parentKind} "${name}" has several listeners (${describeListeners(listeners)})`,
    );
  }
}

function checkRoute(checker: Checker, loaded: LoadedDocument, mesh: string): void {
  const { doc } = loaded;
  const routerName = str(doc.metadata.virtualRouter);
  const router = routerName
    ? checker.require(loaded, '/metadata/virtualRouter', { kind: 'VirtualRouter', name: routerName, mesh })
    : undefined;
  const type = routeTypeOf(doc.spec);
  if (type === undefined) return;
  if (router) checkListenerFit(checker, loaded, type, 'VirtualRouter', router);

  const targetsPointer = `/spec/${type}/action/weightedTargets`;
  const targets = list(get(doc.spec, type, 'action', 'weightedTargets'));
  if (targets.length > 0 && targets.every((t) => get(t, 'weight') === 0)) {
    checker.report(
      loaded,
      targetsPointer,
      'WEIGHTS',
      'all weights are 0: at least one target must have a weight above 0 to receive traffic',
    );
  }
  targets.forEach((target, i) => {
    const name = str(get(target, 'virtualNode'));
    if (!name) return;
    const node = checker.require(loaded, `${targetsPointer}/${i}/virtualNode`, { kind: 'VirtualNode', name, mesh });
    if (node) checkTargetPort(checker, loaded, `${targetsPointer}/${i}`, get(target, 'port'), 'VirtualNode', node);
  });
}

/**
 * A target's port (a weighted target's, a gateway route target's) picks one listener of the resource that serves
 * it; App Mesh needs it when there are several, and it must be one of them.
 */
function checkTargetPort(
  checker: Checker,
  loaded: LoadedDocument,
  targetPointer: string,
  port: unknown,
  servingKind: 'VirtualNode' | 'VirtualRouter',
  serving: LoadedDocument,
): void {
  const listeners = listenersOf(serving.doc.spec);
  if (!listeners || listeners.length === 0) return;
  const name = serving.doc.metadata.name;
  if (typeof port === 'number' && !listeners.some((l) => l.port === port)) {
    checker.report(
      loaded,
      `${targetPointer}/port`,
      'PORT_MISMATCH',
      `port ${port} is not a listener port of ${servingKind} "${name}" (${describeListeners(listeners)})`,
    );
  } else if (port === undefined && listeners.length > 1) {
    checker.report(
      loaded,
      targetPointer,
      'PORT_MISMATCH',
      `must set port: ${servingKind} "${name}" has several listeners (${describeListeners(listeners)})`,
    );
  }
}

function checkGatewayRoute(checker: Checker, loaded: LoadedDocument, mesh: string): void {
  const { doc } = loaded;
  const gatewayName = str(doc.metadata.virtualGateway);
  const gateway = gatewayName
    ? checker.require(loaded, '/metadata/virtualGateway', { kind: 'VirtualGateway', name: gatewayName, mesh })
    : undefined;
  const type = routeTypeOf(doc.spec);
  if (type === undefined) return;
  if (gateway) checkListenerFit(checker, loaded, type, 'VirtualGateway', gateway);
  const targetPointer = `/spec/${type}/action/target`;
  const service = str(get(doc.spec, type, 'action', 'target', 'virtualService', 'virtualServiceName'));
  if (!service) return;
  const target = checker.require(loaded, `${targetPointer}/virtualService/virtualServiceName`, {
    kind: 'VirtualService',
    name: service,
    mesh,
  });
  // The port picks a listener of whatever provides the service.
  const provider = target ? virtualServiceProvider(target.doc.spec) : undefined;
  const serving = provider ? checker.find({ kind: provider.kind, name: provider.name, mesh }) : undefined;
  if (provider && serving) {
    checkTargetPort(
      checker,
      loaded,
      targetPointer,
      get(doc.spec, type, 'action', 'target', 'port'),
      provider.kind,
      serving,
    );
  }
}

/** Ports the application containers expose: what the Envoy proxy must intercept (AppPorts). */
export function applicationPorts(spec: unknown): number[] {
  const ports = new Set<number>();
  for (const container of list(get(spec, 'taskDefinition', 'containerDefinitions'))) {
    if (get(container, 'name') === ENVOY_CONTAINER) continue;
    for (const mapping of list(get(container, 'portMappings'))) {
      const port = get(mapping, 'containerPort');
      if (typeof port === 'number') ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** The tasks must register where the node discovers them, or the node routes to an empty Cloud Map service. */
function checkCloudMap(checker: Checker, loaded: LoadedDocument, node: LoadedDocument): void {
  const registers = get(loaded.doc.spec, 'appMesh', 'cloudMapService');
  const discovers = get(node.doc.spec, 'serviceDiscovery', 'awsCloudMap');
  if (registers === undefined || discovers === undefined) return;
  const name = (v: unknown): string => `${String(get(v, 'serviceName'))}.${String(get(v, 'namespaceName'))}`;
  if (name(registers) === name(discovers)) return;
  checker.report(
    loaded,
    '/spec/appMesh/cloudMapService',
    'CLOUD_MAP_MISMATCH',
    `registers tasks as ${name(registers)}, but VirtualNode "${node.doc.metadata.name}" discovers ${name(discovers)}`,
  );
}

function checkEcsService(checker: Checker, loaded: LoadedDocument): void {
  const { doc } = loaded;
  // meshward derives the service's Cloud Map registry from the mesh (the registry ECS reports back is a different
  // form of the same thing), so a hand-written one would either fight it or show as a change on every plan.
  if (get(doc.spec, 'serviceRegistries') !== undefined) {
    checker.report(
      loaded,
      '/spec/serviceRegistries',
      'SERVICE_REGISTRIES',
      "is set by meshward: name the Cloud Map service in the virtual node's serviceDiscovery.awsCloudMap (or, for a gateway, in appMesh.cloudMapService) instead",
    );
  }
  const mesh = str(get(doc.spec, 'appMesh', 'mesh'));
  if (mesh === undefined) return;
  if (!checker.find({ kind: 'Mesh', name: mesh }) && !isExternal(doc)) {
    checker.require(loaded, '/spec/appMesh/mesh', { kind: 'Mesh', name: mesh });
    return;
  }
  const gateway = str(get(doc.spec, 'appMesh', 'virtualGateway'));
  if (gateway) checker.require(loaded, '/spec/appMesh/virtualGateway', { kind: 'VirtualGateway', name: gateway, mesh });
  const nodeName = str(get(doc.spec, 'appMesh', 'virtualNode'));
  if (!nodeName) return;
  const node = checker.require(loaded, '/spec/appMesh/virtualNode', { kind: 'VirtualNode', name: nodeName, mesh });
  if (node) checkCloudMap(checker, loaded, node);
  const listeners = node ? listenersOf(node.doc.spec) : undefined;
  if (!listeners) return;
  const expected = [...new Set(listeners.map((l) => l.port))].sort((a, b) => a - b);
  const actual = applicationPorts(doc.spec);
  if (expected.join(',') === actual.join(',')) return;
  checker.report(
    loaded,
    '/spec/taskDefinition/containerDefinitions',
    'APP_PORTS_MISMATCH',
    `application container ports (${actual.join(', ') || 'none'}) must equal the listener ports of VirtualNode ` +
      `"${nodeName}" (${expected.join(', ') || 'none'}): Envoy intercepts exactly these as AppPorts`,
  );
}
