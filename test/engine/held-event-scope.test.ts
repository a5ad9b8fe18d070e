/**
 * An event-scoped read (observeIds) of a resource whose fields another controller held at the last full observe,
 * without what holds them, falls back to a full observe: compared alone, the held fields would read as drift and
 * be written back (ECS's own UpdateRule on a rule it shifts traffic on is such an event).
 */
import type { AwsClients } from '../../src/aws/clients';
import type { ActualResource } from '../../src/core/model';
import { createEngineContext } from '../../src/engine/context';
import { heldMarker, observeIds } from '../../src/engine/observe';
import { emptyState } from '../../src/engine/state-store';
import type { ControllerSignal, Kind } from '../../src/kinds/kind';
import { KINDS, KindRegistry } from '../../src/kinds/registry';

const ARN = 'arn:aws:ecs:us-east-1:111122223333:service/shop/web';
const found: ActualResource = {
  id: 'EcsService/shop/web',
  ref: { kind: 'EcsService', parent: 'shop', name: 'web' },
  arn: ARN,
  spec: { service: { desiredCount: 2 } },
  tags: {},
  ownership: {},
};

/** The registry with EcsService reading `found` in one call, and signalling `signals` while it reads. */
function registryWith(signals: ControllerSignal[]): KindRegistry {
  return new KindRegistry(
    KINDS.map((k): Kind =>
      k.kind !== 'EcsService'
        ? k
        : {
            ...k,
            observeOne: async (ctx) => {
              for (const s of signals) ctx.signal?.(s);
              return structuredClone(found);
            },
            heldBy: (actual, all) =>
              all
                .filter((s) => s.arn === actual.arn)
                .map((s) => ({ pointers: ['/spec/service/desiredCount'], reason: s.reason, inProgress: true })),
          },
    ),
  );
}

function context(held: boolean) {
  const ctx = createEngineContext({ clients: {} as AwsClients, stack: 'test', state: emptyState('test') });
  if (held) ctx.cache[heldMarker(ARN)] = { version: 0, data: found.id };
  return ctx;
}

it('reads one resource when nothing held it at the last full observe', async () => {
  const read = await observeIds(context(false), [found.id], registryWith([]));
  expect(read?.map((a) => a.id)).toEqual([found.id]);
});

it('falls back to a full observe when it was held and its holder did not signal in this read', async () => {
  expect(await observeIds(context(true), [found.id], registryWith([]))).toBeUndefined();
});

it('reads one resource when its holder signalled in the same read', async () => {
  const signal = { topic: 't', arn: ARN, reason: 'held', inProgress: true, detail: {} };
  const read = await observeIds(context(true), [found.id], registryWith([signal]));
  expect(read?.[0]?.heldBy).toEqual([{ pointers: ['/spec/service/desiredCount'], reason: 'held', inProgress: true }]);
});
