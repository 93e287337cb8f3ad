// Who is calling: the token claims and the principal the auth service derives from any credential.
import Type, { type Static } from 'typebox';

/** `tenant:<id>` or `team:<id>`: where a role binding applies. */
export const Scope = Type.String({ pattern: '^(tenant|team):[A-Za-z0-9_.-]{1,64}$' });
export type Scope = Static<typeof Scope>;

/** `resource:action` or `resource:type:action` (spec §5.2); `*` matches any one segment. */
export const PERMISSION_PATTERN = '^(\\*|[a-z][a-z_-]*)(:(\\*|[a-z][a-z_-]*)){1,2}$';
export const Permission = Type.String({ pattern: PERMISSION_PATTERN });

export const RoleBinding = Type.Object(
  { role: Type.String({ minLength: 1, maxLength: 64 }), scope: Scope },
  { additionalProperties: false },
);
export type RoleBinding = Static<typeof RoleBinding>;

export const CredentialKind = Type.Union([
  Type.Literal('jwt'),
  Type.Literal('api_key'),
  Type.Literal('service_account'),
]);
export type CredentialKind = Static<typeof CredentialKind>;

/** The authenticated caller, as every service sees it. The tenant always comes from here, never from a request. */
export const Principal = Type.Object({
  sub: Type.String({ minLength: 1 }),
  tenant_id: Type.String({ minLength: 1 }),
  roles: Type.Array(RoleBinding),
  credential: CredentialKind,
  /** Unix seconds after which the credential is no longer valid (caches must not outlive it). */
  expires_at: Type.Optional(Type.Integer()),
  /** A token's `iat` (Unix seconds): orders what is learnt about a user's rights from its tokens. */
  issued_at: Type.Optional(Type.Integer()),
  email: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  /** The API key or service account behind the call, so caches can drop it when it is revoked. */
  credential_id: Type.Optional(Type.String()),
  /** A service-account token's `jti`, revocable on its own. */
  token_id: Type.Optional(Type.String()),
});
export type Principal = Static<typeof Principal>;

/** The claims the platform's JWTs carry (design.md §4). */
export const TokenClaims = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 128 }),
  tenant_id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  roles: Type.Array(RoleBinding, { maxItems: 64 }),
  exp: Type.Integer(),
  iat: Type.Integer(),
  email: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
});
export type TokenClaims = Static<typeof TokenClaims>;

/** Development signing defaults. Services refuse to start on DEV_JWT_SECRET when NODE_ENV=production. */
export const DEV_JWT_SECRET = 'idp-dev-secret-do-not-use-in-production';
export const DEFAULT_JWT_ISSUER = 'idp-dev';
export const DEFAULT_JWT_AUDIENCE = 'idp-api';

/** Request/reply body of the auth service's authenticate subject. */
export const AuthenticateRequest = Type.Object({
  bearer: Type.Optional(Type.String()),
  api_key: Type.Optional(Type.String()),
});
export type AuthenticateRequest = Static<typeof AuthenticateRequest>;
