// API keys and service accounts (spec §5.1): issued and revoked through the API, scoped to one tenant.
import Type, { type Static } from 'typebox';
import { RoleBinding } from './auth.js';
import { Description, Id, Name, Timestamp } from './common.js';

/** The visible start of every API key, so leaked keys are recognisable (and scannable) as ours. */
export const API_KEY_PREFIX = 'idpk_';

const Bindings = Type.Array(RoleBinding, { minItems: 1, maxItems: 32 });

export const ApiKey = Type.Object({
  id: Id,
  tenant_id: Id,
  name: Name,
  /** The first characters of the key, for recognising it in lists; never enough to use it. */
  key_prefix: Type.String(),
  roles: Bindings,
  expires_at: Type.Union([Timestamp, Type.Null()]),
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  created_by: Type.String(),
  created_at: Timestamp,
});
export type ApiKey = Static<typeof ApiKey>;

export const CreateApiKeyBody = Type.Object(
  { name: Name, roles: Bindings, expires_at: Type.Optional(Timestamp) },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

/** Answered once, at creation: the only time the key itself is shown. */
export const CreatedApiKey = Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]);

export const ServiceAccount = Type.Object({
  id: Id,
  tenant_id: Id,
  name: Name,
  description: Type.String(),
  roles: Bindings,
  created_by: Type.String(),
  created_at: Timestamp,
});
export type ServiceAccount = Static<typeof ServiceAccount>;

export const CreateServiceAccountBody = Type.Object(
  { name: Name, description: Type.Optional(Description), roles: Bindings },
  { additionalProperties: false },
);
export type CreateServiceAccountBody = Static<typeof CreateServiceAccountBody>;

export const MAX_SERVICE_ACCOUNT_TOKEN_TTL_S = 3600;

export const IssueTokenBody = Type.Object(
  { ttl_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_SERVICE_ACCOUNT_TOKEN_TTL_S })) },
  { additionalProperties: false },
);
export type IssueTokenBody = Static<typeof IssueTokenBody>;

export const IssuedToken = Type.Object({
  token: Type.String(),
  token_id: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_at: Timestamp,
});
export type IssuedToken = Static<typeof IssuedToken>;

/** Published by the auth service when a credential stops being valid; holders of caches drop it. */
export const RevocationNotice = Type.Object({
  tenant_id: Type.String(),
  /** An API key's id or a service account's id. */
  credential_id: Type.Optional(Type.String()),
  /** One service-account token (its `jti`). */
  token_id: Type.Optional(Type.String()),
  revoked_at: Timestamp,
});
export type RevocationNotice = Static<typeof RevocationNotice>;

/** NATS-native publisher credentials (design.md §9): 24 h unless asked otherwise, at most 30 days. */
export const MAX_NATS_CREDENTIALS_TTL_S = 30 * 24 * 60 * 60;

export const IssueNatsCredentialsBody = Type.Object(
  { ttl_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_NATS_CREDENTIALS_TTL_S })) },
  { additionalProperties: false },
);
export type IssueNatsCredentialsBody = Static<typeof IssueNatsCredentialsBody>;

export const IssuedNatsCredentials = Type.Object({
  /** A NATS `.creds` file: the user JWT and its nkey seed. Shown once. */
  creds: Type.String(),
  expires_at: Timestamp,
  /** The only subjects it may publish to: `idp.evt.<tenant>.>`. */
  publish_subject: Type.String(),
  /** The inbox prefix the publisher must connect with (`inboxPrefix`), to receive JetStream acks. */
  inbox_prefix: Type.String(),
});
export type IssuedNatsCredentials = Static<typeof IssuedNatsCredentials>;
