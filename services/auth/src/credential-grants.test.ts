// Grants never exceed the granter, over the auth service's own subjects: what a team admin may create,
// see and revoke; token ids bound to their account; per-tenant limits; key lifetimes; and credentials
// that lose what their creator loses.
import { ControlSubjects, type Principal, RpcSubjects } from '@idp/contracts';
import { decodeJson, requestJson } from '@idp/nats';
import { mintToken, waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, admin, startAuthHarness } from './test-support.js';

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuthHarness({
    IDP_MAX_API_KEYS_PER_TENANT: '3',
    IDP_MAX_SERVICE_ACCOUNTS_PER_TENANT: '2',
    IDP_API_KEY_MAX_TTL_DAYS: '30',
  });
});
afterAll(async () => h?.close());

const authenticate = (credential: { bearer?: string; api_key?: string }) =>
  requestJson(h.nc, RpcSubjects.authenticate, credential) as Promise<{
    ok: boolean;
    data?: Principal;
    error?: { code: string; details?: { reason?: string } };
  }>;
const teamAdmin = (tenant: string, team: string): Principal => ({
  sub: `${team}-lead`,
  tenant_id: tenant,
  roles: [{ role: 'admin', scope: `team:${team}` }],
  credential: 'jwt',
});
const ids = (list: unknown) => (list as Array<{ id: string }>).map((c) => c.id);

