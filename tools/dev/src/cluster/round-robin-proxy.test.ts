import { createServer, type Server, connect as tcpConnect } from 'node:net';
import { freePort } from '@idp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';

/** A backend that answers every connection with its name, then closes it. */
async function namedBackend(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return { port: address.port, server };
}

function answerOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk) => (answer += chunk));
    socket.once('close', () => resolve(answer));
    socket.once('error', reject);
  });
}

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const resource of opened.splice(0)) await resource.close();
});

async function proxyTo(...names: string[]): Promise<{ proxy: RoundRobinProxy; servers: Server[] }> {
  const backends = await Promise.all(names.map(namedBackend));
  const servers = backends.map((b) => b.server);
  opened.push(...servers.map((server) => ({ close: () => new Promise((r) => server.close(r)) })));
  const proxy = await startRoundRobinProxy(
    { host: '127.0.0.1', port: 0 },
    backends.map((b) => ({ host: '127.0.0.1', port: b.port })),
  );
  opened.push(proxy);
  return { proxy, servers };
}

describe('round-robin proxy', () => {
  it('hands each new connection to the next backend in turn', async () => {
    const { proxy } = await proxyTo('one', 'two');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await answerOf(proxy.port));
    expect(answers).toEqual(['one', 'two', 'one', 'two']);
  });

  it('skips a backend that refuses the connection', async () => {
    const { proxy, servers } = await proxyTo('one', 'two');
    await new Promise((resolve) => servers[0]!.close(resolve));
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await answerOf(proxy.port));
    expect(answers).toEqual(['two', 'two', 'two']);
  });

  it('says which port is taken when it cannot listen', async () => {
    const { proxy } = await proxyTo('one');
    await expect(
      startRoundRobinProxy({ host: '127.0.0.1', port: proxy.port }, [
        { host: '127.0.0.1', port: await freePort() },
      ]),
    ).rejects.toThrow(`port ${proxy.port} on 127.0.0.1 is taken`);
  });
});
