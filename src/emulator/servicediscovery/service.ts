import type { CallContext, ServiceFactory, ServiceImplementation } from '../contracts';
import { isObject, optString, stringList, type JsonObject } from '../ecs/input';
import { cloudMapErrors } from './errors';
import { deregisterInstance, discoverInstances, getInstance, listInstances, registerInstance } from './instances';
import {
  createHttpNamespace,
  createPrivateDnsNamespace,
  createPublicDnsNamespace,
  deleteNamespace,
  getNamespace,
  getOperation,
  listNamespaces,
  updateHttpNamespace,
  updatePrivateDnsNamespace,
  updatePublicDnsNamespace,
} from './namespaces';
import { createService, deleteService, getService, listServices, updateService } from './services';
import { cloudMapStoreFor, emptyCloudMapState, type CloudMapState, type CloudMapTag } from './state';
import { mergeTags, readTags } from './tags';

type Handler = (state: CloudMapState, input: JsonObject, ctx: CallContext) => unknown;

const HANDLERS: Record<string, Handler> = {
  CreatePrivateDnsNamespace: createPrivateDnsNamespace,
  CreateHttpNamespace: createHttpNamespace,
  CreatePublicDnsNamespace: createPublicDnsNamespace,
  UpdateHttpNamespace: updateHttpNamespace,
  UpdatePrivateDnsNamespace: updatePrivateDnsNamespace,
  UpdatePublicDnsNamespace: updatePublicDnsNamespace,
  DiscoverInstances: (s, i) => discoverInstances(s, i),
  GetNamespace: (s, i) => getNamespace(s, i),
  ListNamespaces: (s, i) => listNamespaces(s, i),
  DeleteNamespace: deleteNamespace,
  GetOperation: (s, i) => getOperation(s, i),
  CreateService: createService,
  GetService: (s, i) => getService(s, i),
  ListServices: (s, i) => listServices(s, i),
  UpdateService: updateService,
  DeleteService: (s, i) => deleteService(s, i),
  RegisterInstance: registerInstance,
  DeregisterInstance: deregisterInstance,
  ListInstances: (s, i) => listInstances(s, i),
  GetInstance: (s, i) => getInstance(s, i),
  TagResource: (s, i) => tagResource(s, i),
  UntagResource: (s, i) => untagResource(s, i),
  ListTagsForResource: (s, i) => ({ Tags: taggable(s, optString(i, 'ResourceARN') ?? '').tags }),
};

/** Namespaces and services are the taggable Cloud Map resources; both are found by ARN. */
function taggable(state: CloudMapState, arn: string): { tags: CloudMapTag[] } {
  const found =
    Object.values(state.namespaces).find((n) => n.Arn === arn) ??
    Object.values(state.services).find((s) => s.Arn === arn);
  if (!found) throw cloudMapErrors.resourceNotFound(arn);
  return found;
}

function tagResource(state: CloudMapState, input: JsonObject): JsonObject {
  const arn = optString(input, 'ResourceARN') ?? '';
  const resource = taggable(state, arn);
  resource.tags = mergeTags(resource.tags, readTags(input), () => cloudMapErrors.tooManyTags(arn));
  return {};
}

function untagResource(state: CloudMapState, input: JsonObject): JsonObject {
  const resource = taggable(state, optString(input, 'ResourceARN') ?? '');
  const drop = new Set(stringList(input, 'TagKeys'));
  resource.tags = resource.tags.filter((t) => !drop.has(t.Key));
  return {};
}

function isCloudMapState(value: unknown): value is CloudMapState {
  return (
    isObject(value) &&
    isObject(value['namespaces']) &&
    isObject(value['services']) &&
    isObject(value['operations']) &&
    typeof value['sequence'] === 'number'
  );
}

export const createServiceDiscoveryService: ServiceFactory = (env): ServiceImplementation => {
  const store = cloudMapStoreFor(env);
  return {
    modelFile: 'servicediscovery-2017-03-14.json',
    operations: new Set(Object.keys(HANDLERS)),
    handle(operation, input, ctx) {
      const handler = HANDLERS[operation];
      if (!handler) throw cloudMapErrors.invalidInput(`Unsupported operation ${operation}`);
      return handler(store.state, input, ctx);
    },
    taggedResources: () =>
      [...Object.values(store.state.namespaces), ...Object.values(store.state.services)]
        .filter((r) => r.tags.length > 0)
        .map((r) => ({
          service: 'servicediscovery',
          arn: r.Arn,
          tags: Object.fromEntries(r.tags.map((t) => [t.Key, t.Value])),
        })),
    snapshot: () => JSON.parse(JSON.stringify(store.state)) as unknown,
    restore(state) {
      if (!isCloudMapState(state)) throw new Error('Cloud Map emulator state is not in the expected format');
      store.state = state;
    },
    reset() {
      store.state = emptyCloudMapState();
    },
  };
};
