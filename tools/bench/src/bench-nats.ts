// The NATS side every benchmark shares, in the production shape of design.md §9: an operator-mode
// nats-server, the setup step run once before any service (services create no streams or buckets),
// each service process with its own credentials, and the bench's own connection (and the floor
// fixtures') as the `test` user, so the system and its floors pay the same server-side checks.
import { connectNats } from '@idp/nats';
import type { Logger } from '@idp/observability';
import { type NatsServerHandle, runOnce, SETUP_ENTRY, startNatsServer } from '@idp/testing';

export type BenchNats = NatsServerHandle;

/**
 * Starts an operator-mode nats-server and runs the setup step against it with the gateway config the
 * services will use (it sets the retention of IDP_EVENTS).
 */
export async function startBenchNats(configPath: string): Promise<BenchNats> {
  const nats = await startNatsServer();
  try {
    await runOnce(SETUP_ENTRY, { ...nats.envFor('setup'), IDP_CONFIG: configPath, LOG_LEVEL: 'warn' });
  } catch (error) {
    await nats.cleanup();
    throw error;
  }
  return nats;
}

/** The benchmark's own connection: the `test` user, which may publish and subscribe anything. */
export const connectBench = (nats: BenchNats, logger: Logger) =>
  connectNats({ servers: nats.url, name: 'bench', logger, ...nats.as('test') });

/**
 * Stops the server and deletes its store, after reporting any permission violation it logged: a
 * benchmark whose system was refused something measured failures, not the system.
 */
export async function stopBenchNats(nats: BenchNats): Promise<void> {
  const violations = nats.permissionViolations();
  await nats.cleanup();
  if (violations.length)
    process.stderr.write(
      `bench: nats-server logged ${violations.length} permission violation(s):\n${violations.slice(0, 10).join('\n')}\n`,
    );
}
