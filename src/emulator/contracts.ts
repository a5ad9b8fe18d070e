import type { ServiceModel } from './model';

/**
 * The contract between the emulator's HTTP core (routing, validation against the API models, faults, stats,
 * persistence) and the per-service implementations (appmesh, ecs, servicediscovery, cloudtrail, events).
 */

/**
 * An AWS error as the wire protocols carry it. `type` is the error shape name, e.g. 'NotFoundException'.
 * A subclass may add `fields: Record<string, unknown>`: extra members of the error shape (Cloud Map's
 * ServiceAlreadyExists has ServiceId) that the core spreads into the JSON body beside `message`.
 */
export class AwsApiError extends Error {
  override readonly name = 'AwsApiError';
  constructor(
    readonly type: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a service sees of the caller, for ARNs, ownership and CloudTrail records. */
export interface CallContext {
  region: string;
  accountId: string;
  /** Access key id from the SigV4 Authorization header, when present. */
  accessKeyId?: string;
  /**
   * The caller's identity ARN, derived from the access key through the emulator's `identities` map (an unmapped
   * key is an IAM user of that name; an unsigned call the account root). ECS shows it as `createdBy` /
   * `registeredBy`, as AWS shows the real caller there.
   */
  principalArn?: string;
  sourceIp: string;
  /** Milliseconds since epoch, from the emulator's clock (tests may move it). */
  now: number;
  /** Operation name, e.g. 'CreateVirtualNode'. */
  operation: string;
}

/**
 * One emulated service. `input` has already been validated against the model's input shape (required members,
 * enums, ranges, lengths, patterns, unions), with rest-json uri/querystring members merged in by member name.
 * The handler returns the output shape as plain JSON (timestamps as epoch seconds), or throws AwsApiError.
 */
export interface ServiceImplementation {
  /** Model file name under aws-models/, e.g. 'appmesh-2019-01-25.json'; unused when `model` is given. */
  readonly modelFile: string;
  /** The model in code, for a service whose model is not vendored (the Tagging API, tagging/model.ts). */
  readonly model?: ServiceModel;
  /** Operations this implementation serves; others answer with the protocol's unknown-operation error. */
  readonly operations: ReadonlySet<string>;
  handle(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown> | unknown;
  /** Serializable state for persistence; restored with `restore`. */
  snapshot(): unknown;
  restore(state: unknown): void;
  /** Drops all resources (tests and the demo start from empty). */
  reset(): void;
  /**
   * Optional: the service's own error for a request that broke the model's constraints, where the service is known
   * to answer with something more specific than the profile's generic validation error (ECS answers a missing
   * `containerDefinitions` with ClientException "Container list cannot be empty."). Undefined keeps the generic one.
   */
  validationError?(operation: string, issues: readonly ValidationIssueLike[]): AwsApiError | undefined;
  /**
   * Optional: the ARNs a write touched, for its ServedWrite's `resources` (CloudTrail's Resources), where the answer
   * does not carry them (VPC Lattice deletes answer 204 without a body). Called for failed writes too, with
   * `output` undefined. Empty or absent: the core looks for an `arn` in the output, then `input.resourceArn`.
   */
  writeResources?(operation: string, input: Record<string, unknown>, output: unknown, ctx: CallContext): string[];
  /**
   * Optional: every resource of the service that has tags now, with all its tags (what the Resource Groups Tagging
   * API's GetResources sees of it). Resources being deleted or gone are not listed.
   */
  taggedResources?(): TaggedResource[];
}

/** One resource as the Tagging API sees it. */
export interface TaggedResource {
  /** The service id ('appmesh', 'ecs', 'servicediscovery', 'vpc-lattice'). */
  service: string;
  arn: string;
  tags: Record<string, string>;
}

/** What validationError sees of each issue (validate-input.ts's ValidationIssue). */
export interface ValidationIssueLike {
  path: string;
  /** The offending value (AWS echoes it in the message). */
  value?: unknown;
  constraint: string;
  kind: 'constraint' | 'type';
}

/** A write the emulator served, as CloudTrail would record it (the basis of drift attribution). */
export interface ServedWrite {
  eventId: string;
  eventTime: number;
  eventSource: string; // e.g. 'appmesh.amazonaws.com'
  eventName: string; // the operation
  userIdentityArn: string;
  accessKeyId?: string;
  sourceIPAddress: string;
  requestParameters: Record<string, unknown>;
  responseElements?: unknown;
  resources: { ARN?: string; type?: string }[];
  /**
   * Set when the call failed: CloudTrail records failed calls too, with `errorCode` (the error type) and
   * `errorMessage`, and no `responseElements`. Drift attribution must skip these (nothing changed).
   */
  errorCode?: string;
  errorMessage?: string;
}

/** What the emulator core hands every service implementation when it creates it. */
export interface EmulatorEnv {
  region: string;
  accountId: string;
  /** Every write the emulator has served so far, oldest first (CloudTrail LookupEvents reads this). */
  servedWrites(): readonly ServedWrite[];
  /** The tagged resources of every other service (TaggedResource), for the Tagging API. */
  taggedResources(): TaggedResource[];
}

/**
 * Each service module exports a factory of this type:
 *   src/emulator/appmesh/service.ts          createAppMeshService
 *   src/emulator/ecs/service.ts              createEcsService
 *   src/emulator/servicediscovery/service.ts createServiceDiscoveryService
 *   src/emulator/cloudtrail/service.ts       createCloudTrailService
 *   src/emulator/events/service.ts           createEventsService
 *   src/emulator/lattice/service.ts          latticeServiceFactory(options)
 *   src/emulator/tagging/service.ts          taggingServiceFactory(options)
 */
export type ServiceFactory = (env: EmulatorEnv) => ServiceImplementation;
