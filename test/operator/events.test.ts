import { loadConfig, ENV } from '../../src/operator/config';
import {
  WATCHED_SOURCES,
  WRITE_EVENT_NAMES,
  classifyEvent,
  isOwnIdentity,
  resourceIdOfArn,
  resourceIdsOfCall,
} from '../../src/operator/events';
import { defaultRegistry } from '../../src/kinds/registry';

const config = loadConfig({
  [ENV.stack]: 'prod',
  [ENV.manifests]: 's3://manifests-bucket/meshward/prod',
  [ENV.ownRoleArn]: 'arn:aws:iam::123456789012:role/service/meshward-reconciler',
});

function envelope(source: string, detailType: string, detail: object, extra: object = {}): object {
  return {
    version: '0',
    id: 'e-1',
    source,
    'detail-type': detailType,
    account: '123456789012',
    region: 'us-east-1',
    time: '2026-11-25T17:00:00Z',
    resources: [],
    detail,
    ...extra,
  };
}

function cloudTrail(eventName: string, identity: object, params: object = {}, extra: object = {}): object {
  return envelope('aws.appmesh', 'AWS API Call via CloudTrail', {
    eventSource: 'appmesh.amazonaws.com',
    eventName,
    eventTime: '2026-11-25T16:59:58Z',
    sourceIPAddress: '10.1.2.3',
    userIdentity: identity,
    requestParameters: params,
    ...extra,
  });
}

const alice = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' };

describe('classifyEvent', () => {
  it('reconciles on a schedule', () => {
    expect(classifyEvent(envelope('aws.events', 'Scheduled Event', {}), config)).toEqual({
      action: 'reconcile',
      trigger: { kind: 'schedule', id: 'e-1', time: '2026-11-25T17:00:00Z' },
    });
  });

  it('reconciles when the pointer of this stack is written, not on revision files or other buckets', () => {
    const object = (bucket: string, key: string): object =>
      envelope('aws.s3', 'Object Created', { bucket: { name: bucket }, object: { key } });
    expect(classifyEvent(object('manifests-bucket', 'meshward/prod/current.json'), config)).toMatchObject({
      action: 'reconcile',
      trigger: { kind: 'manifests' },
    });
    expect(classifyEvent(object('manifests-bucket', 'meshward/prod/revisions/ab/x.yaml'), config)).toMatchObject({
      action: 'ignore',
      reason: 'not-pointer',
    });
    expect(classifyEvent(object('manifests-bucket', 'meshward/other/current.json'), config)).toMatchObject({
      action: 'ignore',
      reason: 'foreign-prefix',
    });
    expect(classifyEvent(object('someone-else', 'meshward/prod/current.json'), config)).toMatchObject({
      action: 'ignore',
      reason: 'foreign-bucket',
    });
  });

  it('turns a CloudTrail write by someone else into a reconcile with attribution', () => {
    const result = classifyEvent(
      cloudTrail('UpdateVirtualNode', alice, { meshName: 'shop', virtualNodeName: 'orders' }),
      config,
    );
    expect(result).toEqual({
      action: 'reconcile',
      trigger: {
        kind: 'api-call',
        id: 'e-1',
        eventName: 'UpdateVirtualNode',
        eventSource: 'appmesh.amazonaws.com',
        attribution: {
          identityArn: 'arn:aws:iam::123456789012:user/alice',
          eventName: 'UpdateVirtualNode',
          eventTime: '2026-11-25T16:59:58Z',
          sourceIp: '10.1.2.3',
        },
        resourceIds: ['VirtualNode/shop/orders'],
      },
    });
  });

  it('ignores meshward’s own calls, reads, failed calls, foreign accounts, unknown and malformed events', () => {
    const own = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/meshward-reconciler/fn-session',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::123456789012:role/service/meshward-reconciler' } },
    };
    expect(classifyEvent(cloudTrail('UpdateVirtualNode', own), config)).toMatchObject({ reason: 'own-call' });
    expect(classifyEvent(cloudTrail('DescribeMesh', alice), config)).toMatchObject({ reason: 'not-watched' });
    expect(classifyEvent(cloudTrail('UpdateMesh', alice, {}, { readOnly: true }), config)).toMatchObject({
      reason: 'read-only',
    });
    expect(classifyEvent(cloudTrail('UpdateMesh', alice, {}, { errorCode: 'AccessDenied' }), config)).toMatchObject({
      reason: 'failed-call',
    });
    expect(
      classifyEvent(envelope('aws.events', 'Scheduled Event', {}, { account: '999999999999' }), config),
    ).toMatchObject({ reason: 'foreign-account' });
    expect(classifyEvent(envelope('aws.ec2', 'EC2 Instance State-change Notification', {}), config)).toMatchObject({
      reason: 'unknown',
    });
    expect(classifyEvent({ hello: 'world' }, config)).toMatchObject({ reason: 'malformed' });
    expect(classifyEvent('nope', config)).toMatchObject({ reason: 'malformed' });
    expect(classifyEvent(null, config)).toMatchObject({ reason: 'malformed' });
    const huge = envelope('aws.events', 'Scheduled Event', { pad: 'x'.repeat(300 * 1024) });
    expect(classifyEvent(huge, config)).toMatchObject({ reason: 'oversized' });
  });

  it('reconciles on ECS deployment state changes', () => {
    const event = envelope(
      'aws.ecs',
      'ECS Deployment State Change',
      { eventName: 'SERVICE_DEPLOYMENT_FAILED' },
      { resources: ['arn:aws:ecs:us-east-1:123456789012:service/c/orders'] },
    );
    expect(classifyEvent(event, config)).toMatchObject({
      action: 'reconcile',
      trigger: { kind: 'deployment', eventName: 'SERVICE_DEPLOYMENT_FAILED' },
    });
  });
});

