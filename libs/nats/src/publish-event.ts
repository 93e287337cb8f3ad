// NATS-native publishing of public events (design.md §5): any backend sends `{event, data, timestamp?}`
// to the topic's subject and the realtime layer delivers it. This is a convenience over exactly that
// rule; non-TypeScript publishers do the same with a plain publish (docs/realtime.md).
import { ApiError, EventSubjects, PublishedEvent, parseTopic, type Topic } from '@idp/contracts';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Compile } from 'typebox/compile';
import { encodeJson } from './codec.js';

const checkEvent = Compile(PublishedEvent);

/**
 * `topic` is `kind:id:channel` (a user's notifications: `user:<sub>:notifications`) or a parsed Topic.
 * With a JetStreamClient the promise resolves to the stream's acknowledgement (its `seq`); with a
 * NatsConnection it is a fire-and-forget core publish that the stream still stores.
 */
export async function publishEvent(
  target: NatsConnection | JetStreamClient,
  tenant: string,
  topic: string | Topic,
  event: PublishedEvent,
): Promise<PubAck | undefined> {
  const parsed = typeof topic === 'string' ? parseTopic(topic, '') : topic;
  if (!parsed || (parsed.kind === 'user' && !parsed.id)) {
    throw new ApiError('VALIDATION_ERROR', `'${String(topic)}' is not a publishable topic`);
  }
  if (!checkEvent.Check(event)) {
    throw new ApiError('VALIDATION_ERROR', 'The event must be {event, data, timestamp?}', {
      problems: [...checkEvent.Errors(event)].map((e) => `${e.instancePath || '/'} ${e.message}`),
    });
  }
  const subject = EventSubjects.forTopic(tenant, parsed);
  const body = encodeJson(event);
  if (isJetStream(target)) return target.publish(subject, body);
  target.publish(subject, body);
  return undefined;
}

function isJetStream(target: NatsConnection | JetStreamClient): target is JetStreamClient {
  return typeof (target as NatsConnection).flush !== 'function';
}
