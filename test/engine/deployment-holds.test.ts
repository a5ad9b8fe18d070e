/**
 * While an ECS deployment is in progress, what ECS itself moves is not drift (issues 9 and 10), through the real
 * SDK against the emulator with a timed lifecycle clock: apply starts a CANARY deployment of a service whose
 * vpcLatticeConfigurations name a production listener rule (advancedConfiguration); a plan or drift run during it
 * finds nothing to change, says ECS holds the rule's weights, and a real manifest change is still planned (with a
 * note on the service) and applied without moving ECS's weights back; after the deployment the plan is 0.
 */
import * as vl from '@aws-sdk/client-vpc-lattice';
import type { ManifestDocument } from '../../src/core/types';
import { renderText } from '../../src/core/report';
import { validateFiles } from '../../src/manifest/validate';
import { stringify } from 'yaml';
import { type Harness, changedIds, clone, startHarness } from './harness';

const MINUTE = 60_000;
let clock = Date.UTC(2026, 11, 1, 9, 0, 0);
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: () => clock, ecs: { deploymentTiming: 'timed' } });
});
afterAll(async () => h.close());
beforeEach(async () => h.reset());

const VPC = 'vpc-0a1b2c3d4e5f60718';
const doc = (kind: string, metadata: Record<string, unknown>, spec: Record<string, unknown>): ManifestDocument => ({
  apiVersion: 'meshward.dev/v1alpha1',
  kind,
  metadata: metadata as ManifestDocument['metadata'],
  spec,
});
const targetGroup = (name: string): ManifestDocument =>
  doc('LatticeTargetGroup', { name }, { type: 'IP', config: { port: 8080, protocol: 'HTTP', vpcIdentifier: VPC } });

function manifests(image: string): ManifestDocument[] {
  return [
    targetGroup('web-blue'),
    targetGroup('web-green'),
    doc('LatticeService', { name: 'web' }, {}),
    doc(
      'LatticeListener',
      { service: 'web', name: 'http' },
      { protocol: 'HTTP', defaultAction: { fixedResponse: { statusCode: 404 } } },
    ),
    doc(
      'LatticeRule',
      { service: 'web', listener: 'http', name: 'production' },
      {
        priority: 10,
        match: { httpMatch: { pathMatch: { match: { prefix: '/' } } } },
        action: {
          forward: {
            targetGroups: [
              { targetGroupIdentifier: 'web-blue', weight: 100 },
              { targetGroupIdentifier: 'web-green', weight: 0 },
            ],
          },
        },
      },
    ),
    doc(
      'EcsService',
      { name: 'web' },
      {
        cluster: 'shop',
        launchType: 'FARGATE',
        desiredCount: 2,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } },
        deploymentConfiguration: {
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
        },
        vpcLatticeConfigurations: [
          {
            targetGroupArn: 'web-blue',
            portName: 'http',
            roleArn: 'arn:aws:iam::111122223333:role/ecsInfrastructureRoleForVpcLattice',
            advancedConfiguration: {
              alternateTargetGroupArn: 'web-green',
              productionListenerRule: 'web/http/production',
            },
          },
        ],
        taskDefinition: {
          family: 'shop-web',
          cpu: '256',
          memory: '512',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          containerDefinitions: [
            { name: 'app', image, essential: true, portMappings: [{ name: 'http', containerPort: 8080 }] },
          ],
        },
      },
    ),
  ];
}

/** The production rule's weights by target group name, as AWS has them. */
async function ruleWeights(): Promise<Record<string, number | undefined>> {
  const client = h.clients.lattice;
  const svc = (await client.send(new vl.ListServicesCommand({}))).items?.find((s) => s.name === 'web');
  const listener = (await client.send(new vl.ListListenersCommand({ serviceIdentifier: svc?.id }))).items?.[0];
  const rule = (
    await client.send(new vl.ListRulesCommand({ serviceIdentifier: svc?.id, listenerIdentifier: listener?.id }))
  ).items?.find((r) => r.name === 'production');
  const got = await client.send(
    new vl.GetRuleCommand({ serviceIdentifier: svc?.id, listenerIdentifier: listener?.id, ruleIdentifier: rule?.id }),
  );
  const groups = (await client.send(new vl.ListTargetGroupsCommand({}))).items ?? [];
  const nameOf = (id: string | undefined): string => groups.find((g) => g.id === id || g.arn === id)?.name ?? '?';
  return Object.fromEntries(
    (got.action?.forward?.targetGroups ?? []).map((g) => [nameOf(g.targetGroupIdentifier), g.weight]),
  );
}

const RULE = 'LatticeRule/web/http/production';
const SERVICE = 'EcsService/shop/web';

