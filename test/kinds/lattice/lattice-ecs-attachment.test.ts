/**
 * EcsService.spec.vpcLatticeConfigurations against the emulator (ECS registers task IPs in Lattice target groups):
 * a target group named in the manifest is sent as its ARN and read back as its name (plan 0), the port name is
 * checked against the task definition, `[]` / leaving the member out detaches, and a target group still used by
 * an ECS service is let go of before its delete.
 */
import * as vl from '@aws-sdk/client-vpc-lattice';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { ManifestDocument } from '../../../src/core/types';
import { validateManifests } from '../../../src/manifest/validate';
import { type Harness, changedIds, clone, startHarness } from '../../engine/harness';

const EXAMPLE = resolve(__dirname, '../../../examples/vpc-lattice');
let h: Harness;
let docs: ManifestDocument[];

beforeAll(async () => {
  h = await startHarness();
  const v = await validateManifests([EXAMPLE]);
  expect(v.issues).toEqual([]);
  docs = v.documents.map((d) => d.doc);
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

async function targetsOf(name: string): Promise<vl.TargetSummary[]> {
  const lattice = h.clients.lattice;
  const tg = (await lattice.send(new vl.ListTargetGroupsCommand({}))).items?.find((t) => t.name === name);
  return (await lattice.send(new vl.ListTargetsCommand({ targetGroupIdentifier: tg?.id }))).items ?? [];
}

function ecs(all: ManifestDocument[], name: string): ManifestDocument {
  const doc = all.find((d) => d.kind === 'EcsService' && d.metadata.name === name);
  if (!doc) throw new Error(name);
  return doc;
}

it('attaches ECS services to target groups by name: tasks registered, plan 0', async () => {
  const applied = await h.run('apply', docs);
  expect(applied.report.errors).toEqual([]);
  // The emulated ECS starts tasks on its lifecycle clock, which an ECS call moves.
  await h.clients.ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['service-b-v2'] }));
  expect((await targetsOf('service-b-v1')).filter((t) => t.status !== 'DRAINING')).toHaveLength(2);
  expect((await targetsOf('service-b-v2')).filter((t) => t.status !== 'DRAINING')).toHaveLength(2);
  const described = await h.clients.ecs.send(
    new DescribeServicesCommand({ cluster: 'shop', services: ['service-b-v1'] }),
  );
  const config = described.services?.[0]?.deployments?.[0]?.vpcLatticeConfigurations?.[0];
  expect(config?.targetGroupArn).toMatch(/^arn:aws:vpc-lattice:.*:targetgroup\/tg-/);
  expect(changedIds(await h.run('plan', docs))).toEqual([]);
  expect(changedIds(await h.run('plan', docs, { cacheMaxAgeMillis: 0 }))).toEqual([]);
});

it('refuses a port name the task definition does not have, naming the field', async () => {
  const bad = clone(docs);
  const svc = ecs(bad, 'service-b-v1');
  (svc.spec['vpcLatticeConfigurations'] as { portName: string }[])[0]!.portName = 'grpc';
  const dir = mkdtempSync(join(tmpdir(), 'lattice-'));
  writeFileSync(join(dir, 'all.yaml'), bad.map((d) => stringify(d)).join('---\n'));
  const out = await validateManifests([dir]);
  expect(out.valid).toBe(false);
  expect(out.issues.map((i) => [i.pointer, i.code])).toContainEqual([
    '/spec/vpcLatticeConfigurations/0/portName',
    'PORT_MISMATCH',
  ]);
});

it('detaches a service when the member is gone, and deletes a target group only after its service let go', async () => {
  await h.run('apply', docs);
  // v2 is retired: the listener sends everything to v1, the header rule goes, v2's service leaves Lattice and its
  // target group is pruned. Lattice refuses to delete a target group an ECS service still registers into.
  const next = clone(docs).filter(
    (d) => !(d.kind === 'LatticeTargetGroup' && d.metadata.name === 'service-b-v2') && d.kind !== 'LatticeRule',
  );
  const listener = next.find((d) => d.kind === 'LatticeListener') as ManifestDocument;
  listener.spec['defaultAction'] = { forward: { targetGroups: [{ targetGroupIdentifier: 'service-b-v1' }] } };
  delete ecs(next, 'service-b-v2').spec['vpcLatticeConfigurations'];
  const applied = await h.run('apply', next, { prune: true, maxDeletes: 5, wait: true, pollMillis: 10 });
  expect(applied.report.errors).toEqual([]);
  const ids = applied.results.map((r) => r.id);
  expect(ids.indexOf('EcsService/shop/service-b-v2')).toBeLessThan(ids.indexOf('LatticeTargetGroup/service-b-v2'));
  expect(applied.results.find((r) => r.id === 'LatticeTargetGroup/service-b-v2')?.outcome).toBe('deleted');
  const described = await h.clients.ecs.send(
    new DescribeServicesCommand({ cluster: 'shop', services: ['service-b-v2'] }),
  );
  expect(described.services?.[0]?.deployments?.[0]?.vpcLatticeConfigurations ?? []).toEqual([]);
  expect(changedIds(await h.run('plan', next, { prune: true }))).toEqual([]);
});
