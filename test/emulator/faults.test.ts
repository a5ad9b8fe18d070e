/**
 * Fault injection and rate limits: injected errors are the services' real error types, so the SDK classifies
 * them as AWS would (throttling and 5xx retryable) and its default retries get through.
 */
import * as am from '@aws-sdk/client-app-mesh';
import { ECSClient, ListClustersCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { AwsApiError } from '../../src/emulator/contracts';
import type { Emulator } from '../../src/emulator/server';
import { appMesh, failure, REGION, startTestEmulator } from './helpers';

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({ seed: 7 });
  await appMesh(emu).send(new am.CreateMeshCommand({ meshName: 'm' }));
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.faults.clear();
  emu.stats.reset();
});

const ecsClient = (maxAttempts = 1) =>
  new ECSClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts,
  });

describe('throttling', () => {
  it('App Mesh: TooManyRequestsException 429, marked retryable as throttling by the SDK', async () => {
    emu.faults.set({ throttle: { rate: 1 } });
    const err = await failure(appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' })));
    expect(err).toMatchObject({ name: 'TooManyRequestsException', status: 429, retryable: true });
    expect(emu.stats.snapshot().operations['appmesh.DescribeMesh']).toMatchObject({
      calls: 1,
      errors: 1,
      throttled: 1,
    });
  });

  it('ECS: ThrottlingException 400 with __type', async () => {
    emu.faults.set({ throttle: { rate: 1, operations: ['ecs.*'] } });
    const err = await failure(ecsClient().send(new ListClustersCommand({})));
    expect(err).toMatchObject({ name: 'ThrottlingException', status: 400 });
    // Only ECS was selected.
    await appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' }));
  });

  it('with the default retries (3 attempts) the SDK gets through a throttled call', async () => {
    emu.faults.set({ throttle: { rate: 1, count: 1, operations: ['DescribeMesh'] } });
    const described = await appMesh(emu, { maxAttempts: 3 }).send(new am.DescribeMeshCommand({ meshName: 'm' }));
    expect(described.$metadata.attempts).toBe(2);
    emu.faults.set({ throttle: { rate: 1, count: 1, operations: ['ecs.ListClusters'] } });
    const listed = await ecsClient(3).send(new ListClustersCommand({}));
    expect(listed.$metadata.attempts).toBe(2);
    expect(emu.stats.snapshot().totals).toMatchObject({ calls: 4, throttled: 2 });
  });

  it('the same seed repeats the same run', async () => {
    const run = async (): Promise<boolean[]> => {
      emu.faults.set({ seed: 42, throttle: { rate: 0.4 } });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 12; i += 1) {
        outcomes.push(
          await appMesh(emu)
            .send(new am.DescribeMeshCommand({ meshName: 'm' }))
            .then(
              () => true,
              () => false,
            ),
        );
      }
      return outcomes;
    };
    const first = await run();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await run()).toEqual(first);
  });
});

