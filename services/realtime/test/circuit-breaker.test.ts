// Realtime's topic checks behind the platform's circuit breaker, over a real socket, a real nats-server
// and the real auth service: a hung platform opens it, then a subscribe is refused with a clear error
// frame at once (no platform request), and topics are granted again once the platform answers.
import { parseGatewayConfig } from '@idp/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, token } from './harness.js';
import { TestClient } from './ws-client.js';

const RPC_TIMEOUT_MS = 500;
const HALF_OPEN_AFTER_MS = 1_500;
/** Generous for a loaded 2-core CI runner; an open breaker answers in a few ms. */
const FAST_MS = 100;

let h: Harness;
let url: string;

beforeAll(async () => {
  h = await startHarness({ t1: ['app_1', 'app_2', 'app_3', 'app_4', 'app_5'] });
  const circuitBreakers = parseGatewayConfig(
    JSON.stringify({ circuit_breakers: { consecutive_failures: 2, half_open_after_ms: HALF_OPEN_AFTER_MS } }),
  ).circuit_breakers;
  url = (await h.startRealtime({ authz_cache_ttl_ms: 0 }, { rpcTimeoutMs: RPC_TIMEOUT_MS, circuitBreakers }))
    .url;
});
afterAll(async () => h?.close());

const breakerState = async (group: string) =>
  (await h.lastInstance().metrics.getSingleMetric('idp_realtime_circuit_breaker_state')?.get())?.values.find(
    (v) => v.labels.group === group,
  )?.value;

describe('platform circuit breaker in realtime', () => {
  it(`refuses a subscribe with SERVICE_UNAVAILABLE in < ${FAST_MS} ms (vs ${RPC_TIMEOUT_MS} ms) once open, then recovers`, async () => {
    const client = await TestClient.open(url, await token('alice', 't1'));
    h.platformSilent = true;
    for (const id of ['app_1', 'app_2']) {
      const reply = await client.subscribe([`application:${id}:status`]);
      expect(reply).toMatchObject({ type: 'error', error: { code: 'GATEWAY_TIMEOUT' } });
    }
    expect(await breakerState('platform')).toBe(1);

    const reads = h.platformReads;
    const started = performance.now();
    const refused = await client.subscribe(['application:app_3:status']);
    const ms = performance.now() - started;
    expect(refused).toMatchObject({
      type: 'error',
      error: { code: 'SERVICE_UNAVAILABLE', details: { topics: ['application:app_3:status'] } },
    });
    expect(refused.error.message).toMatch(/platform service is unavailable; retry in \d+ s/);
    expect(ms).toBeLessThan(FAST_MS);
    expect(h.platformReads).toBe(reads);
    // The auth breaker is its own: the connection stays authenticated and usable.
    expect(await breakerState('auth')).toBe(0);

    h.platformSilent = false;
    await new Promise((resolve) => setTimeout(resolve, HALF_OPEN_AFTER_MS + 100));
    expect(await client.subscribe(['application:app_4:status'])).toMatchObject({ type: 'subscribed' });
    expect(await breakerState('platform')).toBe(0);
    expect(await client.subscribe(['application:app_5:status'])).toMatchObject({ type: 'subscribed' });
    client.close();
  });
});
