// Starts the auth service on an open NATS connection; main.ts and tests both use this.
import { type GatewayConfig, loadGatewayConfig } from '@idp/config';
import { ControlSubjects, type RevocationNotice, type RouteDef, Routes, RpcSubjects } from '@idp/contracts';
import { encodeJson, serveJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { RoleCatalogue } from '@idp/rbac';
import { Registry } from '@idp/service-kit';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApiKeys, type StoredApiKey } from './api-keys.js';
import { createAuthenticator } from './authenticate.js';
import type { AuthEnv } from './config.js';
import { credentialRoutes } from './credential-routes.js';
import { KvMirror, openCredentialBuckets } from './credential-store.js';
import { ExpiryNotifier } from './expiry-notices.js';
import { type GrantedCredential, type GrantorRights, Grantors } from './grantors.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { encryptionKeyFromEnv, importEncryptionKey } from './key-encryption.js';
import { createAuthMetrics } from './metrics.js';
import { loadNatsCredentialIssuer, natsCredentialsRoute } from './nats-credentials.js';
import { createOidcVerifier } from './oidc-verifier.js';
import { type RevokedToken, ServiceAccounts, type StoredServiceAccount } from './service-accounts.js';
import { loadSigningKey } from './signing-keys.js';
import { createTokenRouter, type TokenVerifier } from './token-router.js';

export const AUTH_QUEUE = 'auth';

/**
 * `gateway` is the parsed config/gateway.yaml (its `oidc:` mapping); when a caller passes none it is
 * read from IDP_CONFIG.
 */
export async function startAuthService(
  nc: NatsConnection,
  env: AuthEnv,
  roles: RoleCatalogue,
  logger: Logger,
  gateway?: Pick<GatewayConfig, 'oidc'>,
  /** Where the service's own metrics go (the probe port's registry); a throwaway one without. */
  registry: Registry = new Registry(),
) {
  const { oidc } = gateway ?? (await loadGatewayConfig(env.IDP_CONFIG));
  const encryption = encryptionKeyFromEnv(env);
  if (encryption.development)
    logger.warn(
      'IDP_AUTH_ENCRYPTION_KEY is not set: the signing key is stored under the development key (not for production)',
    );
  if (!env.IDP_JWT_SECRET)
    logger.info(
      'IDP_JWT_SECRET is not set: HS256 user tokens are off (OIDC, API keys and service accounts work)',
    );
  const buckets = await openCredentialBuckets(nc);
  const credentials = new KvMirror<StoredApiKey | StoredServiceAccount>(buckets.credentials, logger);
  const revoked = new KvMirror<RevokedToken>(buckets.revoked, logger);
  await Promise.all([credentials.start(), revoked.start()]);

  const grantors = new Grantors(credentials as KvMirror<GrantedCredential | GrantorRights>, roles);
  const apiKeys = new ApiKeys(credentials as KvMirror<StoredApiKey>, grantors, {
    maxTtlDays: env.IDP_API_KEY_MAX_TTL_DAYS,
    maxPerTenant: env.IDP_MAX_API_KEYS_PER_TENANT,
  });
  const expiryNotifier = new ExpiryNotifier({
    apiKeys,
    mirror: credentials as never,
    kv: buckets.credentials,
    nc,
    logger: logger.child({ component: 'expiry-notices' }),
    leadMs: env.IDP_CREDENTIAL_EXPIRY_NOTICE_DAYS * 86_400_000,
    intervalMs: env.IDP_CREDENTIAL_EXPIRY_CHECK_INTERVAL_MS,
  });
  const signingKey = await loadSigningKey(
    buckets.credentials,
    await importEncryptionKey(encryption.raw),
    logger,
  );
  const serviceAccounts = new ServiceAccounts(
    credentials as KvMirror<StoredServiceAccount>,
    revoked,
    signingKey,
    grantors,
    {
      issuer: env.IDP_SERVICE_TOKEN_ISSUER,
      audience: env.IDP_JWT_AUDIENCE,
      defaultTtlS: env.IDP_SERVICE_TOKEN_TTL_S,
      clockToleranceS: env.IDP_JWT_CLOCK_SKEW_S,
      maxTokenAgeS: env.IDP_JWT_MAX_AGE_S,
      maxPerTenant: env.IDP_MAX_SERVICE_ACCOUNTS_PER_TENANT,
    },
  );
  const announceRevocation = (notice: Omit<RevocationNotice, 'revoked_at'>) => {
    nc.publish(
      ControlSubjects.credentialRevoked,
      encodeJson({ ...notice, revoked_at: new Date().toISOString() }),
    );
    logger.info(notice, 'credential revoked');
  };
  const routeToken = createTokenRouter(tokenVerifiers(env, serviceAccounts, oidc));
  // A user's newer token may show fewer roles: what it created is narrowed, and caches drop it.
  const verifyBearer = async (token: string) => {
    const principal = await routeToken(token);
    void grantors
      .observe(principal)
      .then((changed) => {
        for (const c of changed) announceRevocation({ tenant_id: c.tenant_id, credential_id: c.id });
      })
      .catch((error) => logger.warn({ err: error }, 'could not record a grantor’s current rights'));
    return principal;
  };
  const natsCredentials = natsCredentialsRoute(await loadNatsCredentialIssuer(env), serviceAccounts);
  const metrics = createAuthMetrics(registry, { mirroredCredentials: () => credentials.size });
  const authenticate = metrics.counted(createAuthenticator(verifyBearer, (key) => apiKeys.authenticate(key)));

  const serve = (subject: string, handler: Parameters<typeof serveJson>[2]) =>
    serveJson(nc, subject, handler, { queue: AUTH_QUEUE, logger });
  const subscriptions = [
    serve(RpcSubjects.authenticate, async (body) => ({
      ok: true,
      status: 200,
      data: await authenticate(body),
    })),
    serve(RpcSubjects.jwks, () => ({ ok: true, status: 200, data: signingKey.jwks })),
    serve(RpcSubjects.ping('auth'), () => ({ ok: true, status: 200, data: { service: 'auth' } })),
    serve(RpcSubjects.route({ name: 'serviceAccounts.natsCredentials.create', service: 'auth' }), (body) =>
      natsCredentials(body as never),
    ),
    ...(Routes as readonly RouteDef[])
      .filter((route) => route.service === 'auth' && credentialRoutes[route.name])
      .map((route) =>
        serve(RpcSubjects.route(route), (body) =>
          credentialRoutes[route.name]!(body as never, {
            apiKeys,
            serviceAccounts,
            roles,
            announceRevocation,
          }),
        ),
      ),
  ];
  expiryNotifier.start();
  // The server knows our subscriptions once this round trip ends: a caller on another connection
  // that starts right after us is answered, not told "no responders".
  await nc.flush();
  return {
    expiryNotifier,
    stop: () => {
      for (const s of subscriptions) s.unsubscribe();
      void expiryNotifier.stop();
    },
  };
}

