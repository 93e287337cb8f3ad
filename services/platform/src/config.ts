// The platform's environment: common keys, how long simulated stages take, how operations are retried,
// and how resources' health is checked.
import { CommonEnv, readEnv } from '@idp/config';
import Type, { type Static } from 'typebox';

export const PlatformEnv = Type.Object({
  ...CommonEnv,
  /** How long each simulated stage of an operation takes. */
  IDP_OPERATION_STAGE_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 2000 }),
  /** How long a runner may stay silent on a work item before another instance gets it. */
  IDP_OPERATION_ACK_WAIT_MS: Type.Integer({ minimum: 500, maximum: 600_000, default: 10_000 }),
  /** Runs of one operation (first run plus resumes after crashes) before it is failed. */
  IDP_OPERATION_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Operations one instance runs at the same time. */
  IDP_OPERATION_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
  /** Longest wait for the read model to catch up before a request answers 503. */
  IDP_READ_BARRIER_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  /** How often each provisioned resource's (simulated) health is checked; 0 turns the monitor off. */
  IDP_HEALTH_CHECK_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 30_000 }),
  /** Share of simulated health checks that fail (0 never, 1 always); tests set it. */
  IDP_HEALTH_CHECK_FAILURE_RATE: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  /** Callers of this tenant with `metrics:read` tenant-wide see every instance's id and load on /status. */
  IDP_STATUS_OPERATOR_TENANT: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type PlatformEnv = Static<typeof PlatformEnv>;

export function readPlatformEnv(env: Record<string, string | undefined> = process.env): PlatformEnv {
  return readEnv(PlatformEnv, env);
}
