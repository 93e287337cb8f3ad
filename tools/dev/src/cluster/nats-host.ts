// The local cluster's three nats-server processes, held by a process of their own: `npm run cluster`
// starts it in its own process group, so a terminal's Ctrl-C reaches the services (they drain against a
// live NATS) but not the servers. It reports the cluster's URLs and credentials over its IPC channel and
// stops the servers when that channel closes: when the runner asks, or when the runner has died.
// Usage (by local-cluster.ts only): nats-host.ts <NATS setup directory>
import { startNatsCluster } from '@idp/testing';
import { SERVICES } from './plan.js';

/** What the host reports once the cluster takes connections. */
export interface NatsHostReady {
  type: 'ready';
  url: string;
  /** Each service user's (and `setup`'s) `.creds` file. */
  creds: Record<string, string>;
}

const setupDir = process.argv[2];
if (!setupDir || !process.send) {
  process.stderr.write('nats-host.ts is started by `npm run cluster` with an IPC channel and a setup dir\n');
  process.exit(2);
}

const cluster = await startNatsCluster({ size: 3, setupDir });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await cluster.cleanup();
  process.exit(0);
};
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
const users = [...SERVICES, 'setup'] as const;
const ready: NatsHostReady = {
  type: 'ready',
  url: cluster.url,
  creds: Object.fromEntries(users.map((user) => [user, cluster.envFor(user).NATS_CREDS ?? ''])),
};
// The runner may have gone while the servers started.
if (process.connected) process.send?.(ready);
else await stop();
