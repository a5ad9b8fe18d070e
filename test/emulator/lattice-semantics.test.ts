/**
 * VPC Lattice behaviour a reconciler depends on: errors with the model's members, clientToken idempotency, paging,
 * asynchronous statuses on the emulator clock, quotas and in-use conflicts. Sources: the AWS VPC Lattice API
 * reference (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/), cited per test.
 */
import * as vl from '@aws-sdk/client-vpc-lattice';
import type { Emulator } from '../../src/emulator/server';
import { failure, startTestEmulator } from './helpers';
import { ipTargetGroup, lattice, serviceWithListener, VPC } from './lattice-helpers';

async function caught(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('errors', () => {
  let emu: Emulator;
  let client: vl.VPCLatticeClient;
  beforeAll(async () => {
    emu = await startTestEmulator();
    client = lattice(emu);
  });
  afterAll(async () => emu.stop());
  beforeEach(() => emu.reset());

  it('a missing resource is ResourceNotFoundException 404 with resourceId and resourceType', async () => {
    // ResourceNotFoundException members (API reference, Errors): message, resourceId, resourceType.
    const err = await caught(client.send(new vl.GetServiceCommand({ serviceIdentifier: 'svc-00000000000000000' })));
    expect(err).toBeInstanceOf(vl.ResourceNotFoundException);
    expect(err).toMatchObject({ resourceId: 'svc-00000000000000000', resourceType: 'SERVICE' });
  });

  it('a model constraint is a ValidationException with reason fieldValidationFailed and the field in fieldList', async () => {
    // ValidationException members: message, reason (unknownOperation | cannotParse | fieldValidationFailed | other),
    // fieldList [{name, message}].
    const err = await caught(client.send(new vl.CreateServiceCommand({ name: 'Bad_Name' })));
    expect(err).toBeInstanceOf(vl.ValidationException);
    expect(err.reason).toBe('fieldValidationFailed');
    expect(err.fieldList).toEqual([
      { name: 'name', message: expect.stringContaining('Member must satisfy regular expression pattern') },
    ]);
    expect(String(err.message)).toMatch(/^1 validation error detected: Value 'Bad_Name' at 'name' failed/);
    expect((await client.send(new vl.ListServicesCommand({}))).items).toEqual([]);
  });

  it('matches name patterns against the whole name: a service may not be named svc-...', async () => {
    // ServiceName pattern "(?!svc-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+", anchored in the API reference.
    const err = await failure(client.send(new vl.CreateServiceCommand({ name: 'svc-checkout' })));
    expect(err).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(
      await failure(client.send(new vl.CreateTargetGroupCommand({ name: 'tg-blue', type: 'LAMBDA' }))),
    ).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(client.send(new vl.CreateServiceNetworkCommand({ name: 'a--b' })))).toMatchObject({
      name: 'ValidationException',
    });
  });

  it('an IP target group without port, protocol or VPC is a ValidationException and creates nothing', async () => {
    const err = await caught(
      client.send(new vl.CreateTargetGroupCommand({ name: 'blue', type: 'IP', config: { protocol: 'HTTP' } })),
    );
    expect(err).toBeInstanceOf(vl.ValidationException);
    expect((await client.send(new vl.ListTargetGroupsCommand({}))).items).toEqual([]);
  });

  it('a listener forwarding to a target group of another protocol is refused; rule priorities are unique', async () => {
    const tcp = await ipTargetGroup(client, 'tcp-tg', { protocol: 'TCP' });
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    expect(
      await failure(
        client.send(
          new vl.CreateListenerCommand({
            serviceIdentifier: svc.id,
            name: 'http',
            protocol: 'HTTP',
            defaultAction: { forward: { targetGroups: [{ targetGroupIdentifier: tcp.id }] } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    const http = await ipTargetGroup(client, 'http-tg');
    const { serviceId, listenerId } = await serviceWithListener(client, 'other', [
      { targetGroupIdentifier: http.id ?? '' },
    ]);
    const rule = (name: string) =>
      client.send(
        new vl.CreateRuleCommand({
          serviceIdentifier: serviceId,
          listenerIdentifier: listenerId,
          name,
          priority: 7,
          match: { httpMatch: { method: 'POST' } },
          action: { fixedResponse: { statusCode: 503 } },
        }),
      );
    await rule('first');
    expect(await failure(rule('second'))).toMatchObject({ name: 'ConflictException', status: 409 });
    // DeleteRule: "you cannot delete the default rule."
    const rules = await client.send(
      new vl.ListRulesCommand({ serviceIdentifier: serviceId, listenerIdentifier: listenerId }),
    );
    const dflt = rules.items?.find((r) => r.isDefault);
    expect(
      await failure(
        client.send(
          new vl.DeleteRuleCommand({
            serviceIdentifier: serviceId,
            listenerIdentifier: listenerId,
            ruleIdentifier: dflt?.id,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
  });

  it('a forward to a target group that does not exist is ResourceNotFoundException', async () => {
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    const err = await caught(
      client.send(
        new vl.CreateListenerCommand({
          serviceIdentifier: svc.id,
          name: 'http',
          protocol: 'HTTP',
          defaultAction: { forward: { targetGroups: [{ targetGroupIdentifier: 'tg-00000000000000000' }] } },
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', resourceType: 'TARGET_GROUP' });
    expect((await client.send(new vl.ListListenersCommand({ serviceIdentifier: svc.id }))).items).toEqual([]);
  });
});

describe('clientToken idempotency', () => {
  let emu: Emulator;
  let client: vl.VPCLatticeClient;
  beforeAll(async () => {
    emu = await startTestEmulator();
    client = lattice(emu);
  });
  afterAll(async () => emu.stop());

  it('the same token and request answer the original result; a different request is a ConflictException', async () => {
    // CreateService clientToken: "If you retry a request that completed successfully using the same client token and
    // parameters, the retry succeeds without performing any actions. If the parameters aren't identical, the retry
    // fails."
    const first = await client.send(new vl.CreateServiceCommand({ name: 'checkout', clientToken: 'tok-1' }));
    const again = await client.send(new vl.CreateServiceCommand({ name: 'checkout', clientToken: 'tok-1' }));
    expect(again.id).toBe(first.id);
    expect((await client.send(new vl.ListServicesCommand({}))).items).toHaveLength(1);
    const other = await failure(client.send(new vl.CreateServiceCommand({ name: 'payments', clientToken: 'tok-1' })));
    expect(other).toMatchObject({ name: 'ConflictException', status: 409 });
    expect((await client.send(new vl.ListServicesCommand({}))).items).toHaveLength(1);
    // Without a token of its own, the SDK sends a fresh one each time: a repeated name is a new request.
    expect(await failure(client.send(new vl.CreateServiceCommand({ name: 'checkout' })))).toMatchObject({
      name: 'ConflictException',
    });
  });
});

describe('paging', () => {
  let emu: Emulator;
  let client: vl.VPCLatticeClient;
  beforeAll(async () => {
    emu = await startTestEmulator({ lattice: { quotas: { targetGroupsPerRegion: 1000 } } });
    client = lattice(emu);
  });
  afterAll(async () => emu.stop());

  it('maxResults pages with an opaque nextToken, absent on the last page; a foreign token is refused', async () => {
    for (let i = 0; i < 7; i += 1) await ipTargetGroup(client, `tg-number-${i}`.replace(/^tg-/, 'group-'));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page: vl.ListTargetGroupsCommandOutput = await client.send(
        new vl.ListTargetGroupsCommand({ maxResults: 3, nextToken: token }),
      );
      names.push(...(page.items ?? []).map((t) => t.name ?? ''));
      token = page.nextToken;
      pages += 1;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(names).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `group-number-${i}`));
    const first = await client.send(new vl.ListTargetGroupsCommand({ maxResults: 3 }));
    expect(
      await failure(client.send(new vl.ListServicesCommand({ maxResults: 3, nextToken: first.nextToken }))),
    ).toMatchObject({ name: 'ValidationException' });
    // MaxResults: "Valid Range: Minimum value of 1. Maximum value of 100."
    expect(await failure(client.send(new vl.ListTargetGroupsCommand({ maxResults: 101 })))).toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('asynchronous status on the emulator clock', () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let emu: Emulator;
  let client: vl.VPCLatticeClient;
  beforeAll(async () => {
    emu = await startTestEmulator({
      now: () => clock,
      lattice: { transitionMs: { service: 30_000, targetGroup: 10_000, serviceAssociation: 5_000 } },
    });
    client = lattice(emu);
  });
  afterAll(async () => emu.stop());

  it('creates stay CREATE_IN_PROGRESS, then ACTIVE; deletes DELETE_IN_PROGRESS, then gone', async () => {
    // ServiceStatus / TargetGroupStatus: CREATE_IN_PROGRESS | ACTIVE | DELETE_IN_PROGRESS | CREATE_FAILED | DELETE_FAILED.
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    expect(svc.status).toBe('CREATE_IN_PROGRESS');
    const tg = await ipTargetGroup(client, 'blue');
    expect(tg.status).toBe('CREATE_IN_PROGRESS');
    // DeleteTargetGroup: "You can't delete a target group if ... the target group creation is in progress."
    expect(await failure(client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: tg.id })))).toMatchObject(
      {
        name: 'ConflictException',
      },
    );
    clock += 10_000;
    expect((await client.send(new vl.GetTargetGroupCommand({ targetGroupIdentifier: tg.id }))).status).toBe('ACTIVE');
    expect((await client.send(new vl.GetServiceCommand({ serviceIdentifier: svc.id }))).status).toBe(
      'CREATE_IN_PROGRESS',
    );
    clock += 20_000;
    expect((await client.send(new vl.GetServiceCommand({ serviceIdentifier: svc.id }))).status).toBe('ACTIVE');

    const net = await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));
    const assoc = await client.send(
      new vl.CreateServiceNetworkServiceAssociationCommand({
        serviceNetworkIdentifier: net.id,
        serviceIdentifier: svc.id,
      }),
    );
    expect(assoc.status).toBe('CREATE_IN_PROGRESS');
    // DeleteServiceNetworkServiceAssociation: "This operation fails if an association is still in progress."
    expect(
      await failure(
        client.send(
          new vl.DeleteServiceNetworkServiceAssociationCommand({
            serviceNetworkServiceAssociationIdentifier: assoc.id,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ConflictException' });
    clock += 5_000;
    await client.send(
      new vl.DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: assoc.id }),
    );
    const deleting = await client.send(
      new vl.GetServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: assoc.id }),
    );
    expect(deleting.status).toBe('DELETE_IN_PROGRESS');
    // A deleting association still holds the network.
    expect(
      await failure(client.send(new vl.DeleteServiceNetworkCommand({ serviceNetworkIdentifier: net.id }))),
    ).toMatchObject({
      name: 'ConflictException',
    });
    clock += 5_000;
    expect(
      await failure(
        client.send(
          new vl.GetServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: assoc.id }),
        ),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException' });

    const del = await client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: tg.id }));
    expect(del.status).toBe('DELETE_IN_PROGRESS');
    expect((await client.send(new vl.ListTargetGroupsCommand({}))).items?.[0]?.status).toBe('DELETE_IN_PROGRESS');
    clock += 10_000;
    expect((await client.send(new vl.ListTargetGroupsCommand({}))).items).toEqual([]);
  });
});

describe('in-use deletes and quotas', () => {
  let emu: Emulator;
  let client: vl.VPCLatticeClient;
  beforeAll(async () => {
    emu = await startTestEmulator({ lattice: { quotas: { serviceNetworksPerRegion: 2, rulesPerListener: 1 } } });
    client = lattice(emu);
  });
  afterAll(async () => emu.stop());
  beforeEach(() => emu.reset());

  it('a target group used by a listener or rule cannot be deleted until nothing forwards to it', async () => {
    // DeleteTargetGroup: "You can't delete a target group if it is used in a listener rule".
    const blue = await ipTargetGroup(client, 'blue');
    const green = await ipTargetGroup(client, 'green');
    const { serviceId, listenerId } = await serviceWithListener(client, 'checkout', [
      { targetGroupIdentifier: blue.id ?? '' },
    ]);
    await client.send(
      new vl.CreateRuleCommand({
        serviceIdentifier: serviceId,
        listenerIdentifier: listenerId,
        name: 'canary',
        priority: 1,
        match: { httpMatch: { pathMatch: { match: { exact: '/new' } } } },
        action: { forward: { targetGroups: [{ targetGroupIdentifier: green.arn ?? '' }] } },
      }),
    );
    const err = await caught(client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: green.id })));
    expect(err).toMatchObject({ name: 'ConflictException', resourceId: green.id, resourceType: 'TARGET_GROUP' });
    expect(
      (await client.send(new vl.GetTargetGroupCommand({ targetGroupIdentifier: green.id }))).serviceArns,
    ).toHaveLength(1);
    await failure(client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: blue.id })));
    // DeleteService: "If you delete a service, all resources related to the service, such as the resource policy,
    // auth policy, listeners, listener rules, and access log subscriptions, are also deleted."
    await client.send(new vl.DeleteServiceCommand({ serviceIdentifier: serviceId }));
    await client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: green.id }));
    await client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: blue.id }));
    expect((await client.send(new vl.ListTargetGroupsCommand({}))).items).toEqual([]);
  });

  it('a service in a network and a network with associations cannot be deleted', async () => {
    // DeleteService: "A service can't be deleted if it's associated with a service network." DeleteServiceNetwork:
    // "You can only delete the service network if there is no service or VPC associated with it."
    const net = await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    const sa = await client.send(
      new vl.CreateServiceNetworkServiceAssociationCommand({
        serviceNetworkIdentifier: net.id,
        serviceIdentifier: svc.id,
      }),
    );
    const va = await client.send(
      new vl.CreateServiceNetworkVpcAssociationCommand({ serviceNetworkIdentifier: net.id, vpcIdentifier: VPC }),
    );
    expect(await failure(client.send(new vl.DeleteServiceCommand({ serviceIdentifier: svc.id })))).toMatchObject({
      name: 'ConflictException',
    });
    expect(
      await failure(client.send(new vl.DeleteServiceNetworkCommand({ serviceNetworkIdentifier: net.id }))),
    ).toMatchObject({
      name: 'ConflictException',
    });
    await client.send(
      new vl.DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: sa.id }),
    );
    await failure(client.send(new vl.DeleteServiceNetworkCommand({ serviceNetworkIdentifier: net.id })));
    await client.send(
      new vl.DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: va.id }),
    );
    await client.send(new vl.DeleteServiceNetworkCommand({ serviceNetworkIdentifier: net.id }));
    const del = await client.send(new vl.DeleteServiceCommand({ serviceIdentifier: svc.id }));
    expect(del.status).toBe('DELETE_IN_PROGRESS');
  });

  it('quotas answer ServiceQuotaExceededException 402 (configurable; rules per listener unverified)', async () => {
    await client.send(new vl.CreateServiceNetworkCommand({ name: 'one' }));
    await client.send(new vl.CreateServiceNetworkCommand({ name: 'two' }));
    const err = await caught(client.send(new vl.CreateServiceNetworkCommand({ name: 'three' })));
    expect(err).toBeInstanceOf(vl.ServiceQuotaExceededException);
    expect(err).toMatchObject({ resourceType: 'SERVICE_NETWORK', serviceCode: 'vpc-lattice' });
    const tg = await ipTargetGroup(client, 'blue');
    const { serviceId, listenerId } = await serviceWithListener(client, 'checkout', [
      { targetGroupIdentifier: tg.id ?? '' },
    ]);
    const rule = (name: string, priority: number) =>
      client.send(
        new vl.CreateRuleCommand({
          serviceIdentifier: serviceId,
          listenerIdentifier: listenerId,
          name,
          priority,
          match: { httpMatch: { method: 'GET' } },
          action: { fixedResponse: { statusCode: 404 } },
        }),
      );
    await rule('first', 1);
    expect(await failure(rule('second', 2))).toMatchObject({ name: 'ServiceQuotaExceededException', status: 402 });
    // AWS-FACTS.md: 2 listeners per service.
    await client.send(
      new vl.CreateListenerCommand({
        serviceIdentifier: serviceId,
        name: 'https',
        protocol: 'HTTPS',
        defaultAction: { fixedResponse: { statusCode: 404 } },
      }),
    );
    expect(
      await failure(
        client.send(
          new vl.CreateListenerCommand({
            serviceIdentifier: serviceId,
            name: 'third',
            protocol: 'HTTP',
            port: 8080,
            defaultAction: { fixedResponse: { statusCode: 404 } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'ServiceQuotaExceededException' });
  });

  it('the default rules-per-listener quota is 5 (the English quota page)', async () => {
    const own = await startTestEmulator();
    try {
      const c = lattice(own);
      const tg = await ipTargetGroup(c, 'blue');
      const { serviceId, listenerId } = await serviceWithListener(c, 'checkout', [
        { targetGroupIdentifier: tg.id ?? '' },
      ]);
      const rule = (priority: number) =>
        c.send(
          new vl.CreateRuleCommand({
            serviceIdentifier: serviceId,
            listenerIdentifier: listenerId,
            name: `rule-number-${priority}`.replace(/^rule-/, 'r-'),
            priority,
            match: { httpMatch: { method: 'GET' } },
            action: { fixedResponse: { statusCode: 404 } },
          }),
        );
      for (let p = 1; p <= 5; p += 1) await rule(p);
      expect(await failure(rule(6))).toMatchObject({ name: 'ServiceQuotaExceededException' });
    } finally {
      await own.stop();
    }
  });
});

describe('cascades and the unverified in-use options', () => {
  it('deleting a listener deletes its rules', async () => {
    // User guide, "Delete a listener": "When you delete a listener, all its rules are automatically deleted."
    const emu = await startTestEmulator();
    try {
      const client = lattice(emu);
      const tg = await ipTargetGroup(client, 'blue');
      const { serviceId, listenerId } = await serviceWithListener(client, 'checkout', [
        { targetGroupIdentifier: tg.id ?? '' },
      ]);
      const rule = await client.send(
        new vl.CreateRuleCommand({
          serviceIdentifier: serviceId,
          listenerIdentifier: listenerId,
          name: 'canary',
          priority: 1,
          match: { httpMatch: { method: 'GET' } },
          action: { forward: { targetGroups: [{ targetGroupIdentifier: tg.id ?? '' }] } },
        }),
      );
      await client.send(new vl.DeleteListenerCommand({ serviceIdentifier: serviceId, listenerIdentifier: listenerId }));
      expect(
        await failure(
          client.send(
            new vl.GetRuleCommand({
              serviceIdentifier: serviceId,
              listenerIdentifier: listenerId,
              ruleIdentifier: rule.id,
            }),
          ),
        ),
      ).toMatchObject({ name: 'ResourceNotFoundException' });
      // Nothing forwards to the target group any more.
      await client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: tg.id }));
    } finally {
      await emu.stop();
    }
  });

  it("serviceDeleteWithListeners: 'conflict' refuses a service with listeners; one network per VPC by default", async () => {
    const emu = await startTestEmulator({ lattice: { serviceDeleteWithListeners: 'conflict' } });
    try {
      const client = lattice(emu);
      const tg = await ipTargetGroup(client, 'blue');
      const { serviceId } = await serviceWithListener(client, 'checkout', [{ targetGroupIdentifier: tg.id ?? '' }]);
      expect(await failure(client.send(new vl.DeleteServiceCommand({ serviceIdentifier: serviceId })))).toMatchObject({
        name: 'ConflictException',
      });
      const a = await client.send(new vl.CreateServiceNetworkCommand({ name: 'net-a' }));
      const b = await client.send(new vl.CreateServiceNetworkCommand({ name: 'net-b' }));
      await client.send(
        new vl.CreateServiceNetworkVpcAssociationCommand({ serviceNetworkIdentifier: a.id, vpcIdentifier: VPC }),
      );
      expect(
        await failure(
          client.send(
            new vl.CreateServiceNetworkVpcAssociationCommand({ serviceNetworkIdentifier: b.id, vpcIdentifier: VPC }),
          ),
        ),
      ).toMatchObject({ name: 'ConflictException' });
    } finally {
      await emu.stop();
    }
  });
});

