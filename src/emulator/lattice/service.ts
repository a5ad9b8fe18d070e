/**
 * The VPC Lattice service (rest-json, 2022-11-30) behind the emulator's core: the route table comes from the
 * model's URIs (rest-json.ts), validation from its shapes; this module maps operations to handlers.
 */
import { ecsEventBusFor } from '../ecs/task-events';
import { shiftLatticeWeights } from './ecs-traffic';
import type {
  AwsApiError,
  CallContext,
  ServiceFactory,
  ServiceImplementation,
  ValidationIssueLike,
} from '../contracts';
import { formatValidationMessage } from '../validate-input';
import { anchoredPatternIssues } from './anchored-patterns';
import { isJson, str, type LatticeCall } from './common';
import { validation } from './errors';
import { arnFor, idOf, kindOfId } from './ids';
import {
  createServiceAssociation,
  createServiceNetwork,
  createVpcAssociation,
  deleteServiceAssociation,
  deleteServiceNetwork,
  deleteVpcAssociation,
  getServiceAssociation,
  getServiceNetwork,
  getVpcAssociation,
  listServiceAssociations,
  listServiceNetworks,
  listVpcAssociations,
  updateServiceNetwork,
  updateVpcAssociation,
} from './networks';
import { resolveLatticeOptions, type LatticeOptions } from './options';
import {
  createAccessLogSubscription,
  deleteAccessLogSubscription,
  deleteAuthPolicy,
  deleteResourcePolicy,
  getAccessLogSubscription,
  getAuthPolicy,
  getResourcePolicy,
  listAccessLogSubscriptions,
  putAuthPolicy,
  putResourcePolicy,
  updateAccessLogSubscription,
} from './policies';
import {
  batchUpdateRule,
  createListener,
  createRule,
  createService,
  deleteListener,
  deleteRule,
  deleteService,
  getListener,
  getRule,
  getService,
  listListeners,
  listRules,
  listServices,
  updateListener,
  updateRule,
  updateService,
} from './services';
import { emptyLatticeState, isLatticeState, latticeStoreFor, settle, type Json } from './state';
import { listTagsForResource, tagResource, untagResource } from './tags';
import {
  createTargetGroup,
  deleteTargetGroup,
  deregisterTargets,
  getTargetGroup,
  listTargetGroups,
  listTargets,
  registerTargets,
  updateTargetGroup,
} from './target-groups';

type Handler = (call: LatticeCall, input: Json) => Json;

