// The events stream is the truth a WebSocket client is held to: every seq it holds for one subject,
// from the start, read with a throwaway consumer as the observer (`test`) user.
import { Streams } from '@idp/contracts';
import type { NatsAccess } from '@idp/testing';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export async function streamSeqs(nats: NatsAccess, subject: string): Promise<number[]> {
  const nc = await connect(nats.clientOptions('test'));
  try {
    const consumer = await jetstream(nc).consumers.get(Streams.events.name, { filter_subjects: subject });
    const pending = (await consumer.info(true)).num_pending;
    const seqs: number[] = [];
    while (seqs.length < pending) {
      const msg = await consumer.next({ expires: 2_000 });
      if (!msg) break;
      seqs.push(msg.seq);
    }
    await consumer.delete().catch(() => undefined);
    return seqs;
  } finally {
    await nc.close();
  }
}
