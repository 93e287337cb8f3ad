// Mints development JWTs the way a real issuer would, including the bad ones tests must see refused.
import { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, type RoleBinding } from '@idp/contracts';
import { SignJWT } from 'jose';

export interface MintTokenOptions {
  sub: string;
  tenant: string;
  /** Default: admin of the tenant. */
  roles?: RoleBinding[];
  secret?: string;
  issuer?: string;
  audience?: string;
  /** Default 3600; negative gives an already expired token. */
  expiresInSeconds?: number;
  notBeforeSeconds?: number;
  alg?: 'HS256' | 'none';
  /** Merged over the standard claims; `undefined` removes one. */
  extraClaims?: Record<string, unknown>;
}

export async function mintToken(options: MintTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: options.sub,
    tenant_id: options.tenant,
    roles: options.roles ?? [{ role: 'admin', scope: `tenant:${options.tenant}` }],
    iss: options.issuer ?? DEFAULT_JWT_ISSUER,
    aud: options.audience ?? DEFAULT_JWT_AUDIENCE,
    iat: now,
    exp: now + (options.expiresInSeconds ?? 3600),
    ...(options.notBeforeSeconds ? { nbf: now + options.notBeforeSeconds } : {}),
    ...options.extraClaims,
  };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];

  if (options.alg === 'none') {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? DEV_JWT_SECRET));
}
