/**
 * The mesh attachments an EcsService may carry, one module each: App Mesh's `appMesh` (legacy), Service Connect's
 * `serviceConnectConfiguration`. VPC Lattice's `vpcLatticeConfigurations` is added here as it lands; the ECS core
 * iterates this list and knows none of them.
 */
import type { EcsAttachment } from '../attachment';
import { appMeshAttachment } from './app-mesh';
import { serviceConnectAttachment } from './service-connect';
import { vpcLatticeAttachment } from './vpc-lattice';

export const ECS_ATTACHMENTS: readonly EcsAttachment[] = [
  appMeshAttachment,
  serviceConnectAttachment,
  vpcLatticeAttachment,
];
