/**
 * Server-side defaults and normalization App Mesh applies before storing a spec (AWS-FACTS.md):
 * - a listener health check without `port` gets the listener's port (virtual nodes and virtual gateways);
 * - a virtual node's `listeners` and `backends`, and a virtual router's `listeners`, come back `[]` when not given
 *   (only these lists: other optional members stay absent, which is what clients see for e.g. route matches);
 * - duplicate backends (same virtual service name) are merged into one, the first occurrence kept;
 * - a mesh created or updated without a spec comes back `spec: {}`; the egressFilter default (DROP_ALL) is
 *   unverified, so it is only filled when `meshEgressFilterDefault` is set.
 */
import type { KindName } from './kinds';

export interface DefaultsOptions {
  meshEgressFilterDefault?: 'DROP_ALL' | 'ALLOW_ALL';
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fillHealthCheckPorts(listeners: unknown): void {
  if (!Array.isArray(listeners)) return;
  for (const listener of listeners) {
    if (!isObject(listener) || !isObject(listener.healthCheck) || !isObject(listener.portMapping)) continue;
    if (listener.healthCheck.port === undefined) listener.healthCheck.port = listener.portMapping.port;
  }
}

function mergeBackends(backends: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const backend of backends) {
    const name =
      isObject(backend) && isObject(backend.virtualService) ? backend.virtualService.virtualServiceName : undefined;
    if (typeof name === 'string') {
      if (seen.has(name)) continue;
      seen.add(name);
    }
    out.push(backend);
  }
  return out;
}

export function applyDefaults(kind: KindName, input: unknown, options: DefaultsOptions): Json {
  const spec: Json = isObject(input) ? structuredClone(input) : {};
  switch (kind) {
    case 'mesh':
      if (options.meshEgressFilterDefault && !isObject(spec.egressFilter)) {
        spec.egressFilter = { type: options.meshEgressFilterDefault };
      }
      break;
    case 'virtualNode':
      spec.listeners ??= [];
      spec.backends = mergeBackends(Array.isArray(spec.backends) ? spec.backends : []);
      fillHealthCheckPorts(spec.listeners);
      break;
    case 'virtualRouter':
      spec.listeners ??= [];
      break;
    case 'virtualGateway':
      fillHealthCheckPorts(spec.listeners);
      break;
    default:
      break;
  }
  return spec;
}
