// The system that `npm run containers:up` started (tools/containers), as these tests see it: its URLs
// from the state file it wrote, tokens signed with its auth container's secret, and podman to kill and
// restart its containers.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { mintToken } from '@idp/testing';

const STATE_FILE =
  process.env.IDP_CONTAINERS_STATE ??
  new URL('../../.cache/containers/system/state.json', import.meta.url).pathname;

export interface RunningSystem {
  baseUrl: string;
  wsUrl: string;
  probeUrls: Record<string, string>;
  containers: Record<string, string>;
  jwtSecretFile: string;
}

export function runningSystem(): RunningSystem {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as RunningSystem;
  } catch (error) {
    throw new Error(
      `no system from containers:up (${STATE_FILE}: ${(error as Error).message}); run npm run containers:up`,
    );
  }
}

export const containerToken = (system: RunningSystem, tenant: string) =>
  mintToken({ sub: `${tenant}-admin`, tenant, secret: readFileSync(system.jwtSecretFile, 'utf8').trim() });

const exec = promisify(execFile);
const CONTAINERS_CONF = new URL('../../tools/containers/containers.conf', import.meta.url).pathname;

/** `podman <args>` with the project's settings; its stdout. */
export async function podman(...args: string[]): Promise<string> {
  const { stdout } = await exec('podman', args, {
    env: { ...process.env, CONTAINERS_CONF },
    timeout: 60_000,
  });
  return stdout.trim();
}

/** Polls `url` until it answers 200 (bounded). */
export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

const RUN = Math.random().toString(36).slice(2, 8);
/** A name of this run: the system outlives a test run, and names of teams and applications are unique. */
export const unique = (name: string) => `${name}-${RUN}`;
