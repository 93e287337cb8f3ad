import { ControlSubjects, RpcSubjects } from '@idp/contracts';
import { decodeJson, requestJson } from '@idp/nats';
import { mintToken, waitFor } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, admin, startAuthHarness } from './test-support.js';

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuthHarness();
});
afterAll(async () => h?.close());

const authenticate = (credential: { bearer?: string; api_key?: string }) =>
  requestJson(h.nc, RpcSubjects.authenticate, credential);

describe('auth service over NATS', () => {
  it('answers authenticate with the principal', async () => {
    const token = await mintToken({ sub: 'alice', tenant: 'acme' });
    expect(await authenticate({ bearer: token })).toMatchObject({
      ok: true,
      data: { sub: 'alice', tenant_id: 'acme' },
    });
  });

  it('answers a failure reply, not silence, for a bad token, a missing credential and a bad request', async () => {
    expect(await authenticate({ bearer: 'x.y.z' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await authenticate({})).toMatchObject({ ok: false, error: { details: { reason: 'missing' } } });
    expect(await requestJson(h.nc, RpcSubjects.authenticate, { bearer: 42 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR' },
    });
  });

  it('refuses tokens from an issuer it does not know', async () => {
    const token = await mintToken({ sub: 'a', tenant: 'acme', issuer: 'https://elsewhere.example' });
    expect(await authenticate({ bearer: token })).toMatchObject({
      ok: false,
      error: { details: { reason: 'invalid_iss' } },
    });
  });

  it('answers its ping subject', async () => {
    expect(await requestJson(h.nc, RpcSubjects.ping('auth'), {})).toMatchObject({ ok: true });
  });
});

describe('API keys', () => {
  it('are shown once, stored hashed, authenticate as their roles and stop working when revoked', async () => {
    const created = (await h.call('apiKeys.create', admin('acme'), {
      body: { name: 'ci-bot', roles: [{ role: 'viewer', scope: 'tenant:acme' }] },
    })) as { id: string; key: string; key_prefix: string };
    expect(created.key).toMatch(/^idpk_[A-Za-z0-9_-]{40,}$/);
    expect(created.key.startsWith(created.key_prefix)).toBe(true);

    const listed = (await h.call('apiKeys.list', admin('acme'))) as Array<Record<string, unknown>>;
    expect(listed.map((k) => k.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(await h.call('apiKeys.list', admin('globex'))).toEqual([]);

    expect(await authenticate({ api_key: created.key })).toMatchObject({
      ok: true,
      data: {
        tenant_id: 'acme',
        credential: 'api_key',
        credential_id: created.id,
        roles: [{ role: 'viewer' }],
      },
    });

    const notices: unknown[] = [];
    const sub = h.nc.subscribe(ControlSubjects.credentialRevoked, {
      callback: (_e, m) => {
        notices.push(decodeJson(m.data));
      },
    });
    await expect(
      h.call('apiKeys.delete', admin('globex'), { params: { id: created.id } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await h.call('apiKeys.delete', admin('acme'), { params: { id: created.id } });
    expect(await authenticate({ api_key: created.key })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    await waitFor(() => notices.length === 1);
    expect(notices[0]).toMatchObject({ tenant_id: 'acme', credential_id: created.id });
    sub.unsubscribe();
  });

  it('refuses unknown, expired and malformed keys', async () => {
    expect(await authenticate({ api_key: 'idpk_nope' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await authenticate({ api_key: 'not-even-ours' })).toMatchObject({ ok: false });
    await expect(
      h.call('apiKeys.create', admin('acme'), {
        body: {
          name: 'old',
          roles: [{ role: 'viewer', scope: 'tenant:acme' }],
          expires_at: '2020-01-01T00:00:00Z',
        },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('refuses grants beyond the caller’s own and unknown roles', async () => {
    const teamDev = { ...admin('acme'), roles: [{ role: 'developer', scope: 'team:web' }] };
    await expect(
      h.call('apiKeys.create', teamDev, {
        body: { name: 'x', roles: [{ role: 'admin', scope: 'tenant:acme' }] },
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      h.call('apiKeys.create', admin('acme'), {
        body: { name: 'x', roles: [{ role: 'root', scope: 'tenant:acme' }] },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      h.call('apiKeys.create', admin('acme'), {
        body: { name: 'x', roles: [{ role: 'viewer', scope: 'tenant:globex' }] },
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('service accounts', () => {
  it('issue EdDSA tokens verifiable against the published JWKS, refused once revoked or deleted', async () => {
    const account = (await h.call('serviceAccounts.create', admin('acme'), {
      body: { name: 'deployer', roles: [{ role: 'developer', scope: 'team:web' }] },
    })) as { id: string };
    const issued = (await h.call('serviceAccounts.tokens.create', admin('acme'), {
      params: { id: account.id },
      body: {},
    })) as {
      token: string;
      token_id: string;
    };
    const jwks = (await requestJson(h.nc, RpcSubjects.jwks, {})) as {
      data: { keys: Array<{ kty: string; alg: string }> };
    };
    expect(jwks.data.keys[0]).toMatchObject({ kty: 'OKP', alg: 'EdDSA' });
    expect(JSON.stringify(jwks)).not.toContain('"d"');

    expect(await authenticate({ bearer: issued.token })).toMatchObject({
      ok: true,
      data: { sub: account.id, tenant_id: 'acme', credential: 'service_account', token_id: issued.token_id },
    });

    await h.call('serviceAccounts.tokens.revoke', admin('acme'), {
      params: { id: account.id, token_id: issued.token_id },
    });
    expect(await authenticate({ bearer: issued.token })).toMatchObject({
      ok: false,
      error: { details: { reason: 'revoked' } },
    });

    const second = (await h.call('serviceAccounts.tokens.create', admin('acme'), {
      params: { id: account.id },
      body: {},
    })) as {
      token: string;
    };
    expect(await authenticate({ bearer: second.token })).toMatchObject({ ok: true });
    await h.call('serviceAccounts.delete', admin('acme'), { params: { id: account.id } });
    expect(await authenticate({ bearer: second.token })).toMatchObject({
      ok: false,
      error: { details: { reason: 'revoked' } },
    });
  });

  it('keeps accounts per tenant', async () => {
    const account = (await h.call('serviceAccounts.create', admin('acme'), {
      body: { name: 'mine', roles: [{ role: 'viewer', scope: 'tenant:acme' }] },
    })) as { id: string };
    await expect(
      h.call('serviceAccounts.get', admin('globex'), { params: { id: account.id } }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      h.call('serviceAccounts.tokens.create', admin('globex'), { params: { id: account.id }, body: {} }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
