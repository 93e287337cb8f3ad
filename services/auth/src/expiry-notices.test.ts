import { loadGatewayConfig } from '@idp/config';
import { CredentialExpiringData, EventSubjects } from '@idp/contracts';
import { connectNats, decodeJson } from '@idp/nats';
import { createLogger } from '@idp/observability';
import { waitFor } from '@idp/testing';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuthEnv } from './config.js';
import { expiryNotice } from './expiry-notices.js';
import { startAuthService } from './service.js';
import { type AuthHarness, admin, startAuthHarness } from './test-support.js';

const DAY = 86_400_000;
const env = { IDP_CREDENTIAL_EXPIRY_CHECK_INTERVAL_MS: '150', IDP_CREDENTIAL_EXPIRY_NOTICE_DAYS: '7' };

let h: AuthHarness;
let second: { stop(): void } | undefined;
beforeAll(async () => {
  h = await startAuthHarness(env);
  // A second instance on the same bucket: the notice must still go out once.
  const logger = createLogger({ service: 'auth-test', level: 'silent' });
  const nc = await connectNats({ servers: h.server.url, name: 'auth-2', logger, ...h.server.as('auth') });
  const config = await loadGatewayConfig(new URL('../../../config/gateway.yaml', import.meta.url).pathname);
  const service = await startAuthService(nc, readAuthEnv(env), config.roles, logger, config);
  second = {
    stop: () => {
      service.stop();
      void nc.close();
    },
  };
});
afterAll(async () => {
  second?.stop();
  await h?.close();
});

describe('credential expiry notices', () => {
  it('tell the creator once, on user:notifications, that a key expires within the notice period', async () => {
    const tenant = 'exp';
    const seen: { event: string; data: Record<string, unknown> }[] = [];
    const sub = h.nc.subscribe(EventSubjects.userNotifications(tenant, `${tenant}-admin`), {
      callback: (_e, m) => {
        seen.push(decodeJson(m.data) as never);
      },
    });
    const roles = [{ role: 'viewer', scope: `tenant:${tenant}` }];
    const soon = (await h.call('apiKeys.create', admin(tenant), {
      body: { name: 'soon', roles, expires_at: new Date(Date.now() + 2 * DAY).toISOString() },
    })) as { id: string; expires_at: string };
    await h.call('apiKeys.create', admin(tenant), {
      body: { name: 'later', roles, expires_at: new Date(Date.now() + 20 * DAY).toISOString() },
    });
    await waitFor(() => seen.length > 0, { timeoutMs: 5000 });
    // Several more scans of both instances.
    await new Promise((r) => setTimeout(r, 800));
    sub.unsubscribe();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      event: 'credential_expiring',
      data: { credential_id: soon.id, credential_type: 'api_key', name: 'soon', expires_at: soon.expires_at },
    });
    expect(Compile(CredentialExpiringData).Check(seen[0]!.data)).toBe(true);
    expect(h.server.permissionViolations()).toEqual([]);
  });

  it('say how long is left', () => {
    const key = { id: 'key_1', name: 'ci', tenant_id: 't', created_by: 'u' } as never;
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(expiryNotice(key, now + 3 * DAY, now).message).toBe("API key 'ci' expires in 3 days");
    expect(expiryNotice(key, now + 3_600_000, now)).toMatchObject({
      message: "API key 'ci' expires in less than a day",
      expires_at: '2026-01-01T01:00:00.000Z',
    });
  });
});
