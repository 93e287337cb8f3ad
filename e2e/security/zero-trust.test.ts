// Issue 8: anything that reached NATS owned the system. Each exploit of the "Why" is tried here
// against real processes, with every credential an intruder inside the network might hold (a
// service's, a tenant publisher's, forged or expired ones): each test asserts the NATS refusal AND
// that no harm was done. Where cheap, the `test` user (allowed everything) repeats the attack first,
// to show the harm check would catch it.
import { Streams } from '@idp/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../test/system.js';
import {
  type Attacker,
  connectAs,
  connectionRefusal,
  foreignOperatorCreds,
  forgedIssuerCreds,
  type Identity,
  json,
  oneMinuteTenantCreds,
  publishRefusal,
  QUIET_MS,
  requestFailure,
  sniff,
  violationIn,
  watchTopic,
} from './nats-attacker.js';

const INSIDERS: Identity[] = ['edge', 'realtime', 'platform', 'tenant:acme'];
const CREDENTIALS_BUCKET = 'IDP_AUTH_CREDENTIALS';
const SIGNING_KEY = 'signing-key.current';

let system: System;
let acme: ApiClient;
let acmeToken: string;
let globexToken: string;
let acmeApp: string;
let globexApp: string;
/** The test observer: may do anything, so it shows what each attack would have done. */
let probe: Attacker;
const attackers = new Map<Identity, Attacker>();

async function createApp(api: ApiClient, name: string): Promise<string> {
  const team = await api.post('/teams', { name: `${name}-team` });
  const app = await api.post('/applications', { name, team_id: team.body.data.id });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  return app.body.data.id;
}

const adminOf = (tenant: string) => ({
  sub: `${tenant}-admin`,
  tenant_id: tenant,
  roles: [{ role: 'admin', scope: `tenant:${tenant}` }],
  credential: 'jwt',
});

beforeAll(async () => {
  system = await startSystem({ stageMs: 20 });
  acmeToken = await adminToken('acme');
  globexToken = await adminToken('globex');
  acme = apiClient(system.baseUrl, acmeToken);
  acmeApp = await createApp(acme, 'storefront');
  globexApp = await createApp(apiClient(system.baseUrl, globexToken), 'ledger');
  probe = await connectAs(system.nats, 'test');
  for (const who of INSIDERS) attackers.set(who, await connectAs(system.nats, who));
}, 120_000);
afterAll(async () => {
  await Promise.allSettled([probe, ...attackers.values()].map((a) => a?.close()));
  await system?.stop();
});

const each = () => [...attackers.values()];
const accountKey = () => system.nats.setup!.trust.account.publicKey;

describe('connecting', () => {
  it('refuses a connection without credentials, with a foreign operator, or with a forged issuer', async () => {
    for (const creds of [undefined, await foreignOperatorCreds(), await forgedIssuerCreds(accountKey())]) {
      expect((await connectionRefusal(system.nats.url, creds))?.name).toBe('AuthorizationError');
    }
  });

  it('refuses a tenant publisher whose credentials expired', async () => {
    const setup = system.nats.setup!;
    const expired = await oneMinuteTenantCreds(setup, 'acme', Date.now() - 2 * 3600_000);
    expect(Date.parse(expired.expires_at)).toBeLessThan(Date.now() - 3600_000);
    expect((await connectionRefusal(system.nats.url, expired.creds))?.name).toBe('AuthorizationError');
    // The same credentials, issued now, are let in: it is the expiry that is refused.
    const fresh = await oneMinuteTenantCreds(setup, 'acme', Date.now());
    expect(await connectionRefusal(system.nats.url, fresh.creds)).toBeUndefined();
  });
});

describe("reading the auth service's signing key", () => {
  it('fails for every other service and a tenant publisher, and returns no data', async () => {
    const direct = `$JS.API.DIRECT.GET.KV_${CREDENTIALS_BUCKET}.$KV.${CREDENTIALS_BUCKET}.${SIGNING_KEY}`;
    const stored = await probe.nc.request(direct, undefined, { timeout: 3_000 });
    expect(stored.data.length, 'the key exists, so a read would leak it').toBeGreaterThan(0);

    for (const a of each()) {
      const kv = await new Kvm(a.nc).open(CREDENTIALS_BUCKET);
      const viaKv = await kv.get(SIGNING_KEY).catch((error: Error) => error);
      expect(violationIn(viaKv)?.subject, a.who).toBe(`$JS.API.STREAM.MSG.GET.KV_${CREDENTIALS_BUCKET}`);
      const viaDirect = await requestFailure(a, direct, undefined);
      expect(viaDirect.violation?.operation, a.who).toBe('publish');
      const msgGet = `$JS.API.STREAM.MSG.GET.KV_${CREDENTIALS_BUCKET}`;
      const viaGet = await requestFailure(a, msgGet, {
        last_by_subj: `$KV.${CREDENTIALS_BUCKET}.${SIGNING_KEY}`,
      });
      expect(viaGet.violation?.operation, a.who).toBe('publish');
      expect(viaGet.ms, `${a.who}: refused at once, not timed out`).toBeLessThan(1_000);
      const writes = await sniff(a, `$KV.${CREDENTIALS_BUCKET}.>`);
      expect((await writes.refusal)?.name, a.who).toBe('PermissionViolationError');
    }
  });
});

