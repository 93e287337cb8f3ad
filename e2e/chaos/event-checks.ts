// Every WebSocket client got every event of its topics exactly once and in order: what it recorded,
// compared with the events stream once it had time to catch up (bounded).
import { EventSubjects, parseTopic } from '@idp/contracts';
import type { NatsAccess } from '@idp/testing';
import { streamSeqs } from '../test/rolling/stream-truth.js';
import type { RecordingSubscriber } from '../test/rolling/ws-recorder.js';

const CATCH_UP_MS = 15_000;

export async function eventProblems(
  nats: NatsAccess,
  tenant: string,
  subscribers: RecordingSubscriber[],
): Promise<string[]> {
  const topics = [...new Set(subscribers.flatMap((s) => [...s.received.keys()]))];
  const truth = new Map<string, number[]>();
  for (const topic of topics)
    truth.set(topic, await streamSeqs(nats, EventSubjects.forTopic(tenant, parseTopic(topic, '')!)));
  const behind = () =>
    subscribers.some((s) => [...s.received.keys()].some((t) => s.lastSeqOf(t) < (truth.get(t)!.at(-1) ?? 0)));
  const deadline = Date.now() + CATCH_UP_MS;
  while (Date.now() < deadline && behind()) await new Promise((resolve) => setTimeout(resolve, 100));
  const problems: string[] = [];
  for (const [index, subscriber] of subscribers.entries()) {
    subscriber.close();
    problems.push(...subscriber.problems.map((p) => `subscriber ${index}: ${p}`));
    for (const [topic, got] of subscriber.received) {
      const want = truth.get(topic)!;
      if (want.length === 0) problems.push(`subscriber ${index}: ${topic} has no events in the stream`);
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(`subscriber ${index}: ${topic} got [${got}], the stream holds [${want}]`);
    }
  }
  return problems;
}
