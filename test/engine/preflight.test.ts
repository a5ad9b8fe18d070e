/**
 * What the preflight checks by ARN, as the kinds report it (Kind.prerequisites), pure: the reference topology's
 * target group and roles with where each is named, the attachments' roles (Service Connect TLS, the Lattice
 * infrastructure role), nothing for a Lattice target group given by name, nothing for a placeholder.
 */
import { resolve } from 'node:path';
import type { ManifestDocument } from '../../src/core/types';
import { namedPrerequisites } from '../../src/engine/preflight';
import { validateManifests } from '../../src/manifest/validate';

async function docsOf(path: string): Promise<ManifestDocument[]> {
  const v = await validateManifests([resolve(__dirname, '../..', path)]);
  expect(v.valid).toBe(true);
  return v.documents.map((d) => d.doc);
}

it('lists the target group and the roles the reference topology names, once each, with who names them where', async () => {
  const named = namedPrerequisites(await docsOf('manifests'));
  const tg = named.filter((n) => n.type === 'elb-target-group');
  expect(tg).toEqual([
    {
      type: 'elb-target-group',
      arn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/shop-ingress/0123456789abcdef',
      by: ['EcsService/shop/ingress-gw at /spec/loadBalancers/0/targetGroupArn'],
    },
  ]);
  const execution = named.find((n) => n.arn.endsWith('role/shop-task-execution'));
  // One role used by every service is one check, named by all of them.
  expect(execution?.by.length).toBeGreaterThanOrEqual(4);
  expect(execution?.by.every((b) => b.endsWith(' at /spec/taskDefinition/executionRoleArn'))).toBe(true);
  expect(named.filter((n) => n.type === 'iam-role').map((n) => n.arn.split('/').pop())).toEqual([
    'shop-front',
    'shop-ingress-gw',
    'shop-service-a-v1',
    'shop-service-a-v2',
    'shop-service-b',
    'shop-task-execution',
  ]);
});

it('takes the roles of the attachments, and no Lattice target group given by name', async () => {
  const lattice = namedPrerequisites(await docsOf('examples/vpc-lattice'));
  expect(lattice.some((n) => n.type === 'elb-target-group')).toBe(false);
  const infra = lattice.find((n) => n.arn.endsWith('role/ecsInfrastructureRoleForVpcLattice'));
  expect(infra?.by[0]).toMatch(/ at \/spec\/vpcLatticeConfigurations\/0\/roleArn$/);

  const sc = namedPrerequisites(await docsOf('examples/service-connect'));
  const tls = sc.find((n) => n.arn.endsWith('role/shop-service-connect-tls'));
  expect(tls?.by[0]).toMatch(/ at \/spec\/serviceConnectConfiguration\/services\/0\/tls\/roleArn$/);
});

it('checks nothing a placeholder names: meshward never writes it', async () => {
  const docs = await docsOf('manifests');
  const gateway = docs.filter((d) => d.kind === 'EcsService' && d.metadata.name === 'ingress-gw');
  expect(namedPrerequisites(gateway).length).toBeGreaterThan(0);
  const placeholder = gateway.map((d) => ({
    ...d,
    metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, 'meshward.dev/placeholder': 'true' } },
  }));
  expect(namedPrerequisites(placeholder)).toEqual([]);
});