it('a Lattice canary: ECS-moved weights are not drift while it runs, a real change still is, 0 after it', async () => {
  const first = await h.run('apply', manifests('shop/web:1.0.0'));
  expect(first.issues).toEqual([]);
  expect(first.report.errors).toEqual([]);
  // The first deployment gave production to the new revision's group, as ECS does.
  expect(await ruleWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
  const settled = await h.run('plan', manifests('shop/web:1.0.0'));
  expect(changedIds(settled)).toEqual([]);
  // Outside a deployment too, the weights are ECS's: it leaves production on the last revision's group.
  const owned = settled.changes.find((c) => c.id === RULE);
  expect(owned?.held?.map((f) => [f.path, f.before, f.after])).toEqual([
    ['/spec/action/forward/targetGroups/0/weight', 0, 100],
    ['/spec/action/forward/targetGroups/1/weight', 100, 0],
  ]);

  // A new image: apply starts the canary; 10 % of production on the new revision's group, 5 minutes of bake.
  const deploy = await h.run('apply', manifests('shop/web:1.1.0'));
  expect(deploy.report.errors).toEqual([]);
  expect(changedIds(deploy)).toEqual([SERVICE]);
  // Remembered for event-scoped runs: the rule's weights are held (held-event-scope.test.ts).
  const arnOfRule = deploy.actual.find((a) => a.id === RULE)?.arn ?? '';
  expect(deploy.state.versionCache[`meshward:held:${arnOfRule}`]?.data).toBe(RULE);
  expect(await ruleWeights()).toEqual({ 'web-blue': 10, 'web-green': 90 });

  for (const mode of ['plan', 'drift'] as const) {
    const during = await h.run(mode, manifests('shop/web:1.1.0'));
    expect(changedIds(during)).toEqual([]);
    expect(during.report.summary.drifted).toBe(0);
    expect(during.report.exitCode).toBe(0);
    // The deployment is read from DescribeServices' answer: no other ECS call.
    expect(Object.keys(during.report.apiCalls ?? {}).filter((op) => op.startsWith('ecs:'))).toEqual([
      'ecs:DescribeServices',
    ]);
    const rule = during.changes.find((c) => c.id === RULE);
    expect(rule?.held?.[0]?.reason).toMatch(/^ECS deployment of shop\/web in progress \(CANARY.*moves the weights/);
  }
  // ECS's own UpdateRule is a CloudTrail event for the rule: an event-scoped run that read the rule alone would see
  // the weights as drift, so it reads everything (the service with the deployment) instead, and writes nothing.
  const scoped = await h.run('apply', manifests('shop/web:1.1.0'), { only: [RULE] });
  expect(scoped.scoped).toBeFalsy();
  expect(changedIds(scoped)).toEqual([]);
  expect(scoped.results.filter((r) => r.outcome !== 'unchanged')).toEqual([]);
  expect(await ruleWeights()).toEqual({ 'web-blue': 10, 'web-green': 90 });
  const text = renderText((await h.run('plan', manifests('shop/web:1.1.0'), { includeUnchanged: true })).report);
  expect(text).toMatch(
    /held \(ECS deployment of shop\/web in progress[^\n]*\n {6}= \/spec\/action\/forward\/targetGroups\/0\/weight: 10 \S+ 100\n/,
  );
  expect(text).toMatch(/No changes/);

  // A real manifest change during the deployment: planned, with a note on the service; the rule's priority
  // changes without moving ECS's weights back.
  const changed = manifests('shop/web:1.1.0');
  const ruleDoc = changed.find((d) => d.kind === 'LatticeRule');
  if (ruleDoc) ruleDoc.spec['priority'] = 20;
  const svcDoc = changed.find((d) => d.kind === 'EcsService');
  if (svcDoc) svcDoc.metadata.tags = { team: 'web' };
  const planned = await h.run('plan', clone(changed));
  expect(changedIds(planned).sort()).toEqual([SERVICE, RULE]);
  expect(planned.changes.find((c) => c.id === RULE)?.changes.map((f) => f.path)).toEqual(['/spec/priority']);
  expect(planned.changes.find((c) => c.id === SERVICE)?.notes?.[0]).toMatch(
    /ECS deployment of shop\/web in progress .*supersedes it/,
  );
  const applied = await h.run('apply', clone(changed));
  expect(applied.report.errors).toEqual([]);
  expect(await ruleWeights()).toEqual({ 'web-blue': 10, 'web-green': 90 });
  expect(changedIds(await h.run('plan', clone(changed)))).toEqual([]);

  // The bake ends: production is all on the new revision's group, and the plan is 0.
  clock += 5 * MINUTE;
  expect(await ruleWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
  const after = await h.run('plan', clone(changed));
  expect(changedIds(after)).toEqual([]);
  expect(after.changes.find((c) => c.id === SERVICE)?.notes).toBeUndefined();
});

function serviceConnectSet(image: string, desiredCount: number): ManifestDocument[] {
  return [
    doc('CloudMapNamespace', { name: 'shop.internal' }, { type: 'HTTP' }),
    doc(
      'EcsService',
      { name: 'orders' },
      {
        cluster: 'shop',
        launchType: 'FARGATE',
        desiredCount,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60001'] } },
        deploymentConfiguration: {
          strategy: 'CANARY',
          canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 10 },
        },
        serviceConnectConfiguration: {
          enabled: true,
          namespace: 'shop.internal',
          services: [{ portName: 'http', clientAliases: [{ port: 80 }] }],
        },
        taskDefinition: {
          family: 'shop-orders',
          cpu: '256',
          memory: '512',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          containerDefinitions: [
            {
              name: 'app',
              image,
              essential: true,
              portMappings: [{ name: 'http', containerPort: 8080, appProtocol: 'http' }],
            },
          ],
        },
      },
    ),
  ];
}

it('a Service Connect canary: nothing ECS moves is drift while it runs, a real change is planned with a note', async () => {
  const ORDERS = 'EcsService/shop/orders';
  expect((await h.run('apply', serviceConnectSet('shop/orders:1', 2))).report.errors).toEqual([]);
  expect(changedIds(await h.run('plan', serviceConnectSet('shop/orders:1', 2)))).toEqual([]);
  const deploy = await h.run('apply', serviceConnectSet('shop/orders:2', 2));
  expect(changedIds(deploy)).toEqual([ORDERS]);

  // Mid-canary (10 minutes of bake): two deployments, PRIMARY and ACTIVE, both with a Service Connect config.
  for (const mode of ['plan', 'drift'] as const) {
    const during = await h.run(mode, serviceConnectSet('shop/orders:2', 2));
    expect(during.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.id, c.changes])).toEqual([]);
    expect(during.report.exitCode).toBe(0);
  }
  const planned = await h.run('plan', serviceConnectSet('shop/orders:2', 3));
  const change = planned.changes.find((c) => c.id === ORDERS);
  expect(change?.changes.map((f) => [f.path, f.before, f.after])).toEqual([['/spec/service/desiredCount', 2, 3]]);
  expect(change?.notes?.[0]).toMatch(/^ECS deployment of shop\/orders in progress \(CANARY, .* IN_PROGRESS/);
  expect(renderText(planned.report)).toMatch(/note: ECS deployment of shop\/orders in progress/);

  clock += 10 * MINUTE;
  const after = await h.run('plan', serviceConnectSet('shop/orders:2', 2));
  expect(changedIds(after)).toEqual([]);
  expect(after.changes.find((c) => c.id === ORDERS)?.notes).toBeUndefined();
});

/** The documents as `meshward validate` reads them from a file. */
function validate(docs: ManifestDocument[]): ReturnType<typeof validateFiles> {
  return validateFiles([
    { name: 'web.yaml', bytes: new TextEncoder().encode(docs.map((d) => stringify(d)).join('---\n')) },
  ]);
}

it('the sets validate as written', () => {
  expect(validate(manifests('shop/web:1.0.0')).issues).toEqual([]);
  expect(validate(serviceConnectSet('shop/orders:1', 2)).issues).toEqual([]);
});

it('refuses a production rule that does not forward to both target groups ECS shifts between', () => {
  const docs = manifests('shop/web:1.0.0');
  const ruleDoc = docs.find((d) => d.kind === 'LatticeRule');
  if (ruleDoc) ruleDoc.spec['action'] = { forward: { targetGroups: [{ targetGroupIdentifier: 'web-blue' }] } };
  expect(validate(docs).issues.map((i) => [i.code, i.pointer, i.message])).toEqual([
    [
      'ADVANCED_CONFIGURATION',
      '/spec/vpcLatticeConfigurations/0/advancedConfiguration/productionListenerRule',
      'web/http/production must forward to both web-blue and web-green (ECS moves traffic between them by their weights): it does not name web-green',
    ],
  ]);
  // An undeclared rule is a dangling reference.
  const svc = docs.find((d) => d.kind === 'EcsService');
  const advanced = (svc?.spec['vpcLatticeConfigurations'] as { advancedConfiguration: Record<string, string> }[])[0]
    ?.advancedConfiguration;
  if (advanced) advanced['testListenerRule'] = 'web/http/test';
  expect(validate(docs).issues.map((i) => [i.code, i.pointer])).toContainEqual([
    'DANGLING_REFERENCE',
    '/spec/vpcLatticeConfigurations/0/advancedConfiguration/testListenerRule',
  ]);
});
