// Tenant-scoped NATS-native publishers (issue 8): credentials from the API (tenant admins, for a
// service account) and from `npm run nats:creds` publish their tenant's events, which reach that
// tenant's WebSocket clients, and are refused for any other tenant's subject: nothing stored.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RealtimeClient } from '@idp/client';
import { type EventMessage, EventSubjects, Streams } from '@idp/contracts';
import { mintToken } from '@idp/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../test/system.js';

let system: System;
let acme: ApiClient;
let acmeToken: string;
let appId: string;
let accountId: string;

beforeAll(async () => {
  system = await startSystem();
  acmeToken = await adminToken('acme');
  acme = apiClient(system.baseUrl, acmeToken);
  const team = (await acme.post('/teams', { name: 'web' })).body.data.id;
  appId = (await acme.post('/applications', { name: 'storefront', team_id: team })).body.data.id;
  const account = await acme.post('/service-accounts', {
    name: 'deployer',
    roles: [{ role: 'developer', scope: 'tenant:acme' }],
  });
  expect(account.status).toBe(201);
  accountId = account.body.data.id;
});
afterAll(async () => system?.stop());

const publisher = (creds: string, inboxPrefix: string) =>
  connect({
    servers: system.nats.url,
    authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
    inboxPrefix,
  });

/** Stored messages on one subject of IDP_EVENTS, as the test (observer) user sees them. */
async function storedOn(subject: string): Promise<number> {
  const nc = await connect(system.nats.clientOptions('test'));
  try {
    const info = await (await jetstreamManager(nc)).streams.info(Streams.events.name, {
      subjects_filter: subject,
    });
    return info.state.subjects?.[subject] ?? 0;
  } finally {
    await nc.close();
  }
}

/** Publishes one event as `nc` and shows it reaching an acme client, then tries globex's subject. */
async function provePublisher(nc: NatsConnection, label: string) {
  const rt = new RealtimeClient({ url: system.wsUrl, token: acmeToken, WebSocket: WebSocket as never });
  const events = rt.events(`application:${appId}:status`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const js = jetstream(nc);
  const ack = await js.publish(
    EventSubjects.application('acme', appId),
    JSON.stringify({ event: 'status_changed', data: { from: label } }),
  );
  expect(ack.stream).toBe(Streams.events.name);
  const first = (await events.next()).value as EventMessage;
  expect(first).toMatchObject({ event: 'status_changed', data: { from: label }, seq: ack.seq });
  rt.close();

  const foreign = EventSubjects.application('globex', appId);
  await expect(js.publish(foreign, JSON.stringify({ event: 'status_changed', data: {} }))).rejects.toThrow(
    /permission/i,
  );
  nc.publish(foreign, JSON.stringify({ event: 'status_changed', data: {} }));
  await nc.flush().catch(() => undefined);
  expect(await storedOn(foreign)).toBe(0);
}

describe('NATS publisher credentials from the API', () => {
  it('issue tenant-scoped credentials that expire and publish only that tenant’s events', async () => {
    const issued = await acme.post(`/service-accounts/${accountId}/nats-credentials`, {});
    expect(issued.status).toBe(201);
    const { creds, expires_at, publish_subject, inbox_prefix } = issued.body.data;
    expect(publish_subject).toBe('idp.evt.acme.>');
    const hours = (Date.parse(expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const nc = await publisher(creds, inbox_prefix);
    try {
      await provePublisher(nc, 'api');
    } finally {
      await nc.close();
    }
  });

  it('are for tenant admins only, for an existing account, within 30 days', async () => {
    const teamAdmin = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'tim', tenant: 'acme', roles: [{ role: 'admin', scope: 'team:team_x' }] }),
    );
    const developer = apiClient(
      system.baseUrl,
      await mintToken({ sub: 'dev', tenant: 'acme', roles: [{ role: 'developer', scope: 'tenant:acme' }] }),
    );
    const path = `/service-accounts/${accountId}/nats-credentials`;
    expect((await teamAdmin.post(path, {})).status).toBe(403);
    expect((await developer.post(path, {})).status).toBe(403);
    const globex = apiClient(system.baseUrl, await adminToken('globex'));
    expect((await globex.post(path, {})).status).toBe(404);
    const tooLong = await acme.post(path, { ttl_seconds: 31 * 24 * 3600 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('VALIDATION_ERROR');
    const short = await acme.post(path, { ttl_seconds: 600 });
    expect(Date.parse(short.body.data.expires_at) - Date.now()).toBeLessThanOrEqual(600_000);
  });
});

describe('NATS publisher credentials from `npm run nats:creds`', () => {
  it('write a creds file that publishes the tenant’s events and nothing else', async () => {
    const out = join(system.nats.storeDir, 'acme-cli.creds');
    const root = new URL('../../', import.meta.url).pathname;
    await promisify(execFile)(
      process.execPath,
      [
        '--conditions=@idp/source',
        '--import',
        'tsx',
        `${root}tools/setup/src/nats-creds.ts`,
        '--tenant',
        'acme',
        '--dir',
        system.nats.setup!.dir,
        '--out',
        out,
      ],
      { cwd: root },
    );
    const nc = await publisher(await readFile(out, 'utf8'), '_INBOX_pub_acme');
    try {
      await provePublisher(nc, 'cli');
    } finally {
      await nc.close();
    }
  });
});
