import { createLogger } from '../../src/operator/log';
import { callsByService, emfDocuments } from '../../src/operator/metrics';
import { SecretRedactor } from '../../src/notify/redact-secrets';

describe('EMF metrics', () => {
  it('emits the totals with the Stack dimension and one ApiCalls document per service', () => {
    const docs = emfDocuments(
      'Meshward',
      'prod',
      {
        durationMs: 1234.4,
        apiCalls: callsByService({ 'appmesh.DescribeMesh': 2, 'appmesh:ListMeshes': 1, 'ecs.DescribeServices': 3 }),
        throttles: 1,
        driftCount: 2,
        appliedCount: 3,
        failedCount: 0,
      },
      1700000000000,
    );
    expect(docs).toHaveLength(3);
    expect(docs[0]).toMatchObject({
      _aws: { Timestamp: 1700000000000, CloudWatchMetrics: [{ Namespace: 'Meshward', Dimensions: [['Stack']] }] },
      Stack: 'prod',
      DurationMs: 1234,
      ApiCalls: 6,
      Throttles: 1,
      DriftCount: 2,
      AppliedCount: 3,
    });
    expect(docs[1]).toMatchObject({ Service: 'appmesh', ApiCalls: 3 });
    expect(docs[2]).toMatchObject({ Service: 'ecs', ApiCalls: 3 });
  });
});

describe('structured logs', () => {
  it('writes one JSON object per line with base fields, and redacts secrets', () => {
    const lines: string[] = [];
    const redactor = new SecretRedactor();
    redactor.add('super-secret-token-value');
    const log = createLogger({
      base: { stack: 'prod' },
      redactor,
      write: (l) => lines.push(l),
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    log.child({ eventId: 'e1' }).warn('slack failed', {
      error: new Error('POST https://hooks.slack.com/services/T/B/x failed with super-secret-token-value'),
    });
    log.debug('hidden');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'warn', msg: 'slack failed', stack: 'prod', eventId: 'e1' });
    expect(lines[0]).not.toContain('hooks.slack.com');
    expect(lines[0]).not.toContain('super-secret-token-value');
  });
});
