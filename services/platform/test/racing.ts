// The frame of the tests where creates race on two platform instances: one nats-server, two instances
// (sharing the queue group, so racing calls spread over both), a client per tenant, and a race runner.
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterAll, beforeAll } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import { type Loose, principal, startTestPlatform, TestClient } from '../src/test-support/harness.js';

export interface RacingWorld {
  readonly nats: NatsServerHandle;
  readonly platforms: PlatformHandle[];
  /** A client acting as the admin of `tenant`. */
  tenant(name: string): TestClient;
}

/** Call at the top of a test file: two instances for the whole file, stopped after it. */
export function twoInstances(options?: Parameters<typeof startTestPlatform>[1]): RacingWorld {
  let nats: NatsServerHandle | undefined;
  let platforms: PlatformHandle[] = [];
  let root: TestClient | undefined;
  beforeAll(async () => {
    nats = await startNatsServer();
    platforms = [await startTestPlatform(nats, options), await startTestPlatform(nats, options)];
    root = await TestClient.connect(nats);
  });
  afterAll(async () => {
    await root?.close();
    for (const p of platforms) await p.stop();
    await nats?.cleanup();
  });
  return {
    get nats() {
      if (!nats) throw new Error('twoInstances: no nats-server outside a test');
      return nats;
    },
    get platforms() {
      return platforms;
    },
    tenant: (name) => {
      if (!root) throw new Error('twoInstances: no client outside a test');
      return root.as(principal(name));
    },
  };
}

/** Runs every call at once and sorts the outcomes. */
export async function race(calls: Array<() => Promise<unknown>>) {
  const results = await Promise.allSettled(calls.map((call) => call()));
  const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value as Loose] : []));
  const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Loose] : []));
  return { won, lost };
}

export const cacheBody = (name: string, team_id: string) => ({
  name,
  team_id,
  spec: { engine: 'redis', size: 's' },
});
