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
  ],
  // Old revisions are left registered (ECS keeps them describable anyway), so no DeregisterTaskDefinition.
  unscoped: ['ecs:RegisterTaskDefinition'],
};

// Service tags come back from DescribeServices (include: TAGS), so no ecs:ListTagsForResource.
export const ECS_READ_ACTIONS = ['ecs:DescribeTaskDefinition', 'ecs:ListServices'];

/** The EcsService kind creates the Cloud Map service its node's discovery names when it does not exist yet. */
export const CLOUD_MAP_WRITE_ACTIONS = [
  'servicediscovery:CreateService',
  // CreateService with Tags (the ownership tags) also needs TagResource.
  'servicediscovery:TagResource',
];

export const CLOUD_MAP_READ_ACTIONS = [
  'servicediscovery:GetService',
  'servicediscovery:GetNamespace',
  'servicediscovery:ListServices',
  'servicediscovery:ListNamespaces',
];
