/** How CloudTrail names the caller of a recorded call, derived from the identity ARN the core recorded. */
export interface CloudTrailIdentity {
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'Role' | 'Unknown';
  arn: string;
  accountId: string;
  userName?: string;
  /** LookupEvents' `Username`: the user name, the role session name, or "root". */
  username: string;
}

export function identityFromArn(arn: string): CloudTrailIdentity {
  const parts = arn.split(':');
  const accountId = parts[4] ?? '';
  const resource = parts.slice(5).join(':');
  if (resource === 'root') return { type: 'Root', arn, accountId, username: 'root' };
  const segments = resource.split('/');
  const kind = segments[0];
  const last = segments[segments.length - 1] ?? resource;
  if (kind === 'user') return { type: 'IAMUser', arn, accountId, userName: last, username: last };
  if (kind === 'assumed-role') return { type: 'AssumedRole', arn, accountId, username: last };
  if (kind === 'role') return { type: 'Role', arn, accountId, username: last };
  return { type: 'Unknown', arn, accountId, username: last };
}

/** CloudTrail resource types for the ARNs the emulator's services produce. */
export function resourceTypeOf(arn: string): string | undefined {
  const parts = arn.split(':');
  const service = parts[2];
  const path = parts.slice(5).join(':').split('/');
  if (service === 'appmesh') {
    // mesh/m, mesh/m/virtualNode/n, mesh/m/virtualRouter/r/route/x: the last type segment names the kind.
    const kind = path.length >= 2 ? path[path.length - 2] : undefined;
    const names: Record<string, string> = {
      mesh: 'Mesh',
      virtualNode: 'VirtualNode',
      virtualService: 'VirtualService',
      virtualRouter: 'VirtualRouter',
      route: 'Route',
      virtualGateway: 'VirtualGateway',
      gatewayRoute: 'GatewayRoute',
    };
    const name = kind ? names[kind] : undefined;
    return name ? `AWS::AppMesh::${name}` : undefined;
  }
  if (service === 'ecs') {
    const names: Record<string, string> = {
      cluster: 'Cluster',
      service: 'Service',
      'task-definition': 'TaskDefinition',
    };
    const name = path[0] ? names[path[0]] : undefined;
    return name ? `AWS::ECS::${name}` : undefined;
  }
  if (service === 'vpc-lattice') {
    // servicenetwork/sn-x, service/svc-x, service/svc-x/listener/listener-y, .../rule/rule-z, targetgroup/tg-x, ...
    const kind = path.length >= 2 ? path[path.length - 2] : undefined;
    const names: Record<string, string> = {
      servicenetwork: 'ServiceNetwork',
      service: 'Service',
      listener: 'Listener',
      rule: 'Rule',
      targetgroup: 'TargetGroup',
      servicenetworkvpcassociation: 'ServiceNetworkVpcAssociation',
      servicenetworkserviceassociation: 'ServiceNetworkServiceAssociation',
      accesslogsubscription: 'AccessLogSubscription',
    };
    const name = kind ? names[kind] : undefined;
    return name ? `AWS::VpcLattice::${name}` : undefined;
  }
  if (service === 'servicediscovery') {
    const names: Record<string, string> = { namespace: 'Namespace', service: 'Service' };
    const name = path[0] ? names[path[0]] : undefined;
    return name ? `AWS::ServiceDiscovery::${name}` : undefined;
  }
  return undefined;
}
