/**
 * VPC Lattice targets: RegisterTargets / DeregisterTargets / ListTargets with the target statuses of the API
 * reference (TargetSummary.status: "DRAINING: The target is being deregistered ... The default draining time is 5
 * minutes. UNAVAILABLE: Health checks are unavailable for the target group. HEALTHY ... UNHEALTHY ... INITIAL:
 * Initial health checks on the target are being performed. UNUSED: Target group is not used in a service."), and
 * the registry the ECS emulator uses to register task IPs (latticeTargetRegistryFor).
 */
import * as vl from '@aws-sdk/client-vpc-lattice';
import type { EmulatorEnv, ServiceFactory } from '../../src/emulator/contracts';
import { latticeTargetRegistryFor, type LatticeTargetRegistry } from '../../src/emulator/lattice/ecs-targets';
import { latticeServiceFactory } from '../../src/emulator/lattice/service';
import type { LatticeOptions } from '../../src/emulator/lattice/options';
import type { Emulator } from '../../src/emulator/server';
import { failure, startTestEmulator } from './helpers';
import { ipTargetGroup, lattice, serviceWithListener } from './lattice-helpers';

let clock = Date.parse('2026-01-01T00:00:00Z');

/** An emulator serving Lattice only, with a handle on the registry the ECS service would get from the same env. */
async function start(options: LatticeOptions): Promise<{ emu: Emulator; registry: () => LatticeTargetRegistry }> {
  let env: EmulatorEnv | undefined;
  const factory = latticeServiceFactory(options);
  const capture: ServiceFactory = (e) => {
    env = e;
    return factory(e);
  };
  const emu = await startTestEmulator({ now: () => clock, services: [capture] });
  return {
    emu,
    registry: () => {
      if (!env) throw new Error('emulator did not create the Lattice service');
      // No options: the registry uses the Lattice service's own (draining time, quotas).
      return latticeTargetRegistryFor(env);
    },
  };
}

const statuses = async (client: vl.VPCLatticeClient, tg: string): Promise<[string, number, string][]> =>
  ((await client.send(new vl.ListTargetsCommand({ targetGroupIdentifier: tg }))).items ?? []).map((t) => [
    t.id ?? '',
    t.port ?? 0,
    t.status ?? '',
  ]);

