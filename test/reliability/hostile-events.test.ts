/**
 * Reliability: hostile EventBridge events. Random JSON, valid events with one field made hostile, events from other
 * accounts and other buckets, oversized and deeply nested payloads, prototype-pollution keys. The classifier must
 * answer every one without a throw; foreign and oversized events are ignored; and through the whole handler an
 * ignored event makes no AWS call and no write. Seeded; counts are printed at the end.
 */
import fc from 'fast-check';
import { loadConfig, ENV, type OperatorConfig } from '../../src/operator/config';
import { classifyEvent, MAX_EVENT_BYTES, type Classification } from '../../src/operator/events';
import { handleEvent } from '../../src/operator/run';
import { ACCOUNT, BUCKET, type Harness, startHarness } from '../lambda/harness';

const SEED = 20261125;
const OTHER_ACCOUNT = '999988887777';

const counts = { random: 0, mutated: 0, foreign: 0, oversized: 0, nested: 0, throughHandler: 0, ignored: 0 };

const config: OperatorConfig = loadConfig({
  [ENV.stack]: 'hostile',
  [ENV.manifests]: `s3://${BUCKET}/meshward/hostile`,
  [ENV.mode]: 'enforce',
  [ENV.ownRoleArn]: `arn:aws:iam::${ACCOUNT}:role/meshward-reconciler`,
});

function envelope(source: string, detailType: string, detail: object, extra: object = {}): Record<string, unknown> {
  return {
    version: '0',
    id: 'evt-1',
    source,
    'detail-type': detailType,
    account: ACCOUNT,
    region: 'us-east-1',
    time: '2026-11-25T18:00:00Z',
    resources: [],
    detail,
    ...extra,
  };
}

