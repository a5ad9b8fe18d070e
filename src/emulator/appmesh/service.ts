/**
 * The App Mesh service (all 38 operations of the 2019-01-25 API) behind the emulator's rest-json core.
 */
import type { ServiceFactory, ServiceImplementation } from '../contracts';
import type { DefaultsOptions } from './defaults';
import {
  createResource,
  deleteResource,
  describeResource,
  listResources,
  updateResource,
  type HandlerEnv,
} from './handlers';
import { KINDS, type KindDef } from './kinds';
import { DEFAULT_QUOTAS, type AppMeshQuotas } from './quotas';
import type { MissingReferenceError } from './references';
import { AppMeshStore } from './store';
import { listTags, tagResource, untagResource } from './tags';

export interface AppMeshOptions extends DefaultsOptions {
  quotas?: Partial<AppMeshQuotas>;
  /** Require route targets, virtual service providers and gateway route targets to exist (default true). */
  checkReferences?: boolean;
  /** Simulate App Mesh's read lag: Describe/List miss a new resource for this many ms (default 0). */
  readAfterCreateLagMs?: number;
  /**
   * The error for a route target, virtual service provider or gateway route target that does not exist. No primary
   * source says which App Mesh uses; default NotFoundException (its usual error for a missing resource).
   */
  missingReferenceError?: MissingReferenceError;
  /** Whether an Update with an identical spec bumps `version` (unverified; default true, AWS-FACTS.md's "every update"). */
  noopUpdateBumpsVersion?: boolean;
}

type Json = Record<string, unknown>;
type Handler = (
  env: HandlerEnv,
  def: KindDef,
  input: Json,
  ctx: Parameters<ServiceImplementation['handle']>[2],
) => Json;

const VERBS: [string, Handler][] = [
  ['Create', createResource],
  ['Describe', describeResource],
  ['Update', updateResource],
  ['Delete', deleteResource],
];

export function appMeshServiceFactory(options: AppMeshOptions = {}): ServiceFactory {
  return () => {
    const store = new AppMeshStore();
    const env: HandlerEnv = {
      store,
      quotas: { ...DEFAULT_QUOTAS, ...options.quotas },
      defaults: { meshEgressFilterDefault: options.meshEgressFilterDefault },
      checkReferences: options.checkReferences ?? true,
      readAfterCreateLagMs: options.readAfterCreateLagMs ?? 0,
      missingReferenceError: options.missingReferenceError ?? 'NotFoundException',
      noopUpdateBumpsVersion: options.noopUpdateBumpsVersion ?? true,
    };
    const table = new Map<string, (input: Json, ctx: Parameters<ServiceImplementation['handle']>[2]) => Json>();
    for (const def of KINDS) {
      for (const [verb, handler] of VERBS)
        table.set(`${verb}${def.label}`, (input, ctx) => handler(env, def, input, ctx));
      table.set(`List${def.pluralLabel}`, (input, ctx) => listResources(env, def, input, ctx));
    }
    table.set('TagResource', (input) => tagResource(store, input, env.quotas.tagsPerResource));
    table.set('UntagResource', (input) => untagResource(store, input));
    table.set('ListTagsForResource', (input) => listTags(store, input));

    return {
      modelFile: 'appmesh-2019-01-25.json',
      operations: new Set(table.keys()),
      handle: (operation, input, ctx) => {
        const handler = table.get(operation);
        if (!handler) throw new Error(`App Mesh operation ${operation} has no handler`);
        return handler(input, ctx);
      },
      taggedResources: () =>
        store
          .all()
          .filter((r) => r.status !== 'DELETED' && r.tags.length > 0)
          .map((r) => ({
            service: 'appmesh',
            arn: r.metadata.arn,
            tags: Object.fromEntries(r.tags.map((t) => [t.key, t.value])),
          })),
      snapshot: () => store.snapshot(),
      restore: (state) => store.restore(state),
      reset: () => store.reset(),
    };
  };
}

export const createAppMeshService: ServiceFactory = appMeshServiceFactory();
