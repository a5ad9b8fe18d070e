/**
 * A warm Lambda reads and validates an unchanged published revision once: later runs read only the pointer, a new
 * publish is picked up at once, and a set that fails to read is not remembered. S3 GETs are counted on the real SDK
 * client's middleware stack, against the emulator's S3.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { handleEvent } from '../../src/operator/run';
import { parsePointer, pointerKey } from '../../src/operator/publish-layout';
import { readObject } from '../../src/operator/s3-source';
import { MESH_YAML, nodeYaml } from '../operator/helpers';
import { BUCKET, type Harness, startHarness } from './harness';

/** Every key the operator's S3 client GETs, in order. */
function recordGets(h: Harness): string[] {
  const keys: string[] = [];
  h.deps.clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      if (context.commandName === 'GetObjectCommand') keys.push(input.Key ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'countGetsForTest' },
  );
  return keys;
}

describe('published revision cache (warm invocations)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('fetches and validates an unchanged revision once, and a new publish at once', async () => {
    h = await startHarness('detect');
    const gets = recordGets(h);
    const files = {
      'mesh.yaml': MESH_YAML,
      'a.yaml': nodeYaml('15s'),
      'b.yaml': nodeYaml('15s').replace(/orders/g, 'billing'),
    };
    await h.publish(files, 'rev-1');
    const cache = h.deps.manifests;
    expect(cache).toBeDefined();

    const first = await handleEvent(h.scheduleEvent(), h.deps);
    expect(first.status).toBe('reconciled');
    const pointer = pointerKey(h.prefix);
    const revisionFiles = (from: number): string[] => gets.slice(from).filter((k) => k.includes('/revisions/'));
    // The pointer and each of the three files, once.
    expect(gets.filter((k) => k === pointer)).toHaveLength(1);
    expect(revisionFiles(0)).toHaveLength(3);
    expect(new Set(revisionFiles(0)).size).toBe(3);

    const mark = gets.length;
    const second = await handleEvent(h.scheduleEvent(), h.deps);
    expect(second.status).toBe('reconciled');
    // Only the pointer: the unchanged revision is neither read nor validated again.
    expect(gets.slice(mark).filter((k) => k === pointer)).toHaveLength(1);
    expect(revisionFiles(mark)).toEqual([]);
    expect(cache?.misses).toBe(1);
    expect(cache?.hits).toBe(1);

    await h.publish({ ...files, 'a.yaml': nodeYaml('20s') }, 'rev-2');
    const mark2 = gets.length;
    const third = await handleEvent(h.scheduleEvent(), h.deps);
    expect(third.status).toBe('reconciled');
    expect(revisionFiles(mark2)).toHaveLength(3);
    expect(third.view?.revision ?? '').toContain('rev-2');
    expect(cache?.misses).toBe(2);
  });

  it('does not remember a revision whose files could not be read', async () => {
    h = await startHarness('detect');
    await h.publish({ 'mesh.yaml': MESH_YAML, 'a.yaml': nodeYaml('15s') }, 'rev-1');
    const prefix = h.prefix;
    const pointerBytes = await readObject(h.deps.clients.s3, BUCKET, pointerKey(prefix));
    const pointer = parsePointer(new TextDecoder().decode(pointerBytes));
    const file = pointer.files[0];
    if (!file) throw new Error('no file published');
    const body = await readObject(h.deps.clients.s3, BUCKET, file.key);
    await h.deps.clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: file.key }));

    const broken = await handleEvent(h.scheduleEvent(), h.deps);
    expect(broken.status).toBe('invalid');

    // The object is back (S3 was only briefly inconsistent): the next run reads it, it is not a cached failure.
    await h.deps.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: file.key, Body: body }));
    const fixed = await handleEvent(h.scheduleEvent(), h.deps);
    expect(fixed.status).toBe('reconciled');
    expect(h.deps.manifests?.misses).toBe(2);
  });
});
