// The OIDC provider as an attacker or an outage would present it: plain http, keys served from
// another origin, and a provider that fails. Local http servers play the provider.
import { createServer, type Server } from 'node:http';
import { parseGatewayConfig } from '@idp/config';
import { freePort } from '@idp/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createOidcVerifier, type OidcVerifierOptions } from './oidc-verifier.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

interface Provider {
  origin: string;
  issuer: string;
  hits: Record<string, number>;
}

/** A provider whose answers the test decides, counting the requests per path. */
async function provider(answer: (path: string, p: Provider) => [number, unknown]): Promise<Provider> {
  const port = await freePort();
  const p: Provider = { origin: `http://127.0.0.1:${port}`, issuer: `http://127.0.0.1:${port}/r`, hits: {} };
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    p.hits[path] = (p.hits[path] ?? 0) + 1;
    const [status, body] = answer(path, p);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return p;
}

const options = (issuer: string, extra: Partial<OidcVerifierOptions> = {}): OidcVerifierOptions => ({
  issuer,
  audience: 'idp-api',
  clockToleranceS: 5,
  maxTokenAgeS: 3600,
  jwksCooldownMs: 0,
  allowHttp: true,
  backoffMaxMs: 200,
  mapping: parseGatewayConfig('').oidc,
  ...extra,
});

const DISCOVERY = '/r/.well-known/openid-configuration';

async function keyPair() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' } };
}

const token = (issuer: string, privateKey: CryptoKey) =>
  new SignJWT({ tenant_id: 'acme', roles: [] })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject('u')
    .setIssuer(issuer)
    .setAudience('idp-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error as { code: string; details?: { reason?: string } };
  }
};

describe('OIDC provider hardening', () => {
  it('refuses an http issuer at start unless the development flag allows it', () => {
    expect(() => createOidcVerifier(options('http://idp.example/r', { allowHttp: false }))).toThrow(
      /not https/,
    );
    expect(() =>
      createOidcVerifier(options('https://idp.example/r', { allowHttp: false, jwksUri: 'http://k.example' })),
    ).toThrow(/IDP_OIDC_JWKS_URI/);
    expect(() => createOidcVerifier(options('https://idp.example/r', { allowHttp: false }))).not.toThrow();
  });

  it('refuses a discovery document whose jwks_uri is on another origin', async () => {
    const { privateKey, jwk } = await keyPair();
    const keys = await provider(() => [200, { keys: [jwk] }]);
    const idp = await provider((path, p) =>
      path === DISCOVERY ? [200, { issuer: p.issuer, jwks_uri: `${keys.origin}/jwks` }] : [404, {}],
    );
    const verify = createOidcVerifier(options(idp.issuer));
    const error = await failure(verify(await token(idp.issuer, privateKey)));
    expect(error?.code).toBe('SERVICE_UNAVAILABLE');
    expect(error?.details?.reason).toMatch(/origin/);
    expect(keys.hits['/jwks']).toBeUndefined();
  });

  it('accepts a pinned JWKS address on another origin', async () => {
    const { privateKey, jwk } = await keyPair();
    const keys = await provider(() => [200, { keys: [jwk] }]);
    const verify = createOidcVerifier(options('http://127.0.0.1:9/r', { jwksUri: `${keys.origin}/jwks` }));
    await expect(verify(await token('http://127.0.0.1:9/r', privateKey))).resolves.toMatchObject({
      tenant_id: 'acme',
    });
  });

  it('backs off after a failed discovery instead of retrying on every token', async () => {
    const { privateKey } = await keyPair();
    let up = false;
    const { jwk } = await keyPair();
    const idp = await provider((path, p) => {
      if (!up) return [500, {}];
      return path === DISCOVERY
        ? [200, { issuer: p.issuer, jwks_uri: `${p.issuer}/jwks` }]
        : [200, { keys: [jwk] }];
    });
    const verify = createOidcVerifier(options(idp.issuer));
    const t = await token(idp.issuer, privateKey);
    for (let i = 0; i < 20; i++) expect((await failure(verify(t)))?.code).toBe('SERVICE_UNAVAILABLE');
    expect(idp.hits[DISCOVERY]).toBe(1);
    up = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
    // The provider is back: the next token after the pause discovers again (its own signature fails,
    // as this key is not the published one, but as a 401, not an outage).
    expect((await failure(verify(t)))?.code).toBe('UNAUTHENTICATED');
    expect(idp.hits[DISCOVERY]).toBe(2);
  });

  it('backs off after a failed key-set fetch too', async () => {
    const { privateKey } = await keyPair();
    const idp = await provider((path, p) =>
      path === DISCOVERY ? [200, { issuer: p.issuer, jwks_uri: `${p.issuer}/jwks` }] : [503, {}],
    );
    const verify = createOidcVerifier(options(idp.issuer, { backoffMaxMs: 60_000 }));
    const t = await token(idp.issuer, privateKey);
    for (let i = 0; i < 10; i++) expect((await failure(verify(t)))?.code).toBe('SERVICE_UNAVAILABLE');
    expect(idp.hits['/r/jwks']).toBe(1);
  });
});