describe('a team admin', () => {
  it('creates credentials for its own team only, never tenant-wide or for another team', async () => {
    const lead = teamAdmin('t-create', 'web');
    const own = (await h.call('apiKeys.create', lead, {
      body: { name: 'web-ci', roles: [{ role: 'developer', scope: 'team:web' }] },
    })) as { id: string };
    expect(own.id).toMatch(/^key_/);
    for (const scope of ['tenant:t-create', 'team:api']) {
      await expect(
        h.call('apiKeys.create', lead, { body: { name: 'x', roles: [{ role: 'viewer', scope }] } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(
        h.call('serviceAccounts.create', lead, { body: { name: 'x', roles: [{ role: 'viewer', scope }] } }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('sees, revokes and issues tokens only for credentials it could grant', async () => {
    const tenant = 't-manage';
    const lead = teamAdmin(tenant, 'web');
    const tenantAccount = (await h.call('serviceAccounts.create', admin(tenant), {
      body: { name: 'root-bot', roles: [{ role: 'admin', scope: `tenant:${tenant}` }] },
    })) as { id: string };
    const webAccount = (await h.call('serviceAccounts.create', admin(tenant), {
      body: { name: 'web-bot', roles: [{ role: 'developer', scope: 'team:web' }] },
    })) as { id: string };
    const apiKey = (await h.call('apiKeys.create', admin(tenant), {
      body: { name: 'api-key', roles: [{ role: 'viewer', scope: 'team:api' }] },
    })) as { id: string };

    expect(ids(await h.call('serviceAccounts.list', lead))).toEqual([webAccount.id]);
    expect(ids(await h.call('apiKeys.list', lead))).toEqual([]);
    expect(ids(await h.call('serviceAccounts.list', admin(tenant)))).toEqual([
      tenantAccount.id,
      webAccount.id,
    ]);

    for (const route of ['serviceAccounts.get', 'serviceAccounts.tokens.create', 'serviceAccounts.delete']) {
      await expect(h.call(route, lead, { params: { id: tenantAccount.id }, body: {} })).rejects.toMatchObject(
        { code: 'NOT_FOUND' },
      );
    }
    await expect(h.call('apiKeys.delete', lead, { params: { id: apiKey.id } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const issued = (await h.call('serviceAccounts.tokens.create', lead, {
      params: { id: webAccount.id },
      body: {},
    })) as { token: string };
    expect(await authenticate({ bearer: issued.token })).toMatchObject({ ok: true });
  });
});

describe('service-account tokens', () => {
  it('are revoked only through their own account', async () => {
    const tenant = 't-tokens';
    const [a, b] = (await Promise.all(
      ['a', 'b'].map((name) =>
        h.call('serviceAccounts.create', admin(tenant), {
          body: { name, roles: [{ role: 'viewer', scope: `tenant:${tenant}` }] },
        }),
      ),
    )) as Array<{ id: string }>;
    const issued = (await h.call('serviceAccounts.tokens.create', admin(tenant), {
      params: { id: b!.id },
      body: {},
    })) as { token: string; token_id: string };
    expect(issued.token_id.startsWith(`${b!.id}_t`)).toBe(true);
    await expect(
      h.call('serviceAccounts.tokens.revoke', admin(tenant), {
        params: { id: a!.id, token_id: issued.token_id },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await authenticate({ bearer: issued.token })).toMatchObject({ ok: true });
  });
});

describe('per-tenant limits', () => {
  it('refuse API keys and service accounts beyond the limit with QUOTA_EXCEEDED, per tenant', async () => {
    const tenant = 't-limits';
    const body = { name: 'k', roles: [{ role: 'viewer', scope: `tenant:${tenant}` }] };
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => h.call('apiKeys.create', admin(tenant), { body })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 3 } });
    // Another tenant is not affected; revoking one makes room again.
    await expect(
      h.call('apiKeys.create', admin('t-other'), {
        body: { ...body, roles: [{ role: 'viewer', scope: 'tenant:t-other' }] },
      }),
    ).resolves.toBeDefined();
    const first = (await h.call('apiKeys.list', admin(tenant))) as Array<{ id: string }>;
    await h.call('apiKeys.delete', admin(tenant), { params: { id: first[0]!.id } });
    await expect(h.call('apiKeys.create', admin(tenant), { body })).resolves.toBeDefined();

    await h.call('serviceAccounts.create', admin(tenant), { body });
    await h.call('serviceAccounts.create', admin(tenant), { body });
    await expect(h.call('serviceAccounts.create', admin(tenant), { body })).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
    });
  });
});

describe('API key lifetime', () => {
  it('defaults to the maximum and refuses an expiry beyond it', async () => {
    const body = { name: 'k', roles: [{ role: 'viewer', scope: 'tenant:t-ttl' }] };
    const created = (await h.call('apiKeys.create', admin('t-ttl'), { body })) as { expires_at: string };
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const tooLate = new Date(Date.now() + 31 * 86_400_000).toISOString();
    await expect(
      h.call('apiKeys.create', admin('t-ttl'), { body: { ...body, expires_at: tooLate } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'expires_at' } });
  });
});

describe('credentials re-validated against their creator', () => {
  const adminRole = (tenant: string) => [{ role: 'admin', scope: `tenant:${tenant}` }];
  const viewerRole = (tenant: string) => [{ role: 'viewer', scope: `tenant:${tenant}` }];

  it('lose roles when a newer token of the creating user shows it lost them, and regain none from an older one', async () => {
    const tenant = 't-demote';
    const now = Math.floor(Date.now() / 1000);
    const creatorToken = await mintToken({
      sub: 'ann',
      tenant,
      roles: adminRole(tenant),
      extraClaims: { iat: now - 60 },
    });
    const creator = (await authenticate({ bearer: creatorToken })).data!;
    const adminKey = (await h.call('apiKeys.create', creator, {
      body: { name: 'admin-key', roles: adminRole(tenant) },
    })) as { id: string; key: string };
    const viewerKey = (await h.call('apiKeys.create', creator, {
      body: { name: 'viewer-key', roles: viewerRole(tenant) },
    })) as { key: string };
    expect(await authenticate({ api_key: adminKey.key })).toMatchObject({ ok: true });

    const notices: Array<{ credential_id?: string }> = [];
    const sub = h.nc.subscribe(ControlSubjects.credentialRevoked, {
      callback: (_e, m) => {
        notices.push(decodeJson(m.data) as { credential_id?: string });
      },
    });
    // Ann is demoted: her next token (newer iat) carries viewer only.
    await authenticate({ bearer: await mintToken({ sub: 'ann', tenant, roles: viewerRole(tenant) }) });
    await waitFor(async () => (await authenticate({ api_key: adminKey.key })).ok === false);
    expect(await authenticate({ api_key: adminKey.key })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', details: { reason: 'grantor_rights_revoked' } },
    });
    expect(await authenticate({ api_key: viewerKey.key })).toMatchObject({ ok: true });
    await waitFor(() => notices.some((n) => n.credential_id === adminKey.id));
    sub.unsubscribe();

    // Her old admin token is still within its lifetime, but older than what we know: no re-promotion.
    await authenticate({ bearer: creatorToken });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await authenticate({ api_key: adminKey.key })).toMatchObject({ ok: false });
  });

  it('stop working when the credential that created them is revoked, transitively', async () => {
    const tenant = 't-chain';
    const parent = (await h.call('apiKeys.create', admin(tenant), {
      body: { name: 'parent', roles: adminRole(tenant) },
    })) as { id: string; key: string };
    const asParent = (await authenticate({ api_key: parent.key })).data!;
    const child = (await h.call('serviceAccounts.create', asParent, {
      body: { name: 'child', roles: adminRole(tenant) },
    })) as { id: string };
    const token = (await h.call('serviceAccounts.tokens.create', admin(tenant), {
      params: { id: child.id },
      body: {},
    })) as { token: string };
    const asChild = (await authenticate({ bearer: token.token })).data!;
    expect(asChild.roles).toEqual(adminRole(tenant));
    const grandchild = (await h.call('apiKeys.create', asChild, {
      body: { name: 'grandchild', roles: viewerRole(tenant) },
    })) as { id: string; key: string };
    expect(await authenticate({ api_key: grandchild.key })).toMatchObject({ ok: true });

    const notices: Array<{ credential_id?: string }> = [];
    const sub = h.nc.subscribe(ControlSubjects.credentialRevoked, {
      callback: (_e, m) => {
        notices.push(decodeJson(m.data) as { credential_id?: string });
      },
    });
    await h.call('apiKeys.delete', admin(tenant), { params: { id: parent.id } });
    for (const credential of [{ bearer: token.token }, { api_key: grandchild.key }]) {
      expect(await authenticate(credential)).toMatchObject({
        ok: false,
        error: { details: { reason: 'grantor_rights_revoked' } },
      });
    }
    await waitFor(() => notices.length >= 3);
    expect(notices.map((n) => n.credential_id).sort()).toEqual([parent.id, child.id, grandchild.id].sort());
    sub.unsubscribe();
  });
});
