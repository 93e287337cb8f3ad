// The libraries from a Deno program: examples/deno-publisher, run under Deno with the permissions
// tools/deno/permissions.mjs gives it, publishes a tenant's event with that tenant's NATS credentials,
// and a WebSocket client of the tenant receives it. In the Deno lane (`npm run test:deno`) the
// services themselves run under Deno, which the first test checks from the processes themselves.
import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { RealtimeClient } from '@idp/client';
import type { EventMessage } from '@idp/contracts';
import { denoCommand } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { adminToken, apiClient, type System, startSystem, testRuntime } from './system.js';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples', 'deno-publisher');
let system: System;
let token: string;
let appId: string;
let dir: string;
let credsFile: string;

beforeAll(async () => {
  system = await startSystem();
  token = await adminToken('acme');
  const acme = apiClient(system.baseUrl, token);
  const team = (await acme.post('/teams', { name: 'web' })).body.data.id;
  appId = (await acme.post('/applications', { name: 'storefront', team_id: team })).body.data.id;
  dir = await mkdtemp(join(tmpdir(), 'idp-deno-publisher-'));
  credsFile = join(dir, 'acme.creds');
  await writeFile(credsFile, await system.nats.tenantCreds('acme'), { mode: 0o600 });
});
afterAll(async () => {
  await system?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `deno run` of the example with its own permissions (bounded: 30 s). */
async function publish(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const own = { NATS_URL: system.nats.url, NATS_CREDS: credsFile, ...env };
  const deno = await denoCommand(join(example, 'main.ts'), own, example);
  return new Promise((resolve) => {
    execFile(
      deno.command,
      [...deno.args, ...args],
      { cwd: example, env: { ...process.env, ...own, NO_COLOR: '1' }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('a Deno program as a tenant’s backend', () => {
  it('runs next to services on the lane’s runtime', () => {
    const expected = testRuntime() === 'deno' ? 'deno' : basename(process.execPath);
    for (const service of Object.values(system.services)) {
      expect(basename(readlinkSync(`/proc/${service.pid}/exe`)), service.name).toBe(expected);
    }
  });

  it('publishes an event that reaches the tenant’s WebSocket client', async () => {
    const rt = new RealtimeClient({ url: system.wsUrl, token, WebSocket: WebSocket as never });
    const events = rt.events(`application:${appId}:status`);
    // The subscription is live before the event is published.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await publish([
      ...['--tenant', 'acme', '--topic', `application:${appId}:status`],
      ...['--event', 'build_finished', '--data', '{"commit":"abc123"}'],
    ]);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    const ack = JSON.parse(run.stdout) as { stream: string; seq: number };
    const first = (await events.next()).value as EventMessage;
    rt.close();
    expect(first).toMatchObject({ event: 'build_finished', data: { commit: 'abc123' }, seq: ack.seq });
  });

  it('cannot publish as another tenant with these credentials', async () => {
    const run = await publish([
      '--tenant',
      'globex',
      '--topic',
      `application:${appId}:status`,
      '--event',
      'x',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/publish refused: .*permission/i);
  });

  it('names a bad argument instead of publishing', async () => {
    const run = await publish(['--tenant', 'acme', '--topic', 'nonsense', '--event', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--topic 'nonsense' is not kind:id:channel");
  });
});
