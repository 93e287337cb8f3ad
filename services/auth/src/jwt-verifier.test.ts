import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEV_JWT_SECRET } from '@idp/contracts';
import { mintToken } from '@idp/testing';
import { describe, expect, it } from 'vitest';
import { createJwtVerifier } from './jwt-verifier.js';

const verify = createJwtVerifier({
  secret: DEV_JWT_SECRET,
  issuer: DEFAULT_JWT_ISSUER,
  audience: DEFAULT_JWT_AUDIENCE,
  clockToleranceS: 5,
  maxTokenAgeS: 3600,
});

async function reasonFor(token: string): Promise<unknown> {
  try {
    await verify(token);
    return 'accepted';
  } catch (error) {
    expect((error as { code: string }).code).toBe('UNAUTHENTICATED');
    return (error as { details: { reason: string } }).details.reason;
  }
}

describe('JWT verification', () => {
  it('turns valid claims into a principal', async () => {
    const token = await mintToken({
      sub: 'alice',
      tenant: 'acme',
      roles: [{ role: 'developer', scope: 'team:web' }],
    });
    const principal = await verify(token);
    expect(principal).toMatchObject({
      sub: 'alice',
      tenant_id: 'acme',
      credential: 'jwt',
      roles: [{ role: 'developer', scope: 'team:web' }],
    });
    expect(principal.expires_at).toBeGreaterThan(Date.now() / 1000);
  });

  it.each([
    ['expired', { expiresInSeconds: -60 }, 'expired'],
    ['not yet valid', { notBeforeSeconds: 120 }, 'not_yet_valid'],
    ['from another issuer', { issuer: 'evil' }, 'invalid_iss'],
    ['for another audience', { audience: 'evil' }, 'invalid_aud'],
    ['signed with another secret', { secret: 'x'.repeat(32) }, 'bad_signature'],
    ['unsigned (alg none)', { alg: 'none' as const }, 'algorithm_not_allowed'],
  ])('refuses a token %s', async (_label, options, reason) => {
    expect(await reasonFor(await mintToken({ sub: 'alice', tenant: 'acme', ...options }))).toBe(reason);
  });

  it('refuses a token without iat, or older than the maximum age even though it has not expired', async () => {
    expect(
      await reasonFor(await mintToken({ sub: 'alice', tenant: 'acme', extraClaims: { iat: undefined } })),
    ).toBe('missing_iat');
    const now = Math.floor(Date.now() / 1000);
    const old = await mintToken({
      sub: 'alice',
      tenant: 'acme',
      expiresInSeconds: 365 * 86_400,
      extraClaims: { iat: now - 2 * 3600 },
    });
    expect(await reasonFor(old)).toBe('too_old');
    const future = await mintToken({ sub: 'alice', tenant: 'acme', extraClaims: { iat: now + 600 } });
    expect(await reasonFor(future)).toBe('invalid_iat');
  });

  it('tolerates the configured clock skew', async () => {
    expect(await reasonFor(await mintToken({ sub: 'alice', tenant: 'acme', expiresInSeconds: -2 }))).toBe(
      'accepted',
    );
  });

  it.each([
    ['no tenant_id', { tenant_id: undefined }],
    ['a malformed role scope', { roles: [{ role: 'admin', scope: 'galaxy:all' }] }],
    ['roles that are not a list', { roles: 'admin' }],
    ['a tenant with subject wildcards', { tenant_id: 'acme.>' }],
  ])('refuses claims with %s', async (_label, extraClaims) => {
    expect(await reasonFor(await mintToken({ sub: 'alice', tenant: 'acme', extraClaims }))).toBe(
      'invalid_claims',
    );
  });

  it('refuses garbage', async () => {
    expect(await reasonFor('a.b.c')).toBe('malformed');
    expect(await reasonFor('')).toBe('malformed');
  });
});
