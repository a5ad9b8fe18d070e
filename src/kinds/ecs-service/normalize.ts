/**
 * ECS normalization (AWS-FACTS.md "DescribeTaskDefinition fills or rewrites fields" and the service defaults that
 * come back without being asked for). Applied to the desired and the observed side alike, so filling a default is
 * always safe; export strips the same defaults again.
 */
import {
  type FieldDefault,
  type UnorderedList,
  applyDefaults,
  getString,
  isRecord,
  sortLists,
  stripDefaults,
  stripEmpty,
} from '../shared/spec-utils';
import { SERVICE_FIELDS } from './service-fields';

/** RegisterTaskDefinition input members meshward manages; anything else DescribeTaskDefinition returns is server-only. */
export const TASK_DEFINITION_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

export function pick(source: unknown, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(source)) return out;
  for (const f of fields) if (source[f] !== undefined) out[f] = source[f];
  return out;
}

const byName: UnorderedList['key'] = (item) => getString(item, 'name') ?? '';

const TASK_DEFINITION_LISTS: UnorderedList[] = [
  { path: '/containerDefinitions', key: byName },
  { path: '/containerDefinitions/*/environment', key: byName },
  { path: '/containerDefinitions/*/secrets', key: byName },
  { path: '/containerDefinitions/*/dependsOn', key: (d) => getString(d, 'containerName') ?? '' },
  { path: '/containerDefinitions/*/environmentFiles' },
  { path: '/containerDefinitions/*/ulimits', key: byName },
  { path: '/containerDefinitions/*/systemControls' },
  { path: '/containerDefinitions/*/extraHosts' },
  { path: '/containerDefinitions/*/mountPoints' },
  { path: '/containerDefinitions/*/volumesFrom' },
  { path: '/volumes', key: byName },
  { path: '/requiresCompatibilities' },
  { path: '/placementConstraints' },
  { path: '/proxyConfiguration/properties', key: byName },
];

const TASK_DEFINITION_DEFAULTS: FieldDefault[] = [
  { path: '/networkMode', value: 'awsvpc' },
  // DescribeTaskDefinition answers it on every revision since 2025-01, given or not (AWS-FACTS.md).
  { path: '/enableFaultInjection', value: false },
  { path: '/containerDefinitions/*/essential', value: true },
  // ECS reports an unset container cpu as 0 units.
  { path: '/containerDefinitions/*/cpu', value: 0 },
  { path: '/containerDefinitions/*/healthCheck/interval', value: 30 },
  { path: '/containerDefinitions/*/healthCheck/timeout', value: 5 },
  { path: '/containerDefinitions/*/healthCheck/retries', value: 3 },
  { path: '/containerDefinitions/*/portMappings/*/protocol', value: 'tcp' },
  {
    // In awsvpc mode the host port is the container port.
    path: '/containerDefinitions/*/portMappings/*/hostPort',
    compute: (ancestors) => {
      const mapping = ancestors[ancestors.length - 1];
      return ancestors[0]?.['networkMode'] === 'awsvpc' && typeof mapping?.['containerPort'] === 'number'
        ? mapping['containerPort']
        : undefined;
    },
  },
];

/** `{}` under a strategy that has settings, so their defaults are filled (ECS answers them). */
function strategyIs(ancestors: readonly Record<string, unknown>[], strategy: string): unknown {
  return ancestors[ancestors.length - 1]?.['strategy'] === strategy ? {} : undefined;
}

function isDaemon(service: Record<string, unknown> | undefined): boolean {
  return service?.['schedulingStrategy'] === 'DAEMON';
}

/** Fargate by launch type or by a capacity provider strategy of FARGATE / FARGATE_SPOT. */
function runsOnFargate(service: Record<string, unknown> | undefined): boolean {
  if (service?.['launchType'] === 'FARGATE') return true;
  const strategy = service?.['capacityProviderStrategy'];
  return Array.isArray(strategy) && strategy.some((s) => getString(s, 'capacityProvider')?.startsWith('FARGATE'));
}

