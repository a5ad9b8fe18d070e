/**
 * The VPC Lattice kinds against the emulator through the real @aws-sdk/client-vpc-lattice: the example applies,
 * plans no changes warm and cold, a console change to a rule's weight or a target group's health check is drift
 * naming resource and field, and apply reverts it.
 */
import * as vl from '@aws-sdk/client-vpc-lattice';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { exportManifests, toYaml } from '../../../src/cli/commands/export';
import type { ManifestDocument } from '../../../src/core/types';
import { validateManifests } from '../../../src/manifest/validate';
import { type Harness, changedIds, clone, startHarness } from '../../engine/harness';

let h: Harness;
let docs: ManifestDocument[];
let console_: vl.VPCLatticeClient;

beforeAll(async () => {
  h = await startHarness();
  const v = await validateManifests([resolve(__dirname, '../../../examples/vpc-lattice')]);
  expect(v.issues).toEqual([]);
  docs = v.documents.map((d) => d.doc);
  console_ = h.consoleClients().lattice;
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

it('applies the Lattice example, then plans no changes warm and cold, warm spending list calls only', async () => {
  const first = await h.run('apply', docs);
  expect(first.report.errors).toEqual([]);
  expect(first.results.filter((r) => r.outcome !== 'created')).toEqual([]);
  expect(first.results).toHaveLength(docs.length);

  // The first plan reads what the apply created; from then on a plan spends list calls only.
  expect(changedIds(await h.run('plan', docs))).toEqual([]);
  const warm = await h.run('plan', docs);
  expect(warm.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.changes])).toEqual([]);
  const lattice = Object.keys(warm.report.apiCalls ?? {}).filter((op) => op.startsWith('vpc-lattice:'));
  // The auth policy has no list: one GetAuthPolicy; everything else is unchanged since the cached read.
  expect(lattice.filter((op) => !/:List|:GetAuthPolicy$/.test(op))).toEqual([]);

  const cold = await h.run('plan', docs, { cacheMaxAgeMillis: 0 });
  expect(changedIds(cold)).toEqual([]);
});

it('sees a console change to a rule weight and a health check as drift naming the field, and reverts both', async () => {
  await h.run('apply', docs);
  const services = await console_.send(new vl.ListServicesCommand({}));
  const svc = services.items?.find((s) => s.name === 'service-b');
  const listeners = await console_.send(new vl.ListListenersCommand({ serviceIdentifier: svc?.id }));
  const listener = listeners.items?.[0];
  const tgs = (await console_.send(new vl.ListTargetGroupsCommand({}))).items ?? [];
  const v1 = tgs.find((t) => t.name === 'service-b-v1');
  const v2 = tgs.find((t) => t.name === 'service-b-v2');
  const rules = await console_.send(
    new vl.ListRulesCommand({ serviceIdentifier: svc?.id, listenerIdentifier: listener?.id }),
  );
  const rule = rules.items?.find((r) => r.name === 'canary-header');
  // Someone sends half of the header route to v1, and loosens v2's health check.
  await console_.send(
    new vl.UpdateRuleCommand({
      serviceIdentifier: svc?.id,
      listenerIdentifier: listener?.id,
      ruleIdentifier: rule?.id,
      action: {
        forward: {
          targetGroups: [
            { targetGroupIdentifier: v1?.id, weight: 50 },
            { targetGroupIdentifier: v2?.id, weight: 50 },
          ],
        },
      },
    }),
  );
  await console_.send(
    new vl.UpdateTargetGroupCommand({ targetGroupIdentifier: v2?.id, healthCheck: { healthyThresholdCount: 7 } }),
  );

  const plan = await h.run('plan', docs);
  const drift = plan.changes.filter((c) => c.action !== 'unchanged');
  expect(drift.map((c) => c.id).sort()).toEqual([
    'LatticeRule/service-b/http/canary-header',
    'LatticeTargetGroup/service-b-v2',
  ]);
  const ruleChange = drift.find((c) => c.id.startsWith('LatticeRule'));
  expect(ruleChange?.changes.every((f) => f.path.startsWith('/spec/action/forward/targetGroups/'))).toBe(true);
  expect(ruleChange?.changes.find((f) => f.path.endsWith('/0/weight'))).toEqual({
    path: '/spec/action/forward/targetGroups/0/weight',
    before: 50,
    after: 100,
  });
  const tgChange = drift.find((c) => c.id.startsWith('LatticeTargetGroup'));
  expect(tgChange?.changes).toEqual([{ path: '/spec/config/healthCheck/healthyThresholdCount', before: 7, after: 3 }]);

  const revert = await h.run('apply', docs);
  expect(revert.report.errors).toEqual([]);
  expect(changedIds(await h.run('plan', docs, { cacheMaxAgeMillis: 0 }))).toEqual([]);
  const after = await console_.send(
    new vl.GetRuleCommand({ serviceIdentifier: svc?.id, listenerIdentifier: listener?.id, ruleIdentifier: rule?.id }),
  );
  expect(after.action?.forward?.targetGroups).toEqual([{ targetGroupIdentifier: v2?.id, weight: 100 }]);
});

