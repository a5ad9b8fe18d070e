/**
 * The ECS CreateService members an EcsService manifest carries (serviceName and tags come from metadata, the task
 * definition is its own object). One list for the schema generator and the normalizer, so the schema never accepts
 * a field the reconciler would silently ignore.
 */
export const ECS_SERVICE_MEMBERS = [
  'cluster',
  'desiredCount',
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'networkConfiguration',
  'deploymentConfiguration',
  'loadBalancers',
  'serviceRegistries',
  'propagateTags',
  'enableECSManagedTags',
  'enableExecuteCommand',
  'healthCheckGracePeriodSeconds',
  'schedulingStrategy',
  // Owned by the Service Connect attachment (attachments/service-connect), compared and sent as part of the service.
  'serviceConnectConfiguration',
  // Owned by the VPC Lattice attachment (attachments/vpc-lattice): targetGroupArn may name a LatticeTargetGroup.
  'vpcLatticeConfigurations',
] as const;

/** The members compared and sent on update: all but `cluster`, which is part of the service's identity. */
export const SERVICE_FIELDS = ECS_SERVICE_MEMBERS.filter((member) => member !== 'cluster');
