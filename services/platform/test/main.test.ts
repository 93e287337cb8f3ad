// The process entry point: starts from the environment, says "service ready", stops on SIGTERM.
import { fileURLToPath } from 'node:url';
import { runSetupStep } from '@idp/nats';
import {
  type NatsServerHandle,
  type ServiceProcess,
  startNatsServer,
  startServiceProcess,
} from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principal, TestClient, testLogger } from '../src/test-support/harness.js';

let nats: NatsServerHandle;
let proc: ServiceProcess;

beforeAll(async () => {
  nats = await startNatsServer();
  await runSetupStep({ servers: nats.url, logger: testLogger(), ...nats.as('setup') });
  proc = await startServiceProcess({
    name: 'platform',
    entry: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
    env: { ...nats.envFor('platform'), IDP_OPERATION_STAGE_MS: '50', LOG_LEVEL: 'info' },
  });
}, 60_000);

afterAll(async () => {
  await proc?.stop();
  await nats?.cleanup();
});

describe('platform process', () => {
  it('serves routes after logging service ready and exits cleanly on SIGTERM', async () => {
    const client = await TestClient.connect(nats, principal('t9', 'proc'));
    const team = await client.data('teams.create', { body: { name: 'proc' } });
    expect(team.id).toMatch(/^team_[a-z2-7]{16}$/);
    await client.close();
    expect(proc.output().match(/"msg":"service ready"/g)).toHaveLength(1);
    await proc.stop();
    expect(proc.output()).toContain('"msg":"stopped"');
  });
});
