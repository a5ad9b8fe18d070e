/** Validation of an EcsService's `appMesh` beyond the schema and its references. */
import type { LoadedDocument } from '../../../../core/types';
import type { SemanticChecker } from '../../../kind';
import { get, list, listenersOf, str } from '../../../shared/app-mesh-checks';
import { ENVOY_CONTAINER } from './envoy';

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
function checkCloudMap(checker: SemanticChecker, node: LoadedDocument): void {
  const registers = get(checker.loaded.doc.spec, 'appMesh', 'cloudMapService');
  const discovers = get(node.doc.spec, 'serviceDiscovery', 'awsCloudMap');
  if (registers === undefined || discovers === undefined) return;
  const name = (v: unknown): string => `${String(get(v, 'serviceName'))}.${String(get(v, 'namespaceName'))}`;
  if (name(registers) === name(discovers)) return;
  checker.report(
    '/spec/appMesh/cloudMapService',
    'CLOUD_MAP_MISMATCH',
    `registers tasks as ${name(registers)}, but VirtualNode "${node.doc.metadata.name}" discovers ${name(discovers)}`,
  );
}

export function checkAppMeshService(checker: SemanticChecker): void {
  const { doc } = checker.loaded;
  const mesh = str(get(doc.spec, 'appMesh', 'mesh'));
  const nodeName = str(get(doc.spec, 'appMesh', 'virtualNode'));
  if (mesh === undefined || !nodeName) return;
  const node = checker.find({ kind: 'VirtualNode', name: nodeName, mesh });
  if (!node) return;
  checkCloudMap(checker, node);
  const listeners = listenersOf(node.doc.spec);
  if (!listeners) return;
  const expected = [...new Set(listeners.map((l) => l.port))].sort((a, b) => a - b);
  const actual = applicationPorts(doc.spec);
  if (expected.join(',') === actual.join(',')) return;
  checker.report(
    '/spec/taskDefinition/containerDefinitions',
    'APP_PORTS_MISMATCH',
    `application container ports (${actual.join(', ') || 'none'}) must equal the listener ports of VirtualNode ` +
      `"${nodeName}" (${expected.join(', ') || 'none'}): Envoy intercepts exactly these as AppPorts`,
  );
}
