import type { EventBridgeEvent } from '../cloudtrail/events';
import type { EmulatorEnv } from '../contracts';

/** An event as EventBridge delivers it to targets, plus the bus it was put on. */
export interface ReceivedEvent extends EventBridgeEvent {
  eventBusName: string;
  /** Emulator clock (ms) when the event arrived. */
  receivedAt: number;
}

export interface RuleRecord {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: string;
  Description?: string;
  RoleArn?: string;
}

export interface EventsState {
  events: ReceivedEvent[];
  /** Events AWS services emitted on the default bus (ECS Deployment State Change), kept apart from PutEvents'. */
  awsEvents: ReceivedEvent[];
  /** `${bus}/${name}` -> rule. */
  rules: Record<string, RuleRecord>;
  sequence: number;
}

export function emptyEventsState(): EventsState {
  return { events: [], awsEvents: [], rules: {}, sequence: 0 };
}

/** One store per emulator (keyed by its env), readable in-process by tests and the demo. */
export interface EventsStore {
  state: EventsState;
}

const stores = new WeakMap<EmulatorEnv, EventsStore>();

export function eventsStoreFor(env: EmulatorEnv): EventsStore {
  let store = stores.get(env);
  if (!store) {
    store = { state: emptyEventsState() };
    stores.set(env, store);
  }
  return store;
}
