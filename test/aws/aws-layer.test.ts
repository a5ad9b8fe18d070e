import { clientToken } from '../../src/aws/client-token';
import { mapLimit } from '../../src/aws/concurrency';
import { classifyAwsError, toMeshwardError } from '../../src/aws/errors';
import { isOwnedBy, ownershipOf, ownershipTags, tagChanges } from '../../src/aws/ownership';
import { TokenBucket, bucketFor } from '../../src/aws/rate-limiter';
import { CallCounter } from '../../src/aws/call-counter';

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status } });
}

describe('client tokens', () => {
  it('are deterministic, at most 36 characters, in the alphabet App Mesh accepts', () => {
    const a = clientToken('default', 'VirtualNode/shop/front', 'abc', 'create');
    expect(a).toBe(clientToken('default', 'VirtualNode/shop/front', 'abc', 'create'));
    expect(a.length).toBeLessThanOrEqual(36);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(clientToken('default', 'VirtualNode/shop/front', 'abd', 'create'));
    expect(a).not.toBe(clientToken('other', 'VirtualNode/shop/front', 'abc', 'create'));
  });
});

describe('error classification', () => {
  it.each([
    ['TooManyRequestsException', 429, 'retry'],
    ['ThrottlingException', 400, 'retry'],
    ['ServiceUnavailableException', 503, 'retry'],
    ['InternalServerErrorException', 500, 'retry'],
    ['NotFoundException', 404, 'not-found'],
    ['ServiceNotFoundException', 400, 'not-found'],
    ['ConflictException', 409, 'conflict'],
    ['ResourceInUseException', 409, 'in-use'],
    ['BadRequestException', 400, 'terminal'],
    ['LimitExceededException', 400, 'terminal'],
  ])('%s (%d) is %s', (name, status, cls) => {
    expect(classifyAwsError(sdkError(name, status))).toBe(cls);
  });

  it('maps to MeshwardError codes', () => {
    expect(toMeshwardError(sdkError('TooManyRequestsException', 429), 'x').code).toBe('AWS_RETRYABLE');
    expect(toMeshwardError(sdkError('BadRequestException', 400), 'x').code).toBe('AWS_TERMINAL');
  });

  it('tells a user without AWS credentials what to do, not only what failed', () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(toMeshwardError(noCredentials, 'list Mesh').message).toBe(
      'list Mesh: CredentialsProviderError: Could not load credentials from any providers (no AWS credentials: set ' +
        'AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or add --local to use the embedded emulator)',
    );
  });
});

describe('ownership tags', () => {
  it('owns only with both tags of the same stack', () => {
    expect(isOwnedBy(ownershipOf(ownershipTags('a')), 'a')).toBe(true);
    expect(isOwnedBy(ownershipOf(ownershipTags('a')), 'b')).toBe(false);
    expect(isOwnedBy(ownershipOf({ 'meshward.dev/stack': 'a' }), 'a')).toBe(false);
  });

  it('computes TagResource / UntagResource changes', () => {
    expect(tagChanges({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' })).toEqual({ set: { b: '2' }, remove: ['c'] });
  });
});

describe('rate limiting', () => {
  it('lets a burst through and then paces to the rate', async () => {
    let now = 0;
    const bucket = new TokenBucket({ rate: 1000, burst: 2 }, () => now);
    const started = Date.now();
    await Promise.all([bucket.acquire(), bucket.acquire()]);
    expect(Date.now() - started).toBeLessThan(50);
    now = 0; // the clock does not move: the third token needs a real wait of ~1 ms
    await bucket.acquire();
  });

  it('puts ECS operations in the buckets AWS throttles them by', () => {
    expect(bucketFor('ecs', 'RegisterTaskDefinition')).toBe('taskDefinitionWrite');
    expect(bucketFor('ecs', 'DescribeServices')).toBe('serviceRead');
    expect(bucketFor('appmesh', 'ListRoutes')).toBe('read');
    expect(bucketFor('appmesh', 'UpdateRoute')).toBe('write');
  });
});

describe('helpers', () => {
  it('mapLimit keeps order and bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([10, 2, 6, 4, 8]);
    expect(peak).toBe(2);
  });

  it('counts calls per family:operation', () => {
    const c = new CallCounter();
    c.record('appmesh', 'ListMeshes', false);
    c.record('appmesh', 'ListMeshes', true);
    expect(c.snapshot()).toEqual({ 'appmesh:ListMeshes': 2 });
    expect(c.errors()).toEqual({ 'appmesh:ListMeshes': 1 });
    expect(c.total()).toBe(2);
  });
});
