/**
 * LatticeAuthPolicy: the IAM auth policy of `metadata.service` or `metadata.serviceNetwork` (id
 * LatticeAuthPolicy/<service|serviceNetwork>/<name>). Not taggable: it is owned with the resource it belongs to
 * (whose tags the same observe read). `spec.policy` is JSON text, compared parsed.
 */
import { DeleteAuthPolicyCommand, GetAuthPolicyCommand, PutAuthPolicyCommand } from '@aws-sdk/client-vpc-lattice';
import { isNotFound } from '../../aws/errors';
import type { ResourceRef } from '../../core/types';
import type { Kind } from '../kind';
import { cachedTags, createLatticeKind, everyOwner, isoTime, resourceArnByName } from '../shared/lattice-kind';
import { getString, stableJson } from '../shared/spec-utils';
import { MeshwardError } from '../../core/errors';
import { crudCalls } from '../shared/write-calls';

const KIND = 'LatticeAuthPolicy';

export function attachedRef(kind: string, doc: { metadata?: unknown }): ResourceRef | undefined {
  const service = getString(doc.metadata, 'service');
  const network = getString(doc.metadata, 'serviceNetwork');
  if (service !== undefined) return { kind, parent: 'service', name: service };
  if (network !== undefined) return { kind, parent: 'serviceNetwork', name: network };
  return undefined;
}

export function parentTarget(ref: ResourceRef): ResourceRef {
  return { kind: ref.parent === 'service' ? 'LatticeService' : 'LatticeServiceNetwork', name: ref.name };
}

function canonicalPolicy(policy: unknown): unknown {
  if (typeof policy !== 'string') return policy;
  try {
    return stableJson(JSON.parse(policy));
  } catch {
    return policy; // not JSON: the schema passed it, AWS will say why
  }
}

export const latticeAuthPolicyKind: Kind = createLatticeKind({
  kind: KIND,
  writeCalls: crudCalls('AuthPolicy', ['Put', 'Delete']),
  // Observed after services and networks (their ARNs and tags), once.
  parentKind: 'LatticeListener',
  listOnce: true,
  untagged: true,
  fields: [],
  slots: ['parent', 'name'],
  refOf: (doc) => attachedRef(KIND, doc),
  metadataOf: (ref) => ({ [ref.parent ?? 'service']: ref.name }) as never,
  specReferences: (ref) => [
    { pointer: `/metadata/${ref.parent ?? 'service'}`, target: parentTarget(ref), holds: true },
  ],
  exportFile: 'lattice-auth-policies.yaml',
  normalize(spec) {
    const s = spec as Record<string, unknown>;
    return s['policy'] === undefined ? {} : { policy: canonicalPolicy(s['policy']) };
  },
  ops: {
    async list(ctx, _parent, scope) {
      const refs = [...scope.ids].flatMap((id) => {
        const [k, parent, name] = id.split('/');
        return k === KIND && parent && name ? [{ kind: KIND, parent, name }] : [];
      });
      // An export reads the policy of every service and network (one GetAuthPolicy each).
      if (scope.all)
        refs.push(...(await everyOwner(ctx)).map(({ type, name }) => ({ kind: KIND, parent: type, name })));
      const out = [];
      for (const ref of refs) {
        const owner = await resourceArnByName(ctx, ref.parent, ref.name);
        if (!owner) continue;
        try {
          const got = await ctx.clients.lattice.send(new GetAuthPolicyCommand({ resourceIdentifier: owner }));
          if (got.policy === undefined) continue;
          // No list and no id: the policy is read every time (one call); its owner's ARN stands for it.
          out.push({
            ref,
            arn: `${owner}#authpolicy`,
            awsId: owner,
            ...(got.lastUpdatedAt ? { lastUpdatedAt: isoTime(got.lastUpdatedAt) as string } : {}),
            summary: { ownerArn: owner, policy: got.policy },
          });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return out;
    },
    read: async (_ctx, item) => ({ policy: item.summary['policy'] }),
    async create(ctx, desired) {
      const owner = await resourceArnByName(ctx, desired.ref.parent ?? '', desired.ref.name);
      if (!owner)
        throw new MeshwardError('AWS_RETRYABLE', `${desired.id}: its ${desired.ref.parent ?? ''} does not exist yet`);
      await ctx.clients.lattice.send(
        new PutAuthPolicyCommand({
          resourceIdentifier: owner,
          policy: String((desired.spec as Record<string, unknown>)['policy']),
        }),
      );
      return { arn: `${owner}#authpolicy`, awsId: owner };
    },
    async update(ctx, desired, actual) {
      await ctx.clients.lattice.send(
        new PutAuthPolicyCommand({
          resourceIdentifier: actual.arn.replace(/#authpolicy$/, ''),
          policy: String((desired.spec as Record<string, unknown>)['policy']),
        }),
      );
    },
    async delete(ctx, actual) {
      await ctx.clients.lattice.send(
        new DeleteAuthPolicyCommand({ resourceIdentifier: actual.arn.replace(/#authpolicy$/, '') }),
      );
    },
  },
});

export { cachedTags };
