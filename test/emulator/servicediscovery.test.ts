/**
 * Cloud Map through the real SDK client: private DNS namespaces (async create with an operation), services,
 * instances, tags, paging and filters, and the errors AWS answers (NamespaceNotFound, ServiceNotFound,
 * ServiceAlreadyExists with the existing id, DuplicateRequest, NamespaceAlreadyExists, ResourceInUse, InvalidInput),
 * HTTP namespaces and DiscoverInstances (with the SDK's `data-` host prefix).
 */
import * as sd from '@aws-sdk/client-servicediscovery';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { lookup as dnsLookup } from 'node:dns';
import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Emulator } from '../../src/emulator/server';
import { createServiceDiscoveryService } from '../../src/emulator/servicediscovery/service';
import { ACCOUNT, REGION, failure, startTestEmulator } from './helpers';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
let clock = T0;
let emu: Emulator;
let client: sd.ServiceDiscoveryClient;
/** DiscoverInstances goes to `data-<host>`; this client sends it to the endpoint as given (see the last test). */
let prefixless: sd.ServiceDiscoveryClient;

beforeAll(async () => {
  emu = await startTestEmulator({ now: () => clock, services: [createServiceDiscoveryService] });
  client = new sd.ServiceDiscoveryClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  prefixless = new sd.ServiceDiscoveryClient({
    endpoint: emu.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
    disableHostPrefix: true,
  });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  clock = T0;
});

async function namespace(
  name = 'local',
  extra: Partial<sd.CreatePrivateDnsNamespaceCommandInput> = {},
): Promise<string> {
  const { OperationId } = await client.send(
    new sd.CreatePrivateDnsNamespaceCommand({ Name: name, Vpc: 'vpc-1', ...extra }),
  );
  const { Operation } = await client.send(new sd.GetOperationCommand({ OperationId }));
  return String(Operation?.Targets?.NAMESPACE);
}

