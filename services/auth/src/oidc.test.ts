// A real local OpenID provider (discovery + JWKS over HTTP) with keys made by jose, including a rotation.
import { createServer, type Server } from 'node:http';
import { RpcSubjects } from '@idp/contracts';
import { requestJson } from '@idp/nats';
import { freePort } from '@idp/testing';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, startAuthHarness } from './test-support.js';

interface ProviderKey {
  kid: string;
  alg: 'RS256' | 'ES256' | 'EdDSA';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

let provider: Server;
let issuer: string;
let jwksFetches = 0;
const published: ProviderKey[] = [];
let h: AuthHarness;

async function makeKey(kid: string, alg: ProviderKey['alg']): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function sign(
  key: ProviderKey,
  claims: Record<string, unknown> = {},
  options: { iss?: string; aud?: string } = {},
) {
  return new SignJWT({ tenant_id: 'acme', roles: [{ role: 'viewer', scope: 'tenant:acme' }], ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setSubject('sso-user')
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? 'idp-api')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key.privateKey);
}

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/realms/acme`;
  provider = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/realms/acme/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/realms/acme/jwks') {
      jwksFetches++;
      res.end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => provider.listen(port, '127.0.0.1', resolve));
  published.push(await makeKey('rsa-1', 'RS256'), await makeKey('ec-1', 'ES256'));
  // A local provider speaks http: allowed only through the explicit development flag.
  h = await startAuthHarness(
    { IDP_OIDC_ISSUER: issuer, IDP_OIDC_JWKS_COOLDOWN_MS: '0', IDP_OIDC_ALLOW_HTTP: 'true' },
    {
      oidc: {
        groups: {
          'acme-platform-admins': { tenant: 'acme', roles: [{ role: 'admin', scope: 'tenant:acme' }] },
          'acme-web': { tenant: 'acme', roles: [{ role: 'developer', scope: 'team:web' }] },
          'globex-viewers': { tenant: 'globex', roles: [{ role: 'viewer', scope: 'tenant:globex' }] },
        },
      },
    },
  );
});
afterAll(async () => {
  await h?.close();
  provider?.close();
});

const authenticate = (token: string) => requestJson(h.nc, RpcSubjects.authenticate, { bearer: token });

describe('OIDC tokens', () => {
  it('accepts RS256 and ES256 tokens signed by the provider’s published keys', async () => {
    for (const key of published) {
      expect(await authenticate(await sign(key))).toMatchObject({
        ok: true,
        data: { sub: 'sso-user', tenant_id: 'acme' },
      });
    }
  });

  it('picks up a rotated key without a restart, fetching the JWKS again only for the unknown kid', async () => {
    const fetchesBefore = jwksFetches;
    const rotated = await makeKey('ed-2', 'EdDSA');
    const token = await sign(rotated);
    expect(await authenticate(token)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    published.push(rotated);
    expect(await authenticate(token)).toMatchObject({ ok: true });
    expect(jwksFetches - fetchesBefore).toBeLessThanOrEqual(2);
    expect(await authenticate(await sign(published[0]!))).toMatchObject({ ok: true });
  });

  it('refuses algorithm confusion: an HS256 token keyed with the provider’s public key', async () => {
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(published[0]!.publicJwk));
    const forged = await new SignJWT({ tenant_id: 'acme', roles: [{ role: 'admin', scope: 'tenant:acme' }] })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setSubject('mallory')
      .setIssuer(issuer)
      .setAudience('idp-api')
      .setExpirationTime('10m')
      .sign(publicKeyBytes);
    expect(await authenticate(forged)).toMatchObject({
      ok: false,
      error: { details: { reason: 'algorithm_not_allowed' } },
    });
  });

  it('refuses a token from a key the provider never published, a wrong audience and missing tenant', async () => {
    const stranger = await makeKey('rsa-1', 'RS256');
    expect(await authenticate(await sign(stranger))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await authenticate(await sign(published[0]!, {}, { aud: 'other' }))).toMatchObject({
      ok: false,
      error: { details: { reason: 'invalid_aud' } },
    });
    expect(await authenticate(await sign(published[0]!, { tenant_id: undefined }))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', details: { reason: 'no_tenant' } },
    });
  });
});

describe('OIDC tokens of an ordinary enterprise provider (no custom claims)', () => {
  const enterprise = (claims: Record<string, unknown>) =>
    sign(published[0]!, { tenant_id: undefined, roles: undefined, ...claims });

  it('takes the tenant and the role bindings from the mapped groups', async () => {
    expect(await authenticate(await enterprise({ groups: ['acme-web', 'unrelated'] }))).toMatchObject({
      ok: true,
      data: { sub: 'sso-user', tenant_id: 'acme', roles: [{ role: 'developer', scope: 'team:web' }] },
    });
  });

  it('refuses, rather than guesses, a token whose groups name no tenant or several', async () => {
    expect(await authenticate(await enterprise({ groups: ['unrelated'] }))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', details: { reason: 'no_tenant' } },
    });
    expect(await authenticate(await enterprise({ groups: ['acme-web', 'globex-viewers'] }))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', details: { reason: 'ambiguous_tenant' } },
    });
  });

  it('lets a tenant claim pick among the groups, ignoring the other tenant’s', async () => {
    const token = await enterprise({
      tenant_id: 'globex',
      groups: ['acme-platform-admins', 'globex-viewers'],
    });
    expect(await authenticate(token)).toMatchObject({
      ok: true,
      data: { tenant_id: 'globex', roles: [{ role: 'viewer', scope: 'tenant:globex' }] },
    });
  });
});
