// Which counters a request must pass, from the route the router matched and the caller: endpoint
// limits never look at the raw URL (finding 4), keys have a fixed length whatever the identity
// (finding 6), and requests without a principal are counted by client address (finding 5).
import { parseRateLimits } from '@idp/config';
import { RateLimitKey } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { clientAddress, trustedProxies } from '../src/rate-limit/client-address.js';
import { compilePolicies, type MatchedRoute } from '../src/rate-limit/policies.js';

const policies = compilePolicies(
  parseRateLimits({
    global: { requests_per_minute: 1000 },
    per_user: { requests_per_minute: 10 },
    per_tenant: { requests_per_minute: 100 },
    by_endpoint: {
      'POST /api/v1/applications': { requests_per_hour: 3 },
      'PUT /api/v1/applications/*/desired-state': { requests_per_hour: 5 },
      'GET /api/v1/applications/app_special': { requests_per_minute: 2, per: 'global' },
    },
  }),
);
const principal = { sub: 'alice', tenant_id: 'acme', roles: [], credential: 'jwt' as const };
const endpointKeys = (route: MatchedRoute) =>
  policies
    .resolve(route, { principal })
    .filter((b) => b.name === 'by_endpoint')
    .map((b) => b.key);

describe('endpoint limits follow the matched route (finding 4)', () => {
  it('match the route pattern and decoded params, so any spelling of the URL counts the same', () => {
    const create = endpointKeys({ method: 'POST', url: '/api/v1/applications', params: {} });
    expect(create).toHaveLength(1);
    const put = (id: string) =>
      endpointKeys({ method: 'PUT', url: '/api/v1/applications/:id/desired-state', params: { id } });
    expect(put('app_a')).toHaveLength(1);
    expect(put('app_a')).toEqual(put('app_b'));
    const get = (id: string) =>
      endpointKeys({ method: 'GET', url: '/api/v1/applications/:id', params: { id } });
    expect(get('app_special')).toHaveLength(1);
    expect(get('app_other')).toHaveLength(0);
  });

  it('count HEAD as the GET it runs, and nothing for an unmatched path', () => {
    const head = endpointKeys({
      method: 'HEAD',
      url: '/api/v1/applications/:id',
      params: { id: 'app_special' },
    });
    expect(head).toHaveLength(1);
    expect(policies.resolve({ method: 'POST', params: {} }, { principal }).map((b) => b.name)).toEqual([
      'global',
      'per_user',
      'per_tenant',
    ]);
  });
});

describe('counter keys (finding 6)', () => {
  const valid = Compile(RateLimitKey);

  it('have a fixed length for long and non-ASCII identities, and still tell them apart', () => {
    const odd = { ...principal, sub: `é${'😀'.repeat(2_000)}`, tenant_id: 'テナント'.repeat(100) };
    const route = { method: 'POST', url: '/api/v1/applications', params: {} };
    const keys = policies.resolve(route, { principal: odd }).map((b) => b.key);
    const plain = policies.resolve(route, { principal }).map((b) => b.key);
    for (const key of [...keys, ...plain]) {
      expect(valid.Check(key), key).toBe(true);
      expect(key.length).toBeLessThanOrEqual(40);
    }
    expect(new Set([...keys, ...plain]).size).toBe(keys.length + plain.length - 1); // only global shared
  });
});

describe('requests without a principal (finding 5)', () => {
  it('count toward unauthenticated per client address, never toward global', () => {
    const buckets = policies.resolve({ method: 'GET', params: {} }, { address: '198.51.100.7' });
    expect(buckets.map((b) => [b.name, b.limit])).toEqual([['unauthenticated', 300]]);
    const other = policies.resolve({ method: 'GET', params: {} }, { address: '198.51.100.8' });
    expect(other[0]!.key).not.toBe(buckets[0]!.key);
  });

  it('ignore X-Forwarded-For unless the peer is a trusted proxy', () => {
    const none = trustedProxies([]);
    expect(clientAddress('203.0.113.9', '1.2.3.4', none)).toBe('203.0.113.9');
    const lb = trustedProxies(['10.0.0.0/8', '2001:db8:ffff::1']);
    expect(clientAddress('10.1.2.3', '1.2.3.4, 198.51.100.7', lb)).toBe('198.51.100.7');
    // The client's own entries (left of what our proxies appended) are never believed.
    expect(clientAddress('10.1.2.3', 'forged, 198.51.100.7, 10.9.9.9', lb)).toBe('198.51.100.7');
    expect(clientAddress('10.1.2.3', ['1.1.1.1', '10.0.0.2'], lb)).toBe('1.1.1.1');
    expect(clientAddress('203.0.113.9', '1.2.3.4', lb)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.1.2.3', '198.51.100.7', lb)).toBe('198.51.100.7');
    expect(clientAddress('2001:db8:ffff::1', '2001:db8:1:2:aaaa::1', lb)).toBe('2001:db8:1:2::/64');
  });

  it('count IPv6 clients per /64', () => {
    const none = trustedProxies([]);
    expect(clientAddress('2001:db8:1:2::1', undefined, none)).toBe(
      clientAddress('2001:db8:1:2:ffff::9', undefined, none),
    );
    expect(clientAddress('2001:db8:1:2::1', undefined, none)).not.toBe(
      clientAddress('2001:db8:1:3::1', undefined, none),
    );
  });
});
