/**
 * Behaviours looked up in public sources during the emulator audit, one test per fact, each citing where it was
 * seen. Behaviours no source confirmed are configurable in the emulator and tested in both settings at the end.
 */
import * as am from '@aws-sdk/client-app-mesh';
import * as ecs from '@aws-sdk/client-ecs';
import * as sd from '@aws-sdk/client-servicediscovery';
import type { Emulator } from '../../src/emulator/server';
import { ACCOUNT, REGION, appMesh, failure, httpListener, startTestEmulator } from './helpers';

const credentials = { accessKeyId: 'AKIDHUMAN', secretAccessKey: 'secret' };
const HUMAN = `arn:aws:iam::${ACCOUNT}:user/alice`;
let emu: Emulator;
let mesh: am.AppMeshClient;
let client: ecs.ECSClient;
let cloudMap: sd.ServiceDiscoveryClient;

beforeAll(async () => {
  emu = await startTestEmulator({
    identities: { AKIDHUMAN: HUMAN },
    appMesh: { quotas: { tagsPerResource: 120 } },
  });
  mesh = appMesh(emu);
  client = new ecs.ECSClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
  cloudMap = new sd.ServiceDiscoveryClient({ endpoint: emu.endpoint, region: REGION, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
});

const network = { awsvpcConfiguration: { subnets: ['subnet-1'] } };

async function ecsBasics(): Promise<void> {
  await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
  await client.send(
    new ecs.RegisterTaskDefinitionCommand({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'nginx', portMappings: [{ containerPort: 8080 }] }],
    }),
  );
}

const service = (name: string, extra: Partial<ecs.CreateServiceCommandInput> = {}): ecs.CreateServiceCommand =>
  new ecs.CreateServiceCommand({
    cluster: 'prod',
    serviceName: name,
    taskDefinition: 'web:1',
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: network,
    ...extra,
  });

