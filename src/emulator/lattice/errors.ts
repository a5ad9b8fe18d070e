/**
 * VPC Lattice's error shapes (model vpc-lattice-2022-11-30): ValidationException 400 {message, reason, fieldList},
 * ConflictException 409 and ResourceNotFoundException 404 {message, resourceId, resourceType},
 * ServiceQuotaExceededException 402 {message, resourceType, serviceCode, quotaCode}. The extra members travel in
 * `fields`, which the core spreads into the JSON body (contracts.ts).
 */
import { AwsApiError } from '../contracts';

export class LatticeError extends AwsApiError {
  constructor(
    type: string,
    status: number,
    message: string,
    readonly fields: Record<string, unknown>,
  ) {
    super(type, status, message);
  }
}

export interface FieldIssue {
  name: string;
  message: string;
}

export function validation(
  message: string,
  fieldList: FieldIssue[] = [],
  reason = 'fieldValidationFailed',
): LatticeError {
  return new LatticeError('ValidationException', 400, message, {
    reason,
    ...(fieldList.length > 0 ? { fieldList } : {}),
  });
}

/** A single field's problem, with the field in fieldList as AWS's validators report it. */
export function invalidField(name: string, message: string): LatticeError {
  return validation(`${name}: ${message}`, [{ name, message }]);
}

/** resourceType as the error carries it: SERVICE_NETWORK, TARGET_GROUP, ... (unverified spelling). */
export type ResourceType =
  | 'SERVICE_NETWORK'
  | 'SERVICE'
  | 'LISTENER'
  | 'RULE'
  | 'TARGET_GROUP'
  | 'SERVICE_NETWORK_VPC_ASSOCIATION'
  | 'SERVICE_NETWORK_SERVICE_ASSOCIATION'
  | 'ACCESS_LOG_SUBSCRIPTION'
  | 'AUTH_POLICY'
  | 'RESOURCE_POLICY'
  | 'TARGET';

const DISPLAY: Record<ResourceType, string> = {
  SERVICE_NETWORK: 'Service network',
  SERVICE: 'Service',
  LISTENER: 'Listener',
  RULE: 'Rule',
  TARGET_GROUP: 'Target group',
  SERVICE_NETWORK_VPC_ASSOCIATION: 'Service network VPC association',
  SERVICE_NETWORK_SERVICE_ASSOCIATION: 'Service network service association',
  ACCESS_LOG_SUBSCRIPTION: 'Access log subscription',
  AUTH_POLICY: 'Auth policy',
  RESOURCE_POLICY: 'Resource policy',
  TARGET: 'Target',
};

export function notFound(resourceType: ResourceType, resourceId: string): LatticeError {
  return new LatticeError('ResourceNotFoundException', 404, `${DISPLAY[resourceType]} ${resourceId} not found.`, {
    resourceId,
    resourceType,
  });
}

export function conflict(resourceType: ResourceType, resourceId: string, message: string): LatticeError {
  return new LatticeError('ConflictException', 409, message, { resourceId, resourceType });
}

export function quotaExceeded(resourceType: ResourceType, quotaName: string, limit: number): LatticeError {
  return new LatticeError(
    'ServiceQuotaExceededException',
    402,
    `You have reached the quota of ${limit} ${quotaName}.`,
    { resourceType, serviceCode: 'vpc-lattice', quotaCode: quotaName.replace(/\W+/g, '-') },
  );
}
