// Starts the auth service on an open NATS connection; main.ts and tests both use this.
import { RpcSubjects } from '@idp/contracts';
import { serveJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { NatsConnection } from '@nats-io/transport-node';
import { createAuthenticator } from './authenticate.js';
import type { AuthEnv } from './config.js';
import { createJwtVerifier } from './jwt-verifier.js';

export const AUTH_QUEUE = 'auth';

export function startAuthService(nc: NatsConnection, env: AuthEnv, logger: Logger) {
  const authenticate = createAuthenticator(
    createJwtVerifier({
      secret: env.IDP_JWT_SECRET,
      issuer: env.IDP_JWT_ISSUER,
      audience: env.IDP_JWT_AUDIENCE,
      clockToleranceS: env.IDP_JWT_CLOCK_SKEW_S,
    }),
  );
  const subscriptions = [
    serveJson(
      nc,
      RpcSubjects.authenticate,
      async (body) => ({ ok: true, status: 200, data: await authenticate(body) }),
      {
        queue: AUTH_QUEUE,
        logger,
      },
    ),
    serveJson(nc, RpcSubjects.ping('auth'), () => ({ ok: true, status: 200, data: { service: 'auth' } }), {
      queue: AUTH_QUEUE,
      logger,
    }),
  ];
  return {
    stop: () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
