import type { EmulatorEnv } from '../contracts';
import { eventsStoreFor, type ReceivedEvent } from './state';

/**
 * Lets another emulated service put an AWS-sourced event on this emulator's default bus, as ECS does with
 * `ECS Deployment State Change`. Such events are kept apart from what PutEvents received.
 */
export function awsEventSink(env: EmulatorEnv): (event: Omit<ReceivedEvent, 'eventBusName'>) => void {
  const store = eventsStoreFor(env);
  return (event) => {
    store.state.awsEvents.push({ ...event, eventBusName: 'default' });
  };
}
