/**
 * The Resource Groups Tagging API's GetResources over the emulated services' tags, through the real SDK client.
 *
 * Facts, each with where it was read (looked up 2026-12-02):
 * - GetResources "returns all the tagged or previously tagged resources" in the Region, with all tags of each
 *   resource; it pages: "check the PaginationToken response parameter ... until you receive a null value"
 *   (boto3 ResourceGroupsTaggingAPI.Client.get_resources; the SDK's GetResourcesInput docs).
 * - ResourcesPerPage: "a minimum of 1 and a maximum value of 100"; TagsPerPage "a minimum of 100 items up to a
 *   maximum of 500 items", never splitting a resource across pages (@aws-sdk/client-resource-groups-tagging-api
 *   models_0.d.ts, GetResourcesInput).
 * - TagFilters: up to 50 keys, each up to 20 values; filters ANDed, values of one filter ORed, a key without values
 *   matches any value (same source, and boto3's paginator docs).
 * - ResourceTypeFilters: `service[:resourceType]`, "the same as that embedded in a resource's ARN", up to 100 items
 *   (same source).
 * - ResourceARNList (1..100) cannot be combined with TagFilters, ResourceTypeFilters or the paging parameters:
 *   "you get an Invalid Parameter exception"; an ARN that does not exist is simply left out (same source; botocore
 *   resourcegroupstaggingapi 2017-01-26 ResourceARNListForGet min 1 max 100).
 * - "A PaginationToken is valid for a maximum of 15 minutes": PaginationTokenExpiredException (botocore reference,
 *   ResourceGroupsTaggingAPI.Client.exceptions.PaginationTokenExpiredException).
 * - Coverage: "The GetResources, GetTagKeys, and GetTagValues operations support all resource types", with listed
 *   exceptions (IAM users and roles; Auto Scaling groups answer an empty response)
 *   (docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/supported-services.html). No page names App Mesh,
 *   ECS, Cloud Map or VPC Lattice as an exception, but none confirms them either: `tagging.coveredServices`.
 * - Consistency: GetResources can lag the services: deleted resources were still returned 20 minutes to hours later
 *   (aws/aws-cli#4173, boto/boto3#3341, aws/aws-sdk#676; AWS's answer in aws/aws-sdk#302: services not onboarded to
 *   the internal tag store show stale data). How long a tag change takes to appear is not documented:
 *   `tagging.lagMs`.
 * - Rate limits: no GetResources rate was found in the API reference (not emulated).
 * Error message wording is not documented; the types (InvalidParameterException, PaginationTokenExpiredException,
 * `Message` member) are the model's.
 */
import * as am from '@aws-sdk/client-app-mesh';
import * as ecs from '@aws-sdk/client-ecs';
import * as sd from '@aws-sdk/client-servicediscovery';
import * as tg from '@aws-sdk/client-resource-groups-tagging-api';
import * as vl from '@aws-sdk/client-vpc-lattice';
import type { Emulator } from '../../src/emulator/server';
import { REGION, appMesh, failure, startTestEmulator } from './helpers';
import { lattice } from './lattice-helpers';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const STACK = 'meshward.dev/stack';

function tagging(emu: Emulator): tg.ResourceGroupsTaggingAPIClient {
  return new tg.ResourceGroupsTaggingAPIClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
}

async function everyPage(client: tg.ResourceGroupsTaggingAPIClient, input: tg.GetResourcesInput) {
  const out: tg.ResourceTagMapping[] = [];
  let pages = 0;
  for await (const page of tg.paginateGetResources({ client }, input)) {
    pages += 1;
    out.push(...(page.ResourceTagMappingList ?? []));
    if (pages > 100) throw new Error('paging does not end');
  }
  return { out, pages };
}

