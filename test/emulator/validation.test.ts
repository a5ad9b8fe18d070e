/**
 * Request validation against the API models, as AWS's front ends do it: the error type and status per protocol,
 * and AWS's "N validation error(s) detected: Value ... at 'path' failed to satisfy constraint: ..." message.
 * The out-of-range and missing-required samples are taken from the model, not hard-coded bounds.
 */
import * as am from '@aws-sdk/client-app-mesh';
import { ECSClient, CreateServiceCommand } from '@aws-sdk/client-ecs';
import { GetServiceCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { loadModel } from '../../src/emulator/model';
import type { Emulator } from '../../src/emulator/server';
import { compilePattern, formatValidationMessage, validateInput } from '../../src/emulator/validate-input';
import { appMesh, failure, httpListener, REGION, startTestEmulator } from './helpers';

const model = loadModel('appmesh-2019-01-25.json');
const bound = (shape: string, which: 'min' | 'max'): number => {
  const value = model.shapes[shape]?.[which];
  if (value === undefined) throw new Error(`${shape} has no ${which}`);
  return value;
};

let emu: Emulator;
let client: am.AppMeshClient;
beforeAll(async () => {
  emu = await startTestEmulator();
  client = appMesh(emu);
  await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
  await client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: {} }));
  await client.send(
    new am.CreateVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r', spec: { listeners: [httpListener()] } }),
  );
});
afterAll(async () => {
  await emu.stop();
});

const healthCheck = {
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  intervalMillis: 5000,
  timeoutMillis: 2000,
  protocol: 'http' as const,
};

describe('App Mesh: BadRequestException 400 with the member path and the constraint', () => {
  it.each([
    ['intervalMillis below min', 'HealthCheckIntervalMillis', 'min', 'intervalMillis'],
    ['intervalMillis above max', 'HealthCheckIntervalMillis', 'max', 'intervalMillis'],
    ['timeoutMillis below min', 'HealthCheckTimeoutMillis', 'min', 'timeoutMillis'],
    ['healthyThreshold above max', 'HealthCheckThreshold', 'max', 'healthyThreshold'],
  ] as const)('%s (bound read from the model)', async (_title, shape, which, member) => {
    const limit = bound(shape, which);
    const value = which === 'min' ? limit - 1 : limit + 1;
    const spec = {
      listeners: [httpListener(), { ...httpListener(8081), healthCheck: { ...healthCheck, [member]: value } }],
    };
    const err = await failure(
      client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: `bad-${member}`, spec })),
    );
    const relation = which === 'min' ? 'greater than or equal to' : 'less than or equal to';
    expect(err).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(err.message).toBe(
      `1 validation error detected: Value '${value}' at 'spec.listeners.2.member.healthCheck.${member}' failed to satisfy constraint: ` +
        `Member must have value ${relation} ${limit}`,
    );
  });

  it('port out of range, name too long, enum outside its set, too many weighted targets', async () => {
    const port = await failure(
      client.send(
        new am.CreateVirtualNodeCommand({
          meshName: 'm',
          virtualNodeName: 'p',
          spec: { listeners: [httpListener(bound('PortNumber', 'max') + 1)] },
        }),
      ),
    );
    expect(port.message).toContain(
      "at 'spec.listeners.1.member.portMapping.port' failed to satisfy constraint: Member must have value less than or equal to 65535",
    );
    const long = 'x'.repeat(bound('ResourceName', 'max') + 1);
    const name = await failure(client.send(new am.CreateMeshCommand({ meshName: long })));
    expect(name.message).toContain('Member must have length less than or equal to 255');
    const enumErr = await failure(
      client.send(
        new am.CreateVirtualNodeCommand({
          meshName: 'm',
          virtualNodeName: 'e',
          spec: { listeners: [{ portMapping: { port: 80, protocol: 'ftp' as 'http' } }] },
        }),
      ),
    );
    expect(enumErr.message).toContain('Member must satisfy enum value set: [http, tcp, http2, grpc]');
    const targets = Array.from({ length: bound('WeightedTargets', 'max') + 1 }, () => ({
      virtualNode: 'a',
      weight: 1,
    }));
    const tooMany = await failure(
      client.send(
        new am.CreateRouteCommand({
          meshName: 'm',
          virtualRouterName: 'r',
          routeName: 't',
          spec: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets } } },
        }),
      ),
    );
    expect(tooMany.message).toContain(
      "at 'spec.httpRoute.action.weightedTargets' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  });

  it('each required member of HttpRoute, HttpRouteAction and WeightedTarget, when missing, is reported at its path', async () => {
    const full = { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] } };
    const cases: [string, Record<string, unknown>][] = [];
    for (const member of model.shapes.HttpRoute?.required ?? []) {
      const { [member]: _drop, ...rest } = full as Record<string, unknown>;
      void _drop;
      cases.push([`spec.httpRoute.${member}`, rest]);
    }
    for (const member of model.shapes.WeightedTarget?.required ?? []) {
      const { [member]: _drop, ...target } = { virtualNode: 'a', weight: 1 } as Record<string, unknown>;
      void _drop;
      cases.push([
        `spec.httpRoute.action.weightedTargets.1.member.${member}`,
        { ...full, action: { weightedTargets: [target] } },
      ]);
    }
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const [path, httpRoute] of cases) {
      const err = await failure(
        client.send(
          new am.CreateRouteCommand({
            meshName: 'm',
            virtualRouterName: 'r',
            routeName: 'x',
            spec: { httpRoute } as unknown as am.RouteSpec,
          }),
        ),
      );
      expect(err.name).toBe('BadRequestException');
      expect(err.message).toContain(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    }
  });

  it('a union with two members set is rejected', async () => {
    const err = await failure(
      client.send(
        new am.CreateVirtualServiceCommand({
          meshName: 'm',
          virtualServiceName: 'u',
          spec: {
            provider: {
              virtualNode: { virtualNodeName: 'a' },
              virtualRouter: { virtualRouterName: 'r' },
            } as unknown as am.VirtualServiceProvider,
          },
        }),
      ),
    );
    expect(err.name).toBe('BadRequestException');
    expect(err.message).toContain("at 'spec.provider'");
  });

  it('counts several errors in one message', async () => {
    const err = await failure(
      client.send(
        new am.CreateVirtualNodeCommand({
          meshName: 'm',
          virtualNodeName: 'two',
          spec: { listeners: [{ ...httpListener(0), healthCheck: { ...healthCheck, intervalMillis: 1 } }] },
        }),
      ),
    );
    expect(err.message).toMatch(/^2 validation errors detected: Value '1' at .*; Value '0' at /);
  });
});

