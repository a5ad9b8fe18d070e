/**
 * VPC Lattice behind the emulator core: every model operation is served or answers the documented
 * UnknownOperationException, the route table comes from the model's URIs, writes become ServedWrites that
 * CloudTrail LookupEvents returns (eventSource vpc-lattice.amazonaws.com, resources typed AWS::VpcLattice::*),
 * faults use Lattice's own error shapes, and state survives a restart with dataDir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ct from '@aws-sdk/client-cloudtrail';
import * as vl from '@aws-sdk/client-vpc-lattice';
import { resourceTypeOf } from '../../src/emulator/cloudtrail/identity';
import { LATTICE_NOT_IMPLEMENTED } from '../../src/emulator/lattice/service';
import { loadModel } from '../../src/emulator/model';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, failure, REGION, startTestEmulator } from './helpers';
import { ipTargetGroup, lattice, serviceWithListener } from './lattice-helpers';

let emu: Emulator;
let client: vl.VPCLatticeClient;
beforeAll(async () => {
  emu = await startTestEmulator({ identities: { AKIDCONSOLE: `arn:aws:iam::${ACCOUNT}:user/alice` } });
  client = lattice(emu);
});
afterAll(async () => emu.stop());
beforeEach(() => {
  emu.reset();
  emu.faults.clear();
});

describe('coverage', () => {
  it('serves every one of the 73 operations of the model, or lists it as not implemented', () => {
    const model = loadModel('vpc-lattice-2022-11-30.json');
    const all = Object.keys(model.operations);
    expect(all).toHaveLength(73);
    const served = emu.services.get('vpc-lattice')?.operations ?? new Set<string>();
    const missing = all.filter((op) => !served.has(op) && !LATTICE_NOT_IMPLEMENTED.includes(op));
    expect(missing).toEqual([]);
    expect(LATTICE_NOT_IMPLEMENTED.filter((op) => served.has(op) || !all.includes(op))).toEqual([]);
    expect(served.size + LATTICE_NOT_IMPLEMENTED.length).toBe(73);
  });

  it('an operation meshward never calls answers UnknownOperationException 404, naming it', async () => {
    const res = await fetch(`${emu.endpoint}/resourcegateways`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(((await res.json()) as { message: string }).message).toContain('ListResourceGateways');
  });
});

describe('CloudTrail records Lattice writes', () => {
  it('LookupEvents returns them with eventSource vpc-lattice.amazonaws.com and typed resources', async () => {
    const console_ = lattice(emu, { accessKeyId: 'AKIDCONSOLE' });
    const tg = await ipTargetGroup(client, 'blue');
    const { serviceId, listenerId, listenerArn } = await serviceWithListener(client, 'checkout', [
      { targetGroupIdentifier: tg.id ?? '' },
    ]);
    await console_.send(
      new vl.UpdateTargetGroupCommand({ targetGroupIdentifier: tg.id, healthCheck: { path: '/healthz' } }),
    );
    await client.send(new vl.DeleteListenerCommand({ serviceIdentifier: serviceId, listenerIdentifier: listenerId }));
    await failure(client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: 'tg-00000000000000000' })));
    await client.send(new vl.ListServicesCommand({}));

    const trail = new ct.CloudTrailClient({
      endpoint: emu.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIDREADER', secretAccessKey: 's' },
      maxAttempts: 1,
    });
    const out = await trail.send(
      new ct.LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'vpc-lattice.amazonaws.com' }],
      }),
    );
    const events = out.Events ?? [];
    // Newest first; reads are not recorded; the failed delete is, with its errorCode.
    expect(events.map((e) => e.EventName)).toEqual([
      'DeleteTargetGroup',
      'DeleteListener',
      'UpdateTargetGroup',
      'CreateListener',
      'CreateService',
      'CreateTargetGroup',
    ]);
    const update = events[2];
    expect(update?.Username).toBe('alice');
    expect(update?.Resources).toEqual([{ ResourceType: 'AWS::VpcLattice::TargetGroup', ResourceName: tg.arn }]);
    const record = JSON.parse(update?.CloudTrailEvent ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({
      eventSource: 'vpc-lattice.amazonaws.com',
      userIdentity: { arn: `arn:aws:iam::${ACCOUNT}:user/alice` },
      requestParameters: { targetGroupIdentifier: tg.id, healthCheck: { path: '/healthz' } },
    });
    // DeleteListener answers 204 without a body; the record still names the listener.
    expect(events[1]?.Resources).toEqual([{ ResourceType: 'AWS::VpcLattice::Listener', ResourceName: listenerArn }]);
    expect(JSON.parse(events[0]?.CloudTrailEvent ?? '{}')).toMatchObject({ errorCode: 'ResourceNotFoundException' });
    const byType = await trail.send(
      new ct.LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ResourceType', AttributeValue: 'AWS::VpcLattice::Service' }],
      }),
    );
    expect(byType.Events?.map((e) => e.EventName)).toEqual(['CreateService']);
  });

  it('the identity helper types every Lattice ARN', () => {
    const base = `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}`;
    const svc = `${base}:service/svc-0123456789abcdefg`;
    expect(
      [
        `${base}:servicenetwork/sn-0123456789abcdefg`,
        svc,
        `${svc}/listener/listener-0123456789abcdefg`,
        `${svc}/listener/listener-0123456789abcdefg/rule/rule-0123456789abcdefg`,
        `${base}:targetgroup/tg-0123456789abcdefg`,
        `${base}:servicenetworkvpcassociation/snva-0123456789abcdefg`,
        `${base}:servicenetworkserviceassociation/snsa-0123456789abcdefg`,
        `${base}:accesslogsubscription/als-0123456789abcdefg`,
      ].map(resourceTypeOf),
    ).toEqual([
      'AWS::VpcLattice::ServiceNetwork',
      'AWS::VpcLattice::Service',
      'AWS::VpcLattice::Listener',
      'AWS::VpcLattice::Rule',
      'AWS::VpcLattice::TargetGroup',
      'AWS::VpcLattice::ServiceNetworkVpcAssociation',
      'AWS::VpcLattice::ServiceNetworkServiceAssociation',
      'AWS::VpcLattice::AccessLogSubscription',
    ]);
  });
});

describe('wire', () => {
  it('an injected throttle is Lattice ThrottlingException 429, which the SDK retries', async () => {
    emu.faults.set({ throttle: { rate: 1, operations: ['vpc-lattice.ListServices'], count: 1 } });
    const retrying = new vl.VPCLatticeClient({
      endpoint: emu.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 3,
    });
    const out = await retrying.send(new vl.ListServicesCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    emu.faults.set({ throttle: { rate: 1, operations: ['vpc-lattice.ListServices'], count: 1 } });
    expect(await failure(client.send(new vl.ListServicesCommand({})))).toMatchObject({
      name: 'ThrottlingException',
      status: 429,
    });
  });

  it('a body that is not JSON is a ValidationException and changes nothing', async () => {
    const res = await fetch(`${emu.endpoint}/services`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect((await client.send(new vl.ListServicesCommand({}))).items).toEqual([]);
  });
});

describe('robustness', () => {
  it('no served operation answers an internal error for empty, junk or wrongly typed input', async () => {
    const model = loadModel('vpc-lattice-2022-11-30.json');
    const served = emu.services.get('vpc-lattice')?.operations ?? new Set<string>();
    const labels: Record<string, string> = {
      serviceIdentifier: 'svc-0123456789abcdefg',
      listenerIdentifier: 'listener-0123456789abcdefg',
      ruleIdentifier: 'rule-0123456789abcdefg',
      targetGroupIdentifier: 'tg-0123456789abcdefg',
      serviceNetworkIdentifier: 'sn-0123456789abcdefg',
      serviceNetworkVpcAssociationIdentifier: 'snva-0123456789abcdefg',
      serviceNetworkServiceAssociationIdentifier: 'snsa-0123456789abcdefg',
      accessLogSubscriptionIdentifier: 'als-0123456789abcdefg',
      resourceIdentifier: 'svc-0123456789abcdefg',
      resourceArn: `arn:aws:vpc-lattice:${REGION}:${ACCOUNT}:service/svc-0123456789abcdefg`,
    };
    const bodies = ['{}', '[]', '{"name": 7, "tags": "x", "rules": [null], "targets": [{}], "policy": {}}'];
    const statuses = new Set<number>();
    for (const op of Object.values(model.operations)) {
      if (!served.has(op.name)) continue;
      const path = op.http.requestUri
        .split('?')[0]
        ?.replace(/\{([^}]+)\}/g, (_m, label: string) => encodeURIComponent(labels[label] ?? 'x'));
      for (const body of bodies) {
        const res = await fetch(`${emu.endpoint}${path ?? '/'}`, {
          method: op.http.method,
          ...(op.http.method === 'GET' ? {} : { body }),
          headers: { 'content-type': 'application/json' },
        });
        statuses.add(res.status);
        expect([op.name, res.status < 500]).toEqual([op.name, true]);
      }
    }
    expect(statuses.has(400)).toBe(true);
    expect(statuses.has(404)).toBe(true);
  });
});

describe('persistence', () => {
  it('state, ids and targets survive a restart with dataDir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lattice-'));
    try {
      const first = await startTestEmulator({ dataDir: dir });
      const c1 = lattice(first);
      const tg = await ipTargetGroup(c1, 'blue');
      await c1.send(new vl.RegisterTargetsCommand({ targetGroupIdentifier: tg.id, targets: [{ id: '10.0.0.1' }] }));
      await first.stop();
      const second = await startTestEmulator({ dataDir: dir });
      try {
        const c2 = lattice(second);
        expect((await c2.send(new vl.GetTargetGroupCommand({ targetGroupIdentifier: tg.arn }))).name).toBe('blue');
        const targets = await c2.send(new vl.ListTargetsCommand({ targetGroupIdentifier: tg.id }));
        expect(targets.items?.map((t) => t.id)).toEqual(['10.0.0.1']);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
