// The events stream is the truth a WebSocket client is held to: every seq it holds for one subject,
// from the start, read with a throwaway consumer as the observer (`test`) user.
import { Streams } from '@idp/contracts';
import type { NatsAccess } from '@idp/testing';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** Reading again from the start after a transient JetStream error, for at most this long. */
const RETRY_FOR_MS = 15_000;

export async function streamSeqs(nats: NatsAccess, subject: string): Promise<number[]> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      return await readOnce(nats, subject);
    } catch (error) {
      // On a cluster a pull can meet "no responders" while the new consumer's placement settles, or
      // right after a node came back; a fresh consumer reads everything again from the start.
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function readOnce(nats: NatsAccess, subject: string): Promise<number[]> {
  const nc = await connect(nats.clientOptions('test'));
  try {
    const consumer = await jetstream(nc).consumers.get(Streams.events.name, { filter_subjects: subject });
    try {
      const pending = (await consumer.info(true)).num_pending;
      const seqs: number[] = [];
      while (seqs.length < pending) {
        const msg = await consumer.next({ expires: 2_000 });
        if (!msg) break;
        seqs.push(msg.seq);
      }
      return seqs;
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  } finally {
    await nc.close();
  }
}
