/**
 * App Mesh fidelity: the errors and semantics AWS-FACTS.md lists (NotFound, Conflict, idempotency tokens,
 * ResourceInUse, quotas, tags, paging, referential checks), through the real SDK client.
 */
import * as am from '@aws-sdk/client-app-mesh';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, appMesh, failure, httpListener, startTestEmulator } from './helpers';

let emu: Emulator;
let client: am.AppMeshClient;

beforeAll(async () => {
  emu = await startTestEmulator({
    appMesh: { quotas: { meshesPerAccount: 3, routesPerVirtualRouter: 2, backendsPerVirtualNode: 2 } },
  });
  client = appMesh(emu);
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

const route = (target: string) => ({
  httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: target, weight: 1 }] } },
});
const meshArn = (name: string) => `arn:aws:appmesh:us-east-1:${ACCOUNT}:mesh/${name}`;

async function meshWithNode(): Promise<void> {
  await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
  await client.send(
    new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: { listeners: [httpListener()] } }),
  );
}

describe('NotFoundException', () => {
  it('for a missing mesh, parent router / gateway, and resource (404)', async () => {
    const noMesh = await failure(
      client.send(new am.CreateVirtualNodeCommand({ meshName: 'nope', virtualNodeName: 'a', spec: {} })),
    );
    expect(noMesh).toMatchObject({ name: 'NotFoundException', status: 404 });
    await meshWithNode();
    const noRouter = await failure(
      client.send(
        new am.CreateRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'x', spec: route('a') }),
      ),
    );
    expect(noRouter.name).toBe('NotFoundException');
    expect(noRouter.message).toContain('VirtualRouter');
    const noGateway = await failure(
      client.send(new am.ListGatewayRoutesCommand({ meshName: 'm', virtualGatewayName: 'g' })),
    );
    expect(noGateway.name).toBe('NotFoundException');
    const noNode = await failure(
      client.send(new am.DescribeVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'zz' })),
    );
    expect(noNode).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(
      (await failure(client.send(new am.UpdateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'zz', spec: {} }))))
        .name,
    ).toBe('NotFoundException');
    expect(
      (await failure(client.send(new am.DeleteVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'zz' })))).name,
    ).toBe('NotFoundException');
  });

  it('for a mesh owned by another account (meshOwner)', async () => {
    await meshWithNode();
    const err = await failure(
      client.send(
        new am.DescribeVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', meshOwner: '999988887777' }),
      ),
    );
    expect(err.name).toBe('NotFoundException');
  });
});

describe('referential checks (App Mesh validates references on write; backends excepted)', () => {
  // Recorded fact (unverified against a live account, configurable with appMesh.checkReferences): a route target,
  // a virtual service provider and a gateway route target must exist; "VirtualNode with name X is not present
  // under mesh M" is App Mesh's NotFound wording seen in controller logs.
  it('rejects references to resources that do not exist with NotFoundException', async () => {
    await meshWithNode();
    await client.send(
      new am.CreateVirtualRouterCommand({
        meshName: 'm',
        virtualRouterName: 'r',
        spec: { listeners: [httpListener()] },
      }),
    );
    const routeErr = await failure(
      client.send(
        new am.CreateRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'x', spec: route('ghost') }),
      ),
    );
    expect(routeErr).toMatchObject({
      name: 'NotFoundException',
      message: `VirtualNode with name ghost is not present under mesh m for account ${ACCOUNT}`,
    });
    const vsErr = await failure(
      client.send(
        new am.CreateVirtualServiceCommand({
          meshName: 'm',
          virtualServiceName: 's',
          spec: { provider: { virtualNode: { virtualNodeName: 'ghost' } } },
        }),
      ),
    );
    expect(vsErr.name).toBe('NotFoundException');
    await client.send(
      new am.CreateVirtualGatewayCommand({
        meshName: 'm',
        virtualGatewayName: 'g',
        spec: { listeners: [httpListener()] },
      }),
    );
    const grErr = await failure(
      client.send(
        new am.CreateGatewayRouteCommand({
          meshName: 'm',
          virtualGatewayName: 'g',
          gatewayRouteName: 'gr',
          spec: {
            httpRoute: {
              match: { prefix: '/' },
              action: { target: { virtualService: { virtualServiceName: 'ghost' } } },
            },
          },
        }),
      ),
    );
    expect(grErr.name).toBe('NotFoundException');
    // Backends may name services that do not exist yet: nodes and services reference each other.
    await client.send(
      new am.CreateVirtualNodeCommand({
        meshName: 'm',
        virtualNodeName: 'b',
        spec: { backends: [{ virtualService: { virtualServiceName: 'later.local' } }] },
      }),
    );
  });

  it('a route must name exactly one route type (BadRequestException)', async () => {
    await meshWithNode();
    await client.send(
      new am.CreateVirtualRouterCommand({
        meshName: 'm',
        virtualRouterName: 'r',
        spec: { listeners: [httpListener()] },
      }),
    );
    const both = { ...route('a'), tcpRoute: { action: { weightedTargets: [{ virtualNode: 'a', weight: 1 }] } } };
    const err = await failure(
      client.send(new am.CreateRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'x', spec: both })),
    );
    expect(err).toMatchObject({ name: 'BadRequestException', status: 400 });
  });
});

