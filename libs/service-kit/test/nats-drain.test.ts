// Leaving a queue group under load against a real nats-server: every request sent while one of two
// responders stops is answered, by it (those it had received) or by the other (all later ones).

import { requestJson, serveJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainNats, requestsInFlight, trackRequestsInFlight } from '../src/nats-drain.js';

const logger = createLogger({ service: 'nats-drain-test', level: 'silent' });
const SUBJECT = 'test.drain.echo';
const HANDLER_MS = 150;

let server: NatsServerHandle;
const connections: NatsConnection[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  trackRequestsInFlight();
});
afterAll(async () => {
  await Promise.allSettled(connections.map((nc) => nc.close()));
  await server?.cleanup();
});

async function responder(name: string): Promise<NatsConnection> {
  const nc = await connect(server.clientOptions('test'));
  connections.push(nc);
  serveJson(
    nc,
    SUBJECT,
    async (body) => {
      // Work that awaits: the reply comes well after the request arrived.
      await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
      return { by: name, echo: body };
    },
    { queue: 'drain-test', logger },
  );
  await nc.flush();
  return nc;
}

describe('drainNats', () => {
  it('answers every request received before it left the queue group, and the other takes the rest', async () => {
    const a = await responder('a');
    await responder('b');
    const client = await connect(server.clientOptions('test'));
    connections.push(client);
    const sent: Promise<unknown>[] = [];
    let draining: Promise<void> | undefined;
    for (let i = 0; i < 60; i++) {
      sent.push(requestJson(client, SUBJECT, { i }, { timeoutMs: 3_000 }));
      // Mid-load, while `a` holds requests it has not answered yet.
      if (i === 20) {
        expect(requestsInFlight()).toBeGreaterThan(0);
        draining = drainNats(a, 5_000);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const replies = (await Promise.all(sent)) as { by: string; echo: { i: number } }[];
    await draining;
    expect(replies.map((r) => r.echo.i)).toEqual([...Array(60).keys()]);
    // Both answered: `a` finished what it had, `b` took over.
    expect(new Set(replies.map((r) => r.by))).toEqual(new Set(['a', 'b']));
    expect(replies.slice(-10).every((r) => r.by === 'b')).toBe(true);
    expect(a.isClosed()).toBe(true);
  });
});
