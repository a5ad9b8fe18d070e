/**
 * Mesh -> the successor's shared home: a Service Connect HTTP namespace, or a VPC Lattice service network with its
 * VPC association (and an access log subscription when a destination is given).
 */
import type { LoadedDocument } from '../../core/types';
import { API_VERSION } from '../../core/types';
import type { FieldRule, KindMigration, MigrationRun } from '../../migrate/model';
import { STEP_WAVE } from '../../migrate/model';
import { isRecord } from '../../migrate/values';
import { latticeNetworkName, scNamespaceName } from '../shared/migrate-topology';

export const VPC_INPUT = {
  key: 'vpc.id',
  description:
    'The VPC the ECS tasks run in (VPC Lattice associates it with the service network; target groups live in it)',
  example: 'vpc-0a1b2c3d4e5f67890',
} as const;

export const ACCESS_LOG_INPUT = {
  key: 'lattice.accessLogDestinationArn',
  description: 'Where VPC Lattice writes access logs (a CloudWatch Logs group, S3 bucket or Firehose stream ARN)',
  example: 'arn:aws:logs:us-east-1:111122223333:log-group:/shop/lattice',
} as const;

export function vpcId(run: MigrationRun): string {
  return run.inputOrPlaceholder(VPC_INPUT.key, VPC_INPUT.description, VPC_INPUT.example);
}

const rules: FieldRule[] = [
  {
    path: '/egressFilter',
    'service-connect': ({ value }) =>
      isRecord(value) && value['type'] === 'DROP_ALL'
        ? {
            status: 'dropped',
            detail:
              'Service Connect has no egress filter: tasks reach every endpoint in the namespace and anything the security groups allow. Restrict egress with security groups.',
          }
        : {
            status: 'carried',
            detail: 'ALLOW_ALL is what Service Connect does: traffic to other hosts passes through',
          },
    'vpc-lattice': ({ value }) =>
      isRecord(value) && value['type'] === 'DROP_ALL'
        ? {
            status: 'dropped',
            detail:
              'VPC Lattice has no egress filter. To allow only declared callers, set the service network authType to AWS_IAM and add a LatticeAuthPolicy per service.',
          }
        : {
            status: 'carried',
            detail: 'ALLOW_ALL: clients reach any Lattice service in the network and any other host',
          },
  },
  {
    path: '/serviceDiscovery',
    'service-connect': {
      status: 'approx',
      detail:
        'Service Connect resolves endpoints itself; the address family follows the VPC and subnets (IPv4 or dual stack)',
    },
    'vpc-lattice': {
      status: 'approx',
      detail: 'Lattice target groups have ipAddressType IPV4 (set here) or IPV6; there is no preference order',
    },
  },
];

function migrate(source: LoadedDocument, run: MigrationRun): void {
  const mesh = source.doc.metadata.name;
  const tags = source.doc.metadata.tags;
  if (run.target === 'service-connect') {
    run.emit(
      {
        apiVersion: API_VERSION,
        kind: 'CloudMapNamespace',
        metadata: { name: scNamespaceName(mesh, run), ...(tags ? { tags } : {}) },
        spec: { type: 'HTTP', description: `Service Connect namespace for the services of App Mesh mesh ${mesh}` },
      },
      source,
      ['a new namespace: the App Mesh services keep theirs while both run side by side'],
    );
    run.step(
      STEP_WAVE.shared,
      `apply the CloudMapNamespace ${scNamespaceName(mesh, run)} (it must exist before any Service Connect service)`,
    );
    return;
  }
  const network = latticeNetworkName(mesh);
  run.emit(
    {
      apiVersion: API_VERSION,
      kind: 'LatticeServiceNetwork',
      metadata: { name: network, ...(tags ? { tags } : {}) },
      spec: { authType: 'NONE' },
    },
    source,
  );
  run.emit(
    {
      apiVersion: API_VERSION,
      kind: 'LatticeServiceNetworkVpcAssociation',
      metadata: { serviceNetwork: network },
      spec: { vpcIdentifier: vpcId(run) },
    },
    source,
    ['the VPC the tasks run in; clients in it resolve Lattice service names'],
  );
  const logged = run.ofKind('VirtualNode').some((n) => n.doc.metadata.mesh === mesh && isRecord(n.doc.spec['logging']));
  if (logged) {
    const destination = run.input(ACCESS_LOG_INPUT.key, ACCESS_LOG_INPUT.description, ACCESS_LOG_INPUT.example);
    if (destination !== undefined) {
      run.emit(
        {
          apiVersion: API_VERSION,
          kind: 'LatticeAccessLogSubscription',
          metadata: { serviceNetwork: network },
          spec: { destinationArn: destination },
        },
        source,
        ["replaces the virtual nodes' Envoy access logs"],
      );
    }
  }
  run.step(STEP_WAVE.shared, `apply the LatticeServiceNetwork ${network} and its VPC association`);
}

export const meshMigration: KindMigration = { kind: 'Mesh', specShape: 'MeshSpec', rules, migrate };
