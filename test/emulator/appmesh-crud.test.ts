/**
 * App Mesh fidelity: create / describe / list / update / delete for all seven kinds through the real SDK client,
 * with metadata (ARN, uid, version, timestamps, owners, status) and the server defaults AWS-FACTS.md lists.
 */
import * as am from '@aws-sdk/client-app-mesh';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, appMesh, failure, httpListener, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let clock = T0;
let emu: Emulator;
let client: am.AppMeshClient;

beforeAll(async () => {
  emu = await startTestEmulator({ now: () => clock });
  client = appMesh(emu);
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  clock = T0;
});

const healthCheck = {
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  intervalMillis: 5000,
  timeoutMillis: 2000,
  protocol: 'http' as const,
  path: '/health',
};

async function topology(): Promise<void> {
  await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
  await client.send(
    new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: { listeners: [httpListener()] } }),
  );
  await client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'b', spec: {} }));
  await client.send(
    new am.CreateVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r', spec: { listeners: [httpListener()] } }),
  );
  await client.send(
    new am.CreateRouteCommand({
      meshName: 'm',
      virtualRouterName: 'r',
      routeName: 'rt',
      spec: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] } } },
    }),
  );
  await client.send(
    new am.CreateVirtualServiceCommand({
      meshName: 'm',
      virtualServiceName: 'svc.local',
      spec: { provider: { virtualRouter: { virtualRouterName: 'r' } } },
    }),
  );
  await client.send(
    new am.CreateVirtualGatewayCommand({
      meshName: 'm',
      virtualGatewayName: 'gw',
      spec: { listeners: [{ portMapping: { port: 9080, protocol: 'http' }, healthCheck }] },
    }),
  );
  await client.send(
    new am.CreateGatewayRouteCommand({
      meshName: 'm',
      virtualGatewayName: 'gw',
      gatewayRouteName: 'gr',
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: 'svc.local' } } },
        },
      },
    }),
  );
}

