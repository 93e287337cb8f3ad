// The ratelimit service's environment, read once at start.
import { CommonEnv, readEnv } from '@idp/config';
import Type, { type Static } from 'typebox';

export const RateLimitEnv = Type.Object({
  ...CommonEnv,
  /** Quiet time after the last change to the config file before it is re-read (editors write twice). */
  IDP_RATELIMIT_RELOAD_DEBOUNCE_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 200 }),
  /** How often the current config is re-announced, so an edge that missed a notice converges. */
  IDP_RATELIMIT_ANNOUNCE_MS: Type.Integer({ minimum: 1_000, maximum: 600_000, default: 30_000 }),
});
export type RateLimitEnv = Static<typeof RateLimitEnv>;

export const readRateLimitEnv = (env?: Record<string, string | undefined>) => readEnv(RateLimitEnv, env);