describe('wire-level behaviour the SDK cannot produce', () => {
  it('ignores unknown members, as the AWS JSON protocols do', async () => {
    const res = await fetch(`${emu.endpoint}/v20190125/meshes`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meshName: 'extra', spec: {}, someFutureField: { x: 1 } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { meshName: string; spec: unknown };
    expect(body).toMatchObject({ meshName: 'extra', spec: {} });
  });

  it('a wrong JSON type and a malformed body are BadRequestException', async () => {
    const wrongType = await fetch(`${emu.endpoint}/v20190125/meshes`, {
      method: 'PUT',
      body: JSON.stringify({ meshName: 42 }),
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    const malformed = await fetch(`${emu.endpoint}/v20190125/meshes`, { method: 'PUT', body: '{"meshName":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toBeTruthy();
  });

  it('a querystring number that is not a number is rejected', async () => {
    const res = await fetch(`${emu.endpoint}/v20190125/meshes?limit=abc`);
    expect(res.status).toBe(400);
  });
});

describe('json 1.1 services map validation to their own error types', () => {
  const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' };

  it('Cloud Map: InvalidInput, with AWS exact wording for a missing Id', async () => {
    // Recorded AWS response: "InvalidInputException: 1 validation error detected: Value null at 'id' failed to
    // satisfy constraint: Member must not be null (Service: AWSServiceDiscovery; Status Code: 400; Error Code: InvalidInput)"
    const sd = new ServiceDiscoveryClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const err = await failure(sd.send(new GetServiceCommand({} as { Id: string })));
    expect(err).toMatchObject({ name: 'InvalidInput', status: 400 });
    expect(err.message).toBe(
      "1 validation error detected: Value null at 'id' failed to satisfy constraint: Member must not be null",
    );
  });

  it('ECS: InvalidParameterException (400) with __type in the body', async () => {
    const ecs = new ECSClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const err = await failure(ecs.send(new CreateServiceCommand({} as { serviceName: string })));
    expect(err).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(err.message).toContain("Value null at 'serviceName' failed to satisfy constraint: Member must not be null");
  });
});

describe('validator units', () => {
  it('reports a wrong JSON type as a type issue (SerializationException on the json services)', () => {
    const ecs = loadModel('ecs-2014-11-13.json');
    const issues = validateInput(ecs, 'CreateServiceRequest', { serviceName: 's', desiredCount: 'x' });
    expect(issues).toEqual([expect.objectContaining({ path: 'desiredCount', kind: 'type' })]);
  });

  it('compiles Java-ish patterns defensively and records what JS cannot compile', () => {
    expect(compilePattern('^[a-zA-Z0-9!-~]+$')?.test('abc')).toBe(true);
    expect(compilePattern('^\\p{Alnum}+$')).toBeNull();
  });

  it('formats messages like AWS', () => {
    expect(
      formatValidationMessage([
        {
          path: 'limit',
          value: 0,
          constraint: 'Member must have value greater than or equal to 1',
          kind: 'constraint',
        },
      ]),
    ).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});
