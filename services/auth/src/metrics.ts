// The auth service's own Prometheus numbers: every authenticate request by credential kind and
// outcome (with the refusal's reason code), its latency, and the size of the in-memory credential
// mirror that answers API-key and service-account checks without a NATS round trip.
import type { AuthenticateRequest, Principal } from '@idp/contracts';
import { Counter, Gauge, Histogram, type Registry } from '@idp/service-kit';

/** Refusal reasons are short snake_case codes of ours (`expired`, `invalid_iss`); anything else is folded. */
const REASON = /^[a-z_]{1,32}$/;

function outcomeOf(error: unknown): { outcome: string; reason: string } {
  const apiError = error as { code?: unknown; details?: { reason?: unknown } };
  const reason = apiError?.details?.reason;
  const bounded = typeof reason === 'string' && REASON.test(reason) ? reason : 'other';
  if (apiError?.code === 'UNAUTHENTICATED' || apiError?.code === 'FORBIDDEN') {
    return { outcome: 'refused', reason: bounded };
  }
  if (apiError?.code === 'VALIDATION_ERROR') return { outcome: 'refused', reason: 'malformed_request' };
  if (apiError?.code === 'SERVICE_UNAVAILABLE') return { outcome: 'unavailable', reason: bounded };
  return { outcome: 'error', reason: 'other' };
}

/** What was presented: decided from the request alone, so refusals are counted by kind too. */
function presented(body: unknown): string {
  const request = (body ?? {}) as AuthenticateRequest;
  if (typeof request.bearer === 'string') return 'bearer';
  if (typeof request.api_key === 'string') return 'api_key';
  return 'none';
}

export interface AuthMetricsSources {
  /** Entries in the in-memory mirror of the credentials bucket. */
  mirroredCredentials(): number;
}

export function createAuthMetrics(registry: Registry, sources: AuthMetricsSources) {
  const authentications = new Counter({
    name: 'idp_auth_authentications_total',
    help: 'Authenticate requests by what was presented (bearer, api_key, none), outcome and reason',
    labelNames: ['presented', 'credential', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'idp_auth_authentication_duration_seconds',
    help: 'Time to verify one credential, by what was presented',
    labelNames: ['presented'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'idp_auth_credential_mirror_entries',
    help: 'API keys, service accounts and grantor records held in memory (mirrored from JetStream KV)',
    registers: [registry],
    collect() {
      this.set(sources.mirroredCredentials());
    },
  });

  return {
    /** Wraps the authenticate handler so each call is counted and timed. */
    counted(authenticate: (body: unknown) => Promise<Principal>) {
      return async (body: unknown): Promise<Principal> => {
        const kind = presented(body);
        const started = performance.now();
        try {
          const principal = await authenticate(body);
          authentications.inc({
            presented: kind,
            credential: principal.credential,
            outcome: 'ok',
            reason: '',
          });
          return principal;
        } catch (error) {
          authentications.inc({ presented: kind, credential: '', ...outcomeOf(error) });
          throw error;
        } finally {
          duration.observe({ presented: kind }, (performance.now() - started) / 1000);
        }
      };
    },
  };
}
export type AuthMetrics = ReturnType<typeof createAuthMetrics>;
