import { describe, expect, it } from 'vitest';
import { clientAddressResolver } from './client-address.js';

describe('client address', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const resolve = clientAddressResolver([]);
    expect(resolve('127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
    expect(resolve('::ffff:10.1.2.3', undefined)).toBe('10.1.2.3');
  });

  it('is the right-most untrusted hop when the peer is a trusted proxy', () => {
    const resolve = clientAddressResolver(['10.0.0.0/8', '127.0.0.1']);
    expect(resolve('10.0.0.5', '203.0.113.9')).toBe('203.0.113.9');
    // What the client wrote left of the first untrusted hop proves nothing.
    expect(resolve('10.0.0.5', '1.1.1.1, 203.0.113.9, 10.0.0.7')).toBe('203.0.113.9');
    expect(resolve('127.0.0.1', ['198.51.100.1', '10.2.3.4'])).toBe('198.51.100.1');
  });

  it('ignores X-Forwarded-For from an untrusted peer, and stops at garbage', () => {
    const resolve = clientAddressResolver(['10.0.0.0/8']);
    expect(resolve('192.0.2.1', '203.0.113.9')).toBe('192.0.2.1');
    expect(resolve('10.0.0.5', 'nonsense, 10.0.0.6')).toBe('10.0.0.6');
    expect(resolve('10.0.0.5', '')).toBe('10.0.0.5');
  });

  it('handles IPv6 proxies and clients', () => {
    const resolve = clientAddressResolver(['fd00::/8']);
    expect(resolve('fd00::1', '2001:db8::7')).toBe('2001:db8::7');
  });
});
