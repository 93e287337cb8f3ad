// Service discovery against a real operator-mode nats-server: each instance registers as its own
// service user, the platform's user asks, and a stopped instance drops out of the answer.
import { DiscoverySubjects } from '@idp/contracts';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverInstances, registerService } from '../src/discovery.js';

let server: NatsServerHandle;
const connections: NatsConnection[] = [];
beforeAll(async () => {
  server = await startNatsServer({ jetstream: false });
});
afterAll(async () => {
  await Promise.allSettled(connections.map((nc) => nc.close()));
  await server?.cleanup();
});

async function connectAs(user: 'realtime' | 'platform' | 'edge'): Promise<NatsConnection> {
  const nc = await connect(server.clientOptions(user));
  connections.push(nc);
  return nc;
}

async function startRealtimeInstance(instance: string, open: number) {
  return registerService(await connectAs('realtime'), {
    name: 'realtime',
    version: '1.2.3',
    description: 'test instance',
    instance,
    loadSubject: DiscoverySubjects.load('realtime'),
    load: () => ({ open_connections: open }),
  });
}

describe('service discovery', () => {
  it('finds every instance with its version and load, and forgets one that stopped', async () => {
    const first = await startRealtimeInstance('rt-1', 3);
    const second = await startRealtimeInstance('rt-2', 5);
    const asker = await connectAs('platform');

    const found = await discoverInstances(asker, 'realtime');
    expect(found.map((i) => [i.instance, i.version, i.load])).toEqual([
      ['rt-1', '1.2.3', { open_connections: 3 }],
      ['rt-2', '1.2.3', { open_connections: 5 }],
    ]);
    expect(found.map((i) => i.id).sort()).toEqual([first.id, second.id].sort());
    expect(found.every((i) => typeof i.started === 'string')).toBe(true);

    await second.stop();
    const after = await discoverInstances(asker, 'realtime');
    expect(after.map((i) => i.instance)).toEqual(['rt-1']);
    await first.stop();
  });

  it('answers no instance, without an error, for a service nobody runs', async () => {
    const errors: unknown[] = [];
    const asker = await connectAs('platform');
    expect(await discoverInstances(asker, 'ratelimit', { onError: (e) => errors.push(e) })).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reports a refused request to onError: only the aggregator may ask', async () => {
    const errors: unknown[] = [];
    const edge = await connectAs('edge');
    expect(await discoverInstances(edge, 'platform', { onError: (e) => errors.push(e) })).toEqual([]);
    expect(String(errors[0])).toMatch(/permission/i);
  });
});