const VALID_EVENTS: Record<string, unknown>[] = [
  envelope('aws.events', 'Scheduled Event', {}),
  envelope('aws.s3', 'Object Created', {
    bucket: { name: BUCKET },
    object: { key: 'meshward/hostile/current.json' },
  }),
  envelope('aws.appmesh', 'AWS API Call via CloudTrail', {
    eventSource: 'appmesh.amazonaws.com',
    eventName: 'UpdateRoute',
    eventTime: '2026-11-25T18:00:00Z',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice` },
    requestParameters: { meshName: 'shop', virtualRouterName: 'service-a', routeName: 'canary-weighted' },
  }),
  envelope('aws.ecs', 'ECS Deployment State Change', { eventName: 'SERVICE_DEPLOYMENT_COMPLETED' }),
];

function classifyNoThrow(event: unknown): Classification {
  let out: Classification | undefined;
  expect(() => {
    out = classifyEvent(event, config);
  }).not.toThrow();
  expect(out).toBeDefined();
  const c = out as Classification;
  expect(['reconcile', 'ignore']).toContain(c.action);
  return c;
}

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('enforce', { stack: 'hostile' });
});

afterAll(async () => {
  await harness.close();
  const cases = counts.random + counts.mutated + counts.foreign + counts.oversized + counts.nested;
  console.log(
    `hostile events: ${cases} cases tried (random ${counts.random}, mutated ${counts.mutated}, foreign ` +
      `${counts.foreign}, oversized ${counts.oversized}, nested ${counts.nested}); ${counts.throughHandler} through ` +
      `the handler, ${counts.ignored} ignored with 0 AWS calls`,
  );
});

describe('the classifier', () => {
  it('answers random JSON without a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything({ withNullPrototype: true, withObjectString: true })), (v) => {
        counts.random += 1;
        classifyNoThrow(v);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('answers valid events with one hostile field without a throw', () => {
    const hostileValue = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom('', ' ', '\u0000', '\u202e', '%', '%E0%A4%A', '../../etc', '💥'.repeat(100), 'x'.repeat(70_000)),
      fc.constantFrom(Number.NaN, Infinity, -1, 2 ** 53 + 1),
    );
    const field = fc.constantFrom(
      'id',
      'source',
      'detail-type',
      'account',
      'region',
      'time',
      'resources',
      'detail',
      '__proto__',
      'constructor',
    );
    const detailField = fc.constantFrom(
      'bucket',
      'object',
      'eventName',
      'eventSource',
      'userIdentity',
      'requestParameters',
      'errorCode',
      '__proto__',
    );
    fc.assert(
      fc.property(
        fc.nat(VALID_EVENTS.length - 1),
        field,
        detailField,
        hostileValue,
        fc.boolean(),
        (i, f, df, v, inDetail) => {
          counts.mutated += 1;
          const event = structuredClone(VALID_EVENTS[i]) as Record<string, unknown>;
          const target = inDetail ? (event['detail'] as Record<string, unknown>) : event;
          Object.defineProperty(target, inDetail ? df : f, {
            value: v,
            enumerable: true,
            configurable: true,
            writable: true,
          });
          classifyNoThrow(event);
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('ignores every event from another account or about another bucket', () => {
    fc.assert(
      fc.property(fc.nat(VALID_EVENTS.length - 1), fc.stringMatching(/^[0-9]{12}$/), (i, account) => {
        fc.pre(account !== ACCOUNT);
        counts.foreign += 1;
        const event = { ...structuredClone(VALID_EVENTS[i]), account };
        const c = classifyNoThrow(event);
        expect(c.action).toBe('ignore');
      }),
      { seed: SEED, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{2,62}$/), fc.string({ maxLength: 80 }), (bucket, key) => {
        fc.pre(bucket !== BUCKET);
        counts.foreign += 1;
        const event = envelope('aws.s3', 'Object Created', { bucket: { name: bucket }, object: { key } });
        const c = classifyNoThrow(event);
        expect(c.action).toBe('ignore');
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('ignores oversized payloads, however they are padded', () => {
    for (const pad of [MAX_EVENT_BYTES + 1, 2 * MAX_EVENT_BYTES, 8 * 1024 * 1024]) {
      for (const base of VALID_EVENTS) {
        counts.oversized += 1;
        const event = structuredClone(base);
        (event['detail'] as Record<string, unknown>)['padding'] = 'x'.repeat(pad);
        const c = classifyNoThrow(event);
        expect(c).toMatchObject({ action: 'ignore', reason: 'oversized' });
      }
    }
  });

  const nestedEvents = (depths: readonly number[]): Record<string, unknown>[] =>
    depths.flatMap((depth) =>
      VALID_EVENTS.map((base) => {
        // Built as JSON text and parsed, as the Lambda runtime hands it over: JSON.parse itself copes with any depth.
        const text = `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
        const event = structuredClone(base);
        (event['detail'] as Record<string, unknown>)['nested'] = JSON.parse(text) as unknown;
        return event;
      }),
    );

  it('answers nested details (up to 1,000 levels) without a stack overflow', () => {
    for (const event of nestedEvents([100, 1_000])) {
      counts.nested += 1;
      classifyNoThrow(event);
    }
  });

  // Found by this suite: the size check JSON.stringify-s the event, which overflows the stack from ~5,000 levels (a
  // 30 kB payload, well under MAX_EVENT_BYTES); such an event must be ignored as malformed, not crash the handler.
  it('answers nested details of 5,000 and 40,000 levels (under 256 kB) without a throw', () => {
    for (const event of nestedEvents([5_000, 40_000])) {
      counts.nested += 1;
      classifyNoThrow(event);
    }
  });
});

describe('the handler', () => {
  it('makes no AWS call for an ignored hostile event', async () => {
    const samples = fc.sample(
      fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.nat(VALID_EVENTS.length - 1).map((i) => ({ ...structuredClone(VALID_EVENTS[i]), account: OTHER_ACCOUNT })),
        fc.constant(envelope('aws.s3', 'Object Created', { bucket: { name: 'not-ours' }, object: { key: 'x' } })),
        fc.constant({ ...structuredClone(VALID_EVENTS[0]), detail: { padding: 'x'.repeat(MAX_EVENT_BYTES + 1) } }),
      ),
      { seed: SEED, numRuns: 150 },
    );
    const writesBefore = harness.emulator.servedWrites().length;
    for (const event of samples) {
      if (classifyEvent(event, harness.deps.config).action !== 'ignore') continue;
      counts.throughHandler += 1;
      const calls = harness.emulator.stats.snapshot().totals.calls;
      const result = await handleEvent(event, harness.deps);
      expect(result.status).toBe('ignored');
      expect(harness.emulator.stats.snapshot().totals.calls).toBe(calls);
      counts.ignored += 1;
    }
    expect(harness.emulator.servedWrites().length).toBe(writesBefore);
    expect(counts.ignored).toBeGreaterThan(100);
  });
});
