/**
 * How each emulated service reports the errors the core raises on its behalf (validation, throttling, 5xx, unknown
 * operation). The names and statuses are the ones the real services use, so the SDK's error classes and its retry
 * classification (throttling codes, 5xx) behave as they do against AWS.
 */
export interface ErrorSpec {
  type: string;
  status: number;
}

export interface ProtocolProfile {
  /** Model metadata endpointPrefix: 'appmesh', 'ecs', 'servicediscovery', 'events', 'cloudtrail'. */
  service: string;
  protocol: 'rest-json' | 'json';
  /** CloudTrail's eventSource for this service's calls. */
  eventSource: string;
  /** A request that breaks the model's constraints. */
  validation: ErrorSpec;
  /** A request whose JSON has the wrong types or does not parse. */
  serialization: ErrorSpec;
  throttling: ErrorSpec & { message: string };
  internal: ErrorSpec;
  unavailable: ErrorSpec;
  unknownOperation: ErrorSpec;
  /** Whether the service's writes become ServedWrites (CloudTrail records App Mesh, ECS and Cloud Map calls). */
  recordsWrites: boolean;
}

const coral = {
  serialization: { type: 'SerializationException', status: 400 },
  unknownOperation: { type: 'UnknownOperationException', status: 400 },
  unavailable: { type: 'ServiceUnavailableException', status: 503 },
} as const;

export const PROFILES: Readonly<Record<string, ProtocolProfile>> = {
  appmesh: {
    service: 'appmesh',
    protocol: 'rest-json',
    eventSource: 'appmesh.amazonaws.com',
    validation: { type: 'BadRequestException', status: 400 },
    // App Mesh has no SerializationException shape; its front end answers malformed bodies with BadRequest.
    serialization: { type: 'BadRequestException', status: 400 },
    throttling: { type: 'TooManyRequestsException', status: 429, message: 'Rate exceeded' },
    internal: { type: 'InternalServerErrorException', status: 500 },
    unavailable: { type: 'ServiceUnavailableException', status: 503 },
    unknownOperation: { type: 'UnknownOperationException', status: 404 },
    recordsWrites: true,
  },
  ecs: {
    service: 'ecs',
    protocol: 'json',
    eventSource: 'ecs.amazonaws.com',
    // ECS reports bad parameters as InvalidParameterException (e.g. "Cluster must match ^[a-zA-Z0-9\-_]{1,255}$").
    validation: { type: 'InvalidParameterException', status: 400 },
    serialization: coral.serialization,
    throttling: { type: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    internal: { type: 'ServerException', status: 500 },
    unavailable: coral.unavailable,
    unknownOperation: coral.unknownOperation,
    recordsWrites: true,
  },
  servicediscovery: {
    service: 'servicediscovery',
    protocol: 'json',
    eventSource: 'servicediscovery.amazonaws.com',
    // "InvalidInput: 1 validation error detected: Value null at 'id' failed to satisfy constraint: ..."
    validation: { type: 'InvalidInput', status: 400 },
    serialization: coral.serialization,
    throttling: { type: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    internal: { type: 'InternalFailure', status: 500 },
    unavailable: coral.unavailable,
    unknownOperation: coral.unknownOperation,
    recordsWrites: true,
  },
  events: {
    service: 'events',
    protocol: 'json',
    eventSource: 'events.amazonaws.com',
    validation: { type: 'ValidationException', status: 400 },
    serialization: coral.serialization,
    throttling: { type: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    internal: { type: 'InternalException', status: 500 },
    unavailable: coral.unavailable,
    unknownOperation: coral.unknownOperation,
    recordsWrites: false,
  },
  // VPC Lattice (rest-json): the model's error shapes (ValidationException 400, ThrottlingException 429,
  // InternalServerException 500); no SerializationException shape, so malformed bodies are a ValidationException.
  'vpc-lattice': {
    service: 'vpc-lattice',
    protocol: 'rest-json',
    eventSource: 'vpc-lattice.amazonaws.com',
    validation: { type: 'ValidationException', status: 400 },
    serialization: { type: 'ValidationException', status: 400 },
    throttling: { type: 'ThrottlingException', status: 429, message: 'Rate exceeded' },
    internal: { type: 'InternalServerException', status: 500 },
    unavailable: coral.unavailable,
    unknownOperation: { type: 'UnknownOperationException', status: 404 },
    recordsWrites: true,
  },
  // Resource Groups Tagging API (json 1.1): InvalidParameterException, ThrottledException and InternalServiceException
  // are the model's error shapes (each with a `Message` member).
  tagging: {
    service: 'tagging',
    protocol: 'json',
    eventSource: 'tagging.amazonaws.com',
    validation: { type: 'InvalidParameterException', status: 400 },
    serialization: coral.serialization,
    throttling: { type: 'ThrottledException', status: 400, message: 'Rate exceeded' },
    internal: { type: 'InternalServiceException', status: 500 },
    unavailable: coral.unavailable,
    unknownOperation: coral.unknownOperation,
    recordsWrites: false,
  },
  cloudtrail: {
    service: 'cloudtrail',
    protocol: 'json',
    eventSource: 'cloudtrail.amazonaws.com',
    validation: { type: 'ValidationException', status: 400 },
    serialization: coral.serialization,
    throttling: { type: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
    internal: { type: 'InternalFailure', status: 500 },
    unavailable: coral.unavailable,
    unknownOperation: coral.unknownOperation,
    recordsWrites: false,
  },
};

/** Operations that change nothing; every other operation served successfully is a write. */
export function isReadOperation(operation: string): boolean {
  return /^(Describe|List|Get|Lookup|Discover|Search|Test)/.test(operation);
}
