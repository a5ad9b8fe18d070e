import type { CallContext } from '../contracts';
import { serviceArn, serviceNameOf } from './arns';
import { requireCluster } from './clusters';
import { ecsErrors } from './errors';
import { optNumber, optString, stringList, type JsonObject } from './input';
import { paginate } from './paging';
import { serviceView } from './service-view';
import { serviceKey } from './services';
import type { EcsState } from './state';

const MAX_DESCRIBE = 10;

export function describeServices(state: EcsState, input: JsonObject, ctx: CallContext): JsonObject {
  const cluster = requireCluster(state, optString(input, 'cluster'));
  const refs = stringList(input, 'services');
  // Both messages are ECS's own (InvalidParameterException), as SDK users quote them.
  if (refs.length === 0) throw ecsErrors.invalidParameter('Services cannot be empty.');
  if (refs.length > MAX_DESCRIBE) {
    throw ecsErrors.invalidParameter(`service names can have at most ${MAX_DESCRIBE} items.`);
  }
  const withTags = stringList(input, 'include').includes('TAGS');
  const services: JsonObject[] = [];
  const failures: JsonObject[] = [];
  for (const ref of refs) {
    const s = state.services[serviceKey(cluster.clusterName, serviceNameOf(ref))];
    if (s) services.push(serviceView(s, cluster.clusterArn, withTags));
    else failures.push({ arn: serviceArn(ctx, cluster.clusterName, serviceNameOf(ref)), reason: 'MISSING' });
  }
  return { services, failures };
}

export function listServices(state: EcsState, input: JsonObject): JsonObject {
  const cluster = requireCluster(state, optString(input, 'cluster'));
  const maxResults = optNumber(input, 'maxResults') ?? 10;
  if (maxResults < 1 || maxResults > 100) {
    throw ecsErrors.invalidParameter('maxResults can be between 1 and 100.');
  }
  const launchType = optString(input, 'launchType');
  const scheduling = optString(input, 'schedulingStrategy');
  // DRAINING and INACTIVE services are not listed (they stay describable).
  const arns = Object.values(state.services)
    .filter((s) => s.clusterName === cluster.clusterName && s.status === 'ACTIVE')
    .filter((s) => launchType === undefined || s.fields['launchType'] === launchType)
    .filter((s) => scheduling === undefined || s.fields['schedulingStrategy'] === scheduling)
    .sort((a, b) => a.createdAt - b.createdAt || a.serviceName.localeCompare(b.serviceName))
    .map((s) => s.serviceArn);
  const page = paginate(
    arns,
    maxResults,
    optString(input, 'nextToken'),
    `svc|${cluster.clusterName}|${launchType ?? ''}|${scheduling ?? ''}`,
  );
  return { serviceArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
