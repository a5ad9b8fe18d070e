import { desiredDigest, diffResources } from '../../src/core/diff';
import type { ActualResource, DesiredResource } from '../../src/core/model';
import { resourceId } from '../../src/core/types';
import {
  actual,
  actualOf,
  appliedState,
  byId,
  desired,
  referenceTopology,
  refs,
  STACK,
  stateOf,
} from './fixtures/resources';

const nodeId = resourceId(refs.frontNode);

function withSpec(d: DesiredResource, mutate: (spec: Record<string, unknown>) => void): DesiredResource {
  const spec = structuredClone(d.spec) as Record<string, unknown>;
  mutate(spec);
  return desired(d.ref, spec, { tags: d.tags, annotations: d.annotations, dependsOn: d.dependsOn });
}

function perRequest(spec: Record<string, unknown>, value: number): void {
  const listeners = spec.listeners as { timeout: { http: { perRequest: { value: number } } } }[];
  const first = listeners[0];
  if (first) first.timeout.http.perRequest.value = value;
}

describe('diffResources', () => {
  const all = referenceTopology();

  it('finds every resource unchanged after an apply', () => {
    const changes = diffResources({
      desired: all,
      actual: all.map((d) => actualOf(d)),
      state: appliedState(all),
      stack: STACK,
    });
    expect(changes).toHaveLength(all.length);
    expect(changes.every((c) => c.action === 'unchanged' && c.cause === 'none' && c.changes.length === 0)).toBe(true);
  });

  it('lists changes in kind order, then id', () => {
    const changes = diffResources({ desired: all, actual: [], state: stateOf(), stack: STACK });
    expect(changes.map((c) => c.kind).slice(0, 2)).toEqual(['Mesh', 'VirtualNode']);
    expect(changes.at(-1)?.kind).toBe('EcsService');
  });

  it('creates what only the manifests have, as new, listing every field', () => {
    const [change] = diffResources({ desired: [byId(all, nodeId)], actual: [], state: stateOf(), stack: STACK });
    expect(change).toMatchObject({ id: nodeId, action: 'create', cause: 'new' });
    expect(change?.changes).toContainEqual({
      path: '/spec/listeners/0/timeout/http/perRequest',
      before: undefined,
      after: { unit: 's', value: 15 },
    });
    expect(change?.changes).toContainEqual({ path: '/tags/team', before: undefined, after: 'web' });
  });

  it('calls a create of something applied before drift: AWS lost it', () => {
    const node = byId(all, nodeId);
    const [lost] = diffResources({ desired: [node], actual: [], state: appliedState([node]), stack: STACK });
    expect(lost).toMatchObject({ action: 'create', cause: 'drift' });
    const [edited] = diffResources({
      desired: [node],
      actual: [],
      state: stateOf({ [nodeId]: { digest: 'older' } }),
      stack: STACK,
    });
    expect(edited).toMatchObject({ action: 'create', cause: 'pending' });
  });

  it('reports an out-of-band change as drift, with the field before -> after', () => {
    const node = byId(all, nodeId);
    const changed = actualOf(node);
    perRequest(changed.spec as Record<string, unknown>, 60);
    const [change] = diffResources({ desired: [node], actual: [changed], state: appliedState([node]), stack: STACK });
    expect(change).toMatchObject({ action: 'update', cause: 'drift' });
    expect(change?.changes).toEqual([
      {
        path: '/spec/listeners/0/timeout/http/perRequest',
        before: { unit: 's', value: 60 },
        after: { unit: 's', value: 15 },
      },
    ]);
    expect(change?.alsoDrifted).toBeUndefined();
  });

  it('reports a manifest change as pending', () => {
    const node = byId(all, nodeId);
    const edited = withSpec(node, (spec) => perRequest(spec, 5));
    const [change] = diffResources({
      desired: [edited],
      actual: [actualOf(node, { version: 1 })],
      state: appliedState([node]),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'update', cause: 'pending' });
    expect(change?.alsoDrifted).toBeUndefined();
  });

  it('marks a pending change alsoDrifted when AWS moved past the applied version', () => {
    const node = byId(all, nodeId);
    const edited = withSpec(node, (spec) => perRequest(spec, 5));
    const [change] = diffResources({
      desired: [edited],
      actual: [actualOf(node, { version: 3 })],
      state: appliedState([node], 2),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'update', cause: 'pending', alsoDrifted: true });
  });

  it('treats a resource never applied (no state) as pending, not drift', () => {
    const node = byId(all, nodeId);
    const changed = actualOf(node);
    perRequest(changed.spec as Record<string, unknown>, 60);
    const [change] = diffResources({ desired: [node], actual: [changed], state: stateOf(), stack: STACK });
    expect(change?.cause).toBe('pending');
  });

  it('diffs user tags but never the ownership tags', () => {
    const node = byId(all, nodeId);
    const tagged = actualOf(node, { tags: { team: 'ops', extra: 'x' } });
    const [change] = diffResources({ desired: [node], actual: [tagged], state: appliedState([node]), stack: STACK });
    expect(change?.changes).toEqual([
      { path: '/tags/extra', before: 'x', after: undefined },
      { path: '/tags/team', before: 'ops', after: 'web' },
    ]);
  });

  it('mirrors the deletion-protection annotation as a tag to set', () => {
    const node = byId(all, nodeId);
    const guarded = desired(node.ref, node.spec, {
      tags: node.tags,
      annotations: { 'meshward.dev/deletion-protection': 'true' },
    });
    const [change] = diffResources({ desired: [guarded], actual: [actualOf(node)], state: stateOf(), stack: STACK });
    expect(change?.changes).toEqual([
      { path: '/tags/meshward.dev~1deletion-protection', before: undefined, after: 'true' },
    ]);
    const [same] = diffResources({
      desired: [guarded],
      actual: [actualOf(node, { tags: { 'meshward.dev/deletion-protection': 'true' } })],
      state: stateOf(),
      stack: STACK,
    });
    expect(same?.action).toBe('unchanged');
  });

  it('turns a change at an immutable path into a replace, saying which field', () => {
    const node = byId(all, nodeId);
    const edited = withSpec(node, (spec) => {
      spec.serviceDiscovery = { awsCloudMap: { namespaceName: 'other.local', serviceName: 'front' } };
    });
    const [change] = diffResources({
      desired: [edited],
      actual: [actualOf(node)],
      state: appliedState([node]),
      stack: STACK,
      immutablePaths: (kind) => (kind === 'VirtualNode' ? ['/serviceDiscovery/awsCloudMap/namespaceName'] : []),
    });
    expect(change).toMatchObject({ action: 'replace', cause: 'pending' });
    expect(change?.reason).toMatch(/immutable field \/spec\/serviceDiscovery\/awsCloudMap\/namespaceName/);
  });

  it('accepts immutable paths written with or without the /spec prefix', () => {
    const node = byId(all, nodeId);
    const edited = withSpec(node, (spec) => perRequest(spec, 1));
    const run = (paths: string[]) =>
      diffResources({
        desired: [edited],
        actual: [actualOf(node)],
        state: stateOf(),
        stack: STACK,
        immutablePaths: () => paths,
      })[0]?.action;
    expect(run(['/spec/listeners'])).toBe('replace');
    expect(run(['/listeners/*/timeout'])).toBe('replace');
    expect(run(['/backends'])).toBe('update');
  });

  it('deletes what only AWS has when this stack owns it', () => {
    const node = byId(all, nodeId);
    const [change] = diffResources({ desired: [], actual: [actualOf(node)], state: stateOf(), stack: STACK });
    expect(change).toMatchObject({ action: 'delete', cause: 'removed', changes: [] });
  });

  it('ignores resources of other owners that the manifests do not name', () => {
    const node = byId(all, nodeId);
    const changes = diffResources({
      desired: [],
      actual: [actualOf(node, { owner: null }), actual(refs.bNode, {}, { owner: 'other-stack' })],
      state: stateOf(),
      stack: STACK,
    });
    expect(changes).toEqual([]);
  });

  it('never deletes on the state store alone: tags gone means conflict', () => {
    const node = byId(all, nodeId);
    const [change] = diffResources({
      desired: [],
      actual: [actualOf(node, { owner: null })],
      state: appliedState([node]),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'conflict', cause: 'removed' });
    expect(change?.reason).toMatch(/ownership tags are gone/);
  });

  it('reports a same-named unowned resource as a conflict, with its differences', () => {
    const node = byId(all, nodeId);
    const foreign = actualOf(node, { owner: null });
    perRequest(foreign.spec as Record<string, unknown>, 60);
    const [change] = diffResources({ desired: [node], actual: [foreign], state: stateOf(), stack: STACK });
    expect(change).toMatchObject({ action: 'conflict', cause: 'none' });
    expect(change?.reason).toMatch(/not managed by meshward.*meshward\.dev\/adopt/);
    expect(change?.changes).toHaveLength(1);
  });

  it('reports a resource of another stack as a conflict, even when adoption is asked for', () => {
    const node = byId(all, nodeId);
    const adopting = desired(node.ref, node.spec, { tags: node.tags, annotations: { 'meshward.dev/adopt': 'true' } });
    const [change] = diffResources({
      desired: [adopting],
      actual: [actualOf(node, { owner: 'other-stack' })],
      state: stateOf(),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'conflict' });
    expect(change?.reason).toMatch(/stack=other-stack/);
  });

  it('adopts an unowned resource when annotated: an update that writes the ownership tags', () => {
    const node = byId(all, nodeId);
    const adopting = desired(node.ref, node.spec, { tags: node.tags, annotations: { 'meshward.dev/adopt': 'true' } });
    const [change] = diffResources({
      desired: [adopting],
      actual: [actualOf(node, { owner: null })],
      state: stateOf(),
      stack: STACK,
    });
    expect(change).toMatchObject({ action: 'update', cause: 'pending' });
    expect(change?.changes).toEqual([
      { path: '/tags/meshward.dev~1managed-by', before: undefined, after: 'meshward' },
      { path: '/tags/meshward.dev~1stack', before: undefined, after: STACK },
    ]);
  });

  it('refuses to adopt through delete and create: the resource is not ours to delete yet', () => {
    const node = byId(all, nodeId);
    const adopting = desired(node.ref, node.spec, { tags: node.tags, annotations: { 'meshward.dev/adopt': 'true' } });
    const foreign = actualOf(node, { owner: null });
    perRequest(foreign.spec as Record<string, unknown>, 60);
    const [change] = diffResources({
      desired: [adopting],
      actual: [foreign],
      state: stateOf(),
      stack: STACK,
      immutablePaths: () => ['/listeners'],
    });
    expect(change).toMatchObject({ action: 'conflict', cause: 'none' });
    expect(change?.reason).toMatch(/adopting .* would delete and create it/);
  });

  // docs/manifest-reference.md: a placeholder "only stands for a resource managed elsewhere ... never created,
  // updated or deleted".
  it('never creates, updates or deletes a declared placeholder', () => {
    const node = byId(all, nodeId);
    const placeholder = desired(node.ref, node.spec, { annotations: { 'meshward.dev/placeholder': 'true' } });
    const differing = actualOf(node);
    perRequest(differing.spec as Record<string, unknown>, 60);
    const run = (actuals: ActualResource[]) =>
      diffResources({ desired: [placeholder], actual: actuals, state: appliedState([node]), stack: STACK });
    expect(run([])).toEqual([]);
    expect(run([differing])).toEqual([]);
    expect(run([actualOf(node, { owner: null })])).toEqual([]);
  });

  // issue 13: `external` on a document only relaxes its reference checks; it used to drop the resource silently.
  it('diffs a document annotated external like any other, and names placeholder when it meets an unowned one', () => {
    const node = byId(all, nodeId);
    const relaxed = desired(node.ref, node.spec, { annotations: { 'meshward.dev/external': 'true' } });
    const run = (actuals: ActualResource[]) =>
      diffResources({ desired: [relaxed], actual: actuals, state: stateOf(), stack: STACK });
    expect(run([])[0]).toMatchObject({ id: nodeId, action: 'create' });
    const foreign = run([actualOf(node, { owner: null })])[0];
    expect(foreign).toMatchObject({ id: nodeId, action: 'conflict' });
    expect(foreign?.reason).toContain('meshward.dev/placeholder: "true"');
  });

  it('reads ownership from the tags when the engine left `ownership` empty', () => {
    const node = byId(all, nodeId);
    const a = { ...actualOf(node), ownership: {} };
    const [change] = diffResources({ desired: [node], actual: [a], state: appliedState([node]), stack: STACK });
    expect(change?.action).toBe('unchanged');
  });

  it('is deterministic whatever the input order', () => {
    const actuals = all.map((d) => actualOf(d));
    const a = diffResources({ desired: all, actual: actuals, state: stateOf(), stack: STACK });
    const b = diffResources({
      desired: [...all].reverse(),
      actual: [...actuals].reverse(),
      state: stateOf(),
      stack: STACK,
    });
    expect(b).toEqual(a);
  });
});

describe('desiredDigest', () => {
  it('covers spec, tags and the deletion-protection annotation, not other annotations', () => {
    const base = { spec: { a: 1 }, tags: { team: 'x' }, annotations: {} };
    expect(desiredDigest(base)).toBe(desiredDigest({ ...base, annotations: { 'meshward.dev/adopt': 'true' } }));
    expect(desiredDigest(base)).not.toBe(
      desiredDigest({ ...base, annotations: { 'meshward.dev/deletion-protection': 'true' } }),
    );
    expect(desiredDigest(base)).not.toBe(desiredDigest({ ...base, tags: { team: 'y' } }));
  });
});
