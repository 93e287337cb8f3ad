// The frame of the platform's multi-instance tests: each test gets a fresh nats-server, a test client,
// and the platform instances it starts, all stopped after it (also the ones a test left running).
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { afterEach, beforeEach } from 'vitest';
import type { PlatformHandle } from '../src/platform.js';
import { startTestPlatform, TestClient } from '../src/test-support/harness.js';

export interface PlatformPerTest {
  readonly nats: NatsServerHandle;
  readonly client: TestClient;
  /** The instances started and not yet stopped; a test that stops one itself takes it out. */
  readonly platforms: PlatformHandle[];
  start(options?: Parameters<typeof startTestPlatform>[1]): Promise<PlatformHandle>;
}

/** Call at the top of a test file: registers the per-test hooks and returns the test's frame. */
export function platformPerTest(): PlatformPerTest {
  let nats: NatsServerHandle | undefined;
  let client: TestClient | undefined;
  const platforms: PlatformHandle[] = [];
  beforeEach(async () => {
    nats = await startNatsServer();
    client = await TestClient.connect(nats);
  });
  afterEach(async () => {
    await client?.close();
    for (const p of platforms.splice(0)) await p.stop().catch(() => undefined);
    await nats?.cleanup();
  });
  return {
    get nats() {
      if (!nats) throw new Error('platformPerTest: no nats-server outside a test');
      return nats;
    },
    get client() {
      if (!client) throw new Error('platformPerTest: no client outside a test');
      return client;
    },
    platforms,
    async start(options) {
      const platform = await startTestPlatform(this.nats, options);
      platforms.push(platform);
      return platform;
    },
  };
}
