/**
 * Service deployments and service revisions (ListServiceDeployments, DescribeServiceDeployments,
 * DescribeServiceRevisions, ContinueServiceDeployment, StopServiceDeployment) and the lifecycle clock that walks a
 * deployment through the stages of its strategy. Like rollouts, the clock is evaluated lazily against the emulator's
 * clock at the start of every ECS call: deterministic, instant by default (EcsEmulatorOptions.deploymentTiming).
 */
import type { CallContext } from '../contracts';
import { clusterArn, serviceNameOf } from './arns';
import { requireCluster } from './clusters';
import { ecsErrors } from './errors';
import { clone, epochSeconds, objectList, optNumber, optObject, optString, stringList, type JsonObject } from './input';
import { paginate } from './paging';
import type { RolloutDeps } from './rollout';
import type {
  DeploymentRecord,
  EcsState,
  LifecycleHookRecord,
  LifecycleStep,
  ServiceDeploymentRecord,
  ServiceRecord,
} from './state';
import { findTaskDefinition } from './task-definitions';

const MINUTE = 60_000;
const MAX_DESCRIBE = 20;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Letters and digits derived from the state counter: unique per emulator and stable across snapshot/restore. */
function token(state: EcsState, length: number): string {
  state.sequence += 1;
  const suffix = state.sequence.toString(36).padStart(5, '0');
  let n = state.sequence * 2654435761 + 12345;
  let out = '';
  for (let i = 0; i < length - suffix.length; i += 1) {
    out += ALPHANUMERIC[n % ALPHANUMERIC.length];
    n = Math.floor(n / ALPHANUMERIC.length) + (i + 1) * 7919 + state.sequence;
  }
  return out + suffix;
}

const stepMs = (minutes: number, timed: boolean): number => (timed ? minutes * MINUTE : 0);

/** The documented defaults of the strategy settings (AWS-FACTS.md, ECS deployments); the clock always uses them. */
export function effectiveStrategy(dc: JsonObject): {
  strategy: string;
  bake: number;
  linear: { stepPercent: number; stepBakeTimeInMinutes: number };
  canary: { canaryPercent: number; canaryBakeTimeInMinutes: number };
} {
  const linear = optObject(dc, 'linearConfiguration') ?? {};
  const canary = optObject(dc, 'canaryConfiguration') ?? {};
  return {
    strategy: optString(dc, 'strategy') ?? 'ROLLING',
    bake: optNumber(dc, 'bakeTimeInMinutes') ?? 0,
    linear: {
      stepPercent: optNumber(linear, 'stepPercent') ?? 10,
      stepBakeTimeInMinutes: optNumber(linear, 'stepBakeTimeInMinutes') ?? 6,
    },
    canary: {
      canaryPercent: optNumber(canary, 'canaryPercent') ?? 5,
      canaryBakeTimeInMinutes: optNumber(canary, 'canaryBakeTimeInMinutes') ?? 10,
    },
  };
}

/**
 * The stages a deployment walks, after the ECS developer guide's lifecycle stages: ROLLING replaces tasks
 * (SCALE_UP) and cleans up; BLUE_GREEN, CANARY and LINEAR scale the green revision up, shift test traffic, then
 * production traffic (all at once, canaryPercent then the rest, or stepPercent at a time), bake and clean up.
 * A service's first deployment has nothing to shift from and is planned as ROLLING.
 */
