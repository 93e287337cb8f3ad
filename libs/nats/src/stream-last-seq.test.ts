import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from './connect.js';
import { isNatsAway } from './nats-away.js';
import { streamLastSeq } from './stream-last-seq.js';

const logger = createLogger({ service: 'stream-last-seq-test', level: 'silent' });
let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, name: 'last-seq-test', logger, ...server.as('test') });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'LASTSEQ', subjects: ['lastseq.>'] });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});

describe('streamLastSeq', () => {
  it('follows the stream as it grows, as jsm.streams.info reports it', async () => {
    expect(await streamLastSeq(nc, 'LASTSEQ', { timeoutMs: 2_000 })).toBe(0);
    const js = jetstream(nc);
    for (let i = 0; i < 3; i++) await js.publish('lastseq.a', `m${i}`);
    const jsm = await jetstreamManager(nc);
    const expected = (await jsm.streams.info('LASTSEQ')).state.last_seq;
    expect(expected).toBe(3);
    expect(await streamLastSeq(nc, 'LASTSEQ', { timeoutMs: 2_000 })).toBe(expected);
  });

  it("throws JetStream's own error for a stream that does not exist", async () => {
    const error = await streamLastSeq(nc, 'NO_SUCH_STREAM', { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JetStreamApiError);
    expect((error as JetStreamApiError).status).toBe(404);
    expect(isNatsAway(error)).toBe(false);
  });
});
