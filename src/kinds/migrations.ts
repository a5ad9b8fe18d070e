/** The migration rules of every App Mesh kind (and of EcsService, which carries the App Mesh attachment). */
import type { KindMigration } from '../migrate/model';
import { ecsServiceMigration } from './ecs-service/migrate';
import { gatewayRouteMigration } from './gateway-route/migrate';
import { meshMigration } from './mesh/migrate';
import { routeMigration } from './route/migrate';
import { virtualGatewayMigration } from './virtual-gateway/migrate';
import { virtualNodeMigration } from './virtual-node/migrate';
import { virtualRouterMigration } from './virtual-router/migrate';
import { virtualServiceMigration } from './virtual-service/migrate';

export const KIND_MIGRATIONS: readonly KindMigration[] = [
  meshMigration,
  virtualNodeMigration,
  virtualRouterMigration,
  routeMigration,
  virtualServiceMigration,
  virtualGatewayMigration,
  gatewayRouteMigration,
  ecsServiceMigration,
];

export { sourceIdOf } from './source-id';
