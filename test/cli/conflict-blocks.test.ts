/**
 * Issue 12: a conflict blocks everything that would live in or point at the unowned resource, and `plan` says so
 * per resource as `apply` does. Through run(argv), the real SDK and the emulator as "AWS" (AWS_ENDPOINT_URL): a
 * person made the Service Connect example's namespace by hand, untagged; plan lists every ECS service of the
 * example as blocked by it (text and JSON), counts no create, exits 4, and apply writes nothing at all. The same
 * for the VPC Lattice example under a person's service network, where what does not touch the network goes ahead.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListServicesCommand } from '@aws-sdk/client-ecs';
import { CreateHttpNamespaceCommand } from '@aws-sdk/client-servicediscovery';
import * as vl from '@aws-sdk/client-vpc-lattice';
import { type AwsClients, LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import * as apply from '../../src/cli/commands/apply';
import * as plan from '../../src/cli/commands/plan';
import type { JsonReport } from '../../src/core/report';
import type { ManifestDocument } from '../../src/core/types';
import { seedLocalInfrastructure } from '../../src/engine/session';
import { type Emulator, startEmulator } from '../../src/emulator/server';
import { validateManifests } from '../../src/manifest/validate';
import { type CapturedIo, captureIo } from './helpers';

const EXAMPLES = resolve(__dirname, '../../examples');
const ENV = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;
const NAMESPACE = 'CloudMapNamespace/shop.local';

let emulator: Emulator;
let clients: AwsClients;
let cwd: string;
const saved: Record<string, string | undefined> = {};

function capture(): CapturedIo {
  return captureIo(cwd);
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  for (const k of ENV) saved[k] = process.env[k];
  process.env['AWS_ENDPOINT_URL'] = emulator.endpoint;
  process.env['AWS_REGION'] = emulator.region;
  process.env['AWS_ACCESS_KEY_ID'] = LOCAL_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = LOCAL_CREDENTIALS.secretAccessKey;
  delete process.env['AWS_PROFILE'];
  clients = createAwsClients({ endpoint: emulator.endpoint, region: emulator.region, credentials: LOCAL_CREDENTIALS });
});

beforeEach(() => {
  emulator.reset();
  cwd = mkdtempSync(join(tmpdir(), 'meshward-conflict-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The example copied to `<cwd>/manifests`, its documents, and the account's infrastructure it needs. */
async function example(name: string): Promise<ManifestDocument[]> {
  cpSync(join(EXAMPLES, name), join(cwd, 'manifests'), { recursive: true });
  const v = await validateManifests([join(cwd, 'manifests')]);
  expect(v.issues).toEqual([]);
  const docs = v.documents.map((d) => d.doc);
  await seedLocalInfrastructure(clients, docs);
  return docs;
}

