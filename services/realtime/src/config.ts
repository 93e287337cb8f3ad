// The realtime service's environment, read once at start.
import { CommonEnv, readEnv, TlsEnv } from '@idp/config';
import Type, { type Static } from 'typebox';

export const RealtimeEnv = Type.Object({
  ...CommonEnv,
  /** With both set, the listener serves WSS (and HTTPS probes). */
  ...TlsEnv,
  IDP_WS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  IDP_WS_HOST: Type.String({ default: '0.0.0.0' }),
  /** The edge's port, where it serves the console: that origin, on this endpoint's host, is allowed. */
  IDP_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** How long to wait for the auth service and the platform when checking a token or a topic. */
  IDP_REALTIME_RPC_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
});
export type RealtimeEnv = Static<typeof RealtimeEnv>;

export const readRealtimeEnv = (env?: Record<string, string | undefined>) => readEnv(RealtimeEnv, env);