const SERVICE_DEFAULTS: FieldDefault[] = [
  {
    // Without either, CreateService uses the cluster's default capacity provider strategy, else EC2. meshward
    // sends EC2 explicitly (the create input is this normalized spec), so the service matches the manifest on any
    // cluster; without this default an omitted launch type read as a change of an immutable field: a replace.
    path: '/launchType',
    compute: (ancestors) => (ancestors[0]?.['capacityProviderStrategy'] === undefined ? 'EC2' : undefined),
  },
  { path: '/deploymentConfiguration', value: {} },
  { path: '/deploymentConfiguration/maximumPercent', compute: (a) => (isDaemon(a[0]) ? 100 : 200) },
  { path: '/deploymentConfiguration/minimumHealthyPercent', compute: (a) => (isDaemon(a[0]) ? 0 : 100) },
  { path: '/deploymentConfiguration/deploymentCircuitBreaker', value: { enable: false, rollback: false } },
  // The ECS deployment controller's strategies and their settings (AWS-FACTS.md "ECS deployments").
  { path: '/deploymentConfiguration/strategy', value: 'ROLLING' },
  { path: '/deploymentConfiguration/linearConfiguration', compute: (a) => strategyIs(a, 'LINEAR') },
  { path: '/deploymentConfiguration/linearConfiguration/stepPercent', value: 10 },
  { path: '/deploymentConfiguration/linearConfiguration/stepBakeTimeInMinutes', value: 6 },
  { path: '/deploymentConfiguration/canaryConfiguration', compute: (a) => strategyIs(a, 'CANARY') },
  { path: '/deploymentConfiguration/canaryConfiguration/canaryPercent', value: 5 },
  { path: '/deploymentConfiguration/canaryConfiguration/canaryBakeTimeInMinutes', value: 10 },
  { path: '/deploymentConfiguration/lifecycleHooks/*/targetType', value: 'AWS_LAMBDA' },
  { path: '/deploymentConfiguration/lifecycleHooks/*/timeoutConfiguration/timeoutInMinutes', value: 1440 },
  { path: '/deploymentConfiguration/lifecycleHooks/*/timeoutConfiguration/action', value: 'ROLLBACK' },
  { path: '/schedulingStrategy', value: 'REPLICA' },
  { path: '/enableECSManagedTags', value: false },
  { path: '/propagateTags', value: 'NONE' },
  { path: '/enableExecuteCommand', value: false },
  { path: '/platformVersion', compute: (ancestors) => (runsOnFargate(ancestors[0]) ? 'LATEST' : undefined) },
  { path: '/networkConfiguration/awsvpcConfiguration/assignPublicIp', value: 'DISABLED' },
];

const SERVICE_LISTS: UnorderedList[] = [
  { path: '/networkConfiguration/awsvpcConfiguration/subnets' },
  { path: '/networkConfiguration/awsvpcConfiguration/securityGroups' },
  { path: '/serviceRegistries' },
  { path: '/capacityProviderStrategy', key: (c) => getString(c, 'capacityProvider') ?? '' },
  { path: '/deploymentConfiguration/alarms/alarmNames' },
  { path: '/deploymentConfiguration/lifecycleHooks', key: (h) => getString(h, 'hookTargetArn') ?? '' },
  { path: '/deploymentConfiguration/lifecycleHooks/*/lifecycleStages' },
];

/** "1 vCPU" -> "1024", "0.5 vcpu" -> "512", "2 GB" -> "2048", 512 -> "512": the forms ECS stores. */
export function normalizeTaskSize(value: unknown, unit: 'cpu' | 'memory'): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return value;
  const m = /^\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return value;
  const n = Number(m[1]);
  const suffix = (m[2] ?? '').toLowerCase();
  if (suffix === '') return String(n);
  if (unit === 'cpu' && suffix === 'vcpu') return String(Math.round(n * 1024));
  if (unit === 'memory' && (suffix === 'gb' || suffix === 'gib')) return String(Math.round(n * 1024));
  if (unit === 'memory' && (suffix === 'mb' || suffix === 'mib')) return String(Math.round(n));
  return value;
}

export function normalizeTaskDefinition(td: unknown): Record<string, unknown> {
  const base = pick(stripEmpty(td), TASK_DEFINITION_FIELDS);
  if (base['cpu'] !== undefined) base['cpu'] = normalizeTaskSize(base['cpu'], 'cpu');
  if (base['memory'] !== undefined) base['memory'] = normalizeTaskSize(base['memory'], 'memory');
  const filled = applyDefaults(base, TASK_DEFINITION_DEFAULTS);
  return (stripEmpty(sortLists(filled, TASK_DEFINITION_LISTS)) ?? {}) as Record<string, unknown>;
}

export function stripTaskDefinitionDefaults(td: Record<string, unknown>): Record<string, unknown> {
  // Strip in reverse dependency order: hostPort's default reads networkMode, so networkMode goes last.
  const withoutPorts = stripDefaults(
    td,
    TASK_DEFINITION_DEFAULTS.filter((d) => d.path !== '/networkMode'),
  );
  return stripDefaults(
    withoutPorts,
    TASK_DEFINITION_DEFAULTS.filter((d) => d.path === '/networkMode'),
  );
}

export function normalizeService(service: unknown): Record<string, unknown> {
  const base = pick(stripEmpty(service), SERVICE_FIELDS);
  // A grace period of 0 is no grace period: UpdateService can only reset one to 0, never remove it.
  if (base['healthCheckGracePeriodSeconds'] === 0) delete base['healthCheckGracePeriodSeconds'];
  const filled = applyDefaults(base, SERVICE_DEFAULTS);
  return (stripEmpty(sortLists(filled, SERVICE_LISTS)) ?? {}) as Record<string, unknown>;
}

export function stripServiceDefaults(service: Record<string, unknown>): Record<string, unknown> {
  return stripDefaults(service, SERVICE_DEFAULTS);
}