describe('ConflictException and idempotency tokens', () => {
  it('a name that exists is a ConflictException (409)', async () => {
    await meshWithNode();
    expect(await failure(client.send(new am.CreateMeshCommand({ meshName: 'm' })))).toMatchObject({
      name: 'ConflictException',
      status: 409,
    });
    const again = await failure(
      client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: {} })),
    );
    expect(again.name).toBe('ConflictException');
  });

  it('the same clientToken with the same request returns the original result', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    const input = { meshName: 'm', virtualNodeName: 'n', spec: { listeners: [httpListener()] }, clientToken: 'tok-1' };
    const first = await client.send(new am.CreateVirtualNodeCommand(input));
    const second = await client.send(new am.CreateVirtualNodeCommand(input));
    expect(second.virtualNode?.metadata?.uid).toBe(first.virtualNode?.metadata?.uid);
    const update = { meshName: 'm', virtualNodeName: 'n', spec: {}, clientToken: 'tok-2' };
    await client.send(new am.UpdateVirtualNodeCommand(update));
    const replay = await client.send(new am.UpdateVirtualNodeCommand(update));
    expect(replay.virtualNode?.metadata?.version).toBe(2);
    const described = await client.send(new am.DescribeVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'n' }));
    expect(described.virtualNode?.metadata?.version).toBe(2);
  });

  it('the same clientToken with a different request is a ConflictException; tokens are scoped per operation', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm', clientToken: 'shared' }));
    const err = await failure(client.send(new am.CreateMeshCommand({ meshName: 'other', clientToken: 'shared' })));
    expect(err.name).toBe('ConflictException');
    // The same token on another operation is a new request.
    const updated = await client.send(new am.UpdateMeshCommand({ meshName: 'm', clientToken: 'shared' }));
    expect(updated.mesh?.metadata?.version).toBe(2);
  });
});

describe('ResourceInUseException (409)', () => {
  it('guards deletes of a mesh with members, a router with routes, a gateway with gateway routes and providers', async () => {
    await meshWithNode();
    await client.send(
      new am.CreateVirtualRouterCommand({
        meshName: 'm',
        virtualRouterName: 'r',
        spec: { listeners: [httpListener()] },
      }),
    );
    await client.send(
      new am.CreateRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'rt', spec: route('a') }),
    );
    await client.send(
      new am.CreateVirtualServiceCommand({
        meshName: 'm',
        virtualServiceName: 's1',
        spec: { provider: { virtualNode: { virtualNodeName: 'a' } } },
      }),
    );
    await client.send(
      new am.CreateVirtualServiceCommand({
        meshName: 'm',
        virtualServiceName: 's2',
        spec: { provider: { virtualRouter: { virtualRouterName: 'r' } } },
      }),
    );
    await client.send(
      new am.CreateVirtualGatewayCommand({
        meshName: 'm',
        virtualGatewayName: 'g',
        spec: { listeners: [httpListener()] },
      }),
    );
    await client.send(
      new am.CreateGatewayRouteCommand({
        meshName: 'm',
        virtualGatewayName: 'g',
        gatewayRouteName: 'gr',
        spec: {
          httpRoute: { match: { prefix: '/' }, action: { target: { virtualService: { virtualServiceName: 's1' } } } },
        },
      }),
    );
    const inUse = async (p: Promise<unknown>) =>
      expect(await failure(p)).toMatchObject({ name: 'ResourceInUseException', status: 409 });
    await inUse(client.send(new am.DeleteMeshCommand({ meshName: 'm' })));
    await inUse(client.send(new am.DeleteVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r' })));
    await inUse(client.send(new am.DeleteVirtualGatewayCommand({ meshName: 'm', virtualGatewayName: 'g' })));
    await inUse(client.send(new am.DeleteVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a' })));
    await client.send(new am.DeleteRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'rt' }));
    // Still the provider of s2.
    await inUse(client.send(new am.DeleteVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r' })));
  });
});

describe('LimitExceededException (quotas configurable; the SDK classifies it as throttling, so maxAttempts 1 here)', () => {
  it('stops at the mesh, route and backend quotas', async () => {
    for (const name of ['m', 'm2', 'm3']) await client.send(new am.CreateMeshCommand({ meshName: name }));
    expect(await failure(client.send(new am.CreateMeshCommand({ meshName: 'm4' })))).toMatchObject({
      name: 'LimitExceededException',
      status: 400,
    });
    await client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'a', spec: {} }));
    await client.send(new am.CreateVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r', spec: {} }));
    await client.send(
      new am.CreateRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'r1', spec: route('a') }),
    );
    await client.send(
      new am.CreateRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'r2', spec: route('a') }),
    );
    expect(
      (
        await failure(
          client.send(
            new am.CreateRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'r3', spec: route('a') }),
          ),
        )
      ).name,
    ).toBe('LimitExceededException');
    const backends = ['x', 'y', 'z'].map((n) => ({ virtualService: { virtualServiceName: `${n}.local` } }));
    expect(
      (
        await failure(
          client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'b', spec: { backends } })),
        )
      ).name,
    ).toBe('LimitExceededException');
  });

  it('default quota: 3 virtual gateways per mesh', async () => {
    const other = await startTestEmulator();
    try {
      const c = appMesh(other);
      await c.send(new am.CreateMeshCommand({ meshName: 'm' }));
      for (const g of ['g1', 'g2', 'g3'])
        await c.send(
          new am.CreateVirtualGatewayCommand({
            meshName: 'm',
            virtualGatewayName: g,
            spec: { listeners: [httpListener()] },
          }),
        );
      const err = await failure(
        c.send(
          new am.CreateVirtualGatewayCommand({
            meshName: 'm',
            virtualGatewayName: 'g4',
            spec: { listeners: [httpListener()] },
          }),
        ),
      );
      expect(err.name).toBe('LimitExceededException');
    } finally {
      await other.stop();
    }
  });
});

