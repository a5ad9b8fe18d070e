import { AwsApiError } from '../contracts';

/**
 * An AwsApiError whose body carries members beyond the message (Cloud Map's ServiceAlreadyExists has ServiceId,
 * ServiceArn, CreatorRequestId; DuplicateRequest has DuplicateOperationId). The core's json 1.1 serializer is
 * asked to spread `fields` into the error body.
 */
export class AwsApiErrorWithFields extends AwsApiError {
  constructor(
    type: string,
    httpStatus: number,
    message: string,
    readonly fields: Record<string, unknown>,
  ) {
    super(type, httpStatus, message);
  }
}

export const cloudMapErrors = {
  invalidInput: (message: string) => new AwsApiError('InvalidInput', 400, message),
  namespaceNotFound: (id: string) => new AwsApiError('NamespaceNotFound', 400, `Namespace not found: ${id}`),
  serviceNotFound: (id: string) => new AwsApiError('ServiceNotFound', 400, `Service not found: ${id}`),
  instanceNotFound: (id: string) => new AwsApiError('InstanceNotFound', 400, `Instance not found: ${id}`),
  operationNotFound: (id: string) => new AwsApiError('OperationNotFound', 400, `Operation not found: ${id}`),
  resourceNotFound: (arn: string) => new AwsApiError('ResourceNotFoundException', 400, `Resource not found: ${arn}`),
  resourceInUse: (message: string) => new AwsApiError('ResourceInUse', 400, message),
  tooManyTags: (arn: string) =>
    new AwsApiErrorWithFields('TooManyTagsException', 400, 'The resource can have at most 50 tags.', {
      ResourceName: arn,
    }),
  badToken: () => new AwsApiError('InvalidInput', 400, 'The NextToken is not valid.'),
};
