/**
 * The named IAM actions the reconciler needs, split by whether AWS lets a statement scope them to resources.
 * Named one by one (no `appmesh:*`): a new API AWS adds later is not silently granted.
 */
const APPMESH_KINDS = [
  'Mesh',
  'VirtualNode',
  'VirtualService',
  'VirtualRouter',
  'Route',
  'VirtualGateway',
  'GatewayRoute',
];

function plural(kind: string): string {
  return kind === 'Mesh' ? 'Meshes' : `${kind}s`;
}

export const APPMESH_ACTIONS = {
  scoped: [
    ...APPMESH_KINDS.flatMap((kind) =>
      ['Create', 'Describe', 'Update', 'Delete'].map((verb) => `appmesh:${verb}${kind}`),
    ),
    ...APPMESH_KINDS.filter((kind) => kind !== 'Mesh').map((kind) => `appmesh:List${plural(kind)}`),
    'appmesh:TagResource',
    'appmesh:UntagResource',
    'appmesh:ListTagsForResource',
  ],
  unscoped: ['appmesh:ListMeshes'],
};

export const ECS_WRITE_ACTIONS = {
  scoped: [
    'ecs:CreateService',
    'ecs:UpdateService',
    'ecs:DeleteService',
    'ecs:DescribeServices',
    'ecs:TagResource',
    'ecs:UntagResource',
    'ecs:ListTagsForResource',
  ],
  unscoped: ['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition'],
};

export const ECS_READ_ACTIONS = ['ecs:DescribeTaskDefinition', 'ecs:ListServices', 'ecs:ListTaskDefinitions'];

export const CLOUD_MAP_READ_ACTIONS = [
  'servicediscovery:GetService',
  'servicediscovery:GetNamespace',
  'servicediscovery:ListServices',
  'servicediscovery:ListNamespaces',
];
