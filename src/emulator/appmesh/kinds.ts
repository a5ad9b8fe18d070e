/**
 * The seven App Mesh resource types as data, so one set of generic handlers serves all 35 CRUD operations
 * (the engine-side idea of "one interface per kind", applied to the emulator).
 */
export type KindName =
  'mesh' | 'virtualNode' | 'virtualService' | 'virtualRouter' | 'route' | 'virtualGateway' | 'gatewayRoute';

export interface KindDef {
  kind: KindName;
  /** Operation suffix: CreateVirtualNode, DescribeVirtualNode, ... */
  label: string;
  /** List operation suffix: ListVirtualNodes. */
  pluralLabel: string;
  /** Input/output member naming the resource: 'virtualNodeName'. */
  nameMember: string;
  /** Output member holding the data (also the payload member): 'virtualNode'. */
  dataMember: string;
  /** List output member: 'virtualNodes'. */
  listMember: string;
  /** The router or gateway a route / gateway route lives under. */
  parent?: { kind: 'virtualRouter' | 'virtualGateway'; nameMember: string };
  /** How AWS names the type in messages: 'VirtualNode'. */
  display: string;
}

export const KINDS: readonly KindDef[] = [
  {
    kind: 'mesh',
    label: 'Mesh',
    pluralLabel: 'Meshes',
    nameMember: 'meshName',
    dataMember: 'mesh',
    listMember: 'meshes',
    display: 'Mesh',
  },
  {
    kind: 'virtualNode',
    label: 'VirtualNode',
    pluralLabel: 'VirtualNodes',
    nameMember: 'virtualNodeName',
    dataMember: 'virtualNode',
    listMember: 'virtualNodes',
    display: 'VirtualNode',
  },
  {
    kind: 'virtualService',
    label: 'VirtualService',
    pluralLabel: 'VirtualServices',
    nameMember: 'virtualServiceName',
    dataMember: 'virtualService',
    listMember: 'virtualServices',
    display: 'VirtualService',
  },
  {
    kind: 'virtualRouter',
    label: 'VirtualRouter',
    pluralLabel: 'VirtualRouters',
    nameMember: 'virtualRouterName',
    dataMember: 'virtualRouter',
    listMember: 'virtualRouters',
    display: 'VirtualRouter',
  },
  {
    kind: 'route',
    label: 'Route',
    pluralLabel: 'Routes',
    nameMember: 'routeName',
    dataMember: 'route',
    listMember: 'routes',
    parent: { kind: 'virtualRouter', nameMember: 'virtualRouterName' },
    display: 'Route',
  },
  {
    kind: 'virtualGateway',
    label: 'VirtualGateway',
    pluralLabel: 'VirtualGateways',
    nameMember: 'virtualGatewayName',
    dataMember: 'virtualGateway',
    listMember: 'virtualGateways',
    display: 'VirtualGateway',
  },
  {
    kind: 'gatewayRoute',
    label: 'GatewayRoute',
    pluralLabel: 'GatewayRoutes',
    nameMember: 'gatewayRouteName',
    dataMember: 'gatewayRoute',
    listMember: 'gatewayRoutes',
    parent: { kind: 'virtualGateway', nameMember: 'virtualGatewayName' },
    display: 'GatewayRoute',
  },
];

export function kindDef(kind: KindName): KindDef {
  const def = KINDS.find((k) => k.kind === kind);
  if (!def) throw new Error(`unknown kind ${kind}`);
  return def;
}