describe('a refused write changes nothing', () => {
  it('DeleteService refused for its association keeps its listeners; a refused tag keeps the old tags', async () => {
    const emu = await startTestEmulator({ lattice: { quotas: { tagsPerResource: 2 } } });
    try {
      const client = lattice(emu);
      const tg = await ipTargetGroup(client, 'blue');
      const { serviceId, serviceArn } = await serviceWithListener(client, 'checkout', [
        { targetGroupIdentifier: tg.id ?? '' },
      ]);
      const net = await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));
      await client.send(
        new vl.CreateServiceNetworkServiceAssociationCommand({
          serviceNetworkIdentifier: net.id,
          serviceIdentifier: serviceId,
        }),
      );
      await failure(client.send(new vl.DeleteServiceCommand({ serviceIdentifier: serviceId })));
      expect((await client.send(new vl.ListListenersCommand({ serviceIdentifier: serviceId }))).items).toHaveLength(1);
      expect((await client.send(new vl.GetServiceCommand({ serviceIdentifier: serviceId }))).status).toBe('ACTIVE');
      await client.send(new vl.TagResourceCommand({ resourceArn: serviceArn, tags: { a: '1' } }));
      expect(
        await failure(client.send(new vl.TagResourceCommand({ resourceArn: serviceArn, tags: { b: '2', c: '3' } }))),
      ).toMatchObject({ name: 'ValidationException' });
      expect((await client.send(new vl.ListTagsForResourceCommand({ resourceArn: serviceArn }))).tags).toEqual({
        a: '1',
      });
    } finally {
      await emu.stop();
    }
  });
});
