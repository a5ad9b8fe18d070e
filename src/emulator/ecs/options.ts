import type { EmulatorEnv } from '../contracts';
import type { LatticeTargetSink } from './task-events';

/**
 * Timing of the simulated control plane and the ECS behaviours no public source confirmed (AWS-FACTS.md marks them
 * unverified). Rollouts, service deployments and draining are evaluated lazily against the emulator's clock
 * (`ctx.now`) at the start of every ECS call, so a run is deterministic: with the defaults a deployment is
 * IN_PROGRESS in the CreateService/UpdateService answer and COMPLETED from the next ECS call on.
 */
export interface EcsEmulatorOptions {
  /** How long a deployment's SCALE_UP stage takes (ms) before runningCount reaches desiredCount. */
  rolloutMs: number;
  /** How long a deleted service stays DRAINING (ms) before it turns INACTIVE. */
  drainMs: number;
  /**
   * 'instant' [default]: bake times (bakeTimeInMinutes, canary and linear step bake times) take no time, so a
   * service deployment walks all its stages on the next call (PAUSE hooks still wait). 'timed': they elapse on the
   * emulator clock, as on AWS.
   */
  deploymentTiming: 'instant' | 'timed';
  /**
   * Unverified: DescribeServices fills what ecspresso's fillDeploymentConfigurationDefaults fills (circuit breaker
   * resetOnHealthyTask true and thresholdConfiguration {BOUNDED_PERCENT, 50}; earlySuccessCriteria healthyPercent 100
   * and sourceServiceRevisionCleanup BLOCKING; lifecycle hooks targetType AWS_LAMBDA and timeoutConfiguration
   * {ROLLBACK, 1440}; bakeTimeInMinutes 0; linear/canary settings for those strategies). Default true: ecspresso
   * fills them because DescribeServices returns them.
   */
  ecspressoDeploymentDefaults: boolean;
  /**
   * Unverified: what DescribeTaskDefinition shows for a bridge-mode port mapping given without hostPort: 'zero'
   * [default] returns `hostPort: 0` (dynamic host port; terraform-provider-aws treats 0 as unset), 'omit' leaves it
   * out.
   */
  bridgeHostPort: 'zero' | 'omit';
  /**
   * Unverified: whether the Service Connect timeout defaults (idle 300 s for http/http2/grpc, 3600 s for TCP;
   * per-request 15 s for http/http2/grpc) are echoed under deployments[] when not given. Default false.
   */
  serviceConnectTimeoutDefaults: boolean;
  /** The emulator runs no Lambda: an AWS_LAMBDA lifecycle hook answers this hookStatus. Default SUCCEEDED. */
  lambdaHookStatus: 'SUCCEEDED' | 'FAILED';
  /**
   * Optional: the VPC Lattice target groups ECS registers task IPs in (the Lattice emulator's
   * `latticeTargetRegistryFor` fits). When set, tasks are registered through connectLatticeTargets and a
   * `vpcLatticeConfigurations[].targetGroupArn` the sink cannot find (`findTargetGroup`) is refused.
   */
  latticeTargets?: (env: EmulatorEnv) => LatticeTargetSink;
}

export const DEFAULT_ECS_OPTIONS: EcsEmulatorOptions = {
  rolloutMs: 0,
  drainMs: 0,
  deploymentTiming: 'instant',
  ecspressoDeploymentDefaults: true,
  bridgeHostPort: 'zero',
  serviceConnectTimeoutDefaults: false,
  lambdaHookStatus: 'SUCCEEDED',
};
