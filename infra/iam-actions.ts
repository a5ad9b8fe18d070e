/**
 * The named IAM actions the reconciler needs, grouped by how a statement can restrict them (Service Authorization
 * Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/, pages list_awsappmesh,
 * list_amazonelasticcontainerservice, list_awscloudmap, list_amazonvpclattice):
 * - `create`: the resource does not exist yet, so no `aws:ResourceTag`; scoped by ARN (the configured meshes,
 *   clusters, namespaces) where the ARN carries a name or a known id;
 * - `owned`: updates, deletes and tag changes of existing resources, conditioned on the ownership tags
 *   (`aws:ResourceTag/meshward.dev/managed-by` and `.../stack`), which App Mesh, ECS services, Cloud Map and VPC
 *   Lattice all evaluate for these actions;
 * - `read`: describes and lists that take a resource ARN;
 * - `unscoped`: calls with no resource type in the reference ("*" is the only valid Resource).
 * Named one by one (no `appmesh:*`): an API AWS adds later is not silently granted.
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
  create: APPMESH_KINDS.map((kind) => `appmesh:Create${kind}`),
  owned: [
    ...APPMESH_KINDS.flatMap((kind) => [`appmesh:Update${kind}`, `appmesh:Delete${kind}`]),
    'appmesh:TagResource',
    'appmesh:UntagResource',
  ],
  read: [
    ...APPMESH_KINDS.map((kind) => `appmesh:Describe${kind}`),
    ...APPMESH_KINDS.filter((kind) => kind !== 'Mesh').map((kind) => `appmesh:List${plural(kind)}`),
    'appmesh:ListTagsForResource',
  ],
  // ListMeshes has no resource type.
  unscoped: ['appmesh:ListMeshes'],
};

export const ECS_ACTIONS = {
  create: ['ecs:CreateService'],
  owned: ['ecs:UpdateService', 'ecs:DeleteService', 'ecs:TagResource', 'ecs:UntagResource'],
  // ListServiceDeployments is scoped to the service (`--wait` follows its service deployment).
  read: ['ecs:DescribeServices', 'ecs:ListServiceDeployments', 'ecs:ListTagsForResource'],
  // RegisterTaskDefinition, DescribeTaskDefinition and ListServices have no resource type. Old revisions are left
  // registered (ECS keeps them describable anyway), so no DeregisterTaskDefinition. DescribeServiceDeployments is read-only and its
  // service-deployment ARNs are only known once listed.
  unscoped: [
    'ecs:RegisterTaskDefinition',
    'ecs:DescribeTaskDefinition',
    'ecs:ListServices',
    'ecs:DescribeServiceDeployments',
  ],
};

/** The EcsService kind creates the Cloud Map service its node's discovery names when it does not exist yet. */
export const CLOUD_MAP_ACTIONS = {
  create: ['servicediscovery:CreateService'],
  // CreateService with Tags (the ownership tags) also needs TagResource on the new service.
  tagOnCreate: ['servicediscovery:TagResource'],
  // ListInstances: a pruned service's registry is deleted only when empty.
  read: ['servicediscovery:GetService', 'servicediscovery:GetNamespace', 'servicediscovery:ListInstances'],
  // The registry of a pruned ECS service, when this stack owns it.
  owned: ['servicediscovery:DeleteService'],
  unscoped: ['servicediscovery:ListServices', 'servicediscovery:ListNamespaces'],
};

/** The CloudMapNamespace kind: namespaces meshward creates, updates, re-tags and deletes. */
export const CLOUD_MAP_NAMESPACE_ACTIONS = {
  // Create* name no namespace yet (its id is generated): scoped by the ownership tags in the request instead.
  create: ['servicediscovery:CreateHttpNamespace', 'servicediscovery:CreatePrivateDnsNamespace'],
  owned: [
    'servicediscovery:UpdateHttpNamespace',
    'servicediscovery:UpdatePrivateDnsNamespace',
    'servicediscovery:DeleteNamespace',
    'servicediscovery:UntagResource',
  ],
  read: ['servicediscovery:ListTagsForResource'],
  // Namespace writes are asynchronous: their operation is polled, and GetOperation has no resource type.
  unscoped: ['servicediscovery:GetOperation'],
};

const LATTICE_KINDS = [
  'ServiceNetwork',
  'ServiceNetworkVpcAssociation',
  'Service',
  'ServiceNetworkServiceAssociation',
  'Listener',
  'Rule',
  'TargetGroup',
  'AccessLogSubscription',
];

/** VPC Lattice (the Lattice kinds): BatchUpdateRule is authorized as UpdateRule. */
export const LATTICE_ACTIONS = {
  create: LATTICE_KINDS.map((kind) => `vpc-lattice:Create${kind}`),
  owned: [
    ...LATTICE_KINDS.filter((kind) => kind !== 'ServiceNetworkServiceAssociation').map(
      (kind) => `vpc-lattice:Update${kind}`,
    ),
    ...LATTICE_KINDS.map((kind) => `vpc-lattice:Delete${kind}`),
    'vpc-lattice:PutAuthPolicy',
    'vpc-lattice:DeleteAuthPolicy',
    'vpc-lattice:TagResource',
    'vpc-lattice:UntagResource',
  ],
  read: [
    ...LATTICE_KINDS.map((kind) => `vpc-lattice:Get${kind}`),
    'vpc-lattice:GetAuthPolicy',
    'vpc-lattice:ListTagsForResource',
  ],
  // The List calls have no resource type.
  unscoped: [
    'vpc-lattice:ListServiceNetworks',
    'vpc-lattice:ListServiceNetworkVpcAssociations',
    'vpc-lattice:ListServices',
    'vpc-lattice:ListServiceNetworkServiceAssociations',
    'vpc-lattice:ListListeners',
    'vpc-lattice:ListRules',
    'vpc-lattice:ListTargetGroups',
    'vpc-lattice:ListAccessLogSubscriptions',
  ],
};

/**
 * Reads of what the manifests name by ARN and meshward never creates (engine/preflight.ts): ELBv2's Describe*
 * calls have no resource type ("*" is the only valid resource); iam:GetRole takes the role's ARN.
 */
export const PREFLIGHT_ACTIONS = {
  loadBalancers: [
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeListeners',
    'elasticloadbalancing:DescribeRules',
  ],
  roles: ['iam:GetRole'],
};

/** Bulk reads of the ownership tags through the Resource Groups Tagging API (no resource type). */
export const TAGGING_ACTIONS = ['tag:GetResources'];
