import { redact } from '../../src/core/fingerprint';
import { isSecretLookingName, redactChanges, sensitivePointers } from '../../src/core/redact-spec';

const spec = (env: { name: string; value: string }[], secrets?: unknown[]) => ({
  taskDefinition: { containerDefinitions: [{ name: 'app', environment: env, ...(secrets ? { secrets } : {}) }] },
});
const ENV = '/spec/taskDefinition/containerDefinitions/0/environment';

describe('redactChanges', () => {
  it('classifies names by the documented words, ignoring case', () => {
    for (const name of ['DB_PASSWORD', 'api-key', 'githubToken', 'AWS_SECRET_ACCESS_KEY', 'SENTRY_DSN', 'tls_cert'])
      expect(`${name}: ${isSecretLookingName(name)}`).toBe(`${name}: true`);
    for (const name of ['PORT', 'LOG_LEVEL', 'REGION'])
      expect(`${name}: ${isSecretLookingName(name)}`).toBe(`${name}: false`);
  });

  it('judges before by the actual names and after by the desired ones (a renamed variable at the same index)', () => {
    const actual = spec([{ name: 'GREETING', value: 'hello' }]);
    const desired = spec([{ name: 'DB_PASSWORD', value: 'hunter2' }]);
    const out = redactChanges(
      [
        { path: `${ENV}/0/name`, before: 'GREETING', after: 'DB_PASSWORD' },
        { path: `${ENV}/0/value`, before: 'hello', after: 'hunter2' },
      ],
      actual,
      desired,
    );
    expect(out[1]).toEqual({ path: `${ENV}/0/value`, before: 'hello', after: '[redacted]' });
    expect(out[0]?.after).toBe('DB_PASSWORD');
  });

  it('redacts inside a whole list or entry that changed, and everything under secrets', () => {
    const desired = spec(
      [
        { name: 'PORT', value: '80' },
        { name: 'TOKEN', value: 't0k' },
      ],
      [{ name: 'DB', valueFrom: 'arn:aws:secretsmanager:r:1:secret:db' }],
    );
    const out = redactChanges(
      [
        { path: ENV, before: undefined, after: desired.taskDefinition.containerDefinitions[0]?.environment },
        {
          path: '/spec/taskDefinition/containerDefinitions/0/secrets/0/valueFrom',
          before: 'arn:old',
          after: 'arn:new',
        },
      ],
      spec([]),
      desired,
    );
    expect(out[0]?.after).toEqual([
      { name: 'PORT', value: '80' },
      { name: 'TOKEN', value: '[redacted]' },
    ]);
    expect(out[1]).toMatchObject({ before: '[redacted]', after: '[redacted]' });
    expect(sensitivePointers(desired, '/spec')).toEqual([
      `${ENV}/1/value`,
      '/spec/taskDefinition/containerDefinitions/0/secrets',
    ]);
  });

  it('masks the password of any URL with credentials, keeping user and host', () => {
    expect(redact('see redis://default:s3cr3t@cache:6379/0 and https://example.com/a:b@c')).toBe(
      'see redis://default:[redacted]@cache:6379/0 and https://example.com/a:b@c',
    );
  });
});
