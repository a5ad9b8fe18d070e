/**
 * Generic Create / Describe / Update / Delete / List for the seven App Mesh kinds. Everything kind-specific is
 * data (kinds.ts), defaults (defaults.ts) or checks (references.ts).
 */
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../contracts';
import { arnOf, type ResourceAddress } from './arns';
import { applyDefaults, type DefaultsOptions } from './defaults';
import { conflict, limitExceeded, notFound } from './errors';
import { kindDef, type KindDef } from './kinds';
import { paginate } from './paging';
import type { AppMeshQuotas } from './quotas';
import { checkDeletable, checkSpecReferences, weightedTargetsOf, type MissingReferenceError } from './references';
import type { AppMeshStore, StoredResource, TagRef } from './store';

type Json = Record<string, unknown>;

export interface HandlerEnv {
  store: AppMeshStore;
  quotas: AppMeshQuotas;
  defaults: DefaultsOptions;
  checkReferences: boolean;
  /** Describe/List miss a resource for this long after its creation (emulator clock); 0 = read-your-writes. */
  readAfterCreateLagMs: number;
  /** The error for a spec naming a resource that does not exist (unverified: NotFoundException by default). */
  missingReferenceError: MissingReferenceError;
  /** Whether an Update whose spec equals the stored one still bumps `version` (unverified: yes by default). */
  noopUpdateBumpsVersion: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function addressOf(def: KindDef, input: Json): ResourceAddress {
  return {
    kind: def.kind,
    meshName: str(input.meshName),
    parentName: def.parent ? str(input[def.parent.nameMember]) : undefined,
    name: str(input[def.nameMember]),
  };
}

function meshMissing(meshName: string, ctx: CallContext): Error {
  return notFound(`Mesh with name ${meshName} is not present for account ${ctx.accountId}`);
}

/**
 * App Mesh's wording, as the Go SDK printed it for a missing node (aws/aws-app-mesh-roadmap#173):
 * "VirtualNode with name app-a-sam-test is not present under mesh sam-app-mesh-test for account 452410912201".
 */
export function notPresent(display: string, name: string, meshName: string, accountId: string): Error {
  return notFound(`${display} with name ${name} is not present under mesh ${meshName} for account ${accountId}`);
}

/** The mesh (and, for routes and gateway routes, the parent) must exist and be owned by this account. */
function requireParents(env: HandlerEnv, def: KindDef, a: ResourceAddress, input: Json, ctx: CallContext): void {
  if (typeof input.meshOwner === 'string' && input.meshOwner !== ctx.accountId) throw meshMissing(a.meshName, ctx);
  if (def.kind === 'mesh') return;
  if (!env.store.get({ kind: 'mesh', meshName: a.meshName, name: a.meshName })) throw meshMissing(a.meshName, ctx);
  if (def.parent) {
    const parentDef = kindDef(def.parent.kind);
    const parentName = a.parentName ?? '';
    if (!env.store.get({ kind: def.parent.kind, meshName: a.meshName, name: parentName })) {
      throw notPresent(parentDef.display, parentName, a.meshName, ctx.accountId);
    }
  }
}

function requireResource(
  env: HandlerEnv,
  def: KindDef,
  a: ResourceAddress,
  input: Json,
  ctx: CallContext,
): StoredResource {
  requireParents(env, def, a, input, ctx);
  const r = env.store.get(a);
  if (!r) {
    if (def.kind === 'mesh') throw meshMissing(a.meshName, ctx);
    throw notPresent(def.display, a.name, a.meshName, ctx.accountId);
  }
  return r;
}

export function toData(def: KindDef, r: StoredResource): Json {
  const data: Json = {
    meshName: r.meshName,
    metadata: { ...r.metadata },
    spec: structuredClone(r.spec),
    status: { status: r.status },
  };
  if (def.kind !== 'mesh') data[def.nameMember] = r.name;
  if (def.parent) data[def.parent.nameMember] = r.parentName;
  return data;
}

function toRef(def: KindDef, r: StoredResource): Json {
  const ref: Json = {
    arn: r.metadata.arn,
    createdAt: r.metadata.createdAt,
    lastUpdatedAt: r.metadata.lastUpdatedAt,
    meshName: r.meshName,
    meshOwner: r.metadata.meshOwner,
    resourceOwner: r.metadata.resourceOwner,
    version: r.metadata.version,
  };
  if (def.kind !== 'mesh') ref[def.nameMember] = r.name;
  if (def.parent) ref[def.parent.nameMember] = r.parentName;
  return ref;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * clientToken idempotency, scoped per operation and parent: the same token with the same request returns the
 * original result; with a different request it is a ConflictException.
 */
function withToken(env: HandlerEnv, ctx: CallContext, a: ResourceAddress, input: Json, run: () => Json): Json {
  const token = input.clientToken;
  if (typeof token !== 'string' || token === '') return run();
  const { clientToken: _omit, ...request } = input;
  void _omit;
  // A mesh's parent is the account; everything else lives in a mesh (and maybe a router or gateway).
  const key = [ctx.operation, a.kind === 'mesh' ? '' : a.meshName, a.parentName ?? '', token].join('\u0000');
  const requestText = canonical(request);
  const seen = env.store.token(key);
  if (seen) {
    if (seen.request !== requestText) {
      throw conflict(`The clientToken ${token} was already used with a different request.`);
    }
    return structuredClone(seen.result) as Json;
  }
  const result = run();
  env.store.rememberToken(key, { request: requestText, result: structuredClone(result) });
  return result;
}

function checkCreateQuota(env: HandlerEnv, def: KindDef, a: ResourceAddress): void {
  const q = env.quotas;
  // Only the created kind's scope is counted, from the store's index: a create costs the same at any account size.
  const limits: Record<string, () => [number, number, string]> = {
    mesh: () => [env.store.count('mesh'), q.meshesPerAccount, 'meshes per account'],
    virtualNode: () => [env.store.count('virtualNode', a.meshName), q.virtualNodesPerMesh, 'virtual nodes per mesh'],
    virtualService: () => [
      env.store.count('virtualService', a.meshName),
      q.virtualServicesPerMesh,
      'virtual services per mesh',
    ],
    virtualRouter: () => [
      env.store.count('virtualRouter', a.meshName),
      q.virtualRoutersPerMesh,
      'virtual routers per mesh',
    ],
    route: () => [
      env.store.count('route', a.meshName, a.parentName),
      q.routesPerVirtualRouter,
      'routes per virtual router',
    ],
    virtualGateway: () => [
      env.store.count('virtualGateway', a.meshName),
      q.virtualGatewaysPerMesh,
      'virtual gateways per mesh',
    ],
    gatewayRoute: () => [
      env.store.count('gatewayRoute', a.meshName, a.parentName),
      q.gatewayRoutesPerVirtualGateway,
      'gateway routes per virtual gateway',
    ],
  };
  const limit = limits[def.kind]?.();
  if (limit && limit[0] >= limit[1]) throw limitExceeded(`The limit of ${limit[1]} ${limit[2]} has been reached.`);
}

function checkSpecQuotas(env: HandlerEnv, def: KindDef, spec: Json): void {
  if (
    def.kind === 'virtualNode' &&
    Array.isArray(spec.backends) &&
    spec.backends.length > env.quotas.backendsPerVirtualNode
  ) {
    throw limitExceeded(
      `The limit of ${env.quotas.backendsPerVirtualNode} backends per virtual node has been exceeded.`,
    );
  }
  if (def.kind === 'route' && weightedTargetsOf(spec).length > env.quotas.weightedTargetsPerRoute) {
    throw limitExceeded(
      `The limit of ${env.quotas.weightedTargetsPerRoute} weighted targets per route has been exceeded.`,
    );
  }
}

function prepareSpec(env: HandlerEnv, def: KindDef, a: ResourceAddress, rawSpec: unknown, ctx: CallContext): Json {
  const spec = applyDefaults(def.kind, rawSpec, env.defaults);
  checkSpecQuotas(env, def, spec);
  checkSpecReferences(env.store, def.kind, a, spec, {
    check: env.checkReferences,
    missingError: env.missingReferenceError,
    accountId: ctx.accountId,
  });
  return spec;
}

export function createResource(env: HandlerEnv, def: KindDef, input: Json, ctx: CallContext): Json {
  const a = addressOf(def, input);
  return withToken(env, ctx, a, input, () => {
    requireParents(env, def, a, input, ctx);
    if (env.store.get(a)) {
      throw conflict(
        def.kind === 'mesh'
          ? `Mesh with name ${a.name} already exists for account ${ctx.accountId}.`
          : `${def.display} with name ${a.name} already exists under mesh ${a.meshName}.`,
      );
    }
    checkCreateQuota(env, def, a);
    const spec = prepareSpec(env, def, a, input.spec, ctx);
    const nowSeconds = ctx.now / 1000;
    const tags = Array.isArray(input.tags) ? (structuredClone(input.tags) as TagRef[]) : [];
    const resource: StoredResource = {
      ...a,
      spec,
      tags,
      status: 'ACTIVE',
      metadata: {
        arn: arnOf(ctx.region, ctx.accountId, a),
        uid: randomUUID(),
        version: 1,
        createdAt: nowSeconds,
        lastUpdatedAt: nowSeconds,
        meshOwner: ctx.accountId,
        resourceOwner: ctx.accountId,
      },
    };
    env.store.put(resource);
    return { [def.dataMember]: toData(def, resource) };
  });
}

/** AWS App Mesh reads can lag writes briefly (AWS-FACTS.md); off unless readAfterCreateLagMs is set. */
function stillInvisible(env: HandlerEnv, r: StoredResource, ctx: CallContext): boolean {
  return env.readAfterCreateLagMs > 0 && ctx.now - r.metadata.createdAt * 1000 < env.readAfterCreateLagMs;
}

export function describeResource(env: HandlerEnv, def: KindDef, input: Json, ctx: CallContext): Json {
  const r = requireResource(env, def, addressOf(def, input), input, ctx);
  if (stillInvisible(env, r, ctx)) {
    throw notPresent(def.display, r.name, r.meshName, ctx.accountId);
  }
  return { [def.dataMember]: toData(def, r) };
}

/** Update replaces the whole spec (a member left out is reset) and bumps the version; the last writer wins. */
export function updateResource(env: HandlerEnv, def: KindDef, input: Json, ctx: CallContext): Json {
  const a = addressOf(def, input);
  return withToken(env, ctx, a, input, () => {
    const r = requireResource(env, def, a, input, ctx);
    const spec = prepareSpec(env, def, a, input.spec, ctx);
    if (!env.noopUpdateBumpsVersion && canonical(spec) === canonical(r.spec)) {
      return { [def.dataMember]: toData(def, r) };
    }
    const updated: StoredResource = {
      ...r,
      spec,
      metadata: { ...r.metadata, version: r.metadata.version + 1, lastUpdatedAt: ctx.now / 1000 },
    };
    env.store.put(updated);
    return { [def.dataMember]: toData(def, updated) };
  });
}

/** Delete answers with the resource as it was, status DELETED. */
export function deleteResource(env: HandlerEnv, def: KindDef, input: Json, ctx: CallContext): Json {
  const r = requireResource(env, def, addressOf(def, input), input, ctx);
  checkDeletable(env.store, r);
  env.store.remove(r);
  return { [def.dataMember]: toData(def, { ...r, status: 'DELETED' }) };
}

export function listResources(env: HandlerEnv, def: KindDef, input: Json, ctx: CallContext): Json {
  const meshName = def.kind === 'mesh' ? undefined : str(input.meshName);
  if (meshName !== undefined) {
    requireParents(
      env,
      def,
      { kind: def.kind, meshName, parentName: def.parent ? str(input[def.parent.nameMember]) : undefined, name: '' },
      input,
      ctx,
    );
  }
  const parentName = def.parent ? str(input[def.parent.nameMember]) : undefined;
  const all = env.store.list(def.kind, meshName, parentName).filter((r) => !stillInvisible(env, r, ctx));
  const scope = [def.kind, meshName ?? '', parentName ?? ''].join('/');
  const page = paginate(all, scope, input.limit, input.nextToken, 100);
  return { [def.listMember]: page.items.map((r) => toRef(def, r)), nextToken: page.nextToken };
}