export function planSteps(
  dc: JsonObject,
  firstDeployment: boolean,
  rolloutMs: number,
  timed: boolean,
): LifecycleStep[] {
  const e = effectiveStrategy(dc);
  const bake: LifecycleStep[] =
    e.bake > 0 ? [{ stage: 'BAKE_TIME', hookStages: [], durationMs: stepMs(e.bake, timed) }] : [];
  const cleanUp: LifecycleStep = { stage: 'CLEAN_UP', hookStages: [], durationMs: 0 };
  if (firstDeployment || e.strategy === 'ROLLING') {
    // A rolling replacement serves all production traffic from the new revision once its tasks run.
    return [
      { stage: 'SCALE_UP', hookStages: [], durationMs: rolloutMs, scaleUp: true },
      ...(firstDeployment ? [] : bake),
      { ...cleanUp, productionWeight: 100 },
    ];
  }
  const shift: LifecycleStep[] = [];
  const pre = ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];
  if (e.strategy === 'CANARY') {
    const pct = e.canary.canaryPercent;
    shift.push({
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      hookStages: pre,
      durationMs: stepMs(e.canary.canaryBakeTimeInMinutes, timed),
      productionWeight: pct,
    });
    shift.push({ stage: 'PRODUCTION_TRAFFIC_SHIFT', hookStages: [], durationMs: 0, productionWeight: 100 });
  } else if (e.strategy === 'LINEAR') {
    const stepPct = e.linear.stepPercent;
    let weight = 0;
    // Bounded: stepPercent is at least 3.0 by the model, so at most 34 steps.
    for (let i = 0; i < 1000 && weight < 100; i += 1) {
      weight = Math.min(100, Math.round((weight + stepPct) * 10) / 10);
      shift.push({
        stage: 'PRODUCTION_TRAFFIC_SHIFT',
        hookStages: i === 0 ? pre : [],
        durationMs: weight < 100 ? stepMs(e.linear.stepBakeTimeInMinutes, timed) : 0,
        productionWeight: weight,
      });
    }
  } else {
    shift.push({ stage: 'PRODUCTION_TRAFFIC_SHIFT', hookStages: pre, durationMs: 0, productionWeight: 100 });
  }
  return [
    { stage: 'PRE_SCALE_UP', hookStages: ['PRE_SCALE_UP'], durationMs: 0 },
    { stage: 'SCALE_UP', hookStages: [], durationMs: rolloutMs, scaleUp: true },
    { stage: 'POST_SCALE_UP', hookStages: ['POST_SCALE_UP'], durationMs: 0 },
    { stage: 'TEST_TRAFFIC_SHIFT', hookStages: ['TEST_TRAFFIC_SHIFT'], durationMs: 0, testWeight: 100 },
    { stage: 'POST_TEST_TRAFFIC_SHIFT', hookStages: ['POST_TEST_TRAFFIC_SHIFT'], durationMs: 0 },
    ...shift,
    { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', hookStages: ['POST_PRODUCTION_TRAFFIC_SHIFT'], durationMs: 0 },
    ...bake,
    cleanUp,
  ];
}

