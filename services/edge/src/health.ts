// Liveness and readiness. Ready means: NATS is connected and every service the edge forwards to has
// at least one instance answering its ping subject. The public listener answers only `{ready}`; the
// details (which service is down, and why) are for the probe port (IDP_HEALTH_PORT).
import { RpcSubjects } from '@idp/contracts';
import { requestJson } from '@idp/nats';
import type { NatsConnection } from '@nats-io/transport-node';

export const REQUIRED_SERVICES = ['auth', 'platform'] as const;
const PINGS_PER_SERVICE = 3;

export interface Readiness {
  ready: boolean;
  checks: Record<string, { status: 'up' | 'down'; error?: string }>;
}

export async function readiness(nc: NatsConnection, timeoutMs = 1_000): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  checks.nats = nc.isClosed() ? { status: 'down', error: 'connection closed' } : { status: 'up' };
  await Promise.all(
    REQUIRED_SERVICES.map(async (service) => {
      try {
        // The queue group hands each ping to one instance: one busy instance (starting, or on a loaded
        // node) must not make the edge unready while another answers, so a few go out at once and the
        // first answer counts. Seen in a rolling restart: both edges unready for 10 s.
        await Promise.any(
          Array.from({ length: PINGS_PER_SERVICE }, () =>
            requestJson(nc, RpcSubjects.ping(service), {}, { timeoutMs }),
          ),
        );
        checks[service] = { status: 'up' };
      } catch (error) {
        const cause = error instanceof AggregateError ? error.errors[0] : error;
        checks[service] = { status: 'down', error: (cause as Error).message };
      }
    }),
  );
  const ready = Object.values(checks).every((c) => c.status === 'up');
  return { ready, checks };
}

/**
 * Readiness reused for `cacheMs` and shared by concurrent callers, so a flood of `GET /readyz`
 * (public, answered before authentication) costs at most one round of pings per interval.
 */
export function createReadinessCheck(
  probe: () => Promise<Readiness>,
  cacheMs = 1_000,
): () => Promise<Readiness> {
  let last: { at: number; result: Readiness } | undefined;
  let inFlight: Promise<Readiness> | undefined;
  return () => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.result);
    inFlight ??= probe()
      .then((result) => {
        last = { at: Date.now(), result };
        return result;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
