import { ENV, loadConfig, loadFleetConfig } from '../../src/operator/config';

describe('loadConfig', () => {
  it('reads a full configuration', () => {
    const config = loadConfig({
      [ENV.stack]: 'prod',
      [ENV.manifests]: 's3://bucket-a/meshward/prod/',
      [ENV.mode]: 'enforce',
      [ENV.prune]: 'true',
      [ENV.maxDeletes]: '3',
      [ENV.ownRoleArn]: 'arn:aws:iam::123456789012:role/meshward',
      [ENV.slackSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:slack',
    });
    expect(config).toMatchObject({
      stack: 'prod',
      manifests: { bucket: 'bucket-a', prefix: 'meshward/prod' },
      state: { bucket: 'bucket-a', prefix: 'meshward/prod/_state/prod' },
      mode: 'enforce',
      prune: true,
      maxDeletes: 3,
      accountId: '123456789012',
      eventBus: 'default',
    });
  });

  it('defaults to detect mode, no prune, 5 deletes', () => {
    const config = loadConfig({ [ENV.manifests]: 's3://bucket-a' });
    expect(config).toMatchObject({ stack: 'default', mode: 'detect', prune: false, maxDeletes: 5 });
  });

  it('lists every problem at once', () => {
    let message = '';
    try {
      loadConfig({
        [ENV.stack]: 'bad stack!',
        [ENV.mode]: 'yolo',
        [ENV.prune]: 'maybe',
        [ENV.maxDeletes]: '-1',
        [ENV.ownRoleArn]: 'not-an-arn',
        [ENV.state]: 'file:///tmp/x',
      });
    } catch (err) {
      message = (err as Error).message;
      expect((err as { code?: string }).code).toBe('CONFIG');
    }
    for (const name of [ENV.stack, ENV.manifests, ENV.mode, ENV.prune, ENV.maxDeletes, ENV.ownRoleArn, ENV.state]) {
      expect(message).toContain(name);
    }
  });
});

describe('loadFleetConfig', () => {
  const base = {
    MESHWARD_MANIFESTS: 's3://fleet-bucket/meshward',
    MESHWARD_OWN_ROLE_ARN: 'arn:aws:iam::111122223333:role/meshward-reconciler',
    MESHWARD_MODE: 'detect',
  };
  const fleet = (value: unknown): NodeJS.ProcessEnv => ({ ...base, MESHWARD_FLEET: JSON.stringify(value) });

  it('gives each stack its prefix, its state, its overrides and, in another account, its role', () => {
    const { stacks } = loadFleetConfig(
      fleet({
        roleName: 'meshward-reconciler',
        stacks: {
          home: {},
          payments: { account: '222222222222', mode: 'enforce', prune: true },
          orders: { role: 'arn:aws:iam::333333333333:role/custom', externalId: 'ext-123' },
        },
      }),
    );
    expect(stacks.get('home')).toMatchObject({
      stack: 'home',
      mode: 'detect',
      manifests: { bucket: 'fleet-bucket', prefix: 'meshward/home' },
      state: { bucket: 'fleet-bucket', prefix: 'meshward/home/_state/home' },
      accountId: '111122223333',
      ownRoleArn: base.MESHWARD_OWN_ROLE_ARN,
    });
    expect(stacks.get('home')?.assumeRole).toBeUndefined();
    expect(stacks.get('payments')).toMatchObject({
      mode: 'enforce',
      prune: true,
      accountId: '222222222222',
      // Its own calls in that account are the assumed role's: never drift.
      ownRoleArn: 'arn:aws:iam::222222222222:role/meshward-reconciler',
      assumeRole: { roleArn: 'arn:aws:iam::222222222222:role/meshward-reconciler' },
    });
    expect(stacks.get('orders')).toMatchObject({
      accountId: '333333333333',
      assumeRole: { roleArn: 'arn:aws:iam::333333333333:role/custom', externalId: 'ext-123' },
    });
  });

  it('lists every problem of the fleet at once', () => {
    const run = (): unknown =>
      loadFleetConfig(
        fleet({
          stacks: {
            'bad name!': {},
            far: { account: '444444444444' },
            mixed: { account: '555555555555', role: 'arn:aws:iam::666666666666:role/r' },
            typo: { acount: '1' },
            loud: { mode: 'shout' },
          },
        }),
      );
    expect(run).toThrow(/bad name!/);
    expect(run).toThrow(/far.*give "role"/);
    expect(run).toThrow(/mixed.*not in account 555555555555/);
    expect(run).toThrow(/typo.*unknown key "acount"/);
    expect(run).toThrow(/loud.*shout/);
    expect(() => loadFleetConfig({ ...base, MESHWARD_FLEET: '{' })).toThrow(/MESHWARD_FLEET: not JSON/);
    expect(() => loadFleetConfig(fleet({ stacks: {} }))).toThrow(/one stack or more/);
  });
});
