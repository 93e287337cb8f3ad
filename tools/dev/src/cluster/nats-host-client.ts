// The runner's side of nats-host.ts: starts the host in its own process group and waits, bounded, for
// its report of the cluster's URLs and credentials; a host that dies first fails the start with its
// last lines (nats-server's own complaint among them).
import { join } from 'node:path';
import type { NatsHostReady } from './nats-host.js';
import type { NatsEnv } from './plan.js';
import { StartFailure } from './readiness.js';
import type { ProcessSpec, RunningProcess } from './service-process.js';

export interface NatsHost {
  process: RunningProcess;
  /** Every server's URL, comma-separated, as NATS_URL takes them. */
  url: string;
  env: NatsEnv;
}

const NATS_READY_TIMEOUT_MS = 45_000;

export async function startNatsHost(
  spawn: (spec: Omit<ProcessSpec, 'cwd'>) => RunningProcess,
  setupDir: string,
  env: Record<string, string>,
): Promise<NatsHost> {
  const host = spawn({
    name: 'nats',
    entry: join('tools', 'dev', 'src', 'cluster', 'nats-host.ts'),
    args: [setupDir],
    env,
    ownGroup: true,
  });
  const report = await firstReport(host);
  return {
    process: host,
    url: report.url,
    env: (user) => ({ NATS_URL: report.url, NATS_CREDS: report.creds[user]! }),
  };
}

function firstReport(host: RunningProcess): Promise<NatsHostReady> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new StartFailure(
            host.name,
            `did not report a ready cluster within ${NATS_READY_TIMEOUT_MS / 1000} s`,
            host.lastLines(),
          ),
        ),
      NATS_READY_TIMEOUT_MS,
    );
    host.child.once('message', (message: NatsHostReady) => {
      clearTimeout(timer);
      resolve(message);
    });
    void host.ended.then((how) => {
      clearTimeout(timer);
      reject(new StartFailure(host.name, `exited (${how}) before the cluster was ready`, host.lastLines()));
    });
  });
}