describe('metadata', () => {
  it('creates every kind with AWS-format ARNs, uid, version 1, epoch timestamps and owners', async () => {
    await topology();
    const base = `arn:aws:appmesh:us-east-1:${ACCOUNT}:mesh/m`;
    const described = [
      [(await client.send(new am.DescribeMeshCommand({ meshName: 'm' }))).mesh, base],
      [
        (await client.send(new am.DescribeVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a' }))).virtualNode,
        `${base}/virtualNode/a`,
      ],
      [
        (await client.send(new am.DescribeVirtualServiceCommand({ meshName: 'm', virtualServiceName: 'svc.local' })))
          .virtualService,
        `${base}/virtualService/svc.local`,
      ],
      [
        (await client.send(new am.DescribeVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r' })))
          .virtualRouter,
        `${base}/virtualRouter/r`,
      ],
      [
        (await client.send(new am.DescribeRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'rt' })))
          .route,
        `${base}/virtualRouter/r/route/rt`,
      ],
      [
        (await client.send(new am.DescribeVirtualGatewayCommand({ meshName: 'm', virtualGatewayName: 'gw' })))
          .virtualGateway,
        `${base}/virtualGateway/gw`,
      ],
      [
        (
          await client.send(
            new am.DescribeGatewayRouteCommand({ meshName: 'm', virtualGatewayName: 'gw', gatewayRouteName: 'gr' }),
          )
        ).gatewayRoute,
        `${base}/virtualGateway/gw/gatewayRoute/gr`,
      ],
    ] as const;
    const uids = new Set<string>();
    for (const [data, arn] of described) {
      expect(data?.metadata?.arn).toBe(arn);
      expect(data?.metadata?.version).toBe(1);
      expect(data?.metadata?.createdAt).toEqual(new Date(T0));
      expect(data?.metadata?.lastUpdatedAt).toEqual(new Date(T0));
      expect(data?.metadata?.meshOwner).toBe(ACCOUNT);
      expect(data?.metadata?.resourceOwner).toBe(ACCOUNT);
      expect(data?.status?.status).toBe('ACTIVE');
      expect(data?.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      uids.add(data?.metadata?.uid ?? '');
    }
    expect(uids.size).toBe(7);
  });

  it('sends timestamps as epoch seconds on the wire', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    const res = await fetch(`${emu.endpoint}/v20190125/meshes/m`);
    const body = (await res.json()) as { metadata: { createdAt: unknown } };
    expect(body.metadata.createdAt).toBe(T0 / 1000);
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  it('update replaces the whole spec, bumps the version by one and moves lastUpdatedAt only', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    await client.send(
      new am.CreateVirtualNodeCommand({
        meshName: 'm',
        virtualNodeName: 'a',
        spec: { listeners: [httpListener()], serviceDiscovery: { dns: { hostname: 'a.local' } } },
      }),
    );
    clock = T0 + 60_000;
    const v2 = await client.send(
      new am.UpdateVirtualNodeCommand({
        meshName: 'm',
        virtualNodeName: 'a',
        spec: { listeners: [httpListener(9090)] },
      }),
    );
    expect(v2.virtualNode?.metadata?.version).toBe(2);
    expect(v2.virtualNode?.metadata?.createdAt).toEqual(new Date(T0));
    expect(v2.virtualNode?.metadata?.lastUpdatedAt).toEqual(new Date(T0 + 60_000));
    // serviceDiscovery was left out of the update: it is gone.
    expect(v2.virtualNode?.spec?.serviceDiscovery).toBeUndefined();
    expect(v2.virtualNode?.spec?.listeners?.[0]?.portMapping?.port).toBe(9090);
    const v3 = await client.send(new am.UpdateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: {} }));
    expect(v3.virtualNode?.metadata?.version).toBe(3);
    const list = await client.send(new am.ListVirtualNodesCommand({ meshName: 'm' }));
    expect(list.virtualNodes?.[0]?.version).toBe(3);
    expect(list.virtualNodes?.[0]?.lastUpdatedAt).toEqual(new Date(T0 + 60_000));
  });
});

describe('per kind: list and delete', () => {
  it('lists each kind with refs carrying arn, version, timestamps and owners', async () => {
    await topology();
    const meshes = await client.send(new am.ListMeshesCommand({}));
    expect(meshes.meshes?.map((m) => m.meshName)).toEqual(['m']);
    expect(meshes.nextToken).toBeUndefined();
    const nodes = await client.send(new am.ListVirtualNodesCommand({ meshName: 'm' }));
    expect(nodes.virtualNodes?.map((n) => n.virtualNodeName)).toEqual(['a', 'b']);
    expect(nodes.virtualNodes?.[0]).toMatchObject({
      meshName: 'm',
      meshOwner: ACCOUNT,
      resourceOwner: ACCOUNT,
      version: 1,
    });
    const services = await client.send(new am.ListVirtualServicesCommand({ meshName: 'm' }));
    expect(services.virtualServices?.map((s) => s.virtualServiceName)).toEqual(['svc.local']);
    const routers = await client.send(new am.ListVirtualRoutersCommand({ meshName: 'm' }));
    expect(routers.virtualRouters?.map((r) => r.virtualRouterName)).toEqual(['r']);
    const routes = await client.send(new am.ListRoutesCommand({ meshName: 'm', virtualRouterName: 'r' }));
    expect(routes.routes?.[0]).toMatchObject({ routeName: 'rt', virtualRouterName: 'r' });
    const gateways = await client.send(new am.ListVirtualGatewaysCommand({ meshName: 'm' }));
    expect(gateways.virtualGateways?.map((g) => g.virtualGatewayName)).toEqual(['gw']);
    const gatewayRoutes = await client.send(
      new am.ListGatewayRoutesCommand({ meshName: 'm', virtualGatewayName: 'gw' }),
    );
    expect(gatewayRoutes.gatewayRoutes?.[0]).toMatchObject({ gatewayRouteName: 'gr', virtualGatewayName: 'gw' });
  });

  it('deletes in dependency order, each delete answering the resource with status DELETED', async () => {
    await topology();
    const deleted = [
      (
        await client.send(
          new am.DeleteGatewayRouteCommand({ meshName: 'm', virtualGatewayName: 'gw', gatewayRouteName: 'gr' }),
        )
      ).gatewayRoute,
      (await client.send(new am.DeleteVirtualGatewayCommand({ meshName: 'm', virtualGatewayName: 'gw' })))
        .virtualGateway,
      (await client.send(new am.DeleteVirtualServiceCommand({ meshName: 'm', virtualServiceName: 'svc.local' })))
        .virtualService,
      (await client.send(new am.DeleteRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'rt' }))).route,
      (await client.send(new am.DeleteVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r' }))).virtualRouter,
      (await client.send(new am.DeleteVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a' }))).virtualNode,
      (await client.send(new am.DeleteVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'b' }))).virtualNode,
      (await client.send(new am.DeleteMeshCommand({ meshName: 'm' }))).mesh,
    ];
    for (const data of deleted) expect(data?.status?.status).toBe('DELETED');
    expect((await failure(client.send(new am.DescribeMeshCommand({ meshName: 'm' })))).name).toBe('NotFoundException');
    expect((await client.send(new am.ListMeshesCommand({}))).meshes).toEqual([]);
  });
});

describe('server defaults', () => {
  it('a mesh created without a spec comes back with spec {} (egressFilter default off: unverified)', async () => {
    const created = await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    expect(created.mesh?.spec).toEqual({});
  });

  it('the unverified egressFilter default can be switched on', async () => {
    const other = await startTestEmulator({ appMesh: { meshEgressFilterDefault: 'DROP_ALL' } });
    try {
      const created = await appMesh(other).send(new am.CreateMeshCommand({ meshName: 'm' }));
      expect(created.mesh?.spec).toEqual({ egressFilter: { type: 'DROP_ALL' } });
    } finally {
      await other.stop();
    }
  });

  it('fills a health check port from its listener, and listeners/backends default to []', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    const node = await client.send(
      new am.CreateVirtualNodeCommand({
        meshName: 'm',
        virtualNodeName: 'a',
        spec: { listeners: [{ ...httpListener(8080), healthCheck }] },
      }),
    );
    expect(node.virtualNode?.spec?.listeners?.[0]?.healthCheck?.port).toBe(8080);
    expect(node.virtualNode?.spec?.backends).toEqual([]);
    const bare = await client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'b', spec: {} }));
    expect(bare.virtualNode?.spec).toEqual({ listeners: [], backends: [] });
    const router = await client.send(
      new am.CreateVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r', spec: {} }),
    );
    expect(router.virtualRouter?.spec).toEqual({ listeners: [] });
    const gw = await client.send(
      new am.CreateVirtualGatewayCommand({
        meshName: 'm',
        virtualGatewayName: 'gw',
        spec: { listeners: [{ portMapping: { port: 9080, protocol: 'http' }, healthCheck }] },
      }),
    );
    expect(gw.virtualGateway?.spec?.listeners?.[0]?.healthCheck?.port).toBe(9080);
  });

  it('merges duplicate backends', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    const backend = (name: string) => ({ virtualService: { virtualServiceName: name } });
    const node = await client.send(
      new am.CreateVirtualNodeCommand({
        meshName: 'm',
        virtualNodeName: 'a',
        spec: { backends: [backend('x.local'), backend('y.local'), backend('x.local')] },
      }),
    );
    expect(node.virtualNode?.spec?.backends).toEqual([backend('x.local'), backend('y.local')]);
  });
});

describe('read lag (AWS-FACTS.md: reads can lag writes briefly; off by default)', () => {
  it('with readAfterCreateLagMs, Describe answers NotFound and List omits a new resource until the lag has passed', async () => {
    let now = T0;
    const lagging = await startTestEmulator({ now: () => now, appMesh: { readAfterCreateLagMs: 2000 } });
    try {
      const c = appMesh(lagging);
      await c.send(new am.CreateMeshCommand({ meshName: 'm' }));
      expect((await failure(c.send(new am.DescribeMeshCommand({ meshName: 'm' })))).name).toBe('NotFoundException');
      expect((await c.send(new am.ListMeshesCommand({}))).meshes).toEqual([]);
      now = T0 + 2000;
      expect((await c.send(new am.DescribeMeshCommand({ meshName: 'm' }))).mesh?.meshName).toBe('m');
    } finally {
      await lagging.stop();
    }
  });
});
