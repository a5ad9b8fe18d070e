/** App Mesh ARNs in AWS's format (AWS-FACTS.md). */
import type { KindName } from './kinds';

export interface ResourceAddress {
  kind: KindName;
  meshName: string;
  /** Router (routes) or gateway (gateway routes). */
  parentName?: string;
  name: string;
}

export function arnOf(region: string, accountId: string, a: ResourceAddress): string {
  const base = `arn:aws:appmesh:${region}:${accountId}:mesh/${a.meshName}`;
  switch (a.kind) {
    case 'mesh':
      return base;
    case 'route':
      return `${base}/virtualRouter/${a.parentName ?? ''}/route/${a.name}`;
    case 'gatewayRoute':
      return `${base}/virtualGateway/${a.parentName ?? ''}/gatewayRoute/${a.name}`;
    default:
      return `${base}/${a.kind}/${a.name}`;
  }
}
