// Stopping realtime must not wait on plain HTTP sockets: a prober (a load balancer polling /readyz over
// keep-alive) whose request is under way when the server closes keeps its socket, and node's close()
// waited on it until the shutdown timeout cut the process (seen in the rolling-restart test). A socket
// with half a request sent is the deterministic form of "a request in flight at close time".
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => h?.close());

describe('realtime close', () => {
  it('finishes while an HTTP request is still under way on a kept-alive socket', async () => {
    const instance = await h.startRealtime();
    const socket = connect(instance.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n');
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);

    // Bounded so a regression fails here instead of hanging the file; 5 s is far beyond a real close
    // (~1 s of flushing WebSocket clients at most) and below node's own request timeouts (60 s+).
    const outcome = await Promise.race([
      instance.close().then(() => 'closed' as const),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5_000)),
    ]);
    expect(outcome).toBe('closed');
    await socketClosed;
  });
});
