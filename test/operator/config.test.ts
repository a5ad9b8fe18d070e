import { ENV, loadConfig } from '../../src/operator/config';

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
