/**
 * Wire details the SDK depends on, and the front end's handling of hostile input: request ids on every response,
 * content types, querystring members, HEAD/OPTIONS, oversized / non-UTF-8 / malformed / deeply nested bodies, unknown
 * members, and a client that never finishes its request (stop() must not wait for it).
 */
import { connect } from 'node:net';
import * as am from '@aws-sdk/client-app-mesh';
import * as ecs from '@aws-sdk/client-ecs';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, REGION, appMesh, failure, startTestEmulator } from './helpers';

let emu: Emulator;
let ecsClient: ecs.ECSClient;

beforeAll(async () => {
  emu = await startTestEmulator({ maxBodyBytes: 64 * 1024 });
  ecsClient = new ecs.ECSClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
});

const ecsTarget = (op: string): Record<string, string> => ({
  'x-amz-target': `AmazonEC2ContainerServiceV20141113.${op}`,
  'content-type': 'application/x-amz-json-1.1',
});

describe('request ids and content types', () => {
  it('every answer carries x-amzn-RequestId, which the SDK surfaces as $metadata.requestId', async () => {
    const created = await appMesh(emu).send(new am.CreateMeshCommand({ meshName: 'm' }));
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await ecsClient.send(new ecs.ListClustersCommand({}));
    expect(listed.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    try {
      await appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'nope' }));
      throw new Error('expected NotFoundException');
    } catch (err) {
      expect((err as am.NotFoundException).$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const path of ['/v20190125/nowhere', '/_emulator/health', '/']) {
      expect((await fetch(`${emu.endpoint}${path}`)).headers.get('x-amzn-requestid')).toBeTruthy();
    }
  });

  it('answers rest-json as application/json and json 1.1 as application/x-amz-json-1.1', async () => {
    const res = await fetch(`${emu.endpoint}/v20190125/meshes`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const ok = await fetch(emu.endpoint, { method: 'POST', headers: ecsTarget('ListClusters'), body: '{}' });
    expect(ok.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const bad = await fetch(emu.endpoint, {
      method: 'POST',
      headers: ecsTarget('DescribeClusters'),
      body: '{"clusters":1}',
    });
    expect(bad.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await bad.json()).toMatchObject({ __type: 'SerializationException' });
  });
});

describe('App Mesh rest-json details', () => {
  it('reads limit, nextToken and meshOwner from the querystring and answers the payload member as the body', async () => {
    const client = appMesh(emu);
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    for (const name of ['a', 'b', 'c']) {
      await client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: name, spec: {} }));
    }
    const first = await fetch(`${emu.endpoint}/v20190125/meshes/m/virtualNodes?limit=2`);
    const page = (await first.json()) as { virtualNodes: { virtualNodeName: string }[]; nextToken?: string };
    expect(page.virtualNodes.map((n) => n.virtualNodeName)).toEqual(['a', 'b']);
    const next = await client.send(
      new am.ListVirtualNodesCommand({ meshName: 'm', limit: 2, nextToken: page.nextToken }),
    );
    expect(next.virtualNodes?.map((n) => n.virtualNodeName)).toEqual(['c']);
    expect(next.nextToken).toBeUndefined();
    // The Describe body is the VirtualNodeData itself (the output's payload member), not {"virtualNode": ...}.
    const raw = (await (await fetch(`${emu.endpoint}/v20190125/meshes/m/virtualNodes/a`)).json()) as Record<
      string,
      unknown
    >;
    expect(raw.virtualNodeName).toBe('a');
    expect(raw.virtualNode).toBeUndefined();
    const mine = await client.send(new am.DescribeMeshCommand({ meshName: 'm', meshOwner: ACCOUNT }));
    expect(mine.mesh?.meshName).toBe('m');
    expect(
      (await failure(client.send(new am.DescribeMeshCommand({ meshName: 'm', meshOwner: '999999999999' })))).name,
    ).toBe('NotFoundException');
  });

  it('rejects a non-numeric limit and unknown paths with AWS-shaped errors', async () => {
    const res = await fetch(`${emu.endpoint}/v20190125/meshes?limit=ten`);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    const unknown = await fetch(`${emu.endpoint}/v20190125/meshes/m/virtualThings/x`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('answers HEAD without a body and OPTIONS with an error, and keeps serving', async () => {
    const head = await fetch(`${emu.endpoint}/v20190125/meshes`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    const options = await fetch(`${emu.endpoint}/v20190125/meshes`, { method: 'OPTIONS' });
    expect(options.status).toBe(404);
    expect(options.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect((await appMesh(emu).send(new am.ListMeshesCommand({}))).meshes).toEqual([]);
  });
});

describe('hostile bodies', () => {
  it('refuses a body over the limit with 413 instead of buffering it, and stays up', async () => {
    const big = JSON.stringify({ clusterName: 'x', junk: 'y'.repeat(100 * 1024) });
    const res = await fetch(emu.endpoint, { method: 'POST', headers: ecsTarget('CreateCluster'), body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ __type: 'RequestEntityTooLargeException' });
    const mesh = await fetch(`${emu.endpoint}/v20190125/meshes`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meshName: 'm', junk: 'y'.repeat(100 * 1024) }),
    });
    expect(mesh.status).toBe(413);
    expect(mesh.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect((await ecsClient.send(new ecs.ListClustersCommand({}))).clusterArns).toEqual([]);
  });

  it('answers malformed JSON, non-objects, invalid UTF-8 and absurd nesting as serialization errors', async () => {
    emu.stats.reset();
    const bodies: (string | Uint8Array)[] = [
      '{"clusterName": ',
      '[1,2]',
      '"just a string"',
      new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      `{"clusterName":"x","junk":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ];
    for (const body of bodies) {
      const res = await fetch(emu.endpoint, { method: 'POST', headers: ecsTarget('CreateCluster'), body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ __type: 'SerializationException' });
      const mesh = await fetch(`${emu.endpoint}/v20190125/meshes`, { method: 'PUT', body });
      expect(mesh.status).toBe(400);
      expect(mesh.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    }
    expect(emu.stats.snapshot().operations['ecs.CreateCluster']).toMatchObject({ calls: 5, errors: 5 });
  });

  it('drops members the model does not define before the service (and CloudTrail) sees the request', async () => {
    const res = await fetch(`${emu.endpoint}/v20190125/meshes`, {
      method: 'PUT',
      body: JSON.stringify({
        meshName: 'm',
        spec: { egressFilter: { type: 'ALLOW_ALL', extra: 1 }, bogus: true },
        x: 1,
      }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { spec: unknown }).spec).toEqual({ egressFilter: { type: 'ALLOW_ALL' } });
    expect(emu.servedWrites()[0]?.requestParameters).toEqual({
      meshName: 'm',
      spec: { egressFilter: { type: 'ALLOW_ALL' } },
    });
  });
});

describe('stop()', () => {
  it('does not wait for a client that never finishes its request', async () => {
    const own = await startTestEmulator();
    const socket = connect(own.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.on('error', () => undefined);
    // Headers never end, and a second connection sends half a body.
    socket.write(
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\n',
    );
    const body = connect(own.port, '127.0.0.1');
    await new Promise<void>((resolve) => body.once('connect', () => resolve()));
    body.on('error', () => undefined);
    body.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nX-Amz-Target: x.y\r\n\r\n{"a":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    socket.destroy();
    body.destroy();
  });
});
