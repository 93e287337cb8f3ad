import { decode, fromPublic } from '@nats-io/jwt';
import { describe, expect, it } from 'vitest';
import {
  encodeTrust,
  issueTenantPublisherCreds,
  keyPair,
  newTrustSeeds,
  readCredsClaims,
  renderPermissionTable,
  SERVICE_PERMISSIONS,
  tenantPublisherPermissions,
  withPermissionTable,
} from './index.js';

const seeds = newTrustSeeds();
const account = keyPair(seeds.account).getPublicKey();

describe('tenant publisher credentials', () => {
  it('publish only the tenant’s events, answer on their own inbox, and expire', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const issued = await issueTenantPublisherCreds({
      tenant: 'acme',
      accountPublicKey: account,
      publisherSignerSeed: seeds.publisherSigner,
      ttlSeconds: 3600,
      now: () => now,
    });
    expect(issued.expires_at).toBe('2026-01-01T01:00:00.000Z');
    const claims = readCredsClaims(issued.creds);
    expect(claims.issuerAccount).toBe(account);
    const jwt = /-----BEGIN NATS USER JWT-----\s*(\S+)/.exec(issued.creds)![1]!;
    const user = decode<{ pub: { allow: string[] }; sub: { allow: string[] } }>(jwt);
    expect(user.nats.pub!.allow).toEqual(['idp.evt.acme.>']);
    expect(user.nats.sub!.allow).toEqual(['_INBOX_pub_acme.>']);
    // Signed by the publisher key, which the account JWT lists: valid without a server reload.
    expect(user.iss).toBe(keyPair(seeds.publisherSigner).getPublicKey());
  });

  it('turn tenant ids that would change a subject into one safe token', async () => {
    const issued = await issueTenantPublisherCreds({
      tenant: 'a.b>',
      accountPublicKey: account,
      publisherSignerSeed: seeds.publisherSigner,
    });
    expect(issued.publish_subject).toBe('idp.evt.~YS5iPg.>');
    expect(tenantPublisherPermissions('~YS5iPg').publish).toEqual([issued.publish_subject]);
  });

  it('refuse lifetimes under a minute or over 30 days', async () => {
    const issue = (ttlSeconds: number) =>
      issueTenantPublisherCreds({
        tenant: 't',
        accountPublicKey: account,
        publisherSignerSeed: seeds.publisherSigner,
        ttlSeconds,
      });
    await expect(issue(59)).rejects.toThrow(RangeError);
    await expect(issue(31 * 24 * 3600)).rejects.toThrow(RangeError);
  });
});

describe('the account', () => {
  it('trusts both signing keys and enables JetStream with explicit limits', async () => {
    const trust = await encodeTrust(seeds);
    const claims = decode<{ signing_keys: string[]; limits: Record<string, number> }>(trust.account.jwt);
    expect(claims.nats.signing_keys).toEqual([
      keyPair(seeds.serviceSigner).getPublicKey(),
      keyPair(seeds.publisherSigner).getPublicKey(),
    ]);
    expect(claims.nats.limits!.disk_storage).toBeGreaterThan(0);
    expect(claims.nats.limits!.mem_storage).toBeGreaterThan(0);
    expect(() => fromPublic(trust.systemAccount.publicKey)).not.toThrow();
  });
});

describe('the permission table', () => {
  it('gives responders allow_responses and nobody else', () => {
    const responders = Object.entries(SERVICE_PERMISSIONS)
      .filter(([, p]) => p.respond)
      .map(([user]) => user);
    // Every service answers service discovery ($SRV.PING/STATS/INFO); only the setup step answers nothing.
    expect(responders.sort()).toEqual(['auth', 'edge', 'platform', 'ratelimit', 'realtime']);
  });

  it('replaces the rendered table in a document and appends it to one without', () => {
    const table = renderPermissionTable();
    expect(withPermissionTable('# Doc\n')).toContain(table);
    const stale = `before\n${table.replace('`edge`', '`old`')}\nafter\n`;
    expect(withPermissionTable(stale)).toBe(`before\n${table}\nafter\n`);
  });
});