export function serviceDeploymentArnFor(ctx: Pick<CallContext, 'region' | 'accountId'>, s: ServiceRecord, id: string) {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:service-deployment/${s.clusterName}/${s.serviceName}/${id}`;
}

/**
 * Records the service revision and service deployment of a new ECS deployment. A deployment still in progress is
 * superseded (STOPPED), as a new UpdateService supersedes it on ECS.
 */
export function startServiceDeployment(
  state: EcsState,
  s: ServiceRecord,
  deployment: DeploymentRecord,
  ctx: CallContext,
  deps: RolloutDeps,
): void {
  const cArn = clusterArn(ctx, s.clusterName);
  const revisionArn = `arn:aws:ecs:${ctx.region}:${ctx.accountId}:service-revision/${s.clusterName}/${s.serviceName}/${deployment.id.replace('ecs-svc/', '')}`;
  const td = findTaskDefinition(state, deployment.taskDefinition)?.taskDefinition;
  const f = s.fields;
  state.serviceRevisions[revisionArn] = {
    arn: revisionArn,
    serviceArn: s.serviceArn,
    clusterArn: cArn,
    createdAt: ctx.now,
    body: clone({
      taskDefinition: deployment.taskDefinition,
      ...(deployment.capacityProviderStrategy ? { capacityProviderStrategy: deployment.capacityProviderStrategy } : {}),
      ...(deployment.launchType ? { launchType: deployment.launchType } : {}),
      ...(deployment.platformVersion ? { platformVersion: deployment.platformVersion } : {}),
      ...(deployment.platformFamily ? { platformFamily: deployment.platformFamily } : {}),
      loadBalancers: objectList(f, 'loadBalancers'),
      serviceRegistries: objectList(f, 'serviceRegistries'),
      ...(deployment.networkConfiguration ? { networkConfiguration: deployment.networkConfiguration } : {}),
      containerImages: objectList(td ?? {}, 'containerDefinitions').map((c) => ({
        containerName: c['name'],
        image: c['image'],
      })),
      guardDutyEnabled: false,
      ...(deployment.serviceConnectConfiguration
        ? { serviceConnectConfiguration: deployment.serviceConnectConfiguration }
        : {}),
      ...(deployment.vpcLatticeConfigurations ? { vpcLatticeConfigurations: deployment.vpcLatticeConfigurations } : {}),
    }),
  };
  const previous = Object.values(state.serviceDeployments).filter(
    (d) => d.serviceArn === s.serviceArn && (d.status === 'IN_PROGRESS' || d.status === 'PENDING'),
  );
  for (const d of previous) {
    d.status = 'STOPPED';
    d.statusReason = 'Superseded by a newer service deployment.';
    d.stoppedAt = ctx.now;
    d.finishedAt = ctx.now;
    d.updatedAt = ctx.now;
  }
  const sources = s.deployments
    .filter((d) => d.id !== deployment.id && d.serviceRevisionArn !== undefined)
    .map((d) => d.serviceRevisionArn ?? '');
  const dc = clone(optObject(f, 'deploymentConfiguration') ?? {});
  const arn = serviceDeploymentArnFor(ctx, s, token(state, 21));
  const timed = deps.options.deploymentTiming === 'timed';
  const steps = planSteps(dc, sources.length === 0, deps.options.rolloutMs, timed);
  state.serviceDeployments[arn] = {
    arn,
    serviceKey: `${s.clusterName}/${s.serviceName}`,
    serviceArn: s.serviceArn,
    clusterArn: cArn,
    deploymentId: deployment.id,
    targetRevisionArn: revisionArn,
    sourceRevisionArns: sources,
    status: 'IN_PROGRESS',
    // RECONCILE_SERVICE "only happens when ... more than 1 service revision in an ACTIVE state" (the
    // ServiceDeployment API reference); the emulator starts at the strategy's first stage.
    lifecycleStage: steps[0]?.stage ?? 'SCALE_UP',
    deploymentConfiguration: dc,
    steps,
    stepIndex: 0,
    stepStartedAt: ctx.now,
    stepEntered: false,
    hooks: [],
    productionWeight: 0,
    testWeight: 0,
    createdAt: ctx.now,
    startedAt: ctx.now,
    updatedAt: ctx.now,
  };
  deployment.serviceDeploymentArn = arn;
  deployment.serviceRevisionArn = revisionArn;
}

/** What the lifecycle clock does to the ECS side when a step ends or the deployment settles. */
export interface LifecycleActions {
  scaleUp(s: ServiceRecord, deployment: DeploymentRecord, at: number): void;
  complete(s: ServiceRecord, deployment: DeploymentRecord, at: number): void;
  rollBack(s: ServiceRecord, deployment: DeploymentRecord, sd: ServiceDeploymentRecord, at: number): void;
  abort(s: ServiceRecord, deployment: DeploymentRecord, sd: ServiceDeploymentRecord, at: number): void;
  trafficShifted(s: ServiceRecord, sd: ServiceDeploymentRecord, at: number): void;
}

function hookId(state: EcsState, type: 'PAUSE' | 'AWS_LAMBDA'): string {
  return `${type === 'PAUSE' ? 'ecs-pause' : 'ecs-lambda'}-${token(state, 43)}`;
}

/** Runs the hooks of a step being entered; PAUSE hooks wait for ContinueServiceDeployment or their timeout. */
function enterStep(state: EcsState, sd: ServiceDeploymentRecord, step: LifecycleStep, at: number, deps: RolloutDeps) {
  sd.lifecycleStage = step.stage;
  sd.stepStartedAt = at;
  sd.stepEntered = true;
  let failed = false;
  for (const hook of objectList(sd.deploymentConfiguration, 'lifecycleHooks')) {
    const stages = stringList(hook, 'lifecycleStages');
    const stage = step.hookStages.find((h) => stages.includes(h));
    if (stage === undefined) continue;
    const type = optString(hook, 'targetType') === 'PAUSE' ? 'PAUSE' : 'AWS_LAMBDA';
    const timeout = optObject(hook, 'timeoutConfiguration') ?? {};
    const record: LifecycleHookRecord = {
      hookId: hookId(state, type),
      targetType: type,
      stage,
      status: type === 'PAUSE' ? 'AWAITING_ACTION' : deps.options.lambdaHookStatus,
      timeoutAction: optString(timeout, 'action') === 'CONTINUE' ? 'CONTINUE' : 'ROLLBACK',
      expiresAt: at + (optNumber(timeout, 'timeoutInMinutes') ?? 1440) * MINUTE,
      ...(optString(hook, 'hookTargetArn') !== undefined ? { targetArn: optString(hook, 'hookTargetArn') } : {}),
    };
    sd.hooks.push(record);
    if (record.status === 'FAILED') failed = true;
  }
  if (failed) {
    requestRollback(sd, 'A lifecycle hook failed.', at, deps);
    return;
  }
  if (step.productionWeight !== undefined) sd.productionWeight = step.productionWeight;
  if (step.testWeight !== undefined) sd.testWeight = step.testWeight;
  sd.stepEndsAt = awaiting(sd).length > 0 ? undefined : at + step.durationMs;
}

const awaiting = (sd: ServiceDeploymentRecord): LifecycleHookRecord[] =>
  sd.hooks.filter((h) => h.status === 'AWAITING_ACTION');

export function requestRollback(sd: ServiceDeploymentRecord, reason: string, at: number, deps: RolloutDeps): void {
  sd.status = 'ROLLBACK_IN_PROGRESS';
  sd.statusReason = reason;
  sd.updatedAt = at;
  sd.settlesAt = at + deps.options.rolloutMs;
  sd.rollback = {
    reason,
    startedAt: at,
    ...(sd.sourceRevisionArns[0] !== undefined ? { serviceRevisionArn: sd.sourceRevisionArns[0] } : {}),
  };
}

/** Moves one service's current service deployment forward to `now`. */
export function advanceServiceDeployment(
  state: EcsState,
  s: ServiceRecord,
  deployment: DeploymentRecord,
  now: number,
  deps: RolloutDeps,
  actions: LifecycleActions,
): void {
  const sd = deployment.serviceDeploymentArn ? state.serviceDeployments[deployment.serviceDeploymentArn] : undefined;
  if (!sd) return;
  // Bounded: every pass either ends a step or stops.
  for (let guard = 0; guard < 10_000; guard += 1) {
    if (sd.status === 'ROLLBACK_IN_PROGRESS' || sd.status === 'STOP_REQUESTED') {
      if ((sd.settlesAt ?? now) > now) return;
      const at = sd.settlesAt ?? now;
      if (sd.status === 'STOP_REQUESTED') {
        sd.status = 'STOPPED';
        sd.stoppedAt = at;
        actions.abort(s, deployment, sd, at);
      } else {
        sd.productionWeight = 0;
        sd.testWeight = 0;
        actions.trafficShifted(s, sd, at);
        sd.status = sd.sourceRevisionArns.length > 0 ? 'ROLLBACK_SUCCESSFUL' : 'ROLLBACK_FAILED';
        actions.rollBack(s, deployment, sd, at);
      }
      sd.finishedAt = at;
      sd.updatedAt = at;
      return;
    }
    if (sd.status !== 'IN_PROGRESS') return;
    const step = sd.steps[sd.stepIndex];
    if (!step) {
      // Reported when observed, as the rollout always was: COMPLETED from the first call after the last stage.
      sd.status = 'SUCCESSFUL';
      sd.finishedAt = now;
      sd.updatedAt = now;
      actions.complete(s, deployment, now);
      return;
    }
    if (!sd.stepEntered) {
      const weights = [sd.productionWeight, sd.testWeight];
      enterStep(state, sd, step, sd.stepStartedAt, deps);
      sd.updatedAt = sd.stepStartedAt;
      if (weights[0] !== sd.productionWeight || weights[1] !== sd.testWeight) {
        actions.trafficShifted(s, sd, sd.stepStartedAt);
      }
      continue;
    }
    const waiting = awaiting(sd);
    if (waiting.length > 0) {
      const expired = waiting.filter((h) => h.expiresAt <= now);
      if (expired.length === 0) return;
      const at = Math.min(...expired.map((h) => h.expiresAt));
      for (const h of expired) h.status = 'TIMED_OUT';
      if (expired.some((h) => h.timeoutAction === 'ROLLBACK')) {
        requestRollback(sd, 'A lifecycle hook timed out.', at, deps);
        continue;
      }
      resumeIfReleased(sd, at);
      continue;
    }
    const endsAt = sd.stepEndsAt ?? now;
    if (endsAt > now) return;
    if (step.scaleUp) actions.scaleUp(s, deployment, endsAt);
    sd.stepIndex += 1;
    sd.stepEntered = false;
    sd.stepStartedAt = endsAt;
  }
}

/** Once no hook of the current step awaits action, the step's own duration starts. */
function resumeIfReleased(sd: ServiceDeploymentRecord, at: number): void {
  if (awaiting(sd).length > 0) return;
  const step = sd.steps[sd.stepIndex];
  sd.stepEndsAt = at + (step?.durationMs ?? 0);
  sd.updatedAt = at;
}

function serviceFor(state: EcsState, sd: ServiceDeploymentRecord): ServiceRecord | undefined {
  return state.services[sd.serviceKey];
}

function requireServiceDeployment(state: EcsState, arn: string): ServiceDeploymentRecord {
  const sd = state.serviceDeployments[arn];
  if (!sd) {
    throw ecsErrors.serviceDeploymentNotFound();
  }
  return sd;
}

export function continueServiceDeployment(state: EcsState, input: JsonObject, ctx: CallContext, deps: RolloutDeps) {
  const sd = requireServiceDeployment(state, optString(input, 'serviceDeploymentArn') ?? '');
  const id = optString(input, 'hookId') ?? '';
  const hook = sd.hooks.find((h) => h.hookId === id);
  // The developer guide: the hook must be AWAITING_ACTION and the deployment IN_PROGRESS.
  if (sd.status !== 'IN_PROGRESS') {
    throw ecsErrors.invalidParameter(`The service deployment ${sd.arn} is not in progress.`);
  }
  if (!hook || hook.status !== 'AWAITING_ACTION') {
    throw ecsErrors.invalidParameter(`The lifecycle hook ${id} is not awaiting action.`);
  }
  // The API reference: "If no value is specified, the default action is CONTINUE."
  if (optString(input, 'action') === 'ROLLBACK') {
    hook.status = 'FAILED';
    requestRollback(sd, `Rolled back by ContinueServiceDeployment at lifecycle hook ${id}.`, ctx.now, deps);
  } else {
    hook.status = 'SUCCEEDED';
    resumeIfReleased(sd, ctx.now);
  }
  return { serviceDeploymentArn: sd.arn };
}

export function stopServiceDeployment(state: EcsState, input: JsonObject, ctx: CallContext, deps: RolloutDeps) {
  const sd = requireServiceDeployment(state, optString(input, 'serviceDeploymentArn') ?? '');
  if (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING') {
    throw ecsErrors.conflict(`The service deployment ${sd.arn} is ${sd.status} and cannot be stopped.`);
  }
  for (const h of awaiting(sd)) h.status = 'FAILED';
  // The API reference: stopType defaults to ROLLBACK.
  if ((optString(input, 'stopType') ?? 'ROLLBACK') === 'ROLLBACK') {
    requestRollback(sd, 'Stopped by StopServiceDeployment (ROLLBACK).', ctx.now, deps);
  } else {
    sd.status = 'STOP_REQUESTED';
    sd.statusReason = 'Stopped by StopServiceDeployment (ABORT).';
    sd.updatedAt = ctx.now;
    sd.settlesAt = ctx.now;
  }
  return { serviceDeploymentArn: sd.arn };
}

function revisionSummary(
  state: EcsState,
  sd: ServiceDeploymentRecord,
  arn: string,
  target: boolean,
): JsonObject | undefined {
  const s = serviceFor(state, sd);
  const d = s?.deployments.find((x) => x.serviceRevisionArn === arn);
  const requested = d?.desiredCount ?? 0;
  const running = d?.runningCount ?? 0;
  return {
    arn,
    requestedTaskCount: requested,
    runningTaskCount: running,
    pendingTaskCount: d && d.rolloutState === 'IN_PROGRESS' ? Math.max(0, requested - running) : 0,
    requestedProductionTrafficWeight: target ? sd.productionWeight : 100 - sd.productionWeight,
    requestedTestTrafficWeight: target ? sd.testWeight : 100 - sd.testWeight,
  };
}

function circuitBreaker(sd: ServiceDeploymentRecord, desired: number): JsonObject {
  const cb = optObject(sd.deploymentConfiguration, 'deploymentCircuitBreaker') ?? {};
  if (cb['enable'] !== true) return { status: 'DISABLED', failureCount: 0, threshold: 0 };
  const done = sd.status !== 'IN_PROGRESS';
  return {
    status: done ? 'MONITORING_COMPLETE' : 'MONITORING',
    failureCount: 0,
    // AWS-FACTS.md: the breaker trips after max(3, min(200, desired/2)) failed tasks.
    threshold: Math.max(3, Math.min(200, Math.ceil(desired / 2))),
  };
}

function alarms(sd: ServiceDeploymentRecord): JsonObject {
  const a = optObject(sd.deploymentConfiguration, 'alarms') ?? {};
  const names = stringList(a, 'alarmNames');
  if (a['enable'] !== true) return { status: 'DISABLED', alarmNames: names, triggeredAlarmNames: [] };
  return {
    status: sd.status === 'IN_PROGRESS' ? 'MONITORING' : 'MONITORING_COMPLETE',
    alarmNames: names,
    triggeredAlarmNames: [],
  };
}

export function serviceDeploymentView(state: EcsState, sd: ServiceDeploymentRecord): JsonObject {
  const s = serviceFor(state, sd);
  const target = s?.deployments.find((d) => d.serviceRevisionArn === sd.targetRevisionArn);
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.serviceArn,
    clusterArn: sd.clusterArn,
    createdAt: epochSeconds(sd.createdAt),
    startedAt: epochSeconds(sd.startedAt),
    updatedAt: epochSeconds(sd.updatedAt),
    ...(sd.finishedAt !== undefined ? { finishedAt: epochSeconds(sd.finishedAt) } : {}),
    ...(sd.stoppedAt !== undefined ? { stoppedAt: epochSeconds(sd.stoppedAt) } : {}),
    sourceServiceRevisions: sd.sourceRevisionArns.flatMap((a) => revisionSummary(state, sd, a, false) ?? []),
    targetServiceRevision: revisionSummary(state, sd, sd.targetRevisionArn, true),
    status: sd.status,
    ...(sd.statusReason !== undefined ? { statusReason: sd.statusReason } : {}),
    lifecycleStage: sd.lifecycleStage,
    deploymentConfiguration: sd.deploymentConfiguration,
    ...(sd.rollback
      ? {
          rollback: {
            reason: sd.rollback.reason,
            startedAt: epochSeconds(sd.rollback.startedAt),
            ...(sd.rollback.serviceRevisionArn ? { serviceRevisionArn: sd.rollback.serviceRevisionArn } : {}),
          },
        }
      : {}),
    deploymentCircuitBreaker: circuitBreaker(sd, target?.desiredCount ?? s?.desiredCount ?? 0),
    alarms: alarms(sd),
    lifecycleHookDetails: sd.hooks.map((h) => ({
      hookId: h.hookId,
      targetType: h.targetType,
      ...(h.targetArn !== undefined ? { targetArn: h.targetArn } : {}),
      status: h.status,
      timeoutAction: h.timeoutAction,
      expiresAt: epochSeconds(h.expiresAt),
    })),
  };
}

function briefView(sd: ServiceDeploymentRecord): JsonObject {
  return {
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.serviceArn,
    clusterArn: sd.clusterArn,
    createdAt: epochSeconds(sd.createdAt),
    startedAt: epochSeconds(sd.startedAt),
    ...(sd.finishedAt !== undefined ? { finishedAt: epochSeconds(sd.finishedAt) } : {}),
    targetServiceRevisionArn: sd.targetRevisionArn,
    status: sd.status,
    ...(sd.statusReason !== undefined ? { statusReason: sd.statusReason } : {}),
  };
}

/** ListServiceDeployments: newest first, filtered by status and creation time, paged (default 20, at most 100). */
export function listServiceDeployments(state: EcsState, input: JsonObject): JsonObject {
  const cluster = requireCluster(state, optString(input, 'cluster'));
  const s = state.services[`${cluster.clusterName}/${serviceNameOf(optString(input, 'service') ?? '')}`];
  if (!s) throw ecsErrors.serviceNotFound();
  const statuses = stringList(input, 'status');
  const created = optObject(input, 'createdAt') ?? {};
  const after = optNumber(created, 'after');
  const before = optNumber(created, 'before');
  const maxResults = optNumber(input, 'maxResults') ?? 20;
  if (maxResults < 1 || maxResults > 100) throw ecsErrors.invalidParameter('maxResults can be between 1 and 100.');
  const all = Object.values(state.serviceDeployments)
    .filter((d) => d.serviceArn === s.serviceArn && d.createdAt >= s.createdAt)
    .filter((d) => statuses.length === 0 || statuses.includes(d.status))
    .filter((d) => after === undefined || d.createdAt >= after * 1000)
    .filter((d) => before === undefined || d.createdAt <= before * 1000)
    .sort((a, b) => b.createdAt - a.createdAt || b.arn.localeCompare(a.arn));
  const page = paginate(
    all,
    maxResults,
    optString(input, 'nextToken'),
    `sd|${s.serviceArn}|${statuses.join(',')}|${after ?? ''}|${before ?? ''}`,
  );
  return { serviceDeployments: page.items.map(briefView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

export function describeServiceDeployments(state: EcsState, input: JsonObject): JsonObject {
  const arns = stringList(input, 'serviceDeploymentArns');
  if (arns.length > MAX_DESCRIBE) {
    throw ecsErrors.invalidParameter(`serviceDeploymentArns can have at most ${MAX_DESCRIBE} items.`);
  }
  const found: JsonObject[] = [];
  const failures: JsonObject[] = [];
  for (const arn of arns) {
    const sd = state.serviceDeployments[arn];
    if (sd) found.push(serviceDeploymentView(state, sd));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceDeployments: found, failures };
}

export function describeServiceRevisions(state: EcsState, input: JsonObject): JsonObject {
  const arns = stringList(input, 'serviceRevisionArns');
  if (arns.length > MAX_DESCRIBE) {
    throw ecsErrors.invalidParameter(`serviceRevisionArns can have at most ${MAX_DESCRIBE} items.`);
  }
  const found: JsonObject[] = [];
  const failures: JsonObject[] = [];
  for (const arn of arns) {
    const r = state.serviceRevisions[arn];
    if (!r) {
      failures.push({ arn, reason: 'MISSING' });
      continue;
    }
    found.push({
      serviceRevisionArn: r.arn,
      serviceArn: r.serviceArn,
      clusterArn: r.clusterArn,
      createdAt: epochSeconds(r.createdAt),
      ...r.body,
    });
  }
  return { serviceRevisions: found, failures };
}
