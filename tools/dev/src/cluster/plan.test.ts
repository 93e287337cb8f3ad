import { freePort } from '@idp/testing';
import { describe, expect, it } from 'vitest';
import { INSTANCES_PER_SERVICE, planInstances, SERVICES, setupEnv } from './plan.js';

const inputs = {
  baseEnv: {
    LOG_LEVEL: 'warn',
    NATS_URL: 'nats://elsewhere:4222',
    IDP_HEALTH_PORT: '9000',
    IDP_HTTP_PORT: '8080',
    IDP_JWT_SECRET: 'a-secret-from-the-shell-0123',
    IDP_AUTH_ENCRYPTION_KEY: 'shell-key',
  },
  publisherSeedFile: '/setup/keys/publisher-signer.nk',
  jwtSecret: 'the-cluster-secret-0123456789',
  entryHttpPort: 18080,
  freePort,
};

describe('the local cluster plan', () => {
  it('gives every instance of every service its own id, probe port and listener', async () => {
    const plans = await planInstances(inputs);
    expect(plans).toHaveLength(SERVICES.length * INSTANCES_PER_SERVICE);
    expect(new Set(plans.map((p) => p.env.IDP_INSTANCE_ID)).size).toBe(plans.length);
    const ports = plans.flatMap((p) => [p.env.IDP_HEALTH_PORT, p.env.IDP_HTTP_PORT, p.env.IDP_WS_PORT]);
    const own = ports.filter((port) => port !== undefined && port !== String(inputs.entryHttpPort));
    expect(new Set(own).size).toBe(own.length);
    expect(plans.filter((p) => p.service === 'edge').map((p) => p.publicUrl)).toEqual([
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/),
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/),
    ]);
  });

  it('keeps per-instance settings of the shell out, and the signing secrets for auth alone', async () => {
    const plans = await planInstances(inputs);
    for (const plan of plans) {
      expect(plan.env.LOG_LEVEL).toBe('warn');
      // NATS_URL and NATS_CREDS come from the cluster at launch, never from the shell.
      expect(plan.env.NATS_URL).toBeUndefined();
      expect(plan.env.IDP_HEALTH_PORT).not.toBe('9000');
      const auth = plan.service === 'auth';
      expect(plan.env.IDP_JWT_SECRET, plan.name).toBe(auth ? inputs.jwtSecret : undefined);
      expect(plan.env.IDP_AUTH_ENCRYPTION_KEY, plan.name).toBe(auth ? 'shell-key' : undefined);
    }
    // Realtime accepts the console served through the entry.
    const realtime = plans.filter((p) => p.service === 'realtime');
    expect(realtime.map((p) => p.env.IDP_HTTP_PORT)).toEqual(['18080', '18080']);
  });

  it('asks the setup step for three replicas of every stream and bucket', () => {
    expect(setupEnv(inputs.baseEnv)).toMatchObject({ IDP_STREAM_REPLICAS: '3', LOG_LEVEL: 'warn' });
    expect(setupEnv(inputs.baseEnv).IDP_JWT_SECRET).toBeUndefined();
  });
});
