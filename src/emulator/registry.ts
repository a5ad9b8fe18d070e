/**
 * The services the emulator serves. Each service module exports a ServiceFactory (contracts.ts); adding a
 * service is one import and one entry below. The core finds the protocol profile by the model's endpointPrefix.
 */
import { appMeshServiceFactory, type AppMeshOptions } from './appmesh/service';
import type { ServiceFactory } from './contracts';
import { createCloudTrailService } from './cloudtrail/service';
import { createEcsServiceWithOptions } from './ecs/service';
import type { EcsEmulatorOptions } from './ecs/options';
import { createEventsService } from './events/service';
import { createServiceDiscoveryService } from './servicediscovery/service';
import { latticeTargetRegistryFor } from './lattice/ecs-targets';
import { latticeServiceFactory } from './lattice/service';
import type { LatticeOptions } from './lattice/options';
import { taggingServiceFactory, type TaggingOptions } from './tagging/service';

export interface RegistryOptions {
  appMesh?: AppMeshOptions;
  lattice?: LatticeOptions;
  tagging?: TaggingOptions;
  ecs?: Partial<EcsEmulatorOptions>;
}

export function defaultServiceFactories(options: RegistryOptions = {}): ServiceFactory[] {
  return [
    appMeshServiceFactory(options.appMesh),
    // ECS registers its tasks' IPs in the Lattice target groups of their vpcLatticeConfigurations, as AWS does.
    createEcsServiceWithOptions({
      ...options.ecs,
      latticeTargets: (env) => latticeTargetRegistryFor(env, options.lattice),
    }),
    createServiceDiscoveryService,
    createCloudTrailService,
    createEventsService,
    latticeServiceFactory(options.lattice),
    // The Resource Groups Tagging API reads the tags the services above keep (EmulatorEnv.taggedResources).
    taggingServiceFactory(options.tagging),
  ];
}