describe('platform requests with a forged principal or without a checked permission', () => {
  const list = 'idp.rpc.platform.applications.list';
  const request = (tenant: string, permission?: string) => ({
    principal: adminOf(tenant),
    params: {},
    query: {},
    ...(permission !== undefined && { permission }),
  });

  it("are refused at NATS for a tenant publisher (or realtime) forging another tenant's admin", async () => {
    for (const who of ['tenant:acme', 'realtime'] as const) {
      const { violation, ms } = await requestFailure(
        attackers.get(who)!,
        list,
        request('globex', 'application:read'),
      );
      expect(violation?.subject, who).toBe(list);
      expect(ms, who).toBeLessThan(1_000);
    }
  });

  it('are answered FORBIDDEN, with no data, even on a path allowed to reach the platform', async () => {
    const ask = async (permission?: string) =>
      JSON.parse(
        (await probe.nc.request(list, json(request('acme', permission)), { timeout: 5_000 })).string(),
      );
    const allowed = await ask('application:read');
    expect(allowed.ok, 'with the right permission the data is there to leak').toBe(true);
    expect(JSON.stringify(allowed.data)).toContain(acmeApp);

    for (const permission of [undefined, 'authenticated', 'application:create', '']) {
      const reply = await ask(permission);
      expect(reply, String(permission)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(reply.data, String(permission)).toBeUndefined();
      expect(JSON.stringify(reply)).not.toContain(acmeApp);
    }
  });
});

describe('sniffing requests and inboxes', () => {
  it("no insider can subscribe to auth requests or another's inbox; API keys stay unseen", async () => {
    const key = await acme.post('/api-keys', {
      name: 'sniffed',
      roles: [{ role: 'viewer', scope: 'tenant:acme' }],
    });
    expect(key.status).toBe(201);
    const control = await sniff(probe, 'idp.rpc.auth.authenticate');
    const sniffers = [];
    for (const a of each()) {
      const othersInbox = a.who === 'edge' ? '_INBOX_realtime.>' : '_INBOX_edge.>';
      const subjects = [
        'idp.rpc.auth.authenticate',
        'idp.rpc.auth.>',
        '>',
        othersInbox,
        '_INBOX.>',
        'idp.evt.>',
      ];
      for (const subject of subjects) sniffers.push({ who: a.who, subject, ...(await sniff(a, subject)) });
    }
    const used = await fetch(`${system.baseUrl}/api/v1/applications`, {
      headers: { 'x-api-key': key.body.data.key },
      signal: AbortSignal.timeout(5_000),
    });
    expect(used.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(control.received.map((m) => m.string()).join(), 'the key travels here').toContain(
      key.body.data.key,
    );

    for (const s of sniffers) {
      expect((await s.refusal)?.name, `${s.who} on ${s.subject}`).toBe('PermissionViolationError');
      expect(s.received, `${s.who} on ${s.subject}`).toEqual([]);
    }
  });
});

describe('fake responders', () => {
  const fakePrincipal = { ok: true, status: 200, data: { ...adminOf('acme'), sub: 'intruder' } };
  const fakeLease = { grants: [] };

  it('cannot register for auth or ratelimit; the edge keeps getting real answers', async () => {
    const fakes = [];
    for (const a of each()) {
      for (const [subject, queue, reply] of [
        ['idp.rpc.auth.authenticate', 'auth', fakePrincipal],
        ['idp.rpc.auth.authenticate', undefined, fakePrincipal],
        ['idp.rpc.ratelimit.lease', 'ratelimit', fakeLease],
      ] as const) {
        fakes.push({ who: a.who, subject, ...(await sniff(a, subject, queue, reply)) });
      }
    }
    for (let i = 0; i < 5; i++) {
      const bogus = await apiClient(system.baseUrl, `not-a-token-${i}`).get('/applications');
      expect(bogus.status).toBe(401);
      expect(bogus.body.error.code).toBe('UNAUTHENTICATED');
      const real = await acme.get('/applications');
      expect(real.status).toBe(200);
      expect(real.headers.get('ratelimit-policy')).toBeTruthy();
    }
    for (const f of fakes) {
      expect((await f.refusal)?.name, `${f.who} on ${f.subject}`).toBe('PermissionViolationError');
      expect(f.received, `${f.who} on ${f.subject}`).toEqual([]);
    }
  });
});

describe('control-plane injection', () => {
  const limitsOff = {
    version: 'attack',
    loaded_at: new Date().toISOString(),
    rate_limits: { enabled: false },
  };
  const policy = async () => (await acme.get('/applications')).headers.get('ratelimit-policy');

  it('no insider can switch rate limits off or announce revocations', async () => {
    const before = await policy();
    expect(before).toBeTruthy();
    for (const a of each()) {
      expect((await publishRefusal(a, 'idp.ctl.ratelimit.config', limitsOff))?.name, a.who).toBe(
        'PermissionViolationError',
      );
      const revoked = await publishRefusal(a, 'idp.ctl.auth.revoked', { credential_id: 'any' });
      expect(revoked?.name, a.who).toBe('PermissionViolationError');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await policy()).toBe(before);

    // The same notice from a subject allowed to publish it does switch limits off: restore at once.
    const real = JSON.parse((await probe.nc.request('idp.rpc.ratelimit.config', json({}))).string()).data;
    try {
      probe.nc.publish('idp.ctl.ratelimit.config', json(limitsOff));
      await expect.poll(policy, { timeout: QUIET_MS }).toBeNull();
    } finally {
      probe.nc.publish('idp.ctl.ratelimit.config', json(real));
      await expect.poll(policy, { timeout: QUIET_MS }).toBe(before);
    }
  });
});

describe('events of another tenant', () => {
  const body = { event: 'status_changed', data: { status: 'hacked' } };

  it("a publisher of acme cannot inject globex's events, and its own reach acme's clients", async () => {
    const publisher = attackers.get('tenant:acme')!;
    const js = jetstream(publisher.nc);
    const theirs = `idp.evt.globex.application.${globexApp}.status`;
    const ours = `idp.evt.acme.application.${acmeApp}.status`;
    const globexClient = await watchTopic(system.wsUrl, globexToken, `application:${globexApp}:status`);
    const acmeClient = await watchTopic(system.wsUrl, acmeToken, `application:${acmeApp}:status`);
    try {
      expect((await publishRefusal(publisher, theirs, body))?.name).toBe('PermissionViolationError');
      const started = Date.now();
      const jsRefusal = await js.publish(theirs, json(body), { timeout: 3_000 }).catch((e: Error) => e);
      expect(violationIn(jsRefusal)?.subject, 'rejected at once, not timed out').toBe(theirs);
      expect(Date.now() - started).toBeLessThan(1_000);

      const read = await requestFailure(publisher, `$JS.API.CONSUMER.CREATE.${Streams.events.name}`, {});
      expect(read.violation?.operation, 'nor read the stream').toBe('publish');

      // Its own tenant's subject: a JetStream publish is acknowledged, a core publish is let through
      // (no refusal within 2 s, which is also how long globex's client is watched), both delivered.
      const ack = await js.publish(ours, json({ ...body, data: { status: 'acked' } }));
      expect(ack.stream).toBe(Streams.events.name);
      expect(await publishRefusal(publisher, ours, { ...body, data: { status: 'core' } })).toBeUndefined();
      await expect.poll(() => acmeClient.events().length, { timeout: 5_000 }).toBe(2);
      const [acked, core] = acmeClient.events();
      expect(acked).toMatchObject({ event: 'status_changed', data: { status: 'acked' }, seq: ack.seq });
      expect(core).toMatchObject({ event: 'status_changed', data: { status: 'core' } });
      expect(core.seq).toBeGreaterThan(ack.seq);

      expect(globexClient.events()).toEqual([]);
      const jsm = await jetstreamManager(probe.nc);
      expect(await jsm.streams.getMessage(Streams.events.name, { last_by_subj: theirs })).toBeNull();
      expect((await jsm.streams.getMessage(Streams.events.name, { seq: core.seq }))?.subject).toBe(ours);

      // The globex client would have seen an injected event: one from an allowed publisher arrives.
      probe.nc.publish(theirs, json(body));
      expect(await globexClient.nextEvent(5_000)).toMatchObject({ data: { status: 'hacked' } });
    } finally {
      globexClient.close();
      acmeClient.close();
    }
  });
});