describe('identities and resources', () => {
  it('recognises the own role by session issuer or assumed-role ARN', () => {
    const role = 'arn:aws:iam::123456789012:role/meshward';
    expect(isOwnIdentity({ arn: 'arn:aws:sts::123456789012:assumed-role/meshward/s1' }, role)).toBe(true);
    expect(isOwnIdentity({ arn: 'arn:aws:sts::123456789012:assumed-role/meshward-x/s1' }, role)).toBe(false);
    expect(isOwnIdentity({ arn: 'arn:aws:iam::123456789012:user/meshward' }, role)).toBe(false);
    expect(isOwnIdentity({ arn: role }, undefined)).toBe(false);
  });

  it('maps ARNs and call parameters to resource ids', () => {
    expect(resourceIdOfArn('arn:aws:appmesh:us-east-1:1:mesh/shop/virtualRouter/r/route/canary')).toBe(
      'Route/shop/r/canary',
    );
    expect(resourceIdOfArn('arn:aws:appmesh:us-east-1:1:mesh/shop')).toBe('Mesh/shop');
    expect(resourceIdOfArn('arn:aws:ecs:us-east-1:1:service/cl/orders')).toBe('EcsService/cl/orders');
    expect(
      resourceIdsOfCall(
        'ecs.amazonaws.com',
        { cluster: 'arn:aws:ecs:r:1:cluster/cl', service: 'orders' },
        'UpdateService',
      ),
    ).toEqual(['EcsService/cl/orders']);
    expect(
      resourceIdsOfCall(
        'appmesh.amazonaws.com',
        { meshName: 'shop', virtualRouterName: 'r', routeName: 'canary' },
        'UpdateRoute',
      ),
    ).toEqual(['Route/shop/r/canary']);
  });

  it('attributes a call only to the kinds it writes', () => {
    expect(resourceIdOfArn('arn:aws:appmesh:us-east-1:1:mesh/shop/virtualGateway/gw/gatewayRoute/web')).toBe(
      'GatewayRoute/shop/gw/web',
    );
    expect(resourceIdOfArn('arn:aws:appmesh:us-east-1:1:mesh/shop/virtualNode/orders')).toBe('VirtualNode/shop/orders');
    // Cloud Map's CreateService has a Name too: it is a registry of an ECS service, not a namespace.
    expect(resourceIdsOfCall('servicediscovery.amazonaws.com', { Name: 'orders' }, 'CreateService')).toEqual([]);
    expect(resourceIdsOfCall('servicediscovery.amazonaws.com', { Name: 'shop.local' }, 'CreateHttpNamespace')).toEqual([
      'CloudMapNamespace/shop.local',
    ]);
    // A tag change names the resource by ARN only.
    expect(
      resourceIdsOfCall(
        'appmesh.amazonaws.com',
        { resourceArn: 'arn:aws:appmesh:us-east-1:1:mesh/shop/virtualService/orders.local' },
        'UntagResource',
      ),
    ).toEqual(['VirtualService/shop/orders.local']);
    // ECS registering task IPs is not a change of meshward's target group.
    expect(resourceIdsOfCall('vpc-lattice.amazonaws.com', { name: 'checkout' }, 'RegisterTargets')).toEqual([]);
    expect(resourceIdsOfCall('vpc-lattice.amazonaws.com', { name: 'checkout' }, 'CreateService')).toEqual([
      'LatticeService/checkout',
    ]);
  });

  it('watches the write calls of every registered kind, and only writes', () => {
    for (const kind of defaultRegistry.kinds) expect(Object.keys(kind.writeCalls ?? {})).not.toHaveLength(0);
    const names = Object.values(WRITE_EVENT_NAMES).flat();
    expect(names).toContain('BatchUpdateRule');
    expect(names.filter((n) => /^(Describe|List|Get)/.test(n))).toEqual([]);
    expect(WATCHED_SOURCES['vpc-lattice.amazonaws.com']).toBe('aws.vpc-lattice');
  });
});
