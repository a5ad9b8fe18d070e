/**
 * VPC Lattice CRUD through the real SDK (@aws-sdk/client-vpc-lattice) against the emulator, with the shapes and
 * server defaults of the AWS VPC Lattice API reference (https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/)
 * and AWS-FACTS.md "VPC Lattice".
 */
import * as vl from '@aws-sdk/client-vpc-lattice';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, failure, REGION, startTestEmulator } from './helpers';
import { ipTargetGroup, lattice, serviceWithListener, VPC } from './lattice-helpers';

let emu: Emulator;
let client: vl.VPCLatticeClient;
beforeAll(async () => {
  emu = await startTestEmulator();
  client = lattice(emu);
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

const ARN = `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}`;

describe('service networks', () => {
  it('creates with an sn- id and ARN, reads by id and by ARN, lists, updates and deletes', async () => {
    const created = await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop', tags: { team: 'a' } }));
    // ServiceNetworkId: "Pattern: sn-[0-9a-z]{17}"; ARN ".../servicenetwork/sn-[0-9a-z]{17}" (API reference).
    expect(created.id).toMatch(/^sn-[0-9a-z]{17}$/);
    expect(created.arn).toBe(`${ARN}:servicenetwork/${created.id}`);
    expect(created.authType).toBe('NONE');
    const byArn = await client.send(new vl.GetServiceNetworkCommand({ serviceNetworkIdentifier: created.arn }));
    expect(byArn).toMatchObject({ id: created.id, name: 'shop', numberOfAssociatedServices: 0 });
    expect(byArn.createdAt).toBeInstanceOf(Date);
    const updated = await client.send(
      new vl.UpdateServiceNetworkCommand({ serviceNetworkIdentifier: created.id, authType: 'AWS_IAM' }),
    );
    expect(updated.authType).toBe('AWS_IAM');
    const list = await client.send(new vl.ListServiceNetworksCommand({}));
    expect(list.items?.map((n) => n.name)).toEqual(['shop']);
    expect(list.items?.[0]?.lastUpdatedAt).toBeInstanceOf(Date);
    expect((await client.send(new vl.ListTagsForResourceCommand({ resourceArn: created.arn }))).tags).toEqual({
      team: 'a',
    });
    await client.send(new vl.DeleteServiceNetworkCommand({ serviceNetworkIdentifier: created.id }));
    const gone = await failure(client.send(new vl.GetServiceNetworkCommand({ serviceNetworkIdentifier: created.id })));
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('a second network of the same name is a ConflictException', async () => {
    await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));
    expect(await failure(client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' })))).toMatchObject({
      name: 'ConflictException',
      status: 409,
    });
  });
});

describe('services, listeners, rules', () => {
  it('a service gets a svc- id, a DNS name and the defaults authType NONE, idleTimeoutSeconds 60', async () => {
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    expect(svc.id).toMatch(/^svc-[0-9a-z]{17}$/);
    expect(svc.arn).toBe(`${ARN}:service/${svc.id}`);
    expect(svc.status).toBe('ACTIVE');
    expect(svc.dnsEntry?.domainName).toMatch(/^checkout-[0-9a-z]{17}\..+\.vpc-lattice-svcs\.us-east-1\.on\.aws$/);
    const got = await client.send(new vl.GetServiceCommand({ serviceIdentifier: svc.id }));
    // AWS-FACTS.md: idleTimeoutSeconds 60..600, default 60.
    expect(got).toMatchObject({ authType: 'NONE', idleTimeoutSeconds: 60, status: 'ACTIVE' });
    const updated = await client.send(
      new vl.UpdateServiceCommand({ serviceIdentifier: svc.arn, idleTimeoutSeconds: 120 }),
    );
    expect(updated.idleTimeoutSeconds).toBe(120);
    expect((await client.send(new vl.ListServicesCommand({}))).items?.map((s) => s.id)).toEqual([svc.id]);
  });

  it('a listener defaults its port by protocol and fills the forward weight; rules nest under it', async () => {
    const blue = await ipTargetGroup(client, 'blue');
    const green = await ipTargetGroup(client, 'green');
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    // CreateListener port: "For HTTP, the default is 80. For HTTPS, the default is 443."
    const http = await client.send(
      new vl.CreateListenerCommand({
        serviceIdentifier: svc.id,
        name: 'http',
        protocol: 'HTTP',
        defaultAction: { forward: { targetGroups: [{ targetGroupIdentifier: blue.arn }] } },
      }),
    );
    expect(http.id).toMatch(/^listener-[0-9a-z]{17}$/);
    expect(http.arn).toBe(`${ARN}:service/${svc.id}/listener/${http.id}`);
    expect(http.port).toBe(80);
    // WeightedTargetGroup.weight: "If there's only one target group specified, then the default value is 100."
    expect(http.defaultAction).toEqual({
      forward: { targetGroups: [{ targetGroupIdentifier: blue.id, weight: 100 }] },
    });
    const https = await client.send(
      new vl.CreateListenerCommand({
        serviceIdentifier: svc.arn,
        name: 'https',
        protocol: 'HTTPS',
        defaultAction: { fixedResponse: { statusCode: 404 } },
      }),
    );
    expect(https.port).toBe(443);
    const listed = await client.send(new vl.ListListenersCommand({ serviceIdentifier: svc.id }));
    expect(listed.items?.map((l) => [l.name, l.port, l.protocol])).toEqual([
      ['http', 80, 'HTTP'],
      ['https', 443, 'HTTPS'],
    ]);

    const rule = await client.send(
      new vl.CreateRuleCommand({
        serviceIdentifier: svc.id,
        listenerIdentifier: http.arn,
        name: 'canary',
        priority: 10,
        match: {
          httpMatch: {
            pathMatch: { match: { prefix: '/api' } },
            headerMatches: [{ name: 'x-canary', match: { exact: 'yes' } }],
          },
        },
        action: {
          forward: {
            targetGroups: [
              { targetGroupIdentifier: blue.id, weight: 90 },
              { targetGroupIdentifier: green.id, weight: 10 },
            ],
          },
        },
      }),
    );
    expect(rule.id).toMatch(/^rule-[0-9a-z]{17}$/);
    expect(rule.arn).toBe(`${http.arn}/rule/${rule.id}`);
    const got = await client.send(
      new vl.GetRuleCommand({ serviceIdentifier: svc.id, listenerIdentifier: http.id, ruleIdentifier: rule.arn }),
    );
    // AWS-FACTS.md: paths match case-sensitively, headers case-insensitively unless set.
    expect(got.match).toEqual({
      httpMatch: {
        pathMatch: { match: { prefix: '/api' }, caseSensitive: true },
        headerMatches: [{ name: 'x-canary', match: { exact: 'yes' }, caseSensitive: false }],
      },
    });
    expect(got).toMatchObject({ priority: 10, isDefault: false });

    const updated = await client.send(
      new vl.UpdateRuleCommand({
        serviceIdentifier: svc.id,
        listenerIdentifier: http.id,
        ruleIdentifier: rule.id,
        action: {
          forward: {
            targetGroups: [
              { targetGroupIdentifier: blue.id, weight: 50 },
              { targetGroupIdentifier: green.id, weight: 50 },
            ],
          },
        },
      }),
    );
    // PATCH: the match and priority left out are kept.
    expect(updated).toMatchObject({ priority: 10, match: got.match });

    const rules = await client.send(
      new vl.ListRulesCommand({ serviceIdentifier: svc.id, listenerIdentifier: http.id }),
    );
    expect(rules.items?.map((r) => [r.name, r.isDefault])).toEqual([
      ['canary', false],
      ['default', true],
    ]);
    expect(rules.items?.[0]?.lastUpdatedAt?.getTime()).toBeGreaterThanOrEqual(
      rules.items?.[0]?.createdAt?.getTime() ?? 0,
    );

    await client.send(
      new vl.DeleteRuleCommand({ serviceIdentifier: svc.id, listenerIdentifier: http.id, ruleIdentifier: rule.id }),
    );
    expect(
      (await client.send(new vl.ListRulesCommand({ serviceIdentifier: svc.id, listenerIdentifier: http.id }))).items,
    ).toHaveLength(1);
    await client.send(new vl.DeleteListenerCommand({ serviceIdentifier: svc.id, listenerIdentifier: https.id }));
    expect((await client.send(new vl.ListListenersCommand({ serviceIdentifier: svc.id }))).items).toHaveLength(1);
  });

  it('several forward target groups without weights get the default weight of several (1)', async () => {
    const a = await ipTargetGroup(client, 'a-tg');
    const b = await ipTargetGroup(client, 'b-tg');
    const { serviceId, listenerId } = await serviceWithListener(client, 'svc1', [
      { targetGroupIdentifier: a.id ?? '' },
      { targetGroupIdentifier: b.id ?? '' },
    ]);
    const listener = await client.send(
      new vl.GetListenerCommand({ serviceIdentifier: serviceId, listenerIdentifier: listenerId }),
    );
    expect(listener.defaultAction?.forward?.targetGroups?.map((g) => g.weight)).toEqual([1, 1]);
  });

  it('BatchUpdateRule applies each update on its own and reports failures', async () => {
    const a = await ipTargetGroup(client, 'a-tg');
    const { serviceId, listenerId } = await serviceWithListener(client, 'svc1', [
      { targetGroupIdentifier: a.id ?? '' },
    ]);
    const mk = (name: string, priority: number) =>
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
    const r1 = await mk('one', 1);
    const r2 = await mk('two', 2);
    const out = await client.send(
      new vl.BatchUpdateRuleCommand({
        serviceIdentifier: serviceId,
        listenerIdentifier: listenerId,
        rules: [
          { ruleIdentifier: r1.id ?? '', priority: 5 },
          { ruleIdentifier: r2.id ?? '', priority: 1999 },
          { ruleIdentifier: 'rule-00000000000000000' },
        ],
      }),
    );
    expect(out.successful?.map((s) => [s.id, s.priority])).toEqual([
      [r1.id, 5],
      [r2.id, 1999],
    ]);
    expect(out.unsuccessful).toEqual([
      expect.objectContaining({ ruleIdentifier: 'rule-00000000000000000', failureCode: 'ResourceNotFound' }),
    ]);
  });
});

describe('target groups', () => {
  it('fills the health check defaults: path /, interval 30, timeout 5, healthy 5, unhealthy 2, HTTP1', async () => {
    const tg = await ipTargetGroup(client, 'blue');
    expect(tg.id).toMatch(/^tg-[0-9a-z]{17}$/);
    expect(tg.arn).toBe(`${ARN}:targetgroup/${tg.id}`);
    const got = await client.send(new vl.GetTargetGroupCommand({ targetGroupIdentifier: tg.arn }));
    // HealthCheckConfig (API reference) and the user guide's health check settings; AWS-FACTS.md "VPC Lattice".
    expect(got.config).toMatchObject({
      port: 8080,
      protocol: 'HTTP',
      protocolVersion: 'HTTP1',
      ipAddressType: 'IPV4',
      vpcIdentifier: VPC,
      healthCheck: {
        enabled: true,
        path: '/',
        healthCheckIntervalSeconds: 30,
        healthCheckTimeoutSeconds: 5,
        healthyThresholdCount: 5,
        unhealthyThresholdCount: 2,
        protocol: 'HTTP',
        protocolVersion: 'HTTP1',
      },
    });
    expect(got.serviceArns).toEqual([]);
  });

  it('health checks are off by default for HTTP2 and absent for GRPC unless enabled with a protocol version', async () => {
    // User guide, "Health checks for your VPC Lattice target groups": "When the target group protocol version is
    // HTTP2, health checks are not enabled by default" and "Health checks do not support gRPC target group protocol
    // versions. However, if you enable health checks, you must specify the health check protocol version".
    const h2 = await ipTargetGroup(client, 'hc-h2', { protocolVersion: 'HTTP2' });
    expect(h2.config?.healthCheck?.enabled).toBe(false);
    const grpc = await ipTargetGroup(client, 'grpc', { protocolVersion: 'GRPC' });
    expect(grpc.config?.healthCheck?.enabled).toBe(false);
    const refused = await failure(
      ipTargetGroup(client, 'grpc-hc', { protocolVersion: 'GRPC', healthCheck: { enabled: true } }),
    );
    expect(refused).toMatchObject({ name: 'ValidationException', status: 400 });
    const ok = await ipTargetGroup(client, 'grpc-hc', {
      protocolVersion: 'GRPC',
      healthCheck: { enabled: true, protocolVersion: 'HTTP2' },
    });
    expect(ok.config?.healthCheck).toMatchObject({ enabled: true, protocolVersion: 'HTTP2' });
  });

  it('UpdateTargetGroup changes the health check; 0 resets a setting to its default', async () => {
    const tg = await ipTargetGroup(client, 'blue', {
      healthCheck: { healthCheckIntervalSeconds: 60, path: '/health' },
    });
    expect(tg.config?.healthCheck).toMatchObject({ healthCheckIntervalSeconds: 60, path: '/health' });
    const before = await client.send(new vl.GetTargetGroupCommand({ targetGroupIdentifier: tg.id }));
    await new Promise((r) => setTimeout(r, 5));
    // User guide: "Specify 0 to reset this setting to its default value."
    const updated = await client.send(
      new vl.UpdateTargetGroupCommand({
        targetGroupIdentifier: tg.id,
        healthCheck: { healthCheckIntervalSeconds: 0, unhealthyThresholdCount: 3 },
      }),
    );
    expect(updated.config?.healthCheck).toMatchObject({
      healthCheckIntervalSeconds: 30,
      unhealthyThresholdCount: 3,
      path: '/health',
    });
    const after = (await client.send(new vl.ListTargetGroupsCommand({}))).items?.[0];
    // lastUpdatedAt on list items moves with every update: a reconciler can key its cache on it.
    expect(after?.lastUpdatedAt?.getTime()).toBeGreaterThan(before.lastUpdatedAt?.getTime() ?? Infinity);
  });

  it('lists by VPC and type', async () => {
    await ipTargetGroup(client, 'blue');
    await ipTargetGroup(client, 'other', { vpcIdentifier: 'vpc-00000001' });
    await client.send(new vl.CreateTargetGroupCommand({ name: 'lambda-fn', type: 'LAMBDA' }));
    const inVpc = await client.send(new vl.ListTargetGroupsCommand({ vpcIdentifier: VPC }));
    expect(inVpc.items?.map((t) => t.name)).toEqual(['blue']);
    const lambdas = await client.send(new vl.ListTargetGroupsCommand({ targetGroupType: 'LAMBDA' }));
    expect(lambdas.items?.map((t) => t.name)).toEqual(['lambda-fn']);
  });
});

describe('associations', () => {
  it('associates a VPC (snva-) and a service (snsa-) with a network and counts them', async () => {
    const net = await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    const vpcA = await client.send(
      new vl.CreateServiceNetworkVpcAssociationCommand({
        serviceNetworkIdentifier: net.id,
        vpcIdentifier: VPC,
        securityGroupIds: ['sg-01234567'],
      }),
    );
    expect(vpcA.id).toMatch(/^snva-[0-9a-z]{17}$/);
    expect(vpcA.arn).toBe(`${ARN}:servicenetworkvpcassociation/${vpcA.id}`);
    expect(vpcA).toMatchObject({ status: 'ACTIVE', createdBy: ACCOUNT, securityGroupIds: ['sg-01234567'] });
    const svcA = await client.send(
      new vl.CreateServiceNetworkServiceAssociationCommand({
        serviceNetworkIdentifier: net.arn,
        serviceIdentifier: svc.arn,
      }),
    );
    expect(svcA.id).toMatch(/^snsa-[0-9a-z]{17}$/);
    expect(svcA.dnsEntry).toEqual(svc.dnsEntry);
    const got = await client.send(new vl.GetServiceNetworkCommand({ serviceNetworkIdentifier: net.id }));
    expect(got).toMatchObject({ numberOfAssociatedServices: 1, numberOfAssociatedVPCs: 1 });
    const byNet = await client.send(
      new vl.ListServiceNetworkServiceAssociationsCommand({ serviceNetworkIdentifier: net.id }),
    );
    expect(byNet.items?.map((a) => [a.serviceName, a.serviceNetworkName, a.status])).toEqual([
      ['checkout', 'shop', 'ACTIVE'],
    ]);
    const byVpc = await client.send(new vl.ListServiceNetworkVpcAssociationsCommand({ vpcIdentifier: VPC }));
    expect(byVpc.items?.map((a) => [a.vpcId, a.serviceNetworkId])).toEqual([[VPC, net.id]]);
    expect(byVpc.items?.[0]?.lastUpdatedAt).toBeInstanceOf(Date);
    const upd = await client.send(
      new vl.UpdateServiceNetworkVpcAssociationCommand({
        serviceNetworkVpcAssociationIdentifier: vpcA.arn,
        securityGroupIds: ['sg-0000000a', 'sg-0000000b'],
      }),
    );
    expect(upd.securityGroupIds).toEqual(['sg-0000000a', 'sg-0000000b']);
    const del = await client.send(
      new vl.DeleteServiceNetworkServiceAssociationCommand({ serviceNetworkServiceAssociationIdentifier: svcA.id }),
    );
    expect(del.status).toBe('DELETE_IN_PROGRESS');
    await client.send(
      new vl.DeleteServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: vpcA.id }),
    );
    expect(await client.send(new vl.GetServiceNetworkCommand({ serviceNetworkIdentifier: net.id }))).toMatchObject({
      numberOfAssociatedServices: 0,
      numberOfAssociatedVPCs: 0,
    });
  });

  it('listing associations needs a network or a second filter', async () => {
    // ListServiceNetworkVpcAssociations: "You must provide either the ID of the service network identifier or the
    // ID of the VPC."
    expect(await failure(client.send(new vl.ListServiceNetworkVpcAssociationsCommand({})))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(client.send(new vl.ListServiceNetworkServiceAssociationsCommand({})))).toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('access logs, auth and resource policies', () => {
  it('an access log subscription (als-) per destination type on a network or service', async () => {
    const net = await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));
    const bucket = 'arn:aws:s3:::my-logs';
    const sub = await client.send(
      new vl.CreateAccessLogSubscriptionCommand({ resourceIdentifier: net.id, destinationArn: bucket }),
    );
    expect(sub.id).toMatch(/^als-[0-9a-z]{17}$/);
    expect(sub).toMatchObject({ resourceId: net.id, resourceArn: net.arn, destinationArn: bucket });
    expect(
      await failure(
        client.send(
          new vl.CreateAccessLogSubscriptionCommand({
            resourceIdentifier: net.arn,
            destinationArn: 'arn:aws:s3:::other-logs',
          }),
        ),
      ),
    ).toMatchObject({ name: 'ConflictException' });
    const group = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:lattice`;
    await client.send(new vl.CreateAccessLogSubscriptionCommand({ resourceIdentifier: net.id, destinationArn: group }));
    const list = await client.send(new vl.ListAccessLogSubscriptionsCommand({ resourceIdentifier: net.id }));
    expect(list.items?.map((s) => s.destinationArn)).toEqual([bucket, group]);
    const updated = await client.send(
      new vl.UpdateAccessLogSubscriptionCommand({
        accessLogSubscriptionIdentifier: sub.arn,
        destinationArn: 'arn:aws:s3:::new-logs',
      }),
    );
    expect(updated.destinationArn).toBe('arn:aws:s3:::new-logs');
    const got = await client.send(new vl.GetAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: sub.id }));
    expect(got.lastUpdatedAt).toBeInstanceOf(Date);
    await client.send(new vl.DeleteAccessLogSubscriptionCommand({ accessLogSubscriptionIdentifier: sub.id }));
    expect(
      (await client.send(new vl.ListAccessLogSubscriptionsCommand({ resourceIdentifier: net.id }))).items,
    ).toHaveLength(1);
  });

  it('an auth policy is Active only where authType is AWS_IAM', async () => {
    const svc = await client.send(new vl.CreateServiceCommand({ name: 'checkout' }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
    });
    // PutAuthPolicy: "If the auth type is NONE, then any auth policy that's provided remains inactive."
    expect((await client.send(new vl.PutAuthPolicyCommand({ resourceIdentifier: svc.id, policy }))).state).toBe(
      'Inactive',
    );
    await client.send(new vl.UpdateServiceCommand({ serviceIdentifier: svc.id, authType: 'AWS_IAM' }));
    const got = await client.send(new vl.GetAuthPolicyCommand({ resourceIdentifier: svc.arn }));
    expect(got).toMatchObject({ policy, state: 'Active' });
    expect(got.createdAt).toBeInstanceOf(Date);
    expect(
      await failure(client.send(new vl.PutAuthPolicyCommand({ resourceIdentifier: svc.id, policy: 'not json' }))),
    ).toMatchObject({ name: 'ValidationException' });
    await client.send(new vl.DeleteAuthPolicyCommand({ resourceIdentifier: svc.id }));
    expect(await failure(client.send(new vl.GetAuthPolicyCommand({ resourceIdentifier: svc.id })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('a resource policy is put, read and deleted by ARN', async () => {
    const net = await client.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    await client.send(new vl.PutResourcePolicyCommand({ resourceArn: net.arn, policy }));
    expect((await client.send(new vl.GetResourcePolicyCommand({ resourceArn: net.arn }))).policy).toBe(policy);
    await client.send(new vl.DeleteResourcePolicyCommand({ resourceArn: net.arn }));
    expect(await failure(client.send(new vl.GetResourcePolicyCommand({ resourceArn: net.arn })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('tags', () => {
  it('tags, untags and lists tags on any resource by ARN; an unknown ARN is ResourceNotFoundException', async () => {
    const tg = await ipTargetGroup(client, 'blue');
    const arn = tg.arn ?? '';
    await client.send(new vl.TagResourceCommand({ resourceArn: arn, tags: { a: '1', b: '2' } }));
    await client.send(new vl.TagResourceCommand({ resourceArn: arn, tags: { b: '3' } }));
    await client.send(new vl.UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    expect((await client.send(new vl.ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ b: '3' });
    const missing = await failure(
      client.send(new vl.ListTagsForResourceCommand({ resourceArn: `${ARN}:targetgroup/tg-00000000000000000` })),
    );
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});
