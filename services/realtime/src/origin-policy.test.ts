import { describe, expect, it } from 'vitest';
import { originPolicy } from './origin-policy.js';

describe('origin policy', () => {
  const byDefault = originPolicy({ allowed: [], allowConsole: true, edgePort: 8080 });

  it('lets non-browser clients (no Origin header) through', () => {
    expect(byDefault(undefined, '127.0.0.1:8081')).toBe(true);
  });

  it("allows the console: the edge's origin on the host the client reached", () => {
    expect(byDefault('http://127.0.0.1:8080', '127.0.0.1:8081')).toBe(true);
    expect(byDefault('https://localhost:8080', 'localhost:8081')).toBe(true);
    // One public host (the Ingress): page and /ws/v1 share host and default port.
    expect(byDefault('https://api.example.com', 'api.example.com')).toBe(true);
    expect(byDefault('http://127.0.0.1:8081', '127.0.0.1:8081')).toBe(true);
  });

  it('refuses other sites, other ports of the same host, and opaque origins', () => {
    expect(byDefault('https://evil.example', 'api.example.com')).toBe(false);
    expect(byDefault('http://evil.example:8080', '127.0.0.1:8081')).toBe(false);
    expect(byDefault('http://127.0.0.1:3000', '127.0.0.1:8081')).toBe(false);
    expect(byDefault('null', '127.0.0.1:8081')).toBe(false);
    expect(byDefault('not a url', '127.0.0.1:8081')).toBe(false);
    expect(byDefault('chrome-extension://abc', 'abc')).toBe(false);
  });

  it('allows listed origins exactly, and any origin with "*"', () => {
    const listed = originPolicy({ allowed: ['https://console.example.com'], allowConsole: false });
    expect(listed('https://console.example.com', 'rt.example.com')).toBe(true);
    expect(listed('https://console.example.com:443', 'rt.example.com')).toBe(true);
    expect(listed('http://console.example.com', 'rt.example.com')).toBe(false);
    expect(listed('http://127.0.0.1:8081', '127.0.0.1:8081')).toBe(false);
    expect(originPolicy({ allowed: ['*'], allowConsole: false })('https://any.example', 'x')).toBe(true);
  });
});
