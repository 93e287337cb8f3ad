// Liveness and readiness. Ready means: NATS is connected and every service the edge forwards to has
// at least one instance answering its ping subject.
import { RpcSubjects } from '@idp/contracts';
import { requestJson } from '@idp/nats';
import type { NatsConnection } from '@nats-io/transport-node';

export const REQUIRED_SERVICES = ['auth', 'platform'] as const;

export async function readiness(nc: NatsConnection, timeoutMs = 1_000) {
  const checks: Record<string, { status: 'up' | 'down'; error?: string }> = {};
  checks.nats = nc.isClosed() ? { status: 'down', error: 'connection closed' } : { status: 'up' };
  await Promise.all(
    REQUIRED_SERVICES.map(async (service) => {
      try {
        await requestJson(nc, RpcSubjects.ping(service), {}, { timeoutMs });
        checks[service] = { status: 'up' };
      } catch (error) {
        checks[service] = { status: 'down', error: (error as Error).message };
      }
    }),
  );
  const ready = Object.values(checks).every((c) => c.status === 'up');
  return { ready, checks };
}
