/**
 * Attribution blames only who CloudTrail says changed the resource (issue 12): the operator on the local emulator,
 * people's writes through the real SDK, and EventBridge events as CloudTrail would deliver them, or crafted.
 */
import {
  AppMeshClient,
  DescribeVirtualNodeCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import { handleEvent, type RunResult } from '../../src/operator/run';
import { MESH_YAML, nodeYaml } from '../operator/helpers';
import { ACCOUNT, HUMAN_ARN, OPERATOR_KEY, startHarness, type Harness } from './harness';

const BOB_ARN = `arn:aws:iam::${ACCOUNT}:user/AKIABOBINCONSOLE`;
const AGENT_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/ecsInstanceRole/i-0123456789abcdef0`;
const MALLORY_ARN = `arn:aws:iam::${ACCOUNT}:user/mallory`;

let h: Harness;
let bob: AppMeshClient;
let operator: AppMeshClient;

function client(key: string): AppMeshClient {
  return new AppMeshClient({
    region: 'us-east-1',
    endpoint: h.emulator.endpoint,
    credentials: { accessKeyId: key, secretAccessKey: 'z' },
  });
}

beforeAll(async () => {
  h = await startHarness('enforce');
  bob = client('AKIABOBINCONSOLE');
  operator = client(OPERATOR_KEY);
  await h.publish(
    {
      'mesh.yaml': MESH_YAML,
      'orders.yaml': nodeYaml('15s'),
      'payments.yaml': nodeYaml('15s')
        .replace('name: orders', 'name: payments')
        .replace('orders.shop', 'payments.shop'),
    },
    'rev-1',
  );
  expect(await handleEvent(h.s3Event(), h.deps)).toMatchObject({ status: 'reconciled', exitCode: 0 });
});
afterAll(async () => {
  bob.destroy();
  operator.destroy();
  await h.close();
});

/** Sets a node's per-request timeout as `who` (Update replaces the whole spec). */
async function setTimeout(who: AppMeshClient, node: string, seconds: number): Promise<void> {
  const current = await who.send(new DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: node }));
  const spec = JSON.parse(JSON.stringify(current.virtualNode?.spec ?? {})) as VirtualNodeSpec;
  const listener = spec.listeners?.[0];
  if (listener?.timeout?.http) listener.timeout.http.perRequest = { unit: 's', value: seconds };
  await who.send(new UpdateVirtualNodeCommand({ meshName: 'shop', virtualNodeName: node, spec }));
}

/** An `AWS API Call via CloudTrail` event as EventBridge delivers it, with whatever it claims. */
function apiCallEvent(source: string, detail: Record<string, unknown>): object {
  return {
    version: '0',
    id: `ct-${Math.random()}`,
    source,
    'detail-type': 'AWS API Call via CloudTrail',
    account: ACCOUNT,
    region: 'us-east-1',
    time: new Date().toISOString(),
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      awsRegion: 'us-east-1',
      sourceIPAddress: '10.0.0.1',
      eventID: `forged-${Math.random()}`,
      readOnly: false,
      eventType: 'AwsApiCall',
      ...detail,
    },
  };
}

function blamed(result: RunResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of result.view?.resources ?? []) {
    if (r.drifted) out[r.id] = (r.attribution ?? []).map((a) => a.identityArn);
  }
  return out;
}

describe('attribution', () => {
  it('never blames an ECS agent call that names no meshward resource for two people’s changes', async () => {
    await setTimeout(h.human, 'orders', 30);
    await setTimeout(bob, 'payments', 40);
    const agent = { type: 'AssumedRole', arn: AGENT_ARN, accountId: ACCOUNT };
    // The agent registering in another cluster: not a write to anything meshward manages, so no run at all.
    const register = apiCallEvent('aws.ecs', {
      eventSource: 'ecs.amazonaws.com',
      eventName: 'RegisterContainerInstance',
      userIdentity: agent,
      requestParameters: { cluster: 'batch-cluster', totalResources: [] },
    });
    expect(await handleEvent(register, h.deps)).toMatchObject({ status: 'ignored', reason: 'not-watched' });
    // A service write in another cluster does start a run (the rule cannot tell clusters apart): an event-scoped
    // one, of the service it names, which is not the stack's: nothing to report, nobody blamed.
    const other = apiCallEvent('aws.ecs', {
      eventSource: 'ecs.amazonaws.com',
      eventName: 'UpdateService',
      userIdentity: agent,
      requestParameters: { cluster: 'batch-cluster', service: 'worker', desiredCount: 3 },
    });
    const scoped = await handleEvent(other, h.deps);
    expect(scoped.status).toBe('reconciled');
    expect(blamed(scoped)).toEqual({});
    // The two changes by hand are the schedule's to find (a full reconcile), each blamed on its author.
    const result = await handleEvent(h.scheduleEvent(), h.deps);
    expect(blamed(result)).toEqual({
      'VirtualNode/shop/orders': [HUMAN_ARN],
      'VirtualNode/shop/payments': [BOB_ARN],
    });
    expect(h.sink.allText()).not.toContain('ecsInstanceRole');
  });

  it('shows the identity a triggering event claims only as CloudTrail has it (a forged identity is never shown)', async () => {
    await setTimeout(h.human, 'orders', 31);
    const forged = apiCallEvent('aws.appmesh', {
      eventSource: 'appmesh.amazonaws.com',
      eventName: 'UpdateVirtualNode',
      userIdentity: { type: 'IAMUser', arn: MALLORY_ARN, accountId: ACCOUNT },
      requestParameters: { meshName: 'shop', virtualNodeName: 'orders' },
    });
    const result = await handleEvent(forged, h.deps);
    expect(blamed(result)).toEqual({ 'VirtualNode/shop/orders': [HUMAN_ARN] });
    expect(JSON.stringify(result.view)).not.toContain('mallory');
  });

  it('does not blame a change meshward already reverted for a later diff that meshward itself left', async () => {
    await setTimeout(h.human, 'orders', 32);
    // Reverted (and rightly blamed on the person) by a scheduled run.
    const reverted = await handleEvent(h.scheduleEvent(), h.deps);
    expect(blamed(reverted)).toEqual({ 'VirtualNode/shop/orders': [HUMAN_ARN] });
    // Later the resource differs again, but the last write to it is meshward's own (a perpetual diff: what
    // meshward writes is not what AWS keeps). CloudTrail times have whole seconds: let a second pass.
    await setTimeout(operator, 'orders', 33);
    await new Promise((r) => globalThis.setTimeout(r, 1100));
    const perpetual = await handleEvent(h.scheduleEvent(), h.deps);
    expect(blamed(perpetual)).toEqual({ 'VirtualNode/shop/orders': [] });
  });
});
