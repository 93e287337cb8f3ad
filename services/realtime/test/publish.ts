// Publishing helpers for tests: every published event is recorded with the seq the stream acked, so a
// test can compare what a client received with exactly what was published.
import { publishEvent } from '@idp/nats';
import type { JetStreamClient } from '@nats-io/jetstream';

export interface Published {
  topic: string;
  seq: number;
  event: string;
  n: number;
}

export async function publishMany(
  js: JetStreamClient,
  tenant: string,
  topic: string,
  count: number,
  from = 0,
) {
  const out: Published[] = [];
  for (let n = from; n < from + count; n++) out.push(await publishOne(js, tenant, topic, n));
  return out;
}

/** Retries while NATS is restarting: the test wants each event stored exactly once, with its seq. */
export async function publishOne(
  js: JetStreamClient,
  tenant: string,
  topic: string,
  n: number,
): Promise<Published> {
  for (let attempt = 0; ; attempt++) {
    try {
      const ack = await publishEvent(js, tenant, topic, { event: 'progress_updated', data: { n } });
      return { topic, seq: ack!.seq, event: 'progress_updated', n };
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Publishes `count` events on `topic`, interleaved with noise on another topic, `gapMs` apart. */
export function publishInBackground(
  js: JetStreamClient,
  tenant: string,
  topic: string,
  count: number,
  gapMs = 10,
) {
  const published: Published[] = [];
  const done = (async () => {
    for (let n = 0; n < count; n++) {
      published.push(await publishOne(js, tenant, topic, n));
      if (n % 3 === 0) await publishOne(js, tenant, 'operation:op_noise:progress', n);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    return published;
  })();
  return { published, done };
}

// biome-ignore lint/suspicious/noExplicitAny: compares received JSON
export const shape = (events: any[]) => events.map((e) => ({ seq: e.seq, n: e.data.n, event: e.event }));
export const expected = (published: Published[]) =>
  published.map((p) => ({ seq: p.seq, n: p.n, event: p.event }));