describe('ECS', () => {
  it('DescribeServices takes at most 10 services: InvalidParameterException "service names can have at most 10 items."', async () => {
    // Sources: structurely/ecs-autoscale#32, remind101/empire#468, aws/aws-toolkit-vscode#2362 (botocore's message).
    await ecsBasics();
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`);
    expect(
      await failure(client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: names }))),
    ).toMatchObject({ name: 'InvalidParameterException', message: 'service names can have at most 10 items.' });
  });

  it('DescribeServices with no services: InvalidParameterException "Services cannot be empty."', async () => {
    // Source: boltops-tools/aws-inventory#4 (Aws::ECS::Errors::InvalidParameterException "Services cannot be empty.").
    await ecsBasics();
    expect(
      await failure(client.send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: [] }))),
    ).toMatchObject({ name: 'InvalidParameterException', message: 'Services cannot be empty.' });
  });

  it('DeleteService while scaled above 0 needs force: "The service cannot be stopped while it is scaled above 0."', async () => {
    // Source: widely quoted ECS message (InvalidParameterException), e.g. the ECS console / CLI walkthroughs found
    // by exact-string search; moto raises the same type and text.
    await ecsBasics();
    await client.send(service('web'));
    expect(await failure(client.send(new ecs.DeleteServiceCommand({ cluster: 'prod', service: 'web' })))).toMatchObject(
      { name: 'InvalidParameterException', message: 'The service cannot be stopped while it is scaled above 0.' },
    );
    const forced = await client.send(new ecs.DeleteServiceCommand({ cluster: 'prod', service: 'web', force: true }));
    expect(forced.service?.status).toBe('DRAINING');
  });

  it('ListServices returns up to 10 results when maxResults is not given', async () => {
    // Source: ECS API reference, ListServices maxResults ("If this parameter isn't used, then ListServices returns
    // up to 10 results and a nextToken value if applicable").
    await ecsBasics();
    for (let i = 0; i < 11; i += 1) await client.send(service(`s${i}`));
    const page = await client.send(new ecs.ListServicesCommand({ cluster: 'prod' }));
    expect(page.serviceArns).toHaveLength(10);
    expect(page.nextToken).toBeDefined();
  });

  it('an empty task definition is "Family should not be null or empty."; a non-numeric revision is "Invalid revision number."', async () => {
    // Sources: hashicorp/terraform-provider-aws#27389 ("InvalidParameterException ... CreateService operation:
    // Family should not be null or empty."); #30313 and CodeDeploy's ECS_UPDATE_ERROR ("Invalid revision number.
    // Number: latest ... Error Code: InvalidParameterException").
    await ecsBasics();
    expect(await failure(client.send(service('a', { taskDefinition: '' })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Family should not be null or empty.',
    });
    expect(await failure(client.send(service('b', { taskDefinition: 'web:latest' })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid revision number. Number: latest',
    });
  });

  it('a CODE_DEPLOY service refuses a task definition change through UpdateService', async () => {
    // Source: aws-cdk users quoting ECS: "Unable to update task definition on services with a CODE_DEPLOY deployment
    // controller. Use AWS CodeDeploy to trigger a new deployment. (... Error Code: InvalidParameterException ...)".
    await ecsBasics();
    await client.send(service('bg', { deploymentController: { type: 'CODE_DEPLOY' } }));
    const err = await failure(
      client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'bg', taskDefinition: 'web:1' })),
    );
    expect(err).toMatchObject({ name: 'InvalidParameterException' });
    expect(err.message).toContain('Unable to update task definition on services with a CODE_DEPLOY deployment');
    // Scaling is still allowed.
    await client.send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'bg', desiredCount: 3 }));
  });

  it('DescribeTaskDefinition of an unknown one is ClientException "Unable to describe task definition."', async () => {
    // Source: terraform users quoting "reading ECS Task Definition (web): ClientException: Unable to describe task
    // definition."; several tools match on that exact text.
    expect(
      await failure(client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' }))),
    ).toMatchObject({ name: 'ClientException', message: 'Unable to describe task definition.' });
  });

  it('an invalid task cpu is ClientException with the troubleshooting pointer', async () => {
    // Source: Amazon ECS Developer Guide, "Invalid CPU or memory value specified".
    const err = await failure(
      client.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'x',
          cpu: 'lots',
          memory: '512',
          containerDefinitions: [{ name: 'app', image: 'nginx' }],
        }),
      ),
    );
    expect(err).toMatchObject({
      name: 'ClientException',
      message:
        "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
    });
  });

  it('a task definition over 64 KiB is ClientException "Actual length ... Max allowed length is \'65536\' bytes."', async () => {
    // Source: a user's code comment quoting ECS: "An error occurred (ClientException) when calling the
    // RegisterTaskDefinition operation: Actual length: '514430'. Max allowed length is '65536' bytes."
    const environment = Array.from({ length: 700 }, (_, i) => ({ name: `VAR_${i}`, value: 'x'.repeat(100) }));
    const err = await failure(
      client.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'big',
          containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, environment }],
        }),
      ),
    );
    expect(err.name).toBe('ClientException');
    expect(err.message).toMatch(/^Actual length: '\d+'\. Max allowed length is '65536' bytes\.$/);
  });

  it('a cluster reference that cannot be a cluster name is InvalidParameterException "Cluster must match ..."', async () => {
    // Source: awslabs/amazon-ecs-nodejs-microservices#18 ("InvalidParameterException ... DescribeServices operation:
    // Cluster must match ^[a-zA-Z0-9\-_]{1,255}$, but was ...").
    expect(
      await failure(client.send(new ecs.DescribeServicesCommand({ cluster: 'my cluster!', services: ['web'] }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was my cluster!',
    });
    // A well-formed name that does not exist stays ClusterNotFoundException.
    expect(
      await failure(client.send(new ecs.DescribeServicesCommand({ cluster: 'absent', services: ['web'] }))),
    ).toMatchObject({ name: 'ClusterNotFoundException' });
  });

  it('createdBy / registeredBy name the real caller (the principal behind the access key)', async () => {
    await ecsBasics();
    const td = await client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' }));
    expect(td.taskDefinition?.registeredBy).toBe(HUMAN);
    const created = await client.send(service('web'));
    expect(created.service?.createdBy).toBe(HUMAN);
  });
});

describe('App Mesh', () => {
  beforeEach(async () => {
    await mesh.send(new am.CreateMeshCommand({ meshName: 'm' }));
  });

  it('NotFoundException reads "<Kind> with name <n> is not present under mesh <m> for account <a>"', async () => {
    // Source: aws/aws-app-mesh-roadmap#173, the Go SDK printing App Mesh's answer: "NotFoundException: VirtualNode
    // with name app-a-sam-test is not present under mesh sam-app-mesh-test for account 452410912201 / status code: 404".
    expect(
      await failure(mesh.send(new am.DescribeVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'app-a' }))),
    ).toMatchObject({
      name: 'NotFoundException',
      status: 404,
      message: `VirtualNode with name app-a is not present under mesh m for account ${ACCOUNT}`,
    });
  });

  it('a route needs a port match when its router has more than one listener', async () => {
    // Sources: aws/aws-app-mesh-controller-for-k8s#715 ("BadRequestException: Route must define a port match
    // criteria if the Virtual Router has multiple listeners"); hashicorp/terraform-provider-aws#35294 (adding a
    // listener to a router whose routes have none: "BadRequestException: All Routes for this Virtual Router m...").
    await mesh.send(new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'n', spec: {} }));
    await mesh.send(
      new am.CreateVirtualRouterCommand({
        meshName: 'm',
        virtualRouterName: 'r',
        spec: { listeners: [httpListener()] },
      }),
    );
    const route = (match: am.HttpRouteMatch): am.CreateRouteCommand =>
      new am.CreateRouteCommand({
        meshName: 'm',
        virtualRouterName: 'r',
        routeName: `rt${match.port ?? ''}`,
        spec: { httpRoute: { match, action: { weightedTargets: [{ virtualNode: 'n', weight: 1 }] } } },
      });
    await mesh.send(route({ prefix: '/' }));
    const twoListeners = { listeners: [httpListener(8080), httpListener(9090)] };
    const grow = await failure(
      mesh.send(new am.UpdateVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r', spec: twoListeners })),
    );
    expect(grow).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(grow.message).toMatch(/^All Routes for this Virtual Router m/);
    await mesh.send(new am.DeleteRouteCommand({ meshName: 'm', virtualRouterName: 'r', routeName: 'rt' }));
    await mesh.send(new am.UpdateVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r', spec: twoListeners }));
    expect(await failure(mesh.send(route({ prefix: '/' })))).toMatchObject({
      name: 'BadRequestException',
      message: 'Route must define a port match criteria if the Virtual Router has multiple listeners',
    });
    await mesh.send(route({ prefix: '/', port: 8080 }));
  });

  it("a gateway route needs a target port when the target service's provider has more than one listener", async () => {
    // Source: App Mesh user guide, gateway routes, quoted in hashicorp/terraform-provider-aws#29063: "Virtual service
    // provider port is required when the provider (router or node) of the selected virtual service has multiple
    // listeners." (The error's wording is inferred.)
    await mesh.send(
      new am.CreateVirtualNodeCommand({
        meshName: 'm',
        virtualNodeName: 'n',
        spec: { listeners: [httpListener(8080), httpListener(9090)] },
      }),
    );
    await mesh.send(
      new am.CreateVirtualServiceCommand({
        meshName: 'm',
        virtualServiceName: 'svc.local',
        spec: { provider: { virtualNode: { virtualNodeName: 'n' } } },
      }),
    );
    await mesh.send(
      new am.CreateVirtualGatewayCommand({
        meshName: 'm',
        virtualGatewayName: 'gw',
        spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
      }),
    );
    const gatewayRoute = (port?: number): am.CreateGatewayRouteCommand =>
      new am.CreateGatewayRouteCommand({
        meshName: 'm',
        virtualGatewayName: 'gw',
        gatewayRouteName: `gr${port ?? ''}`,
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { target: { virtualService: { virtualServiceName: 'svc.local' }, port } },
          },
        },
      });
    expect(await failure(mesh.send(gatewayRoute()))).toMatchObject({ name: 'BadRequestException', status: 400 });
    await mesh.send(gatewayRoute(8080));
  });

  it('backends may name virtual services that do not exist yet', async () => {
    // Sources: aws/aws-cdk#17736 ("The App Mesh API does not have a restriction that the virtual service is created
    // before the backend is registered"); aws/aws-app-mesh-examples#92 (API revision notes).
    const created = await mesh.send(
      new am.CreateVirtualNodeCommand({
        meshName: 'm',
        virtualNodeName: 'n',
        spec: { backends: [{ virtualService: { virtualServiceName: 'later.local' } }] },
      }),
    );
    expect(created.virtualNode?.spec?.backends).toHaveLength(1);
  });

  it('duplicate backends are coerced to one', async () => {
    // Source: aws/aws-app-mesh-roadmap#170 (Describe shows a single backend for two with the same name).
    const backend = { virtualService: { virtualServiceName: 'a.local' } };
    await mesh.send(
      new am.CreateVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'n', spec: { backends: [backend, backend] } }),
    );
    const described = await mesh.send(new am.DescribeVirtualNodeCommand({ meshName: 'm', virtualNodeName: 'n' }));
    expect(described.virtualNode?.spec?.backends).toEqual([backend]);
  });

  it('a mesh with only a virtual service in it cannot be deleted', async () => {
    // Source: aws/aws-app-mesh-roadmap#147 (fixed in all regions: a virtual service now blocks DeleteMesh too).
    await mesh.send(new am.CreateVirtualServiceCommand({ meshName: 'm', virtualServiceName: 'vs.local', spec: {} }));
    expect(await failure(mesh.send(new am.DeleteMeshCommand({ meshName: 'm' })))).toMatchObject({
      name: 'ResourceInUseException',
      status: 409,
    });
  });

  it('ListTagsForResource returns up to 100 tags when limit is not given', async () => {
    // Source: App Mesh API reference, ListTagsForResource limit ("If you don't use this parameter,
    // ListTagsForResource returns up to 100 results"). The tag quota is raised for this test only.
    const { mesh: created } = await mesh.send(new am.DescribeMeshCommand({ meshName: 'm' }));
    const resourceArn = created?.metadata?.arn ?? '';
    for (let i = 0; i < 120; i += 40) {
      const tags = Array.from({ length: 40 }, (_, j) => ({ key: `k${i + j}`, value: 'v' }));
      await mesh.send(new am.TagResourceCommand({ resourceArn, tags }));
    }
    const page = await mesh.send(new am.ListTagsForResourceCommand({ resourceArn }));
    expect(page.tags).toHaveLength(100);
    expect(page.nextToken).toBeDefined();
  });
});

describe('Cloud Map', () => {
  it('errors carry the model\'s "Message" member; ServiceAlreadyExists carries ServiceId, ServiceArn, CreatorRequestId', async () => {
    // Source: the servicediscovery model's error shapes (Message capitalised; ServiceAlreadyExists members).
    const { OperationId } = await cloudMap.send(new sd.CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: 'v' }));
    const op = await cloudMap.send(new sd.GetOperationCommand({ OperationId }));
    const NamespaceId = op.Operation?.Targets?.NAMESPACE;
    await cloudMap.send(new sd.CreateServiceCommand({ Name: 'orders', NamespaceId, CreatorRequestId: 'one' }));
    const res = await fetch(emu.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'Route53AutoNaming_v20170314.CreateService',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({ Name: 'orders', NamespaceId, CreatorRequestId: 'two' }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ __type: 'ServiceAlreadyExists', CreatorRequestId: 'one' });
    expect(typeof body.Message).toBe('string');
    expect(body.message).toBeUndefined();
    expect(String(body.ServiceId)).toMatch(/^srv-/);
    expect(String(body.ServiceArn)).toContain(':service/srv-');
  });

  it('ListServices returns up to 100 services when MaxResults is not given', async () => {
    // Source: Cloud Map API reference (SDK docs), ListServices MaxResults: "If you don't specify a value for
    // MaxResults, Cloud Map returns up to 100 services."
    const { OperationId } = await cloudMap.send(new sd.CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: 'v' }));
    const op = await cloudMap.send(new sd.GetOperationCommand({ OperationId }));
    const NamespaceId = op.Operation?.Targets?.NAMESPACE;
    for (let i = 0; i < 101; i += 1) await cloudMap.send(new sd.CreateServiceCommand({ Name: `s${i}`, NamespaceId }));
    const page = await cloudMap.send(new sd.ListServicesCommand({}));
    expect(page.Services).toHaveLength(100);
    expect(page.NextToken).toBeDefined();
  });
});

describe('unverified App Mesh behaviours are configurable', () => {
  let alt: Emulator;
  beforeAll(async () => {
    alt = await startTestEmulator({
      appMesh: { missingReferenceError: 'BadRequestException', noopUpdateBumpsVersion: false },
    });
  });
  afterAll(async () => {
    await alt.stop();
  });

  it('the error for a route target that does not exist (default NotFoundException; BadRequestException here)', async () => {
    const c = appMesh(alt);
    await c.send(new am.CreateMeshCommand({ meshName: 'm' }));
    await c.send(new am.CreateVirtualRouterCommand({ meshName: 'm', virtualRouterName: 'r', spec: {} }));
    const err = await failure(
      c.send(
        new am.CreateRouteCommand({
          meshName: 'm',
          virtualRouterName: 'r',
          routeName: 'rt',
          spec: { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'ghost', weight: 1 }] } } },
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'BadRequestException', status: 400 });
  });

  it('whether an Update with an identical spec bumps version (default yes; not here)', async () => {
    const c = appMesh(alt);
    await c.send(new am.CreateMeshCommand({ meshName: 'same' }));
    const once = await c.send(new am.UpdateMeshCommand({ meshName: 'same', spec: {} }));
    expect(once.mesh?.metadata?.version).toBe(1);
    const changed = await c.send(
      new am.UpdateMeshCommand({ meshName: 'same', spec: { egressFilter: { type: 'ALLOW_ALL' } } }),
    );
    expect(changed.mesh?.metadata?.version).toBe(2);
    // The default emulator bumps on every update (AWS-FACTS.md: "grows by 1 on every update").
    await mesh.send(new am.CreateMeshCommand({ meshName: 'same' }));
    const bumped = await mesh.send(new am.UpdateMeshCommand({ meshName: 'same', spec: {} }));
    expect(bumped.mesh?.metadata?.version).toBe(2);
  });
});
