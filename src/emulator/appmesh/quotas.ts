/**
 * App Mesh default quotas (AWS-FACTS.md; unverified against a live account, hence configurable).
 * Note: the SDK classifies LimitExceededException as a throttling error and retries it.
 */
export interface AppMeshQuotas {
  meshesPerAccount: number;
  virtualNodesPerMesh: number;
  virtualServicesPerMesh: number;
  virtualRoutersPerMesh: number;
  routesPerVirtualRouter: number;
  virtualGatewaysPerMesh: number;
  gatewayRoutesPerVirtualGateway: number;
  backendsPerVirtualNode: number;
  weightedTargetsPerRoute: number;
  tagsPerResource: number;
}

export const DEFAULT_QUOTAS: Readonly<AppMeshQuotas> = {
  meshesPerAccount: 15,
  virtualNodesPerMesh: 200,
  virtualServicesPerMesh: 200,
  virtualRoutersPerMesh: 200,
  routesPerVirtualRouter: 50,
  virtualGatewaysPerMesh: 3,
  gatewayRoutesPerVirtualGateway: 10,
  backendsPerVirtualNode: 50,
  weightedTargetsPerRoute: 10,
  tagsPerResource: 50,
};
