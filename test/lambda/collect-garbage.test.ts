/**
 * The Lambda's end-of-invocation collection (lambda/collect-garbage.ts): garbage left by a run is gone when the
 * handler returns, in a process started without --expose-gc.
 */
import { collectGarbage } from '../../lambda/collect-garbage';
import { handler } from '../../lambda/handler';

/** A WeakRef to 8 MB nothing else holds, made in its own function so no local keeps it alive. */
function garbage(): WeakRef<number[]> {
  return new WeakRef(new Array<number>(1_000_000).fill(1));
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// jest starts its workers without --expose-gc (a worker that already ran the handler has the flag turned on).
it('frees what nothing holds any more', async () => {
  const ref = garbage();
  // A WeakRef's target lives at least to the end of the turn that made it.
  await nextTurn();
  // Nothing collected it on its own: V8 leaves a large old object until the heap nears its limit.
  expect(ref.deref()).toBeDefined();
  // deref() keeps its target to the end of this turn too.
  await nextTurn();
  collectGarbage();
  expect(ref.deref()).toBeUndefined();
});

it('keeps what is still held', async () => {
  const held = new Array<number>(1_000_000).fill(2);
  const ref = new WeakRef(held);
  await nextTurn();
  collectGarbage();
  expect(ref.deref()).toBe(held);
});

it('runs when the handler returns, failed invocations included', async () => {
  const saved = { ...process.env };
  delete process.env.MESHWARD_MANIFESTS;
  try {
    const ref = garbage();
    await nextTurn();
    expect(ref.deref()).toBeDefined();
    await nextTurn();
    await expect(handler({})).rejects.toThrow(/MESHWARD_MANIFESTS: required/);
    expect(ref.deref()).toBeUndefined();
  } finally {
    process.env = saved;
  }
});
