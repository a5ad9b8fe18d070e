import { AwsApiError } from '../contracts';

/** ECS's semantic errors, with the messages ECS returns (where known). All are HTTP 400 in json 1.1. */
export const ecsErrors = {
  client: (message: string) => new AwsApiError('ClientException', 400, message),
  invalidParameter: (message: string) => new AwsApiError('InvalidParameterException', 400, message),
  clusterNotFound: () => new AwsApiError('ClusterNotFoundException', 400, 'Cluster not found.'),
  serviceNotFound: () => new AwsApiError('ServiceNotFoundException', 400, 'Service not found.'),
  serviceNotActive: () => new AwsApiError('ServiceNotActiveException', 400, 'Service was not ACTIVE.'),
  resourceNotFound: () =>
    new AwsApiError('ResourceNotFoundException', 400, 'The specified resource could not be found.'),
};