/** Issuer → the verifier its tokens must pass. HS256 only when IDP_JWT_SECRET is set on purpose. */
function tokenVerifiers(
  env: AuthEnv,
  serviceAccounts: ServiceAccounts,
  oidc: GatewayConfig['oidc'],
): Map<string, TokenVerifier> {
  const clockToleranceS = env.IDP_JWT_CLOCK_SKEW_S;
  const maxTokenAgeS = env.IDP_JWT_MAX_AGE_S;
  const verifiers = new Map<string, TokenVerifier>([
    [env.IDP_SERVICE_TOKEN_ISSUER, (token) => serviceAccounts.authenticate(token)],
  ]);
  if (env.IDP_JWT_SECRET) {
    verifiers.set(
      env.IDP_JWT_ISSUER,
      createJwtVerifier({
        secret: env.IDP_JWT_SECRET,
        issuer: env.IDP_JWT_ISSUER,
        audience: env.IDP_JWT_AUDIENCE,
        clockToleranceS,
        maxTokenAgeS,
      }),
    );
  }
  if (env.IDP_OIDC_ISSUER) {
    verifiers.set(
      env.IDP_OIDC_ISSUER,
      createOidcVerifier({
        issuer: env.IDP_OIDC_ISSUER,
        audience: env.IDP_OIDC_AUDIENCE ?? env.IDP_JWT_AUDIENCE,
        clockToleranceS,
        maxTokenAgeS,
        jwksCooldownMs: env.IDP_OIDC_JWKS_COOLDOWN_MS,
        allowHttp: env.IDP_OIDC_ALLOW_HTTP,
        ...(env.IDP_OIDC_JWKS_URI ? { jwksUri: env.IDP_OIDC_JWKS_URI } : {}),
        backoffMaxMs: env.IDP_OIDC_BACKOFF_MAX_MS,
        mapping: oidc,
      }),
    );
  }
  return verifiers;
}
