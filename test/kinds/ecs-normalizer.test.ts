/**
 * Issue 9: the ECS normalizer fed today's real DescribeServices / DescribeTaskDefinition answers (fixtures/, shapes
 * from the ECS API reference; `enableFaultInjection: false`, `strategy: ROLLING`, `availabilityZoneRebalancing:
 * ENABLED`, the circuit-breaker defaults, Service Connect under the PRIMARY deployment with its namespace as an ARN)
 * gives no diff against the manifest that made them, and members AWS may add later are never a diff either.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { LOCAL_CREDENTIALS, createAwsClients } from '../../src/aws/clients';
import { diffResources } from '../../src/core/diff';
import type { ResourceChange } from '../../src/core/model';
import type { ManifestDocument } from '../../src/core/types';
import { createEngineContext } from '../../src/engine/context';
import { buildDesired } from '../../src/engine/desired';
import { emptyState } from '../../src/engine/state-store';
import { observedService } from '../../src/kinds/ecs-service';
import servicesAnswer from './fixtures/describe-services-service-connect.json';
import taskDefinitionAnswer from './fixtures/describe-task-definition-service-connect.json';

const manifest = (spec: Record<string, unknown> = {}): ManifestDocument => ({
  apiVersion: 'meshward.dev/v1alpha1',
  kind: 'EcsService',
  metadata: { name: 'orders' },
  spec: {
    cluster: 'shop',
    launchType: 'FARGATE',
    desiredCount: 3,
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
        securityGroups: ['sg-0a1b2c3d4e5f60020'],
      },
    },
    taskDefinition: {
      family: 'shop-orders',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: 'arn:aws:iam::111122223333:role/shop-task-execution',
      containerDefinitions: [
        {
          name: 'app',
          image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/orders:2.0.1',
          portMappings: [{ containerPort: 8080, name: 'api', appProtocol: 'http' }],
        },
      ],
    },
    serviceConnectConfiguration: {
      enabled: true,
      namespace: 'shop.local',
      services: [{ portName: 'api', clientAliases: [{ port: 80 }] }],
    },
    ...spec,
  },
});

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

/** The observed resource the kind builds from the two answers (no AWS call: both are in the describe cache). */
async function observed(service: Json, taskDefinition: Json) {
  const state = emptyState('test');
  state.versionCache[String(taskDefinition['taskDefinitionArn'])] = { version: 7, data: taskDefinition };
  state.versionCache['servicediscovery:namespace-id:ns-abcdefghij123456'] = { version: 0, data: 'shop.local' };
  // An endpoint nothing listens on: a call the normalizer should not need would fail the test.
  const clients = createAwsClients({
    endpoint: 'http://127.0.0.1:9',
    region: 'eu-west-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const ctx = createEngineContext({ clients, stack: 'test', state });
    return await observedService(ctx, 'shop', service as unknown as Service);
  } finally {
    clients.destroy();
  }
}

async function diffOf(doc: ManifestDocument, service: Json, taskDefinition: Json): Promise<ResourceChange> {
  const desired = buildDesired([doc]);
  const actual = await observed(service, taskDefinition);
  const [change] = diffResources({ desired, actual: [actual], state: { applied: {} }, stack: 'test' });
  if (!change) throw new Error('no change computed');
  return change;
}

const service = (): Json => clone(servicesAnswer.service) as Json;
const taskDefinition = (): Json => clone(taskDefinitionAnswer.taskDefinition) as Json;

describe('ECS normalizer against real answers', () => {
  it('finds no diff between the manifest and what ECS answers for it', async () => {
    const change = await diffOf(manifest(), service(), taskDefinition());
    expect(change.changes).toEqual([]);
    expect(change.action).toBe('unchanged');
  });

  it('leaves a desiredCount the manifest does not declare to autoscaling', async () => {
    const spec = manifest().spec;
    delete spec['desiredCount'];
    const scaled = { ...service(), desiredCount: 11 };
    const change = await diffOf({ ...manifest(), spec }, scaled, taskDefinition());
    expect(change.changes).toEqual([]);
  });

  it('finds no diff when AWS adds members meshward does not know, at any depth', async () => {
    const s = service();
    s['futureTopLevel'] = { on: true };
    (s['deploymentConfiguration'] as Json)['futureDeploymentKnob'] = 'x';
    (s['networkConfiguration'] as { awsvpcConfiguration: Json }).awsvpcConfiguration['futureNetworkKnob'] = 1;
    const deployment = (s['deployments'] as Json[])[0] as Json;
    const sc = deployment['serviceConnectConfiguration'] as { services: Json[] } & Json;
    sc['futureServiceConnectKnob'] = { a: 1 };
    (sc.services[0] as Json)['futureEndpointKnob'] = 'y';
    const td = taskDefinition();
    td['futureTaskDefinitionMember'] = 'z';
    const container = (td['containerDefinitions'] as Json[])[0] as Json;
    container['futureContainerMember'] = { b: 2 };
    ((container['portMappings'] as Json[])[0] as Json)['futurePortMember'] = true;
    const change = await diffOf(manifest(), s, td);
    expect(change.changes).toEqual([]);
  });

  it('still sees a value that departs from a known default, naming the field', async () => {
    const s = service();
    (s['deploymentConfiguration'] as Json)['minimumHealthyPercent'] = 50;
    const sc = ((s['deployments'] as Json[])[0] as Json)['serviceConnectConfiguration'] as { services: Json[] };
    (sc.services[0] as Json)['timeout'] = { idleTimeoutSeconds: 300, perRequestTimeoutSeconds: 60 };
    const manifestWithTimeout = manifest({
      serviceConnectConfiguration: {
        enabled: true,
        namespace: 'shop.local',
        services: [{ portName: 'api', clientAliases: [{ port: 80 }], timeout: { perRequestTimeoutSeconds: 15 } }],
      },
    });
    const change = await diffOf(manifestWithTimeout, s, taskDefinition());
    expect(change.changes.map((c) => [c.path, c.before, c.after])).toEqual([
      ['/spec/service/deploymentConfiguration/minimumHealthyPercent', 50, 100],
      ['/spec/service/serviceConnectConfiguration/services/0/timeout/perRequestTimeoutSeconds', 60, 15],
    ]);
  });

  it('reads Service Connect from the PRIMARY deployment only, never from an ACTIVE one being replaced', async () => {
    const s = service();
    const deployments = s['deployments'] as Json[];
    const old = clone(deployments[0]) as Json;
    old['status'] = 'ACTIVE';
    (old['serviceConnectConfiguration'] as Json)['enabled'] = false;
    deployments.push(old);
    const change = await diffOf(manifest(), s, taskDefinition());
    expect(change.changes).toEqual([]);
  });

  it('plans a replace when a port mapping appProtocol changes while the service uses Service Connect', async () => {
    const doc = manifest();
    const td = doc.spec['taskDefinition'] as { containerDefinitions: { portMappings: Json[] }[] };
    (td.containerDefinitions[0]?.portMappings[0] as Json)['appProtocol'] = 'http2';
    const change = await diffOf(doc, service(), taskDefinition());
    expect(change.action).toBe('replace');
    expect(change.reason).toMatch(/appProtocol changes while the service uses Service Connect/);
  });

  it('does not diff a field the manifest sets but lists in meshward.dev/ignore-fields', async () => {
    const doc = manifest({ desiredCount: 2 });
    doc.metadata.annotations = {
      'meshward.dev/ignore-fields': '/spec/desiredCount, /spec/deploymentConfiguration/maximumPercent',
    };
    const s: Json = { ...service(), desiredCount: 8 };
    (s['deploymentConfiguration'] as Json)['maximumPercent'] = 150;
    const change = await diffOf(doc, s, taskDefinition());
    expect(change.changes).toEqual([]);
    // Without the annotation both are changes.
    const plain = await diffOf(manifest({ desiredCount: 2 }), s, taskDefinition());
    expect(plain.changes.map((c) => c.path)).toEqual([
      '/spec/service/deploymentConfiguration/maximumPercent',
      '/spec/service/desiredCount',
    ]);
  });
});
