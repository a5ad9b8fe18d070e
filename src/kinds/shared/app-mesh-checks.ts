/**
 * Validation rules the App Mesh kinds share: listeners and the routes, targets and connection pools that must fit
 * them. App Mesh rejects (or silently misroutes) what these catch, but only after half a plan has been applied.
 */
import type { LoadedDocument } from '../../core/types';
import type { SemanticChecker } from '../kind';

export const ROUTE_TYPES = {
  httpRoute: 'http',
  http2Route: 'http2',
  grpcRoute: 'grpc',
  tcpRoute: 'tcp',
} as const;
export type RouteType = keyof typeof ROUTE_TYPES;

export function get(value: unknown, ...keys: Array<string | number>): unknown {
  let node = value;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export interface Listener {
  port: number;
  protocol: string;
}

export function listenersOf(spec: unknown): Listener[] | undefined {
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

export function describeListeners(listeners: readonly Listener[]): string {
  return listeners.map((l) => `${l.protocol} ${l.port}`).join(', ');
}

export function routeTypeOf(spec: unknown): RouteType | undefined {
  return (Object.keys(ROUTE_TYPES) as RouteType[]).find((type) => get(spec, type) !== undefined);
}

/**
 * A listener's connection pool (and timeout) is chosen per protocol; App Mesh documents that the pool's protocol
 * should be the listener's, and Envoy applies only the listener protocol's timeout, so another one is a mistake.
 */
export function checkListenerSettings(checker: SemanticChecker): void {
  list(get(checker.loaded.doc.spec, 'listeners')).forEach((listener, i) => {
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

/**
 * The route's type must be served by a listener of its parent (router or gateway) and, when the parent has several
 * listeners, the match must say which port: App Mesh cannot pick one itself.
 */
export function checkListenerFit(
  checker: SemanticChecker,
  type: RouteType,
  parentKind: string,
  parent: LoadedDocument,
): void {
  const listeners = listenersOf(parent.doc.spec);
  if (!listeners || listeners.length === 0) return;
  const protocol = ROUTE_TYPES[type];
  const base = `/spec/${type}`;
  const name = parent.doc.metadata.name;
  const port = get(checker.loaded.doc.spec, type, 'match', 'port');
  const matching = listeners.filter((l) => l.protocol === protocol);
  if (matching.length === 0) {
    checker.report(
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
        `${base}/match/port`,
        'PORT_MISMATCH',
        `port ${port} is not a listener port of ${parentKind} "${name}" (${describeListeners(listeners)})`,
      );
    } else if (listener.protocol !== protocol) {
      checker.report(
        `${base}/match/port`,
        'PROTOCOL_MISMATCH',
        `port ${port} of ${parentKind} "${name}" is a ${listener.protocol} listener, not ${protocol}`,
      );
    }
  } else if (listeners.length > 1) {
    const pointer = get(checker.loaded.doc.spec, type, 'match') === undefined ? base : `${base}/match`;
    checker.report(
      pointer,
      'PORT_MISMATCH',
      `must set match.port: ${parentKind} "${name}" has several listeners (${describeListeners(listeners)})`,
    );
  }
}

/**
 * A target's port (a weighted target's, a gateway route target's) picks one listener of the resource that serves
 * it; App Mesh needs it when there are several, and it must be one of them.
 */
export function checkTargetPort(
  checker: SemanticChecker,
  targetPointer: string,
  port: unknown,
  servingKind: string,
  serving: LoadedDocument,
): void {
  const listeners = listenersOf(serving.doc.spec);
  if (!listeners || listeners.length === 0) return;
  const name = serving.doc.metadata.name;
  if (typeof port === 'number' && !listeners.some((l) => l.port === port)) {
    checker.report(
      `${targetPointer}/port`,
      'PORT_MISMATCH',
      `port ${port} is not a listener port of ${servingKind} "${name}" (${describeListeners(listeners)})`,
    );
  } else if (port === undefined && listeners.length > 1) {
    checker.report(
      targetPointer,
      'PORT_MISMATCH',
      `must set port: ${servingKind} "${name}" has several listeners (${describeListeners(listeners)})`,
    );
  }
}

/**
 * A route's (or gateway route's) type and mesh, after checking the type against its parent's listeners; undefined
 * when it has neither (the schema reports that).
 */
export function checkRouteOnParent(
  checker: SemanticChecker,
  parentKind: string,
  parentField: string,
): { type: RouteType; mesh: string } | undefined {
  const { doc } = checker.loaded;
  const mesh = checker.ref.mesh;
  const type = routeTypeOf(doc.spec);
  if (type === undefined || mesh === undefined) return undefined;
  const parentName = str(get(doc.metadata, parentField));
  const parent = parentName ? checker.find({ kind: parentKind, name: parentName, mesh }) : undefined;
  if (parent) checkListenerFit(checker, type, parentKind, parent);
  return { type, mesh };
}
