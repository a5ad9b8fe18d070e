/**
 * A bounded, seeded fuzz of the front end through raw fetch: random methods, paths (App Mesh uri templates with odd
 * labels), targets, querystrings and bodies (JSON values, model-shaped inputs with wrong types, bytes). Every answer
 * must be a well-formed AWS success or error — never an internal error from a crash — and the server must stay up.
 */
import fc from 'fast-check';
import { loadModel } from '../../src/emulator/model';
import type { Emulator } from '../../src/emulator/server';
import { startTestEmulator } from './helpers';

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({ maxBodyBytes: 16 * 1024 });
});
afterAll(async () => {
  await emu.stop();
});

const appMeshModel = loadModel('appmesh-2019-01-25.json');
const templates = Object.values(appMeshModel.operations).map((op) => ({
  method: op.http.method,
  uri: op.http.requestUri.split('?')[0] ?? '/',
}));
const targets = [
  'AmazonEC2ContainerServiceV20141113.CreateService',
  'AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition',
  'AmazonEC2ContainerServiceV20141113.DescribeServices',
  'AmazonEC2ContainerServiceV20141113.UpdateService',
  'AmazonEC2ContainerServiceV20141113.TagResource',
  'AmazonEC2ContainerServiceV20141113.NoSuchOp',
  'Route53AutoNaming_v20170314.CreateService',
  'Route53AutoNaming_v20170314.ListNamespaces',
  'AWSEvents.PutEvents',
  'CloudTrail_20131101.LookupEvents',
  'AmazonEC2ContainerServiceV20141113.constructor',
  'AmazonEC2ContainerServiceV20141113.__proto__',
  'constructor.toString',
  '__proto__.x',
  'nodot',
];
/** What a handler crash would answer with; a well-behaved front end never does. */
const INTERNAL = new Set(['InternalServerErrorException', 'ServerException', 'InternalFailure', 'InternalException']);

const label = fc.oneof(
  fc.constantFrom('m', 'mesh-1', '%2F', '%E0%A4%A', '..', 'x'.repeat(300), '%00', 'r'),
  fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent),
);
const restRequest = fc.record({
  template: fc.constantFrom(...templates),
  labels: fc.array(label, { minLength: 6, maxLength: 6 }),
  method: fc.oneof(fc.constant(undefined), fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS')),
  query: fc.constantFrom('', '?limit=0', '?limit=abc', '?limit=5&nextToken=zzz', '?meshOwner=1', '?limit=1e99'),
});
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        meshName: fc.oneof(fc.string(), fc.integer()),
        spec: fc.jsonValue({ maxDepth: 3 }),
        services: fc.oneof(fc.array(fc.string(), { maxLength: 12 }), fc.string()),
        taskDefinition: fc.string(),
        containerDefinitions: fc.jsonValue({ maxDepth: 2 }),
        Entries: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom('', '{"__proto__":{"spec":{"x":1}},"constructor":{"prototype":1}}', '{"services":["__proto__"]}'),
);

async function send(url: string, init: RequestInit): Promise<void> {
  const res = await fetch(url, init);
  const text = await res.text();
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(600);
  expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  if (init.method === 'HEAD') return;
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (res.status >= 400) {
    const type = res.headers.get('x-amzn-errortype') ?? parsed.__type;
    expect(typeof type).toBe('string');
    expect(INTERNAL.has(String(type))).toBe(false);
    expect(typeof (parsed.message ?? parsed.Message)).toBe('string');
  }
}

describe('fuzzed requests', () => {
  it('always get a well-formed AWS answer, never a crash, and the server stays up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          restRequest.map((r) => ({ kind: 'rest' as const, r })),
          fc.constantFrom(...targets).map((t) => ({ kind: 'json' as const, t })),
        ),
        body,
        async (request, payload) => {
          if (request.kind === 'rest') {
            let i = 0;
            const path = request.r.template.uri.replace(/\{[^}]+\}/g, () => request.r.labels[i++] ?? 'x');
            const method = request.r.method ?? request.r.template.method;
            const init: RequestInit = { method };
            if (method !== 'GET' && method !== 'HEAD') init.body = payload;
            await send(`${emu.endpoint}${path}${request.r.query}`, init);
          } else {
            await send(emu.endpoint, {
              method: 'POST',
              headers: { 'x-amz-target': request.t, 'content-type': 'application/x-amz-json-1.1' },
              body: payload,
            });
          }
        },
      ),
      { seed: 20261125, numRuns: 300 },
    );
    const health = await fetch(`${emu.endpoint}/_emulator/health`);
    expect(health.status).toBe(200);
    expect(emu.stats.snapshot().totals.calls).toBeGreaterThan(0);
  });
});