describe('namespaces', () => {
  it('creates a private DNS namespace through an operation that reports SUCCESS', async () => {
    const { OperationId } = await client.send(
      new sd.CreatePrivateDnsNamespaceCommand({
        Name: 'local',
        Vpc: 'vpc-1',
        Description: 'mesh',
        Properties: { DnsProperties: { SOA: { TTL: 60 } } },
        Tags: [{ Key: 'team', Value: 'a' }],
      }),
    );
    const { Operation } = await client.send(new sd.GetOperationCommand({ OperationId }));
    expect(Operation).toMatchObject({ Id: OperationId, Type: 'CREATE_NAMESPACE', Status: 'SUCCESS' });
    const id = String(Operation?.Targets?.NAMESPACE);
    expect(id).toMatch(/^ns-[a-z0-9]{16}$/);
    const { Namespace } = await client.send(new sd.GetNamespaceCommand({ Id: id }));
    expect(Namespace).toMatchObject({
      Id: id,
      Arn: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:namespace/${id}`,
      Name: 'local',
      Type: 'DNS_PRIVATE',
      Description: 'mesh',
      ServiceCount: 0,
      Properties: { DnsProperties: { SOA: { TTL: 60 } }, HttpProperties: { HttpName: 'local' } },
    });
    expect(Namespace?.CreateDate).toEqual(new Date(T0));
    expect(Namespace?.Properties?.DnsProperties?.HostedZoneId).toMatch(/^Z[A-Z0-9]+$/);
  });

  it('answers a retry with the same CreatorRequestId with the same operation, and rejects reuse or a taken name', async () => {
    const a = await client.send(
      new sd.CreatePrivateDnsNamespaceCommand({ Name: 'a', Vpc: 'v', CreatorRequestId: 'r1' }),
    );
    const retry = await client.send(
      new sd.CreatePrivateDnsNamespaceCommand({ Name: 'a', Vpc: 'v', CreatorRequestId: 'r1' }),
    );
    expect(retry.OperationId).toBe(a.OperationId);
    expect(
      (
        await failure(
          client.send(new sd.CreatePrivateDnsNamespaceCommand({ Name: 'b', Vpc: 'v', CreatorRequestId: 'r1' })),
        )
      ).name,
    ).toBe('DuplicateRequest');
    expect((await failure(client.send(new sd.CreatePrivateDnsNamespaceCommand({ Name: 'a', Vpc: 'v' })))).name).toBe(
      'NamespaceAlreadyExists',
    );
  });

  it('lists with filters and paging', async () => {
    for (const name of ['alpha.local', 'beta.local', 'alpine.local']) {
      clock += 1;
      await namespace(name);
    }
    const byPrefix = await client.send(
      new sd.ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['alp'], Condition: 'BEGINS_WITH' }] }),
    );
    expect(byPrefix.Namespaces?.map((n) => n.Name)).toEqual(['alpha.local', 'alpine.local']);
    const byType = await client.send(new sd.ListNamespacesCommand({ Filters: [{ Name: 'TYPE', Values: ['HTTP'] }] }));
    expect(byType.Namespaces).toEqual([]);
    const page1 = await client.send(new sd.ListNamespacesCommand({ MaxResults: 2 }));
    const page2 = await client.send(new sd.ListNamespacesCommand({ MaxResults: 2, NextToken: page1.NextToken }));
    expect([...(page1.Namespaces ?? []), ...(page2.Namespaces ?? [])].map((n) => n.Name)).toEqual([
      'alpha.local',
      'beta.local',
      'alpine.local',
    ]);
    expect(page2.NextToken).toBeUndefined();
    expect(
      (
        await failure(
          client.send(
            new sd.ListNamespacesCommand({ Filters: [{ Name: 'TYPE', Values: ['A', 'B'], Condition: 'EQ' }] }),
          ),
        )
      ).name,
    ).toBe('InvalidInput');
  });

  it('answers NamespaceNotFound and OperationNotFound', async () => {
    expect((await failure(client.send(new sd.GetNamespaceCommand({ Id: 'ns-nope' })))).name).toBe('NamespaceNotFound');
    expect((await failure(client.send(new sd.GetOperationCommand({ OperationId: 'nope' })))).name).toBe(
      'OperationNotFound',
    );
  });
});

describe('services', () => {
  it('creates, gets, lists by namespace, updates and deletes a service', async () => {
    const ns = await namespace();
    const other = await namespace('other.local');
    const { Service } = await client.send(
      new sd.CreateServiceCommand({
        Name: 'web',
        NamespaceId: ns,
        DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
        HealthCheckCustomConfig: { FailureThreshold: 1 },
        Tags: [{ Key: 'team', Value: 'a' }],
      }),
    );
    expect(Service?.Id).toMatch(/^srv-[a-z0-9]{16}$/);
    expect(Service).toMatchObject({
      Arn: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:service/${Service?.Id}`,
      Name: 'web',
      NamespaceId: ns,
      Type: 'DNS_HTTP',
      DnsConfig: { NamespaceId: ns, RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
    await client.send(new sd.CreateServiceCommand({ Name: 'api', NamespaceId: other }));
    const listed = await client.send(
      new sd.ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [ns], Condition: 'EQ' }] }),
    );
    expect(listed.Services?.map((s) => s.Name)).toEqual(['web']);
    expect((await client.send(new sd.GetNamespaceCommand({ Id: ns }))).Namespace?.ServiceCount).toBe(1);

    const { OperationId } = await client.send(
      new sd.UpdateServiceCommand({
        Id: String(Service?.Id),
        Service: { Description: 'front', DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 20 }] } },
      }),
    );
    expect((await client.send(new sd.GetOperationCommand({ OperationId }))).Operation?.Type).toBe('UPDATE_SERVICE');
    const got = await client.send(new sd.GetServiceCommand({ Id: String(Service?.Arn) }));
    expect(got.Service).toMatchObject({ Description: 'front', DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 20 }] } });

    await client.send(new sd.DeleteServiceCommand({ Id: String(Service?.Id) }));
    expect((await failure(client.send(new sd.GetServiceCommand({ Id: String(Service?.Id) })))).name).toBe(
      'ServiceNotFound',
    );
  });

  it('answers ServiceAlreadyExists with the existing ServiceId, and returns the service to a retry', async () => {
    const ns = await namespace();
    const first = await client.send(
      new sd.CreateServiceCommand({ Name: 'web', NamespaceId: ns, CreatorRequestId: 'c1' }),
    );
    const retry = await client.send(
      new sd.CreateServiceCommand({ Name: 'web', NamespaceId: ns, CreatorRequestId: 'c1' }),
    );
    expect(retry.Service?.Id).toBe(first.Service?.Id);
    try {
      await client.send(new sd.CreateServiceCommand({ Name: 'web', NamespaceId: ns }));
      throw new Error('expected ServiceAlreadyExists');
    } catch (err) {
      expect(err).toBeInstanceOf(sd.ServiceAlreadyExists);
      expect((err as sd.ServiceAlreadyExists).ServiceId).toBe(first.Service?.Id);
    }
  });

  it('answers NamespaceNotFound, InvalidInput and ResourceInUse', async () => {
    expect(
      (await failure(client.send(new sd.CreateServiceCommand({ Name: 'web', NamespaceId: 'ns-nope' })))).name,
    ).toBe('NamespaceNotFound');
    const ns = await namespace();
    const both = new sd.CreateServiceCommand({
      Name: 'web',
      NamespaceId: ns,
      HealthCheckConfig: { Type: 'HTTP' },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
    expect((await failure(client.send(both))).name).toBe('InvalidInput');
    await client.send(new sd.CreateServiceCommand({ Name: 'web', NamespaceId: ns }));
    expect((await failure(client.send(new sd.DeleteNamespaceCommand({ Id: ns })))).name).toBe('ResourceInUse');
  });

  it('rejects model-invalid input as InvalidInput', async () => {
    // ServiceName's pattern does not allow spaces; MaxResults is 1..100.
    const ns = await namespace();
    expect(
      await failure(client.send(new sd.CreateServiceCommand({ Name: 'not valid', NamespaceId: ns }))),
    ).toMatchObject({
      name: 'InvalidInput',
      status: 400,
    });
    expect((await failure(client.send(new sd.ListServicesCommand({ MaxResults: 101 })))).name).toBe('InvalidInput');
  });
});

