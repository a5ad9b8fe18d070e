/** Validation of `serviceConnectConfiguration` beyond the schema (AWS-FACTS.md "ECS Service Connect"). */
import type { SemanticChecker } from '../../../kind';
import { asArray, getPath, getString, isRecord } from '../../../shared/spec-utils';
import { MEMBER, namedPortMappings, namespaceOf } from './model';

const BASE = `/spec/${MEMBER}`;

/** `dnsName:port` of every client alias of a document, with ECS's default name, and where it is written. */
function aliases(spec: unknown): { key: string; pointer: string }[] {
  const config = getPath(spec, MEMBER);
  const namespace = namespaceOf(config);
  const out: { key: string; pointer: string }[] = [];
  asArray(getPath(config, 'services')).forEach((service, i) => {
    const discovery = getString(service, 'discoveryName') ?? getString(service, 'portName') ?? '';
    asArray(getPath(service, 'clientAliases')).forEach((alias, j) => {
      const dns = getString(alias, 'dnsName') ?? `${discovery}.${namespace ?? ''}`;
      out.push({
        key: `${dns}:${String(getPath(alias, 'port'))}`,
        pointer: `${BASE}/services/${i}/clientAliases/${j}`,
      });
    });
  });
  return out;
}

export function checkServiceConnect(checker: SemanticChecker): void {
  const spec = checker.loaded.doc.spec;
  const config = spec[MEMBER];
  if (!isRecord(config)) return;
  if (spec['appMesh'] !== undefined) {
    checker.report(
      BASE,
      'MESH_CONFLICT',
      'a service runs either App Mesh (appMesh) or Service Connect, not both: ECS refuses Service Connect on a task definition with an APPMESH proxy',
    );
  }
  const td = spec['taskDefinition'];
  if (config['enabled'] === true && getPath(td, 'memory') === undefined) {
    checker.report(
      '/spec/taskDefinition',
      'TASK_MEMORY',
      'Service Connect needs task-level memory (taskDefinition.memory): ECS sizes its proxy from it',
    );
  }
  const ports = namedPortMappings(td);
  asArray(config['services']).forEach((service, i) => {
    const at = `${BASE}/services/${i}`;
    const portName = getString(service, 'portName') ?? '';
    const mapping = ports.get(portName);
    if (!mapping) {
      const known = [...ports.keys()].sort();
      checker.report(
        `${at}/portName`,
        'PORT_NAME',
        `"${portName}" names no port mapping of the task definition (${known.length > 0 ? known.join(', ') : 'no named port mappings'}): set portMappings[].name`,
      );
    }
    if (asArray(getPath(service, 'clientAliases')).length > 1) {
      checker.report(
        `${at}/clientAliases`,
        'CLIENT_ALIASES',
        'ECS takes at most one client alias per services[] entry',
      );
    }
    if (
      mapping &&
      mapping.appProtocol === undefined &&
      getPath(service, 'timeout', 'perRequestTimeoutSeconds') !== undefined
    ) {
      checker.report(
        `${at}/timeout/perRequestTimeoutSeconds`,
        'TCP_PER_REQUEST_TIMEOUT',
        `port mapping "${portName}" has no appProtocol (TCP): ECS refuses a per-request timeout on TCP`,
      );
    }
  });
  // Alias name + port must be unique in the namespace across the whole set.
  const namespace = namespaceOf(config);
  const mine = aliases(spec);
  if (mine.length === 0 || namespace === undefined) return;
  for (const other of checker.documents()) {
    if (other === checker.loaded || other.doc.kind !== checker.loaded.doc.kind) continue;
    if (namespaceOf(getPath(other.doc.spec, MEMBER)) !== namespace) continue;
    const theirs = new Set(aliases(other.doc.spec).map((a) => a.key));
    for (const alias of mine) {
      if (!theirs.has(alias.key)) continue;
      checker.report(
        alias.pointer,
        'DUPLICATE_ALIAS',
        `client alias ${alias.key} is also declared by ${other.doc.kind} "${other.doc.metadata.name}" in namespace ${namespace}: aliases must be unique in a namespace`,
      );
    }
  }
}
