import { createLogger } from '@idp/observability';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import {
  ClosedConnectionError,
  type NatsConnection,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from './connect.js';
import { muxRequest } from './request-mux.js';

const logger = createLogger({ service: 'request-mux-test', level: 'silent' });
const text = new TextEncoder();
const read = new TextDecoder();
let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, name: 'mux-test', logger, ...server.as('test') });
});
afterAll(async () => {
  await nc?.close();
  await server?.cleanup();
});

const connectAs = (user: 'edge' | 'test') =>
  connectNats({ servers: server.url, name: `mux-${user}`, logger, ...server.as(user) });

describe('muxRequest', () => {
  it('gives each of many concurrent requests its own reply, whatever order they are answered in', async () => {
    const held: { respond(data: Uint8Array): boolean; data: Uint8Array }[] = [];
    const sub = nc.subscribe('mux.echo', {
      callback: (_e, msg) => {
        held.push(msg);
        if (held.length === 200) for (const m of held.reverse()) m.respond(m.data);
      },
    });
    const caller = await connectAs('test');
    try {
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          muxRequest(caller, 'mux.echo', text.encode(`n${i}`), { timeoutMs: 5_000 }),
        ),
      );
      expect(replies.map((r) => read.decode(r.data))).toEqual(replies.map((_, i) => `n${i}`));
    } finally {
      sub.unsubscribe();
      await caller.close();
    }
  });

  it('times out with TimeoutError, ignores the late answer, and keeps serving', async () => {
    let first = true;
    const sub = nc.subscribe('mux.slow', {
      callback: (_e, msg) => {
        const delay = first ? 300 : 0;
        first = false;
        setTimeout(() => msg.respond(text.encode('late or not')), delay);
      },
    });
    await nc.flush();
    try {
      const late = muxRequest(nc, 'mux.slow', text.encode('a'), { timeoutMs: 50 });
      await expect(late).rejects.toBeInstanceOf(TimeoutError);
      await new Promise((resolve) => setTimeout(resolve, 400)); // the late answer arrives and is dropped
      const next = await muxRequest(nc, 'mux.slow', text.encode('b'), { timeoutMs: 5_000 });
      expect(read.decode(next.data)).toBe('late or not');
    } finally {
      sub.unsubscribe();
    }
  });

  it('fails at once with no responders when nobody listens', async () => {
    const error = await muxRequest(nc, 'mux.nobody', text.encode('x'), { timeoutMs: 30_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).isNoResponders()).toBe(true);
    expect((error as RequestError).cause).toBeInstanceOf(NoRespondersError);
  });

  it('replies on the user’s own inbox prefix and fails at once when the server refuses the publish', async () => {
    const edge = await connectAs('edge');
    const sub = nc.subscribe('idp.rpc.platform.mux-probe', {
      callback: (_e, msg) => {
        msg.respond(text.encode('pong'));
      },
    });
    await nc.flush();
    try {
      const reply = await muxRequest(edge, 'idp.rpc.platform.mux-probe', text.encode('ping'), {
        timeoutMs: 5_000,
      });
      expect(read.decode(reply.data)).toBe('pong');
      // The edge may not publish here; waiting out the 30 s timeout would fail the test's own.
      const refused = await muxRequest(edge, 'mux.forbidden', text.encode('x'), { timeoutMs: 30_000 }).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(RequestError);
      expect((refused as RequestError).cause).toBeInstanceOf(PermissionViolationError);
    } finally {
      sub.unsubscribe();
      await edge.close();
    }
  });

  it('rejects what is pending when the connection closes, and what is asked after', async () => {
    const sub = nc.subscribe('mux.silent-but-there', { callback: () => {} });
    await nc.flush();
    const caller = await connectAs('test');
    const outcome = muxRequest(caller, 'mux.silent-but-there', text.encode('x'), { timeoutMs: 30_000 }).catch(
      (e: unknown) => e,
    );
    await caller.flush();
    await caller.close();
    expect(await outcome).toBeInstanceOf(ClosedConnectionError);
    await expect(
      muxRequest(caller, 'mux.silent-but-there', text.encode('y'), { timeoutMs: 1_000 }),
    ).rejects.toBeInstanceOf(ClosedConnectionError);
    sub.unsubscribe();
  });
});
