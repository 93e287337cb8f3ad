// The auth service's environment, read once at start.
import { CommonEnv, JwtEnv, readEnv } from '@idp/config';
import Type, { type Static } from 'typebox';

export const AuthEnv = Type.Object({
  ...CommonEnv,
  ...JwtEnv,
  /** Seconds of clock difference tolerated on `exp` and `nbf`. */
  IDP_JWT_CLOCK_SKEW_S: Type.Integer({ minimum: 0, maximum: 300, default: 30 }),
});
export type AuthEnv = Static<typeof AuthEnv>;

export const readAuthEnv = (env?: Record<string, string | undefined>) => readEnv(AuthEnv, env);
