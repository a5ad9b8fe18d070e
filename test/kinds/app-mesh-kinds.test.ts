import { API_VERSION, type ManifestDocument } from '../../src/core/types';
import type { DesiredResource } from '../../src/core/model';
import { convertContextFor } from '../../src/engine/desired';
import { defaultRegistry } from '../../src/kinds/registry';
import { referenceDocuments } from './fixtures';

const node = defaultRegistry.get('VirtualNode');
const mesh = defaultRegistry.get('Mesh');
const route = defaultRegistry.get('Route');
const gateway = defaultRegistry.get('VirtualGateway');

/** A desired node with the given spec, as the engine builds it (only what compareView reads). */
function desiredOf(spec: unknown): DesiredResource {
  const manifest: ManifestDocument = {
    apiVersion: API_VERSION,
    kind: 'VirtualNode',
    metadata: { name: 'a', mesh: 'shop' },
    spec: {},
  };
  const ref = { kind: 'VirtualNode', mesh: 'shop', name: 'a' };
  return {
    id: 'VirtualNode/shop/a',
    ref,
    spec: node.normalize(spec),
    tags: {},
    annotations: {},
    dependsOn: [],
    digest: '',
    manifest,
  };
}

describe('App Mesh kinds: normalize', () => {
  it('gives a listener health check the listener port, as App Mesh does', () => {
    const spec = { listeners: [{ portMapping: { port: 8080, protocol: 'http' }, healthCheck: { protocol: 'http' } }] };
    expect(node.normalize(spec)).toEqual({
      listeners: [{ portMapping: { port: 8080, protocol: 'http' }, healthCheck: { protocol: 'http', port: 8080 } }],
    });
    expect(gateway.normalize(spec)).toEqual(node.normalize(spec));
  });

  it('treats empty lists as missing and backends as an unordered, duplicate-free set', () => {
    const a = {
      backends: [
        { virtualService: { virtualServiceName: 'b' } },
        { virtualService: { virtualServiceName: 'a' } },
        { virtualService: { virtualServiceName: 'b' } },
      ],
      listeners: [],
      backendDefaults: {},
    };
    const b = {
      backends: [{ virtualService: { virtualServiceName: 'a' } }, { virtualService: { virtualServiceName: 'b' } }],
    };
    expect(node.normalize(a)).toEqual(node.normalize(b));
  });

  it('fills the mesh egress filter default (DROP_ALL) and strips it on export', () => {
    expect(mesh.normalize({})).toEqual({ egressFilter: { type: 'DROP_ALL' } });
    expect(mesh.fromApi({ kind: 'Mesh', name: 'm' }, { egressFilter: { type: 'DROP_ALL' } }, {}).spec).toEqual({});
  });

  it('sorts weighted targets, header matches and retry events', () => {
    const spec = {
      httpRoute: {
        match: { prefix: '/', headers: [{ name: 'z' }, { name: 'a' }] },
        action: {
          weightedTargets: [
            { virtualNode: 'v2', weight: 10 },
            { virtualNode: 'v1', weight: 90 },
          ],
        },
        retryPolicy: { maxRetries: 1, perRetryTimeout: '2s', httpRetryEvents: ['server-error', 'gateway-error'] },
      },
    };
    expect(route.normalize(spec)).toEqual({
      httpRoute: {
        match: { prefix: '/', headers: [{ name: 'a' }, { name: 'z' }] },
        action: {
          weightedTargets: [
            { virtualNode: 'v1', weight: 90 },
            { virtualNode: 'v2', weight: 10 },
          ],
        },
        retryPolicy: {
          maxRetries: 1,
          perRetryTimeout: { unit: 's', value: 2 },
          httpRetryEvents: ['gateway-error', 'server-error'],
        },
      },
    });
  });

  it('compares durations by value, not by unit', () => {
    const inMs = {
      listeners: [
        {
          portMapping: { port: 80, protocol: 'http' },
          timeout: { http: { perRequest: { unit: 'ms', value: 15000 }, idle: '1500ms' } },
        },
      ],
    };
    const inS = {
      listeners: [
        {
          portMapping: { port: 80, protocol: 'http' },
          timeout: { http: { perRequest: '15s', idle: { unit: 'ms', value: 1500 } } },
        },
      ],
    };
    const view = node.compareView?.(desiredOf(inS), node.normalize(inMs));
    expect(view?.actual).toEqual(view?.desired);
  });

  // issue 13: App Mesh keeps the unit it is sent, so meshward sends the one the user wrote and exports it back.
  it('keeps the unit a duration was written in, for sending and for export', () => {
    const spec = {
      listeners: [
        { portMapping: { port: 80, protocol: 'http' }, timeout: { http: { perRequest: { unit: 'ms', value: 2000 } } } },
      ],
    };
    expect(node.normalize(spec)).toMatchObject({
      listeners: [{ timeout: { http: { perRequest: { unit: 'ms', value: 2000 } } } }],
    });
    const exported = node.fromApi({ kind: 'VirtualNode', mesh: 'shop', name: 'a' }, node.normalize(spec), {});
    expect(exported.spec).toMatchObject({ listeners: [{ timeout: { http: { perRequest: '2000ms' } } }] });
  });

  it('is idempotent', () => {
    const spec = { listeners: [{ portMapping: { port: 80, protocol: 'http' }, healthCheck: { protocol: 'http' } }] };
    expect(node.normalize(node.normalize(spec))).toEqual(node.normalize(spec));
  });
});

describe('App Mesh kinds: round trips over the reference manifests', () => {
  it('toApi -> normalize -> fromApi -> toApi -> normalize is stable for every document', async () => {
    const docs = await referenceDocuments();
    const ctx = convertContextFor(docs);
    expect(docs.length).toBeGreaterThan(10);
    for (const doc of docs) {
      const kind = defaultRegistry.get(doc.kind);
      const once = kind.normalize(kind.toApi(doc, ctx));
      const exported = kind.fromApi(defaultRegistry.refOfDocument(doc), once, {
        ...(doc.metadata.tags ?? {}),
        'meshward.dev/stack': 'x',
      });
      expect(exported.metadata.tags).toEqual(doc.metadata.tags);
      const twice = kind.normalize(
        kind.toApi(exported, convertContextFor(docs.map((d) => (d === doc ? exported : d)))),
      );
      expect({ id: doc.metadata.name, spec: twice }).toEqual({ id: doc.metadata.name, spec: once });
    }
  });

  it('declares dependencies: a route needs its router and target nodes, a service its provider', async () => {
    const docs = await referenceDocuments();
    const weighted = docs.find((d) => d.kind === 'Route' && d.metadata.name === 'canary-weighted');
    if (!weighted) throw new Error('fixture missing');
    expect(route.dependencies(weighted).map((r) => `${r.kind}/${r.name}`)).toEqual([
      'Mesh/shop',
      'VirtualRouter/service-a',
      'VirtualNode/service-a-v1',
      'VirtualNode/service-a-v2',
    ]);
    const svc = docs.find((d) => d.kind === 'VirtualService' && d.metadata.name === 'service-a.shop.local');
    if (!svc) throw new Error('fixture missing');
    expect(
      defaultRegistry
        .get('VirtualService')
        .dependencies(svc)
        .map((r) => `${r.kind}/${r.name}`),
    ).toContain('VirtualRouter/service-a');
  });
});