const HANDLERS: Record<string, Handler> = {
  CreateServiceNetwork: createServiceNetwork,
  GetServiceNetwork: getServiceNetwork,
  ListServiceNetworks: listServiceNetworks,
  UpdateServiceNetwork: updateServiceNetwork,
  DeleteServiceNetwork: deleteServiceNetwork,
  CreateServiceNetworkVpcAssociation: createVpcAssociation,
  GetServiceNetworkVpcAssociation: getVpcAssociation,
  ListServiceNetworkVpcAssociations: listVpcAssociations,
  UpdateServiceNetworkVpcAssociation: updateVpcAssociation,
  DeleteServiceNetworkVpcAssociation: deleteVpcAssociation,
  CreateServiceNetworkServiceAssociation: createServiceAssociation,
  GetServiceNetworkServiceAssociation: getServiceAssociation,
  ListServiceNetworkServiceAssociations: listServiceAssociations,
  DeleteServiceNetworkServiceAssociation: deleteServiceAssociation,
  CreateService: createService,
  GetService: getService,
  ListServices: listServices,
  UpdateService: updateService,
  DeleteService: deleteService,
  CreateListener: createListener,
  GetListener: getListener,
  ListListeners: listListeners,
  UpdateListener: updateListener,
  DeleteListener: deleteListener,
  CreateRule: createRule,
  GetRule: getRule,
  ListRules: listRules,
  UpdateRule: updateRule,
  DeleteRule: deleteRule,
  BatchUpdateRule: batchUpdateRule,
  CreateTargetGroup: createTargetGroup,
  GetTargetGroup: getTargetGroup,
  ListTargetGroups: listTargetGroups,
  UpdateTargetGroup: updateTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  ListTargets: listTargets,
  CreateAccessLogSubscription: createAccessLogSubscription,
  GetAccessLogSubscription: getAccessLogSubscription,
  ListAccessLogSubscriptions: listAccessLogSubscriptions,
  UpdateAccessLogSubscription: updateAccessLogSubscription,
  DeleteAccessLogSubscription: deleteAccessLogSubscription,
  PutAuthPolicy: putAuthPolicy,
  GetAuthPolicy: getAuthPolicy,
  DeleteAuthPolicy: deleteAuthPolicy,
  PutResourcePolicy: putResourcePolicy,
  GetResourcePolicy: getResourcePolicy,
  DeleteResourcePolicy: deleteResourcePolicy,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

/**
 * The model's operations meshward never calls (resource configurations and gateways for VPC resources, domain
 * verification, VPC endpoint associations): the core answers them with UnknownOperationException 404
 * "Operation X is not supported by this emulator" (src/emulator/README.md).
 */
export const LATTICE_NOT_IMPLEMENTED: readonly string[] = [
  'CreateResourceConfiguration',
  'GetResourceConfiguration',
  'ListResourceConfigurations',
  'UpdateResourceConfiguration',
  'DeleteResourceConfiguration',
  'CreateResourceGateway',
  'GetResourceGateway',
  'ListResourceGateways',
  'UpdateResourceGateway',
  'DeleteResourceGateway',
  'CreateServiceNetworkResourceAssociation',
  'GetServiceNetworkResourceAssociation',
  'ListServiceNetworkResourceAssociations',
  'DeleteServiceNetworkResourceAssociation',
  'ListResourceEndpointAssociations',
  'DeleteResourceEndpointAssociation',
  'ListServiceNetworkVpcEndpointAssociations',
  'StartDomainVerification',
  'GetDomainVerification',
  'ListDomainVerifications',
  'DeleteDomainVerification',
];

export const LATTICE_OPERATIONS: readonly string[] = Object.keys(HANDLERS);

/** The members that name the resource a call is about, most specific first. */
const IDENTIFIERS = [
  'ruleIdentifier',
  'listenerIdentifier',
  'serviceNetworkVpcAssociationIdentifier',
  'serviceNetworkServiceAssociationIdentifier',
  'accessLogSubscriptionIdentifier',
  'targetGroupIdentifier',
  'serviceIdentifier',
  'serviceNetworkIdentifier',
  'resourceIdentifier',
  'resourceArn',
];

/**
 * The ARNs a write touched, for CloudTrail's Resources: the answer's `arn`, else the ARN the request's identifier
 * names (deletes answer 204 without a body; failed calls have no answer), BatchUpdateRule's rules.
 */
export function latticeWriteResources(operation: string, input: Json, output: unknown, ctx: CallContext): string[] {
  if (isJson(output) && typeof output.arn === 'string') return [output.arn];
  const toArn = (identifier: string): string | undefined => {
    if (identifier.startsWith('arn:')) return identifier;
    const kind = kindOfId(identifier);
    if (!kind) return undefined;
    return arnFor(ctx, kind, idOf(identifier), {
      serviceId: idOf(str(input.serviceIdentifier)),
      listenerId: idOf(str(input.listenerIdentifier)),
    });
  };
  if (operation === 'BatchUpdateRule' && Array.isArray(input.rules)) {
    return input.rules
      .filter(isJson)
      .map((r) => toArn(str(r.ruleIdentifier)))
      .filter((a): a is string => a !== undefined);
  }
  for (const key of IDENTIFIERS) {
    const value = input[key];
    if (typeof value === 'string' && value !== '') {
      const arn = toArn(value);
      if (arn) return [arn];
    }
  }
  return [];
}

/**
 * AWS-style ValidationException for the model's constraints: the usual "N validation error(s) detected: ..."
 * message, `reason: fieldValidationFailed` and one `fieldList` entry per member (name = the member path).
 */
function latticeValidationError(_operation: string, issues: readonly ValidationIssueLike[]): AwsApiError {
  const message = formatValidationMessage(issues.map((i) => ({ ...i, value: i.value })));
  return validation(
    message,
    issues.map((i) => ({ name: i.path, message: i.constraint })),
  );
}

export function latticeServiceFactory(options: LatticeOptions = {}): ServiceFactory {
  const resolved = resolveLatticeOptions(options);
  return (env) => {
    const store = latticeStoreFor(env);
    store.options = resolved;
    // ECS moves the weights of the rules a deployment's advancedConfiguration names (ecs-traffic.ts).
    const ecs = ecsEventBusFor(env);
    ecs.subscribe((e) => {
      if (e.type === 'TRAFFIC_SHIFTED') shiftLatticeWeights(store.state, e);
    });
    const impl: ServiceImplementation = {
      modelFile: 'vpc-lattice-2022-11-30.json',
      operations: new Set(LATTICE_OPERATIONS),
      handle: (operation, input, ctx) => {
        const handler = HANDLERS[operation];
        if (!handler) throw new Error(`VPC Lattice operation ${operation} has no handler`);
        const anchoredIssues = anchoredPatternIssues(operation, input);
        if (anchoredIssues.length > 0) throw latticeValidationError(operation, anchoredIssues);
        // What ECS did by now (a deployment step that moved weights) shows here too, whichever service is asked.
        ecs.advance(ctx.now, ctx.region);
        settle(store.state, ctx.now);
        // Handlers check everything before they change anything, so a failing call leaves the state as it was
        // (a copy per write would cost O(state) on every call of a 1,000-resource benchmark).
        return handler({ state: store.state, options: resolved, ctx }, input);
      },
      validationError: latticeValidationError,
      writeResources: latticeWriteResources,
      taggedResources: () =>
        Object.values(store.state.resources)
          .filter((r) => r.status !== 'DELETE_IN_PROGRESS' && Object.keys(r.tags).length > 0)
          .map((r) => ({ service: 'vpc-lattice', arn: r.arn, tags: { ...r.tags } })),
      snapshot: () => structuredClone(store.state),
      restore: (state) => {
        if (!isLatticeState(state)) throw new Error('VPC Lattice snapshot is not formatVersion 1');
        store.state = structuredClone(state);
      },
      reset: () => {
        store.state = emptyLatticeState();
      },
    };
    return impl;
  };
}