describe('tags', () => {
  const tags = (n: number, prefix = 'k') =>
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

  it('tag, untag and list with paging; Update leaves tags alone', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm', tags: tags(3) }));
    await client.send(
      new am.TagResourceCommand({
        resourceArn: meshArn('m'),
        tags: [
          { key: 'k0', value: 'changed' },
          { key: 'new', value: 'x' },
        ],
      }),
    );
    await client.send(new am.UntagResourceCommand({ resourceArn: meshArn('m'), tagKeys: ['k1', 'absent'] }));
    await client.send(new am.UpdateMeshCommand({ meshName: 'm', spec: {} }));
    const page1 = await client.send(new am.ListTagsForResourceCommand({ resourceArn: meshArn('m'), limit: 2 }));
    expect(page1.tags).toHaveLength(2);
    expect(page1.nextToken).toBeDefined();
    const page2 = await client.send(
      new am.ListTagsForResourceCommand({ resourceArn: meshArn('m'), limit: 2, nextToken: page1.nextToken }),
    );
    expect(page2.nextToken).toBeUndefined();
    expect([...(page1.tags ?? []), ...(page2.tags ?? [])]).toEqual([
      { key: 'k0', value: 'changed' },
      { key: 'k2', value: 'v2' },
      { key: 'new', value: 'x' },
    ]);
  });

  it('TooManyTagsException past 50 tags; more than 50 in one request breaks the model (BadRequest)', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm', tags: tags(50) }));
    const err = await failure(
      client.send(new am.TagResourceCommand({ resourceArn: meshArn('m'), tags: [{ key: 'one-more', value: '' }] })),
    );
    expect(err).toMatchObject({ name: 'TooManyTagsException', status: 400 });
    const create = await failure(client.send(new am.CreateMeshCommand({ meshName: 'm2', tags: tags(51) })));
    expect(create.name).toBe('BadRequestException');
  });

  it('tags of a resource that does not exist are a NotFoundException', async () => {
    expect(
      (await failure(client.send(new am.ListTagsForResourceCommand({ resourceArn: meshArn('ghost') })))).name,
    ).toBe('NotFoundException');
  });
});

describe('paging', () => {
  it('pages with limit and an opaque nextToken that is absent on the last page', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    for (let i = 0; i < 5; i += 1)
      await client.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: `n${i}`, spec: {} }));
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new am.ListVirtualNodesCommand({ meshName: 'm', limit: 2, nextToken }));
      names.push(...(page.virtualNodes ?? []).map((n) => n.virtualNodeName ?? ''));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(names).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    const all: string[] = [];
    for await (const page of am.paginateListVirtualNodes({ client, pageSize: 3 }, { meshName: 'm' }))
      all.push(...(page.virtualNodes ?? []).map((n) => n.virtualNodeName ?? ''));
    expect(all).toHaveLength(5);
  });

  it('rejects limits outside 1..100 and tokens it did not issue', async () => {
    await client.send(new am.CreateMeshCommand({ meshName: 'm' }));
    for (const limit of [0, 101]) {
      const err = await failure(client.send(new am.ListVirtualNodesCommand({ meshName: 'm', limit })));
      expect(err.name).toBe('BadRequestException');
    }
    expect(
      (await failure(client.send(new am.ListVirtualNodesCommand({ meshName: 'm', nextToken: 'garbage' })))).name,
    ).toBe('BadRequestException');
  });
});
