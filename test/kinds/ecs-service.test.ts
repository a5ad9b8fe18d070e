import type { ManifestDocument } from '../../src/core/types';
import { convertContextFor } from '../../src/engine/desired';
import { foldAppMeshArn, idOfFoldedArn } from '../../src/kinds/ecs-service/attachments/app-mesh/envoy';
import { normalizeService, normalizeTaskDefinition, normalizeTaskSize } from '../../src/kinds/ecs-service/normalize';
import { defaultRegistry } from '../../src/kinds/registry';
import { getPath } from '../../src/kinds/shared/spec-utils';
import { referenceDocuments } from './fixtures';

const ecs = defaultRegistry.get('EcsService');

function find(docs: ManifestDocument[], kind: string, name: string): ManifestDocument {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`${kind}/${name} missing`);
  return doc;
}

describe('EcsService: Envoy injection (AWS-FACTS.md "App Mesh on ECS Fargate")', () => {
  it('adds the sidecar, the APPMESH proxy configuration and HEALTHY dependencies for a node', async () => {
    const docs = await referenceDocuments();
    const api = ecs.toApi(find(docs, 'EcsService', 'front'), convertContextFor(docs)) as {
      taskDefinition: Record<string, unknown>;
      cloudMap?: unknown;
    };
    const containers = api.taskDefinition['containerDefinitions'] as Record<string, unknown>[];
    const envoy = containers.find((c) => c['name'] === 'envoy');
    expect(envoy).toMatchObject({
      essential: true,
      user: '1337',
      healthCheck: { startPeriod: 10, interval: 5, timeout: 2, retries: 3 },
    });
    expect(envoy?.['environment']).toContainEqual({
      name: 'APPMESH_RESOURCE_ARN',
      value: 'appmesh:mesh/shop/virtualNode/front',
    });
    const app = containers.find((c) => c['name'] === 'app');
    expect(app?.['dependsOn']).toEqual([{ containerName: 'envoy', condition: 'HEALTHY' }]);
    const props = getPath(api.taskDefinition, 'proxyConfiguration', 'properties') as { name: string; value: string }[];
    expect(Object.fromEntries(props.map((p) => [p.name, p.value]))).toEqual({
      IgnoredUID: '1337',
      ProxyIngressPort: '15000',
      ProxyEgressPort: '15001',
      AppPorts: '8080',
      EgressIgnoredIPs: '169.254.170.2,169.254.169.254',
    });
    expect(api.cloudMap).toEqual({ namespaceName: 'shop.local', serviceName: 'front' });
  });

  it('keeps a gateway task Envoy-only: no proxy configuration, declared port mappings kept', async () => {
    const docs = await referenceDocuments();
    const api = ecs.toApi(find(docs, 'EcsService', 'ingress-gw'), convertContextFor(docs)) as {
      taskDefinition: Record<string, unknown>;
    };
    expect(api.taskDefinition['proxyConfiguration']).toBeUndefined();
    const containers = api.taskDefinition['containerDefinitions'] as Record<string, unknown>[];
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({ name: 'envoy', user: '1337', portMappings: [{ containerPort: 8080 }] });
  });

  it('folds App Mesh ARNs so the desired side needs no account id', () => {
    const folded = foldAppMeshArn('arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualNode/front');
    expect(folded).toBe('appmesh:mesh/shop/virtualNode/front');
    expect(idOfFoldedArn(folded)).toBe('VirtualNode/shop/front');
    expect(foldAppMeshArn('plain')).toBe('plain');
  });
});

describe('EcsService: normalization (AWS-FACTS.md DescribeTaskDefinition / DescribeServices)', () => {
  const given = {
    family: 'f',
    cpu: '1 vCPU',
    memory: '2 GB',
    networkMode: 'awsvpc',
    containerDefinitions: [
      {
        name: 'z',
        image: 'i',
        environment: [
          { name: 'B', value: '2' },
          { name: 'A', value: '1' },
        ],
        secrets: [
          { name: 'S2', valueFrom: 'x' },
          { name: 'S1', valueFrom: 'y' },
        ],
        portMappings: [{ containerPort: 80 }],
        healthCheck: { command: ['CMD', 'true'] },
        command: [],
        mountPoints: [],
      },
      { name: 'a', image: 'i', essential: true, dependsOn: [] },
    ],
  };
  const described = {
    family: 'f',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/f:3',
    revision: 3,
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'ecs.capability.task-eni' }],
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: '2026-01-01T00:00:00Z',
    registeredBy: 'arn:aws:iam::1:user/u',
    cpu: '1024',
    memory: '2048',
    networkMode: 'awsvpc',
    volumes: [],
    placementConstraints: [],
    containerDefinitions: [
      {
        name: 'a',
        image: 'i',
        cpu: 0,
        essential: true,
        portMappings: [],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
      },
      {
        name: 'z',
        image: 'i',
        cpu: 0,
        essential: true,
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        secrets: [
          { name: 'S1', valueFrom: 'y' },
          { name: 'S2', valueFrom: 'x' },
        ],
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        healthCheck: { command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 3 },
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
      },
    ],
  };

  it('makes what was registered and what DescribeTaskDefinition returns equal', () => {
    expect(normalizeTaskDefinition(described)).toEqual(normalizeTaskDefinition(given));
  });

  it('converts task sizes to the integer strings ECS stores', () => {
    expect(normalizeTaskSize('1 vCPU', 'cpu')).toBe('1024');
    expect(normalizeTaskSize('0.5 vcpu', 'cpu')).toBe('512');
    expect(normalizeTaskSize('1 GB', 'memory')).toBe('1024');
    expect(normalizeTaskSize(512, 'memory')).toBe('512');
    expect(normalizeTaskSize('256', 'cpu')).toBe('256');
  });

  it('fills the service defaults DescribeServices reports', () => {
    const bare = normalizeService({ launchType: 'FARGATE', desiredCount: 1 });
    const described = normalizeService({
      launchType: 'FARGATE',
      desiredCount: 1,
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: false, rollback: false },
      },
      schedulingStrategy: 'REPLICA',
      enableECSManagedTags: false,
      propagateTags: 'NONE',
      enableExecuteCommand: false,
      platformVersion: 'LATEST',
      serviceArn: 'arn:aws:ecs:...',
      status: 'ACTIVE',
      runningCount: 1,
    });
    expect(described).toEqual(bare);
  });

  it('normalize is idempotent for every reference EcsService', async () => {
    const docs = await referenceDocuments();
    for (const doc of docs.filter((d) => d.kind === 'EcsService')) {
      const once = ecs.normalize(ecs.toApi(doc, convertContextFor(docs)));
      expect(ecs.normalize(once)).toEqual(once);
    }
  });
});
