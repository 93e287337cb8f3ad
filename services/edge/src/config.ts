// The edge's environment, read once at start; the gateway YAML is loaded beside it.
import { CommonEnv, readEnv, TlsEnv } from '@idp/config';
import Type, { type Static } from 'typebox';
import { ConsoleEnv } from './console/config.js';

export const EdgeEnv = Type.Object({
  ...CommonEnv,
  /** With both set, the REST listener serves HTTPS. */
  ...TlsEnv,
  /** The web console's files and where it finds realtime (console/config.ts). */
  ...ConsoleEnv,
  IDP_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  IDP_HTTP_HOST: Type.String({ default: '0.0.0.0' }),
  /** How long a positive authentication decision is reused without asking the auth service. */
  IDP_AUTH_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 300_000, default: 30_000 }),
});
export type EdgeEnv = Static<typeof EdgeEnv>;

export const readEdgeEnv = (env?: Record<string, string | undefined>) => readEnv(EdgeEnv, env);
