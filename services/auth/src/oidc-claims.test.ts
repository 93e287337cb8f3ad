import { parseGatewayConfig } from '@idp/config';
import { describe, expect, it } from 'vitest';
import { principalFromOidcClaims, readClaim } from './oidc-claims.js';

const mapping = (yaml: string) => parseGatewayConfig(`oidc:\n${yaml}`).oidc;
const reason = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    expect((error as { code: string }).code).toBe('UNAUTHENTICATED');
    return (error as { details: { reason: string } }).details.reason;
  }
};

describe('OIDC claim mapping', () => {
  it('reads literal (URL-named) claims before dot paths', () => {
    const claims = { 'https://idp.example/tenant': 'acme', org: { tenant: 'globex' } };
    expect(readClaim(claims, 'https://idp.example/tenant')).toBe('acme');
    expect(readClaim(claims, 'org.tenant')).toBe('globex');
    expect(readClaim(claims, 'org.missing.deeper')).toBeUndefined();
  });

  it('uses configured claim paths for the subject and the tenant', () => {
    const m = mapping('  subject_claim: oid\n  tenant_claim: org.tenant\n');
    const principal = principalFromOidcClaims(
      { sub: 'ignored', oid: 'user-42', org: { tenant: 'acme' }, iat: 1, exp: 2 },
      m,
    );
    expect(principal).toMatchObject({ sub: 'user-42', tenant_id: 'acme', roles: [], issued_at: 1 });
  });

  it('maps app roles of the roles claim like groups (Azure AD style)', () => {
    const m = mapping(
      '  groups:\n    Platform.Admin: { tenant: acme, roles: [{ role: admin, scope: "tenant:acme" }] }\n',
    );
    expect(principalFromOidcClaims({ sub: 'u', roles: ['Platform.Admin'] }, m)).toMatchObject({
      tenant_id: 'acme',
      roles: [{ role: 'admin', scope: 'tenant:acme' }],
    });
  });

  it('refuses a missing subject, a malformed tenant and a token that maps to no tenant', () => {
    const m = mapping('  groups: {}\n');
    expect(reason(() => principalFromOidcClaims({ tenant_id: 'acme' }, m))).toBe('invalid_claims');
    expect(reason(() => principalFromOidcClaims({ sub: 'u', tenant_id: 'acme.>' }, m))).toBe(
      'invalid_claims',
    );
    expect(reason(() => principalFromOidcClaims({ sub: 'u', groups: ['admins'] }, m))).toBe('no_tenant');
  });

  it('drops role bindings of another tenant from the token', () => {
    const principal = principalFromOidcClaims(
      {
        sub: 'u',
        tenant_id: 'acme',
        roles: [
          { role: 'admin', scope: 'tenant:globex' },
          { role: 'viewer', scope: 'tenant:acme' },
        ],
      },
      mapping('  groups: {}\n'),
    );
    expect(principal.roles).toEqual([{ role: 'viewer', scope: 'tenant:acme' }]);
  });

  it('refuses at start a group whose bindings name another tenant', () => {
    expect(() =>
      mapping('  groups:\n    g: { tenant: acme, roles: [{ role: admin, scope: "tenant:globex" }] }\n'),
    ).toThrow(/oidc\.groups\.g/);
  });
});
