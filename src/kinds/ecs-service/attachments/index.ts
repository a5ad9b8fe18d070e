/**
 * The mesh attachments an EcsService may carry, one module each. Service Connect (`serviceConnectConfiguration`)
 * and VPC Lattice (`vpcLatticeConfigurations`) are added here as they land; the ECS core iterates this list.
 */
import type { EcsAttachment } from '../attachment';
import { appMeshAttachment } from './app-mesh';

export const ECS_ATTACHMENTS: readonly EcsAttachment[] = [appMeshAttachment];
