import { AwsApiError, type EmulatorEnv, type ServiceImplementation } from '../contracts';
import { isObject } from '../ecs/input';
import { putEvents } from './put-events';
import { deleteRule, describeRule, listRules, putRule } from './rules';
import { emptyEventsState, eventsStoreFor, type EventsState, type ReceivedEvent } from './state';

/** The EventBridge emulator, plus in-process access to what PutEvents received. */
export interface EventsServiceImplementation extends ServiceImplementation {
  /** Every event accepted by PutEvents, oldest first. */
  receivedEvents(): readonly ReceivedEvent[];
  /** Events the emulated AWS services emitted (ECS Deployment State Change), oldest first. */
  awsEvents(): readonly ReceivedEvent[];
}

/** What the events service of one emulator received; for callers holding the env but not the implementation. */
export function receivedEventsFor(env: EmulatorEnv): readonly ReceivedEvent[] {
  return eventsStoreFor(env).state.events;
}

function isEventsState(value: unknown): value is EventsState {
  return (
    isObject(value) &&
    Array.isArray(value['events']) &&
    isObject(value['rules']) &&
    typeof value['sequence'] === 'number'
  );
}

/** A ServiceFactory (contracts.ts) whose implementation also exposes `receivedEvents()`. */
export function createEventsService(env: EmulatorEnv): EventsServiceImplementation {
  const store = eventsStoreFor(env);
  return {
    modelFile: 'events-2015-10-07.json',
    operations: new Set(['PutEvents', 'PutRule', 'ListRules', 'DescribeRule', 'DeleteRule']),
    handle(operation, input, ctx) {
      switch (operation) {
        case 'PutEvents':
          return putEvents(store.state, input, ctx);
        case 'PutRule':
          return putRule(store.state, input, ctx);
        case 'ListRules':
          return listRules(store.state, input);
        case 'DescribeRule':
          return describeRule(store.state, input);
        case 'DeleteRule':
          return deleteRule(store.state, input);
        default:
          throw new AwsApiError('UnknownOperationException', 400, `Unsupported operation ${operation}`);
      }
    },
    receivedEvents: () => store.state.events,
    awsEvents: () => store.state.awsEvents,
    snapshot: () => JSON.parse(JSON.stringify(store.state)) as unknown,
    restore(state) {
      if (!isEventsState(state)) throw new Error('EventBridge emulator state is not in the expected format');
      store.state = { ...state, awsEvents: state.awsEvents ?? [] };
    },
    reset() {
      store.state = emptyEventsState();
    },
  };
}