it('prunes every Lattice kind when the manifests are gone, dependents first', async () => {
  await h.run('apply', docs);
  // The ECS services stay, detached from Lattice (a target group in use by one cannot be deleted).
  const networkOnly = clone(docs).filter((d) => d.kind === 'LatticeServiceNetwork' || d.kind === 'EcsService');
  for (const d of networkOnly) if (d.kind === 'EcsService') delete d.spec['vpcLatticeConfigurations'];
  const refused = await h.run('apply', networkOnly, { prune: true });
  expect(refused.results.filter((r) => r.outcome === 'deleted')).toEqual([]);
  const pruned = await h.run('apply', networkOnly, {
    prune: true,
    maxDeletes: 50,
    wait: true,
    pollMillis: 10,
  });
  expect(pruned.report.errors).toEqual([]);
  expect(pruned.results.filter((r) => r.outcome !== 'deleted' && !r.id.startsWith('EcsService/'))).toEqual([]);
  expect(pruned.results.filter((r) => r.outcome === 'deleted')).toHaveLength(docs.length - networkOnly.length);
  expect((await console_.send(new vl.ListServicesCommand({}))).items).toEqual([]);
  expect((await console_.send(new vl.ListTargetGroupsCommand({}))).items).toEqual([]);
  expect((await console_.send(new vl.ListServiceNetworksCommand({}))).items).toHaveLength(1);
  expect(changedIds(await h.run('plan', networkOnly, { prune: true }))).toEqual([]);
});

it('treats a same-named Lattice resource someone else created as a conflict and leaves it alone', async () => {
  // Another team's target group, untagged, with the name the manifests use.
  const theirs = await console_.send(
    new vl.CreateTargetGroupCommand({
      name: 'service-b-v1',
      type: 'IP',
      config: { port: 9000, protocol: 'HTTP', vpcIdentifier: 'vpc-0a1b2c3d4e5f60718' },
    }),
  );
  const plan = await h.run('plan', docs);
  expect(plan.changes.find((c) => c.id === 'LatticeTargetGroup/service-b-v1')?.action).toBe('conflict');
  await h.run('apply', docs);
  const after = await console_.send(new vl.GetTargetGroupCommand({ targetGroupIdentifier: theirs.id }));
  expect(after.config?.port).toBe(9000);
  expect((await console_.send(new vl.ListTagsForResourceCommand({ resourceArn: theirs.arn }))).tags).toEqual({});
});

it('exports a service network with everything it reaches, and the export re-creates the same resources', async () => {
  await h.run('apply', docs);
  const { documents } = await exportManifests(h, undefined, 'shop', () => undefined, 'shop');
  expect(documents.map((d) => d.kind).sort()).toEqual(docs.map((d) => d.kind).sort());
  const reparsed = parseAllDocuments(toYaml(documents)).map((d) => d.toJS() as ManifestDocument);
  await h.reset();
  const applied = await h.run('apply', reparsed);
  expect(applied.report.errors).toEqual([]);
  expect(applied.results.filter((r) => r.outcome !== 'created')).toEqual([]);
  expect(changedIds(await h.run('plan', docs, { cacheMaxAgeMillis: 0 }))).toEqual([]);
});
