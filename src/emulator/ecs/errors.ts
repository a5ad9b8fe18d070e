import { AwsApiError, type ValidationIssueLike } from '../contracts';

/** ECS's semantic errors, with the messages ECS returns (where known). All are HTTP 400 in json 1.1. */
export const ecsErrors = {
  client: (message: string) => new AwsApiError('ClientException', 400, message),
  invalidParameter: (message: string) => new AwsApiError('InvalidParameterException', 400, message),
  clusterNotFound: () => new AwsApiError('ClusterNotFoundException', 400, 'Cluster not found.'),
  serviceNotFound: () => new AwsApiError('ServiceNotFoundException', 400, 'Service not found.'),
  serviceNotActive: () => new AwsApiError('ServiceNotActiveException', 400, 'Service was not ACTIVE.'),
  serviceDeploymentNotFound: () =>
    new AwsApiError('ServiceDeploymentNotFoundException', 400, 'The service deployment does not exist.'),
  conflict: (message: string) => new AwsApiError('ConflictException', 400, message),
  // As ECS words it (terraform-aws-modules/terraform-aws-ecs#116: "Failed to retrieve namespace for example").
  namespaceNotFound: (namespace: string) =>
    new AwsApiError('NamespaceNotFoundException', 400, `Failed to retrieve namespace for ${namespace}`),
  resourceNotFound: () =>
    new AwsApiError('ResourceNotFoundException', 400, 'The specified resource could not be found.'),
};

/**
 * ECS answers some missing required members with its own message instead of a generic validation error:
 * RegisterTaskDefinition without containerDefinitions is ClientException "Container list cannot be empty."
 * (quoted from a CloudFormation template without ContainerDefinitions, awsdocs/aws-cloudformation-user-guide#454);
 * DescribeServices without services is taken to be the same InvalidParameterException as an empty list
 * ("Services cannot be empty.", aws-sdk-ruby users) — that the missing and the empty case match is unverified.
 */
export function ecsValidationError(operation: string, issues: readonly ValidationIssueLike[]): AwsApiError | undefined {
  const missing = (path: string): boolean =>
    issues.some((i) => i.path === path && i.constraint === 'Member must not be null');
  if (operation === 'RegisterTaskDefinition' && missing('containerDefinitions')) {
    return ecsErrors.client('Container list cannot be empty.');
  }
  if (operation === 'DescribeServices' && missing('services')) {
    return ecsErrors.invalidParameter('Services cannot be empty.');
  }
  return undefined;
}