describe('Resource Groups Tagging API GetResources', () => {
  let emu: Emulator;
  let mesh: am.AppMeshClient;
  let tags: tg.ResourceGroupsTaggingAPIClient;
  beforeAll(async () => {
    emu = await startTestEmulator();
    mesh = appMesh(emu);
    tags = tagging(emu);
  });
  afterAll(async () => {
    await emu.stop();
  });
  beforeEach(() => emu.reset());

  const tagged = (stack: string) => [
    { key: 'meshward.dev/managed-by', value: 'meshward' },
    { key: STACK, value: stack },
  ];

  async function seedAllServices() {
    const m = await mesh.send(new am.CreateMeshCommand({ meshName: 'shop', tags: tagged('a') }));
    const vn = await mesh.send(
      new am.CreateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'web', spec: {}, tags: tagged('a') }),
    );
    await mesh.send(new am.CreateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'theirs', spec: {} }));
    const e = new ecs.ECSClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const cluster = await e.send(new ecs.CreateClusterCommand({ clusterName: 'prod', tags: tagged('b') }));
    const td = await e.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }],
        tags: tagged('a'),
      }),
    );
    const cm = new sd.ServiceDiscoveryClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const { OperationId } = await cm.send(
      new sd.CreateHttpNamespaceCommand({ Name: 'shop.local', Tags: [{ Key: STACK, Value: 'a' }] }),
    );
    const op = await cm.send(new sd.GetOperationCommand({ OperationId }));
    const ns = await cm.send(new sd.GetNamespaceCommand({ Id: op.Operation?.Targets?.NAMESPACE }));
    const lat = lattice(emu);
    const net = await lat.send(new vl.CreateServiceNetworkCommand({ name: 'net', tags: { [STACK]: 'a' } }));
    return {
      mesh: m.mesh?.metadata?.arn ?? '',
      node: vn.virtualNode?.metadata?.arn ?? '',
      cluster: cluster.cluster?.clusterArn ?? '',
      taskDefinition: td.taskDefinition?.taskDefinitionArn ?? '',
      namespace: ns.Namespace?.Arn ?? '',
      network: net.arn ?? '',
    };
  }

  it('finds the resources of every emulated service by tag, with all their tags, and counts the call', async () => {
    const arns = await seedAllServices();
    emu.stats.reset();
    const { out } = await everyPage(tags, { TagFilters: [{ Key: STACK, Values: ['a'] }], ResourcesPerPage: 100 });
    expect(out.map((r) => r.ResourceARN).sort()).toEqual(
      [arns.mesh, arns.node, arns.taskDefinition, arns.namespace, arns.network].sort(),
    );
    const node = out.find((r) => r.ResourceARN === arns.node);
    expect(node?.Tags).toEqual([
      { Key: 'meshward.dev/managed-by', Value: 'meshward' },
      { Key: STACK, Value: 'a' },
    ]);
    // The untagged node and stack b's cluster are not there; the call is in the emulator's stats.
    expect(emu.stats.calls('GetResources', 'tagging')).toBe(1);
  });

  it('ANDs filters, ORs the values of one filter, and a key without values matches any value', async () => {
    const arns = await seedAllServices();
    const both = await everyPage(tags, { TagFilters: [{ Key: STACK, Values: ['a', 'b'] }] });
    expect(both.out.map((r) => r.ResourceARN)).toContain(arns.cluster);
    const anyValue = await everyPage(tags, { TagFilters: [{ Key: STACK }] });
    expect(anyValue.out).toHaveLength(both.out.length);
    const and = await everyPage(tags, {
      TagFilters: [
        { Key: STACK, Values: ['a'] },
        { Key: 'meshward.dev/managed-by', Values: ['meshward'] },
      ],
    });
    expect(and.out.map((r) => r.ResourceARN).sort()).toEqual([arns.mesh, arns.node, arns.taskDefinition].sort());
  });

  it('filters by service and by service:resourceType as written in the ARN', async () => {
    const arns = await seedAllServices();
    const filter = [{ Key: STACK }];
    const appmesh = await everyPage(tags, { TagFilters: filter, ResourceTypeFilters: ['appmesh'] });
    expect(appmesh.out.map((r) => r.ResourceARN).sort()).toEqual([arns.mesh, arns.node].sort());
    // Every App Mesh ARN's resource part starts with mesh/: appmesh:mesh is all of them.
    const meshType = await everyPage(tags, { TagFilters: filter, ResourceTypeFilters: ['appmesh:mesh'] });
    expect(meshType.out).toHaveLength(2);
    const ecsTd = await everyPage(tags, { TagFilters: filter, ResourceTypeFilters: ['ecs:task-definition'] });
    expect(ecsTd.out.map((r) => r.ResourceARN)).toEqual([arns.taskDefinition]);
    const mixed = await everyPage(tags, {
      TagFilters: filter,
      ResourceTypeFilters: ['servicediscovery:namespace', 'vpc-lattice:servicenetwork', 'ecs:cluster'],
    });
    expect(mixed.out.map((r) => r.ResourceARN).sort()).toEqual([arns.namespace, arns.network, arns.cluster].sort());
  });

  it('pages by ResourcesPerPage and ends with an empty token', async () => {
    for (let i = 0; i < 7; i += 1) {
      await mesh.send(new am.CreateMeshCommand({ meshName: `m${i}`, tags: tagged('a') }));
    }
    const { out, pages } = await everyPage(tags, { TagFilters: [{ Key: STACK }], ResourcesPerPage: 3 });
    expect(out).toHaveLength(7);
    expect(new Set(out.map((r) => r.ResourceARN)).size).toBe(7);
    expect(pages).toBe(3);
    const last = await tags.send(new tg.GetResourcesCommand({ TagFilters: [{ Key: STACK }], ResourcesPerPage: 100 }));
    expect(last.PaginationToken ?? '').toBe('');
  });

  // The emulator's choice, not a documented AWS fact: later pages are cut from the set the first page saw, so a
  // tag change between pages neither repeats nor skips a resource (and a paged query costs one scan in all).
  it('pages one result set: a resource untagged between pages is neither skipped nor repeated', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const m = await mesh.send(new am.CreateMeshCommand({ meshName: `p${i}`, tags: tagged('a') }));
      arns.push(m.mesh?.metadata?.arn ?? '');
    }
    const first = await tags.send(new tg.GetResourcesCommand({ TagFilters: [{ Key: STACK }], ResourcesPerPage: 3 }));
    const seen = (first.ResourceTagMappingList ?? []).map((r) => r.ResourceARN);
    // A resource on the first page loses its tags: with a fresh scan per page, the second page would shift by one.
    await mesh.send(new am.UntagResourceCommand({ resourceArn: seen[0], tagKeys: [STACK] }));
    const second = await tags.send(
      new tg.GetResourcesCommand({
        TagFilters: [{ Key: STACK }],
        ResourcesPerPage: 3,
        PaginationToken: first.PaginationToken,
      }),
    );
    const all = [...seen, ...(second.ResourceTagMappingList ?? []).map((r) => r.ResourceARN)];
    expect([...all].sort()).toEqual([...arns].sort());
    expect(second.PaginationToken ?? '').toBe('');
  });

  it('keeps a resource and its tags on one page under TagsPerPage', async () => {
    for (let i = 0; i < 5; i += 1) {
      const many = Array.from({ length: 40 }, (_, k) => ({ key: `k${k}`, value: 'v' }));
      await mesh.send(new am.CreateMeshCommand({ meshName: `m${i}`, tags: [...tagged('a'), ...many] }));
    }
    // 42 tags each: 100 tags a page hold two resources.
    const { out, pages } = await everyPage(tags, { TagFilters: [{ Key: STACK }], TagsPerPage: 100 });
    expect(out).toHaveLength(5);
    expect(pages).toBe(3);
    expect(out.every((r) => r.Tags?.length === 42)).toBe(true);
  });

  it('answers ResourceARNList for the ARNs that exist, and refuses it with filters or paging', async () => {
    const arns = await seedAllServices();
    const gone = arns.node.replace('/web', '/nobody');
    const out = await tags.send(new tg.GetResourcesCommand({ ResourceARNList: [arns.node, gone] }));
    expect(out.ResourceTagMappingList?.map((r) => r.ResourceARN)).toEqual([arns.node]);
    for (const extra of [
      { TagFilters: [{ Key: STACK }] },
      { ResourceTypeFilters: ['appmesh'] },
      { ResourcesPerPage: 10 },
    ]) {
      const err = await failure(tags.send(new tg.GetResourcesCommand({ ResourceARNList: [arns.node], ...extra })));
      expect(err.name).toBe('InvalidParameterException');
      expect(err.status).toBe(400);
    }
    const tooMany = Array.from({ length: 101 }, (_, i) => `${arns.node}${i}`);
    expect((await failure(tags.send(new tg.GetResourcesCommand({ ResourceARNList: tooMany })))).name).toBe(
      'InvalidParameterException',
    );
  });

  it('refuses ResourcesPerPage outside 1..100, TagsPerPage outside 100..500, and over-long filters', async () => {
    for (const input of [
      { ResourcesPerPage: 0 },
      { ResourcesPerPage: 101 },
      { TagsPerPage: 99 },
      { TagsPerPage: 501 },
      { TagFilters: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) },
      { TagFilters: [{ Key: 'k', Values: Array.from({ length: 21 }, (_, i) => `v${i}`) }] },
      { TagFilters: [{ Values: ['x'] }] },
      { ResourceTypeFilters: Array.from({ length: 101 }, () => 'appmesh') },
    ]) {
      const err = await failure(tags.send(new tg.GetResourcesCommand(input)));
      expect(err.name).toBe('InvalidParameterException');
      expect(err.message).not.toBe('');
    }
  });

  it('expires a pagination token after 15 minutes and refuses one it did not issue', async () => {
    let clock = Date.UTC(2026, 11, 2);
    const timed = await startTestEmulator({ now: () => clock });
    try {
      const m = appMesh(timed);
      for (let i = 0; i < 3; i += 1) await m.send(new am.CreateMeshCommand({ meshName: `m${i}`, tags: tagged('a') }));
      const t = tagging(timed);
      const first = await t.send(new tg.GetResourcesCommand({ TagFilters: [{ Key: STACK }], ResourcesPerPage: 1 }));
      expect(first.PaginationToken).toBeTruthy();
      clock += 15 * 60 * 1000 + 1;
      const expired = await failure(
        t.send(
          new tg.GetResourcesCommand({
            TagFilters: [{ Key: STACK }],
            ResourcesPerPage: 1,
            PaginationToken: first.PaginationToken,
          }),
        ),
      );
      expect(expired.name).toBe('PaginationTokenExpiredException');
      const forged = await failure(
        t.send(new tg.GetResourcesCommand({ TagFilters: [{ Key: STACK }], PaginationToken: 'not-a-token' })),
      );
      expect(forged.name).toBe('InvalidParameterException');
    } finally {
      await timed.stop();
    }
  });
});