describe('instances and tags', () => {
  it('registers, lists, gets and deregisters instances; a service with instances cannot be deleted', async () => {
    const ns = await namespace();
    const { Service } = await client.send(
      new sd.CreateServiceCommand({
        Name: 'web',
        NamespaceId: ns,
        DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
      }),
    );
    const ServiceId = String(Service?.Id);
    const reg = await client.send(
      new sd.RegisterInstanceCommand({ ServiceId, InstanceId: 'i-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' } }),
    );
    expect((await client.send(new sd.GetOperationCommand({ OperationId: reg.OperationId }))).Operation).toMatchObject({
      Type: 'REGISTER_INSTANCE',
      Status: 'SUCCESS',
      Targets: { SERVICE: ServiceId, INSTANCE: 'i-1' },
    });
    expect(
      (
        await failure(
          client.send(new sd.RegisterInstanceCommand({ ServiceId, InstanceId: 'i-2', Attributes: { x: 'y' } })),
        )
      ).name,
    ).toBe('InvalidInput');
    const listed = await client.send(new sd.ListInstancesCommand({ ServiceId }));
    expect(listed.Instances).toEqual([
      { Id: 'i-1', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' }, CreatedByAccount: ACCOUNT },
    ]);
    expect((await client.send(new sd.GetServiceCommand({ Id: ServiceId }))).Service?.InstanceCount).toBe(1);
    expect((await failure(client.send(new sd.DeleteServiceCommand({ Id: ServiceId })))).name).toBe('ResourceInUse');
    await client.send(new sd.DeregisterInstanceCommand({ ServiceId, InstanceId: 'i-1' }));
    expect((await failure(client.send(new sd.GetInstanceCommand({ ServiceId, InstanceId: 'i-1' })))).name).toBe(
      'InstanceNotFound',
    );
    await client.send(new sd.DeleteServiceCommand({ Id: ServiceId }));
  });

  it('tags and untags namespaces and services', async () => {
    const ns = await namespace();
    const { Namespace } = await client.send(new sd.GetNamespaceCommand({ Id: ns }));
    const ResourceARN = String(Namespace?.Arn);
    await client.send(
      new sd.TagResourceCommand({
        ResourceARN,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await client.send(new sd.UntagResourceCommand({ ResourceARN, TagKeys: ['a'] }));
    expect((await client.send(new sd.ListTagsForResourceCommand({ ResourceARN }))).Tags).toEqual([
      { Key: 'b', Value: '2' },
    ]);
    const missing = `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:service/srv-nope`;
    expect((await failure(client.send(new sd.ListTagsForResourceCommand({ ResourceARN: missing })))).name).toBe(
      'ResourceNotFoundException',
    );
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect((await failure(client.send(new sd.TagResourceCommand({ ResourceARN, Tags: tooMany })))).name).toBe(
      'TooManyTagsException',
    );
  });
});

describe('HTTP namespaces and DiscoverInstances', () => {
  async function httpNamespace(name: string): Promise<string> {
    const { OperationId } = await client.send(new sd.CreateHttpNamespaceCommand({ Name: name, Description: 'api' }));
    const { Operation } = await client.send(new sd.GetOperationCommand({ OperationId }));
    expect(Operation).toMatchObject({ Type: 'CREATE_NAMESPACE', Status: 'SUCCESS' });
    return Operation?.Targets?.NAMESPACE ?? '';
  }

  it('creates an HTTP namespace that GetNamespace finds by id or ARN, with its ARN and HttpName', async () => {
    const id = await httpNamespace('shop.api');
    const { Namespace } = await client.send(new sd.GetNamespaceCommand({ Id: id }));
    expect(Namespace).toMatchObject({
      Id: id,
      Arn: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:namespace/${id}`,
      Name: 'shop.api',
      Type: 'HTTP',
      Description: 'api',
      Properties: { HttpProperties: { HttpName: 'shop.api' } },
    });
    expect((await client.send(new sd.GetNamespaceCommand({ Id: Namespace?.Arn }))).Namespace?.Id).toBe(id);
    // An HTTP namespace has no DNS: a service in it cannot have DnsConfig.
    expect(
      (
        await failure(
          client.send(
            new sd.CreateServiceCommand({
              Name: 's',
              NamespaceId: id,
              DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 5 }] },
            }),
          ),
        )
      ).name,
    ).toBe('InvalidInput');
  });

  it('discovers instances by namespace and service name, filtered by health and attributes', async () => {
    const id = await httpNamespace('shop.api');
    const { Service } = await client.send(new sd.CreateServiceCommand({ Name: 'cart', NamespaceId: id }));
    const put = (InstanceId: string, Attributes: Record<string, string>) =>
      client.send(new sd.RegisterInstanceCommand({ ServiceId: Service?.Id, InstanceId, Attributes }));
    await put('a', { AWS_INSTANCE_IPV4: '10.0.0.1', stage: 'blue' });
    await put('b', { AWS_INSTANCE_IPV4: '10.0.0.2', stage: 'green' });
    await put('c', { AWS_INSTANCE_IPV4: '10.0.0.3', stage: 'green', AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' });
    const discover = async (extra: Partial<sd.DiscoverInstancesCommandInput> = {}): Promise<string[]> =>
      (
        (
          await prefixless.send(
            new sd.DiscoverInstancesCommand({ NamespaceName: 'shop.api', ServiceName: 'cart', ...extra }),
          )
        ).Instances ?? []
      ).map((i) => i.InstanceId ?? '');
    // The DiscoverInstances API reference: HealthStatus defaults to HEALTHY.
    expect(await discover()).toEqual(['a', 'b']);
    expect(await discover({ HealthStatus: 'ALL' })).toEqual(['a', 'b', 'c']);
    expect(await discover({ QueryParameters: { stage: 'green' } })).toEqual(['b']);
    // OptionalParameters narrow the answer only when some instance matches them.
    expect(await discover({ OptionalParameters: { stage: 'blue' } })).toEqual(['a']);
    expect(await discover({ OptionalParameters: { stage: 'red' } })).toEqual(['a', 'b']);
    const first = await prefixless.send(
      new sd.DiscoverInstancesCommand({ NamespaceName: 'shop.api', ServiceName: 'cart' }),
    );
    expect(first.Instances?.[0]).toEqual({
      InstanceId: 'a',
      NamespaceName: 'shop.api',
      ServiceName: 'cart',
      HealthStatus: 'HEALTHY',
      Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1', stage: 'blue' },
    });
    await client.send(new sd.DeregisterInstanceCommand({ ServiceId: Service?.Id, InstanceId: 'a' }));
    const next = await prefixless.send(
      new sd.DiscoverInstancesCommand({ NamespaceName: 'shop.api', ServiceName: 'cart' }),
    );
    expect(next.InstancesRevision).toBeGreaterThan(first.InstancesRevision ?? Number.POSITIVE_INFINITY);
    expect((await failure(discover({ ServiceName: 'nope' }))).name).toBe('ServiceNotFound');
    expect((await failure(discover({ NamespaceName: 'nope' }))).name).toBe('NamespaceNotFound');
  });

  it('accepts the data- host prefix the SDK puts on DiscoverInstances (the model has endpoint.hostPrefix "data-")', async () => {
    // Checked with @aws-sdk/client-servicediscovery: against endpoint http://127.0.0.1:<port> the SDK sends
    // DiscoverInstances to data-127.0.0.1, which does not resolve (getaddrinfo ENOTFOUND) unless the client sets
    // disableHostPrefix: true. A resolver that maps the prefixed name to 127.0.0.1 shows the emulator accepting it.
    const id = await httpNamespace('shop.api');
    await client.send(new sd.CreateServiceCommand({ Name: 'cart', NamespaceId: id }));
    const hosts: string[] = [];
    const lookup: LookupFunction = (hostname, options, callback) => {
      hosts.push(hostname);
      dnsLookup(hostname.replace(/^data-/, ''), options, callback);
    };
    const prefixed = new sd.ServiceDiscoveryClient({
      endpoint: emu.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup }) }),
    });
    const out = await prefixed.send(
      new sd.DiscoverInstancesCommand({ NamespaceName: 'shop.api', ServiceName: 'cart' }),
    );
    expect(out.Instances).toEqual([]);
    expect(hosts).toEqual(['data-127.0.0.1']);
  });
});

/**
 * Update{Http,PrivateDns,PublicDns}Namespace. Sources: the AWS Cloud Map API reference, UpdateHttpNamespace
 * (https://docs.aws.amazon.com/cloud-map/latest/api/API_UpdateHttpNamespace.html: request `{Id, Namespace:
 * {Description}, UpdaterRequestId}`, "UpdaterRequestId ... allows failed UpdateHttpNamespace requests to be retried
 * without the risk of running the operation twice", response `{OperationId}`, "To get the status of the operation,
 * see GetOperation"); the AWS CLI example for update-private-dns-namespace
 * (https://docs.aws.amazon.com/cli/latest/reference/servicediscovery/update-private-dns-namespace.html: the
 * description alone, answered with an OperationId checked with get-operation); and the model
 * (aws-models/servicediscovery-2017-03-14.json: HttpNamespaceChange {Description}, Private/PublicDnsNamespaceChange
 * {Description, Properties.DnsProperties.SOA.TTL}: nothing else of a namespace can change; OperationType
 * UPDATE_NAMESPACE).
 */
describe('namespace updates', () => {
  async function created(op: Promise<{ OperationId?: string }>): Promise<string> {
    const { Operation } = await client.send(new sd.GetOperationCommand({ OperationId: (await op).OperationId }));
    return Operation?.Targets?.NAMESPACE ?? '';
  }
  const get = async (id: string) => (await client.send(new sd.GetNamespaceCommand({ Id: id }))).Namespace;

  it('updates an HTTP namespace description through an UPDATE_NAMESPACE operation, by id or ARN', async () => {
    const id = await created(client.send(new sd.CreateHttpNamespaceCommand({ Name: 'shop.api', Description: 'v1' })));
    clock += 5000;
    const { OperationId } = await client.send(
      new sd.UpdateHttpNamespaceCommand({ Id: id, Namespace: { Description: 'v2' } }),
    );
    expect(OperationId).toMatch(/^[a-z0-9]{32}-[a-z0-9]{8}$/);
    const { Operation } = await client.send(new sd.GetOperationCommand({ OperationId }));
    expect(Operation).toMatchObject({ Type: 'UPDATE_NAMESPACE', Status: 'SUCCESS', Targets: { NAMESPACE: id } });
    expect(Operation?.CreateDate).toEqual(new Date(T0 + 5000));
    expect(await get(id)).toMatchObject({ Name: 'shop.api', Type: 'HTTP', Description: 'v2' });
    const arn = (await get(id))?.Arn;
    await client.send(new sd.UpdateHttpNamespaceCommand({ Id: arn, Namespace: { Description: 'v3' } }));
    expect((await get(id))?.Description).toBe('v3');
    // The change shape holds nothing but the description: the name and type stay.
    const listed = await client.send(new sd.ListNamespacesCommand({}));
    expect(listed.Namespaces?.map((n) => [n.Name, n.Type, n.Description])).toEqual([['shop.api', 'HTTP', 'v3']]);
  });

  it('updates the description and SOA TTL of private and public DNS namespaces, leaving the rest', async () => {
    const priv = await namespace('local', { Description: 'old', Properties: { DnsProperties: { SOA: { TTL: 60 } } } });
    const zone = (await get(priv))?.Properties?.DnsProperties?.HostedZoneId;
    await client.send(
      new sd.UpdatePrivateDnsNamespaceCommand({
        Id: priv,
        Namespace: { Description: 'new', Properties: { DnsProperties: { SOA: { TTL: 300 } } } },
      }),
    );
    expect(await get(priv)).toMatchObject({
      Name: 'local',
      Type: 'DNS_PRIVATE',
      Description: 'new',
      Properties: { DnsProperties: { HostedZoneId: zone, SOA: { TTL: 300 } } },
    });
    // The description alone (the CLI reference's example): the TTL stays.
    await client.send(new sd.UpdatePrivateDnsNamespaceCommand({ Id: priv, Namespace: { Description: 'newer' } }));
    expect(await get(priv)).toMatchObject({
      Description: 'newer',
      Properties: { DnsProperties: { SOA: { TTL: 300 } } },
    });

    const pub = await created(client.send(new sd.CreatePublicDnsNamespaceCommand({ Name: 'example.com' })));
    expect((await get(pub))?.Type).toBe('DNS_PUBLIC');
    await client.send(
      new sd.UpdatePublicDnsNamespaceCommand({
        Id: pub,
        Namespace: { Properties: { DnsProperties: { SOA: { TTL: 120 } } } },
      }),
    );
    expect((await get(pub))?.Properties?.DnsProperties?.SOA?.TTL).toBe(120);
  });

  it('answers a retry with the same UpdaterRequestId with the same operation and does not run it twice', async () => {
    const id = await created(client.send(new sd.CreateHttpNamespaceCommand({ Name: 'shop.api', Description: 'v1' })));
    const first = await client.send(
      new sd.UpdateHttpNamespaceCommand({ Id: id, UpdaterRequestId: 'u1', Namespace: { Description: 'v2' } }),
    );
    // Someone changes it in between: a retry of the first request must not put v2 back.
    await client.send(new sd.UpdateHttpNamespaceCommand({ Id: id, Namespace: { Description: 'by hand' } }));
    const retry = await client.send(
      new sd.UpdateHttpNamespaceCommand({ Id: id, UpdaterRequestId: 'u1', Namespace: { Description: 'v2' } }),
    );
    expect(retry.OperationId).toBe(first.OperationId);
    expect((await get(id))?.Description).toBe('by hand');
    const reuse = await failure(
      client.send(
        new sd.UpdateHttpNamespaceCommand({ Id: id, UpdaterRequestId: 'u1', Namespace: { Description: 'v9' } }),
      ),
    );
    expect(reuse.name).toBe('DuplicateRequest');
    expect((await get(id))?.Description).toBe('by hand');
  });

  it('answers NamespaceNotFound, InvalidInput for a model-invalid change, and changes nothing', async () => {
    expect(
      (
        await failure(
          client.send(new sd.UpdateHttpNamespaceCommand({ Id: 'ns-nope', Namespace: { Description: 'x' } })),
        )
      ).name,
    ).toBe('NamespaceNotFound');
    const id = await created(client.send(new sd.CreateHttpNamespaceCommand({ Name: 'shop.api', Description: 'v1' })));
    const long = await failure(
      client.send(new sd.UpdateHttpNamespaceCommand({ Id: id, Namespace: { Description: 'x'.repeat(1025) } })),
    );
    expect(long.name).toBe('InvalidInput');
    // An HTTP namespace has no DNS properties to update (unverified wording; the type check is an assumption).
    const wrongType = await failure(
      client.send(new sd.UpdatePrivateDnsNamespaceCommand({ Id: id, Namespace: { Description: 'v2' } })),
    );
    expect(wrongType.name).toBe('InvalidInput');
    expect((await get(id))?.Description).toBe('v1');
  });
});
