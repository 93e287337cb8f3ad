// NATS_URL as a cluster's server list: parsed as the NATS CLI takes it, and a service whose first
// server is down starts on the next one.
import { createLogger } from '@idp/observability';
import { freePort, startNatsServer } from '@idp/testing';
import { describe, expect, it } from 'vitest';
import { connectNats, serverList } from './connect.js';

describe('serverList', () => {
  it('splits a comma-separated NATS_URL and drops blanks', () => {
    expect(serverList('nats://a:4222, nats://b:4222,,nats://c:4222 ')).toEqual([
      'nats://a:4222',
      'nats://b:4222',
      'nats://c:4222',
    ]);
    expect(serverList('nats://127.0.0.1:4222')).toEqual(['nats://127.0.0.1:4222']);
  });

  it('refuses a NATS_URL that names no server', () => {
    expect(() => serverList(' , ')).toThrow(/NATS_URL names no server/);
  });
});

describe('connectNats with several servers', () => {
  it('connects through the first server that answers', async () => {
    const server = await startNatsServer({ auth: false });
    const deadPort = await freePort();
    try {
      const nc = await connectNats({
        servers: `nats://127.0.0.1:${deadPort},${server.url}`,
        name: 'server-list-test',
        logger: createLogger({ service: 'server-list-test', level: 'silent' }),
        firstConnectTimeoutMs: 10_000,
      });
      expect(nc.getServer()).toBe(`127.0.0.1:${server.port}`);
      await nc.close();
    } finally {
      await server.cleanup();
    }
  });
});
