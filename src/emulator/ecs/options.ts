/**
 * Timing of the simulated control plane. Rollouts and draining are evaluated lazily against the emulator's clock
 * (`ctx.now`) at the start of every ECS call, so a run is deterministic: with the defaults (0 ms) a deployment is
 * IN_PROGRESS in the CreateService/UpdateService answer and COMPLETED from the next ECS call on.
 */
export interface EcsEmulatorOptions {
  /** How long a deployment stays IN_PROGRESS (ms) before it completes with runningCount = desiredCount. */
  rolloutMs: number;
  /** How long a deleted service stays DRAINING (ms) before it turns INACTIVE. */
  drainMs: number;
}

export const DEFAULT_ECS_OPTIONS: EcsEmulatorOptions = { rolloutMs: 0, drainMs: 0 };
