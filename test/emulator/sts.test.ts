/**
 * The emulator's STS AssumeRole through the SDK's own STS client: temporary credentials whose access key the
 * emulator then knows as the assumed role, the input constraints of the STS API reference, and the trust option.
 * Source: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (RoleSessionName 2-64 of
 * [\w+=,.@-]; DurationSeconds 900-43200, default 3600; AccessDenied when the trust policy does not allow it).
 */
import { AppMeshClient, CreateMeshCommand } from '@aws-sdk/client-app-mesh';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import { assumedRoleProvider, stsAssumeRole } from '../../src/operator/credentials';

const ROLE = 'arn:aws:iam::222222222222:role/meshward-reconciler';

describe('emulator STS AssumeRole', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, sts: { assumableRoles: { [ROLE]: ['AKIATRUSTED'] } } });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const sts = (key: string): STSClient =>
    new STSClient({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: key, secretAccessKey: 's' },
    });

  it('issues credentials that act as the assumed role, expiring after DurationSeconds', async () => {
    const before = Date.now();
    const out = await sts('AKIATRUSTED').send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'meshward-beta', DurationSeconds: 900 }),
    );
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/meshward-reconciler/meshward-beta');
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const expires = out.Credentials?.Expiration?.getTime() ?? 0;
    expect(expires - before).toBeGreaterThan(895_000);
    expect(expires - before).toBeLessThan(905_000);
    const mesh = new AppMeshClient({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: {
        accessKeyId: out.Credentials?.AccessKeyId ?? '',
        secretAccessKey: out.Credentials?.SecretAccessKey ?? '',
        sessionToken: out.Credentials?.SessionToken ?? '',
      },
    });
    await mesh.send(new CreateMeshCommand({ meshName: 'sts-test' }));
    mesh.destroy();
    const write = emulator.servedWrites().find((w) => w.eventName === 'CreateMesh');
    expect(write?.userIdentityArn).toBe('arn:aws:sts::222222222222:assumed-role/meshward-reconciler/meshward-beta');
  });

  it('refuses a caller the trust policy does not name, and input outside the constraints', async () => {
    await expect(
      sts('AKIASTRANGER').send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'x1' })),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(
      sts('AKIATRUSTED').send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has space' })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/roleSessionName/) });
    await expect(
      sts('AKIATRUSTED').send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 600 })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/durationSeconds/) });
  });

  it('the provider assumes once and again only near expiry; failures name the role', async () => {
    let clock = Date.now();
    const assume = stsAssumeRole({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'AKIATRUSTED', secretAccessKey: 's' },
    });
    const calls = (): number => emulator.stats.snapshot().operations['sts.AssumeRole']?.calls ?? 0;
    const start = calls();
    const provider = assumedRoleProvider(
      assume,
      { roleArn: ROLE, sessionName: 'provider-test', durationSeconds: 900 },
      () => clock,
    );
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(calls() - start).toBe(1);
    clock += 9 * 60_000; // 6 minutes left: still good
    expect((await provider()).accessKeyId).toBe(a.accessKeyId);
    clock += 2 * 60_000; // 4 minutes left: renewed
    expect((await provider()).accessKeyId).not.toBe(a.accessKeyId);
    expect(calls() - start).toBe(2);
    const denied = assumedRoleProvider(
      stsAssumeRole({
        region: 'us-east-1',
        endpoint: emulator.endpoint,
        credentials: { accessKeyId: 'AKIANO', secretAccessKey: 's' },
      }),
      { roleArn: ROLE, sessionName: 'provider-test', durationSeconds: 900 },
    );
    await expect(denied()).rejects.toThrow(`cannot assume ${ROLE}`);
  });
});