describe('Tagging API options (unverified behaviour)', () => {
  it('coveredServices: a service left out answers nothing, as an unsupported type does', async () => {
    const emu = await startTestEmulator({ tagging: { coveredServices: ['ecs'] } });
    try {
      await appMesh(emu).send(new am.CreateMeshCommand({ meshName: 'shop', tags: [{ key: STACK, value: 'a' }] }));
      const out = await tagging(emu).send(new tg.GetResourcesCommand({ TagFilters: [{ Key: STACK }] }));
      expect(out.ResourceTagMappingList).toEqual([]);
    } finally {
      await emu.stop();
    }
  });

  it('lagMs: tag changes and deletes show up late, as an eventually consistent view', async () => {
    let clock = Date.UTC(2026, 11, 2);
    const emu = await startTestEmulator({ now: () => clock, tagging: { lagMs: 60_000 } });
    try {
      const m = appMesh(emu);
      const t = tagging(emu);
      const created = await m.send(new am.CreateMeshCommand({ meshName: 'shop', tags: [{ key: STACK, value: 'a' }] }));
      const arn = created.mesh?.metadata?.arn ?? '';
      const query = { TagFilters: [{ Key: STACK, Values: ['a'] }] };
      expect((await t.send(new tg.GetResourcesCommand(query))).ResourceTagMappingList).toHaveLength(1);
      await m.send(new am.UntagResourceCommand({ resourceArn: arn, tagKeys: [STACK] }));
      clock += 30_000;
      // Still shown as stack a's: the view is 30 s old.
      expect((await t.send(new tg.GetResourcesCommand(query))).ResourceTagMappingList).toHaveLength(1);
      clock += 30_000;
      expect((await t.send(new tg.GetResourcesCommand(query))).ResourceTagMappingList).toHaveLength(0);
    } finally {
      await emu.stop();
    }
  });
});