describe('server errors and latency', () => {
  it('5xx: InternalServerErrorException 500 / ServiceUnavailableException 503 (App Mesh), ServerException 500 (ECS)', async () => {
    emu.faults.set({ serverError: { rate: 1 } });
    expect(await failure(appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' })))).toMatchObject({
      name: 'InternalServerErrorException',
      status: 500,
    });
    expect(await failure(ecsClient().send(new ListClustersCommand({})))).toMatchObject({
      name: 'ServerException',
      status: 500,
    });
    emu.faults.set({ serverError: { rate: 1, status: 503, operations: ['DescribeMesh'] } });
    expect(await failure(appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' })))).toMatchObject({
      name: 'ServiceUnavailableException',
      status: 503,
    });
  });

  it('adds fixed latency', async () => {
    emu.faults.set({ latency: { fixedMs: 120, operations: ['appmesh.DescribeMesh'] } });
    const started = Date.now();
    await appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('failAfterCalls simulates a crash: every call after the first n fails', async () => {
    emu.faults.set({ failAfterCalls: 2 });
    const client = appMesh(emu);
    await client.send(new am.DescribeMeshCommand({ meshName: 'm' }));
    await client.send(new am.DescribeMeshCommand({ meshName: 'm' }));
    expect((await failure(client.send(new am.DescribeMeshCommand({ meshName: 'm' })))).name).toBe(
      'ServiceUnavailableException',
    );
    expect((await failure(client.send(new am.ListMeshesCommand({})))).name).toBe('ServiceUnavailableException');
  });

  it('an in-process hook can fail chosen calls with any AWS error', async () => {
    emu.faults.setHook((call) =>
      call.operation === 'ListMeshes' ? new AwsApiError('ForbiddenException', 403, 'no') : undefined,
    );
    expect(await failure(appMesh(emu).send(new am.ListMeshesCommand({})))).toMatchObject({
      name: 'ForbiddenException',
      status: 403,
    });
    await appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' }));
    emu.faults.setHook(undefined);
    await appMesh(emu).send(new am.ListMeshesCommand({}));
  });
});

describe('token-bucket rate limits (off unless enabled)', () => {
  it('App Mesh: a configured read bucket throttles the call past its burst', async () => {
    emu.faults.set({ rateLimits: { enabled: true, limits: { 'appmesh.read': { burst: 3, perSecond: 0.001 } } } });
    const client = appMesh(emu);
    for (let i = 0; i < 3; i += 1) await client.send(new am.DescribeMeshCommand({ meshName: 'm' }));
    expect((await failure(client.send(new am.ListMeshesCommand({})))).name).toBe('TooManyRequestsException');
  });

  it('ECS: RegisterTaskDefinition allows a burst of 20, then throttles (AWS-FACTS.md: 20 burst / 1 per s)', async () => {
    emu.faults.set({ rateLimits: { enabled: true } });
    const ecs = ecsClient();
    const input = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] };
    for (let i = 0; i < 20; i += 1) await ecs.send(new RegisterTaskDefinitionCommand(input));
    expect(await failure(ecs.send(new RegisterTaskDefinitionCommand(input)))).toMatchObject({
      name: 'ThrottlingException',
      status: 400,
    });
    expect(emu.stats.snapshot().operations['ecs.RegisterTaskDefinition']).toMatchObject({ calls: 21, throttled: 1 });
  });

  it('are off by default', async () => {
    const client = appMesh(emu);
    for (let i = 0; i < 60; i += 1) await client.send(new am.DescribeMeshCommand({ meshName: 'm' }));
    expect(emu.stats.snapshot().totals.throttled).toBe(0);
  });
});

describe('faults after the commit (lostAnswer): the write is done, the answer is lost', () => {
  // AWS documents both halves: a 5xx "does not necessarily mean the request failed" and a retry with the same
  // client token returns the original result (App Mesh CreateMesh clientToken: "Up to 36 letters ... to ensure the
  // idempotency of the request", https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_CreateMesh.html;
  // https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html: 5xx are retried).
  // RegisterTaskDefinition takes no token: each call that reaches ECS is a new revision.
  it('a 500 after CreateVirtualNode committed: the node exists, and a retry with the same token answers it', async () => {
    emu.faults.set({ lostAnswer: { rate: 1, count: 1, operations: ['CreateVirtualNode'] } });
    const client = appMesh(emu);
    const input = { meshName: 'm', virtualNodeName: 'lost', spec: {}, clientToken: 'mw-lost-1' };
    expect(await failure(client.send(new am.CreateVirtualNodeCommand(input)))).toMatchObject({ status: 500 });
    const described = await client.send(new am.DescribeVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'lost' }));
    expect(described.virtualNode?.metadata?.version).toBe(1);
    const retried = await client.send(new am.CreateVirtualNodeCommand(input));
    expect(retried.virtualNode?.metadata?.uid).toBe(described.virtualNode?.metadata?.uid);
    expect(emu.faults.injectedCounts()).toEqual({ lostAnswer: 1 });
  });

  it('a dropped connection after RegisterTaskDefinition: the SDK retries and ECS registers a second revision', async () => {
    emu.faults.set({ lostAnswer: { rate: 1, count: 1, mode: 'drop', operations: ['ecs.RegisterTaskDefinition'] } });
    const input = { family: 'lost', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] };
    const out = await ecsClient(3).send(new RegisterTaskDefinitionCommand(input));
    expect(out.taskDefinition?.revision).toBe(2);
    expect(out.$metadata.attempts).toBe(2);
  });

  it('never selects a read', async () => {
    emu.faults.set({ lostAnswer: { rate: 1 } });
    await appMesh(emu).send(new am.DescribeMeshCommand({ meshName: 'm' }));
    expect(emu.faults.injectedCounts()).toEqual({});
  });
});
