import type { CallContext, EmulatorEnv, ServiceFactory, ServiceImplementation } from '../contracts';
import { cloudMapRegistryFor } from '../servicediscovery/ecs-registry';
import { createCluster, describeClusters, listClusters } from './clusters';
import { deploymentEventSink } from './deployment-events';
import { ecsErrors, ecsValidationError } from './errors';
import { isObject, type JsonObject } from './input';
import { DEFAULT_ECS_OPTIONS, type EcsEmulatorOptions } from './options';
import { listTagsForResource, tagResource, untagResource } from './resource-tags';
import { advance } from './rollout';
import {
  continueServiceDeployment,
  describeServiceDeployments,
  describeServiceRevisions,
  listServiceDeployments,
  stopServiceDeployment,
} from './service-deployments';
import { describeServices, listServices } from './service-queries';
import { createService, deleteService, updateService, type ServiceDeps } from './services';
import { emptyEcsState, type EcsState } from './state';
import { connectLatticeTargets, ecsEventBusFor } from './task-events';
import { runningTaskEvents } from './tasks';
import {
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitionFamilies,
  listTaskDefinitions,
  registerTaskDefinition,
} from './task-definitions';

type Handler = (state: EcsState, input: JsonObject, ctx: CallContext, deps: ServiceDeps) => unknown;

const HANDLERS: Record<string, Handler> = {
  CreateCluster: (s, i, c, d) => createCluster(s, i, c, d.registry),
  DescribeClusters: (s, i, c) => describeClusters(s, i, c),
  ListClusters: (s, i) => listClusters(s, i),
  RegisterTaskDefinition: (s, i, c, d) => registerTaskDefinition(s, i, c, d.options),
  DescribeTaskDefinition: (s, i) => describeTaskDefinition(s, i),
  DeregisterTaskDefinition: (s, i, c) => deregisterTaskDefinition(s, i, c),
  ListTaskDefinitions: (s, i) => listTaskDefinitions(s, i),
  ListTaskDefinitionFamilies: (s, i) => listTaskDefinitionFamilies(s, i),
  CreateService: createService,
  UpdateService: updateService,
  DeleteService: deleteService,
  DescribeServices: (s, i, c) => describeServices(s, i, c),
  ListServices: (s, i) => listServices(s, i),
  TagResource: (s, i) => tagResource(s, i),
  UntagResource: (s, i) => untagResource(s, i),
  ListTagsForResource: (s, i) => listTagsForResource(s, i),
  ListServiceDeployments: (s, i) => listServiceDeployments(s, i),
  DescribeServiceDeployments: (s, i) => describeServiceDeployments(s, i),
  DescribeServiceRevisions: (s, i) => describeServiceRevisions(s, i),
  ContinueServiceDeployment: continueServiceDeployment,
  StopServiceDeployment: stopServiceDeployment,
};

function isEcsState(value: unknown): value is EcsState {
  return (
    isObject(value) &&
    isObject(value['clusters']) &&
    isObject(value['taskDefinitions']) &&
    isObject(value['services']) &&
    isObject(value['clientTokens']) &&
    typeof value['sequence'] === 'number'
  );
}

/** An ECS emulator with its control-plane timing (see EcsEmulatorOptions). */
export function createEcsServiceWithOptions(options: Partial<EcsEmulatorOptions> = {}): ServiceFactory {
  const resolved: EcsEmulatorOptions = { ...DEFAULT_ECS_OPTIONS, ...options };
  return (env: EmulatorEnv): ServiceImplementation => {
    let state = emptyEcsState();
    const events = ecsEventBusFor(env);
    events.setRunningTasksSource(() => runningTaskEvents(state));
    const deps: ServiceDeps = {
      options: resolved,
      registry: cloudMapRegistryFor(env),
      emitDeploymentEvent: deploymentEventSink(env),
      events,
    };
    if (resolved.latticeTargets) {
      deps.latticeTargets = resolved.latticeTargets(env);
      connectLatticeTargets(events, deps.latticeTargets);
    }
    events.setAdvancer((now, region) => advance(state, now, deps, region));
    return {
      modelFile: 'ecs-2014-11-13.json',
      operations: new Set(Object.keys(HANDLERS)),
      handle(operation, input, ctx) {
        const handler = HANDLERS[operation];
        if (!handler) throw ecsErrors.invalidParameter(`Unsupported operation ${operation}`);
        advance(state, ctx.now, deps, ctx.region);
        return handler(state, input, ctx, deps);
      },
      validationError: ecsValidationError,
      taggedResources: () => {
        const tagged = (arn: unknown, tags: readonly { key: string; value: string }[]) =>
          typeof arn === 'string' && tags.length > 0
            ? [{ service: 'ecs', arn, tags: Object.fromEntries(tags.map((t) => [t.key, t.value])) }]
            : [];
        return [
          ...Object.values(state.clusters).flatMap((c) => tagged(c.clusterArn, c.tags)),
          // An INACTIVE service is gone (its name may be reused); DRAINING ones still exist.
          ...Object.values(state.services)
            .filter((s) => s.status !== 'INACTIVE')
            .flatMap((s) => tagged(s.serviceArn, s.tags)),
          ...Object.values(state.taskDefinitions)
            .flat()
            .flatMap((td) => tagged(td.taskDefinition['taskDefinitionArn'], td.tags)),
        ];
      },
      snapshot: () => JSON.parse(JSON.stringify(state)) as unknown,
      restore(snapshot) {
        if (!isEcsState(snapshot)) throw new Error('ECS emulator state is not in the expected format');
        // Snapshots written before a field existed get its empty value.
        for (const s of Object.values(snapshot.services)) s.registeredIn ??= [];
        snapshot.serviceDeployments ??= {};
        snapshot.serviceRevisions ??= {};
        snapshot.taskAddresses ??= 0;
        state = snapshot;
      },
      reset() {
        state = emptyEcsState();
      },
    };
  };
}

export const createEcsService: ServiceFactory = createEcsServiceWithOptions();