describe('targets through the API', () => {
  let emu: Emulator;
  let client: vl.VPCLatticeClient;
  beforeAll(async () => {
    ({ emu } = await start({ targetInitialMs: 10_000 }));
    client = lattice(emu);
  });
  afterAll(async () => emu.stop());
  beforeEach(() => emu.reset());

  it('a target of an unused group is UNUSED; once a service forwards to it INITIAL, then HEALTHY', async () => {
    const tg = await ipTargetGroup(client, 'blue');
    const reg = await client.send(
      new vl.RegisterTargetsCommand({
        targetGroupIdentifier: tg.id,
        targets: [{ id: '10.0.0.1' }, { id: '10.0.0.2', port: 9090 }],
      }),
    );
    // A target without a port takes the target group's.
    expect(reg.successful).toEqual([
      { id: '10.0.0.1', port: 8080 },
      { id: '10.0.0.2', port: 9090 },
    ]);
    expect(await statuses(client, tg.id ?? '')).toEqual([
      ['10.0.0.1', 8080, 'UNUSED'],
      ['10.0.0.2', 9090, 'UNUSED'],
    ]);
    await serviceWithListener(client, 'checkout', [{ targetGroupIdentifier: tg.id ?? '' }]);
    expect((await statuses(client, tg.arn ?? '')).map((s) => s[2])).toEqual(['INITIAL', 'INITIAL']);
    clock += 10_000;
    expect((await statuses(client, tg.id ?? '')).map((s) => s[2])).toEqual(['HEALTHY', 'HEALTHY']);
    const filtered = await client.send(
      new vl.ListTargetsCommand({ targetGroupIdentifier: tg.id, targets: [{ id: '10.0.0.2' }] }),
    );
    expect(filtered.items?.map((t) => t.id)).toEqual(['10.0.0.2']);
  });

  it('a group with health checks off reports UNAVAILABLE', async () => {
    const tg = await ipTargetGroup(client, 'quiet', { healthCheck: { enabled: false } });
    await serviceWithListener(client, 'checkout', [{ targetGroupIdentifier: tg.id ?? '' }]);
    await client.send(new vl.RegisterTargetsCommand({ targetGroupIdentifier: tg.id, targets: [{ id: '10.0.0.1' }] }));
    expect(await statuses(client, tg.id ?? '')).toEqual([['10.0.0.1', 8080, 'UNAVAILABLE']]);
  });

  it('a deregistered target drains for 5 minutes, then is gone; unknown targets fail alone', async () => {
    const tg = await ipTargetGroup(client, 'blue');
    await client.send(new vl.RegisterTargetsCommand({ targetGroupIdentifier: tg.id, targets: [{ id: '10.0.0.1' }] }));
    const out = await client.send(
      new vl.DeregisterTargetsCommand({
        targetGroupIdentifier: tg.id,
        targets: [{ id: '10.0.0.1' }, { id: '10.9.9.9' }],
      }),
    );
    expect(out.successful).toEqual([{ id: '10.0.0.1', port: 8080 }]);
    expect(out.unsuccessful?.map((u) => u.id)).toEqual(['10.9.9.9']);
    expect(await statuses(client, tg.id ?? '')).toEqual([['10.0.0.1', 8080, 'DRAINING']]);
    clock += 299_000;
    expect((await statuses(client, tg.id ?? '')).map((s) => s[2])).toEqual(['DRAINING']);
    clock += 1_000;
    expect(await statuses(client, tg.id ?? '')).toEqual([]);
  });

  it('RegisterTargets on a target group that does not exist is ResourceNotFoundException', async () => {
    expect(
      await failure(
        client.send(
          new vl.RegisterTargetsCommand({
            targetGroupIdentifier: 'tg-00000000000000000',
            targets: [{ id: '10.0.0.1' }],
          }),
        ),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});

describe('the ECS side: latticeTargetRegistryFor', () => {
  let emu: Emulator;
  let registry: () => LatticeTargetRegistry;
  let client: vl.VPCLatticeClient;
  beforeAll(async () => {
    ({ emu, registry } = await start({ targetDrainingMs: 0, quotas: { targetsPerTargetGroup: 2 } }));
    client = lattice(emu);
  });
  afterAll(async () => emu.stop());
  beforeEach(() => emu.reset());

  it('registers and deregisters task IP:port, visible through ListTargets', async () => {
    const tg = await ipTargetGroup(client, 'blue');
    const r = registry();
    expect(r.findTargetGroup(tg.arn ?? '', clock)).toMatchObject({
      id: tg.id,
      port: 8080,
      protocol: 'HTTP',
      type: 'IP',
    });
    expect(
      r.findTargetGroup('arn:aws:vpc-lattice:us-east-1:111122223333:targetgroup/tg-00000000000000000', clock),
    ).toBeUndefined();
    expect(r.registerTarget(tg.arn ?? '', '10.0.1.5', 8080, clock)).toBe(true);
    expect(r.registerTarget(tg.arn ?? '', '10.0.1.5', 8080, clock)).toBe(true);
    expect(r.registerTarget(tg.arn ?? '', '10.0.1.6', 8080, clock)).toBe(true);
    // The targets-per-group quota holds for ECS too.
    expect(r.registerTarget(tg.arn ?? '', '10.0.1.7', 8080, clock)).toBe(false);
    expect((await statuses(client, tg.id ?? '')).map((s) => s[0])).toEqual(['10.0.1.5', '10.0.1.6']);
    expect(r.deregisterTarget(tg.arn ?? '', '10.0.1.5', 8080, clock)).toBe(true);
    expect(r.deregisterTarget(tg.arn ?? '', '10.0.1.5', 8080, clock)).toBe(false);
    expect((await statuses(client, tg.id ?? '')).map((s) => s[0])).toEqual(['10.0.1.6']);
  });

  it('a target group attached to an ECS service cannot be deleted until detached', async () => {
    const tg = await ipTargetGroup(client, 'blue');
    const ecsService = 'arn:aws:ecs:us-east-1:111122223333:service/prod/web';
    registry().attachEcsService(tg.arn ?? '', ecsService);
    const err = await failure(client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: tg.id })));
    expect(err).toMatchObject({ name: 'ConflictException' });
    expect(err.message).toContain(ecsService);
    registry().detachEcsService(tg.arn ?? '', ecsService);
    await client.send(new vl.DeleteTargetGroupCommand({ targetGroupIdentifier: tg.id }));
    expect(registry().findTargetGroup(tg.arn ?? '', clock)).toBeUndefined();
  });

  it('setTargetHealth makes ListTargets report UNHEALTHY', async () => {
    const tg = await ipTargetGroup(client, 'blue');
    await serviceWithListener(client, 'checkout', [{ targetGroupIdentifier: tg.id ?? '' }]);
    registry().registerTarget(tg.arn ?? '', '10.0.1.5', 8080, clock);
    registry().setTargetHealth(tg.arn ?? '', '10.0.1.5', 8080, 'UNHEALTHY');
    expect(await statuses(client, tg.id ?? '')).toEqual([['10.0.1.5', 8080, 'UNHEALTHY']]);
  });
});
