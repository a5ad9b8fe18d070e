/**
 * The emulator core: routing by protocol, AWS-shaped errors for unknown operations (never HTML), SigV4 access
 * key ids and the identities recorded for writes, the control plane (stats, reset, faults) over HTTP.
 */
import * as am from '@aws-sdk/client-app-mesh';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { loadModel } from '../../src/emulator/model';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, appMesh, failure, REGION, startTestEmulator } from './helpers';

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    identities: { AKIDMESHWARD: `arn:aws:sts::${ACCOUNT}:assumed-role/meshward-reconciler/session` },
  });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  emu.stats.reset();
  emu.faults.clear();
});

describe('coverage', () => {
  it('serves every one of the 38 App Mesh operations in the model', () => {
    const model = loadModel('appmesh-2019-01-25.json');
    const served = emu.services.get('appmesh')?.operations ?? new Set<string>();
    expect(Object.keys(model.operations)).toHaveLength(38);
    expect(Object.keys(model.operations).filter((op) => !served.has(op))).toEqual([]);
  });
});

describe('unknown operations answer with AWS errors, not HTML', () => {
  it('an unknown App Mesh path is a 404 UnknownOperationException with a JSON body', async () => {
    const res = await fetch(`${emu.endpoint}/v20190125/meshes/m/virtualThings`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(res.headers.get('content-type')).toContain('json');
    expect(((await res.json()) as { message: string }).message).toContain('virtualThings');
  });

  it('an unknown X-Amz-Target is UnknownOperationException in __type', async () => {
    const res = await fetch(emu.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.LaunchRockets',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const other = await fetch(emu.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'NoSuchService_2020.Op' },
      body: '{}',
    });
    expect(await other.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

describe('identities and served writes', () => {
  it('records every write with the identity derived from the SigV4 access key, failed ones with errorCode', async () => {
    await appMesh(emu, { accessKeyId: 'AKIDMESHWARD' }).send(new am.CreateMeshCommand({ meshName: 'm' }));
    await appMesh(emu, { accessKeyId: 'AKIDCONSOLEUSER' }).send(new am.UpdateMeshCommand({ meshName: 'm', spec: {} }));
    await appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' }));
    await failure(appMesh(emu).send(new am.CreateMeshCommand({ meshName: 'm' })));
    const writes = emu.servedWrites();
    // CloudTrail records failed calls too, with errorCode / errorMessage (CloudTrail record contents reference);
    // drift attribution skips them.
    expect(writes.map((w) => [w.eventName, w.errorCode])).toEqual([
      ['CreateMesh', undefined],
      ['UpdateMesh', undefined],
      ['CreateMesh', 'ConflictException'],
    ]);
    expect(writes[2]?.errorMessage).toContain('already exists');
    expect(writes[2]?.responseElements).toBeUndefined();
    expect(writes[0]).toMatchObject({
      eventSource: 'appmesh.amazonaws.com',
      userIdentityArn: `arn:aws:sts::${ACCOUNT}:assumed-role/meshward-reconciler/session`,
      accessKeyId: 'AKIDMESHWARD',
      sourceIPAddress: '127.0.0.1',
      resources: [{ ARN: `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/m` }],
    });
    expect(writes[0]?.requestParameters).toMatchObject({ meshName: 'm' });
    expect(writes[1]?.userIdentityArn).toBe(`arn:aws:iam::${ACCOUNT}:user/AKIDCONSOLEUSER`);
    const overHttp = (await (await fetch(`${emu.endpoint}/_emulator/writes`)).json()) as { servedWrites: unknown[] };
    expect(overHttp.servedWrites).toHaveLength(3);
  });
});

describe('control plane', () => {
  it('counts calls, errors and throttles per service and operation, over HTTP and in process', async () => {
    const client = appMesh(emu);
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    await client.send(new am.DescribeMeshCommand({ meshName: 'm' }));
    await failure(client.send(new am.DescribeMeshCommand({ meshName: 'nope' })));
    const ecs = new ECSClient({
      endpoint: emu.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    await ecs.send(new ListClustersCommand({}));
    const stats = (await (await fetch(`${emu.endpoint}/_emulator/stats`)).json()) as {
      operations: Record<string, { calls: number; errors: number }>;
      totals: { calls: number };
    };
    expect(stats.operations['appmesh.DescribeMesh']).toMatchObject({ calls: 2, errors: 1 });
    expect(stats.operations['ecs.ListClusters']).toMatchObject({ calls: 1, errors: 0 });
    expect(stats.totals.calls).toBe(4);
    expect(emu.stats.calls('DescribeMesh')).toBe(2);
    await fetch(`${emu.endpoint}/_emulator/stats/reset`, { method: 'POST' });
    expect(emu.stats.snapshot().totals.calls).toBe(0);
  });

  it('resets all resources over HTTP', async () => {
    await appMesh(emu).send(new am.CreateMeshCommand({ meshName: 'm' }));
    expect((await fetch(`${emu.endpoint}/_emulator/reset`, { method: 'POST' })).status).toBe(200);
    expect((await appMesh(emu).send(new am.ListMeshesCommand({}))).meshes).toEqual([]);
    expect(emu.servedWrites()).toEqual([]);
  });

  it('sets, reads and clears faults over HTTP', async () => {
    const set = await fetch(`${emu.endpoint}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ throttle: { rate: 1, operations: ['ListMeshes'] } }),
    });
    expect(set.status).toBe(200);
    expect(emu.faults.get()).toEqual({ throttle: { rate: 1, operations: ['ListMeshes'] } });
    expect((await failure(appMesh(emu).send(new am.ListMeshesCommand({})))).name).toBe('TooManyRequestsException');
    await fetch(`${emu.endpoint}/_emulator/faults`, { method: 'DELETE' });
    await appMesh(emu).send(new am.ListMeshesCommand({}));
    const bad = await fetch(`${emu.endpoint}/_emulator/faults`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
  });
});
