/** The Service Connect member's shape as the attachment reads it: named port mappings, namespace, aliases. */
import { asArray, getPath, getString, isRecord } from '../../../shared/spec-utils';
import type { EcsComparable } from '../../attachment';

export const MEMBER = 'serviceConnectConfiguration';
export const NAMESPACE_KIND = 'CloudMapNamespace';
export const NAMESPACE_ARN = /^arn:[^:]+:servicediscovery:[^:]*:[^:]*:namespace\/(.+)$/;
/** Idle timeout ECS applies when none is given: 5 minutes for HTTP-like protocols, 1 hour for TCP. */
export const IDLE_DEFAULT_SECONDS = { http: 300, tcp: 3600 } as const;

export interface PortMapping {
  container: string;
  containerPort?: number;
  appProtocol?: string;
  protocol?: string;
}

/** Named port mappings of the task definition, by name: what `portName` must name. */
export function namedPortMappings(td: unknown): Map<string, PortMapping> {
  const out = new Map<string, PortMapping>();
  for (const container of asArray(getPath(td, 'containerDefinitions'))) {
    for (const mapping of asArray(getPath(container, 'portMappings'))) {
      const name = getString(mapping, 'name');
      if (name === undefined) continue;
      const port = getPath(mapping, 'containerPort');
      const appProtocol = getString(mapping, 'appProtocol');
      const protocol = getString(mapping, 'protocol');
      out.set(name, {
        container: getString(container, 'name') ?? '',
        ...(typeof port === 'number' ? { containerPort: port } : {}),
        ...(appProtocol ? { appProtocol } : {}),
        ...(protocol ? { protocol } : {}),
      });
    }
  }
  return out;
}

export function configOf(c: EcsComparable): Record<string, unknown> | undefined {
  const value = c.service[MEMBER];
  return isRecord(value) ? value : undefined;
}

/** The namespace's name: manifests name it; ECS answers its ARN (resolved on observe). */
export function namespaceOf(config: unknown): string | undefined {
  return getString(config, 'namespace');
}

/** The endpoints a server offers: `dnsName:port` of every client alias, defaults applied (normalized config). */
export function aliasesOf(config: unknown): string[] {
  const out: string[] = [];
  for (const service of asArray(getPath(config, 'services'))) {
    for (const alias of asArray(getPath(service, 'clientAliases'))) {
      out.push(`${getString(alias, 'dnsName') ?? ''}:${String(getPath(alias, 'port'))}`);
    }
  }
  return out.sort();
}