afterAll(async () => {
  clients.destroy();
  await emulator.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

it("a person's untagged namespace: plan lists the ECS services as blocked by it, apply writes nothing", async () => {
  const docs = await example('service-connect');
  const services = docs.filter((d) => d.kind === 'EcsService').map((d) => d.metadata.name);
  expect(services.length).toBeGreaterThanOrEqual(3);
  // The cluster exists (the account's infrastructure); the namespace a person made in the console, without tags.
  await clients.cloudMap.send(new CreateHttpNamespaceCommand({ Name: 'shop.local', CreatorRequestId: 'console-1' }));

  const text = capture();
  expect(await plan.run(['manifests'], text.io)).toBe(4);
  const out = text.out();
  expect(out).toContain(`! ${NAMESPACE}`);
  for (const name of services) {
    expect(out).toContain(`+ EcsService/shop/${name}  (new)  blocked by ${NAMESPACE}`);
  }
  expect(out).toMatch(/blocked by CloudMapNamespace\/shop\.local: not managed by this stack/);
  expect(out).toContain(`Summary: 0 to create (${services.length} blocked)`);

  const json = capture();
  expect(await plan.run(['manifests', '-o', 'json'], json.io)).toBe(4);
  const report = JSON.parse(json.out()) as JsonReport;
  expect(report.exitCode).toBe(4);
  expect(report.summary.blocked).toEqual({ create: services.length });
  const ecs = report.resources.filter((r) => r.kind === 'EcsService');
  expect(ecs.map((r) => r.id).sort()).toEqual(services.map((n) => `EcsService/shop/${n}`).sort());
  for (const r of ecs) {
    expect(r).toMatchObject({ action: 'create', blockedBy: NAMESPACE });
    expect(r.skippedReason).toMatch(/^blocked by .*not managed by this stack$/);
  }

  const md = capture();
  expect(await plan.run(['manifests', '-o', 'markdown'], md.io)).toBe(4);
  expect(md.out()).toContain(`| create | 0 (${services.length} blocked) |`);

  // apply agrees with the plan: every ECS service blocked, naming the namespace, and not one write.
  const before = emulator.servedWrites().length;
  const applied = capture();
  expect(await apply.run(['manifests', '--auto-approve', '-o', 'json'], applied.io)).toBe(4);
  expect(emulator.servedWrites().slice(before)).toEqual([]);
  const after = JSON.parse(applied.out()) as JsonReport;
  for (const r of after.resources.filter((x) => x.kind === 'EcsService')) {
    expect(r).toMatchObject({ outcome: 'blocked', blockedBy: NAMESPACE, error: { code: 'CONFLICT' } });
  }
  const listed = await clients.ecs.send(new ListServicesCommand({ cluster: 'shop' }));
  expect(listed.serviceArns ?? []).toEqual([]);
});

it("a person's untagged service network: what joins it is blocked, the Lattice services themselves are created", async () => {
  const docs = await example('vpc-lattice');
  const joining = docs
    .filter((d) => d.metadata['serviceNetwork'] === 'shop')
    .map((d) => d.kind)
    .sort();
  expect(joining).toEqual([
    'LatticeAuthPolicy',
    'LatticeServiceNetworkServiceAssociation',
    'LatticeServiceNetworkVpcAssociation',
  ]);
  await clients.lattice.send(new vl.CreateServiceNetworkCommand({ name: 'shop' }));

  const json = capture();
  expect(await plan.run(['manifests', '-o', 'json'], json.io)).toBe(4);
  const report = JSON.parse(json.out()) as JsonReport;
  const network = report.resources.find((r) => r.kind === 'LatticeServiceNetwork');
  expect(network?.action).toBe('conflict');
  const held = report.resources.filter((r) => r.blockedBy !== undefined);
  expect(held.map((r) => r.kind).sort()).toEqual(joining);
  for (const r of held) expect(r).toMatchObject({ action: 'create', blockedBy: network?.id });
  expect(report.summary.blocked).toEqual({ create: joining.length });
  // Everything else of the example is planned as usual.
  const planned = report.resources.filter((r) => r.action === 'create' && r.blockedBy === undefined);
  expect(planned.map((r) => r.kind)).toContain('LatticeService');

  const applied = capture();
  expect(await apply.run(['manifests', '--auto-approve', '-o', 'json'], applied.io)).toBe(4);
  const after = JSON.parse(applied.out()) as JsonReport;
  for (const r of after.resources.filter((x) => x.blockedBy !== undefined)) {
    expect(r).toMatchObject({ outcome: 'blocked', error: { code: 'CONFLICT' } });
  }
  expect(after.resources.find((r) => r.kind === 'LatticeService')?.outcome).toBe('created');
  // Nothing was joined to the person's network, and its auth policy is untouched.
  const sn = (await clients.lattice.send(new vl.ListServiceNetworksCommand({}))).items?.find((n) => n.name === 'shop');
  const vpcs = await clients.lattice.send(
    new vl.ListServiceNetworkVpcAssociationsCommand({ serviceNetworkIdentifier: sn?.id }),
  );
  const svcs = await clients.lattice.send(
    new vl.ListServiceNetworkServiceAssociationsCommand({ serviceNetworkIdentifier: sn?.id }),
  );
  expect([...(vpcs.items ?? []), ...(svcs.items ?? [])]).toEqual([]);
  await expect(
    clients.lattice.send(new vl.GetAuthPolicyCommand({ resourceIdentifier: sn?.arn })),
  ).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});
