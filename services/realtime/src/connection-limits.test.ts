import { defaultRealtimeConfig } from '@idp/config';
import { CloseCodes, isFatalCloseCode, isReconnectCloseCode } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { ConnectionLimits } from './connection-limits.js';

const limits = () =>
  new ConnectionLimits(
    defaultRealtimeConfig({
      max_connections: 3,
      max_connections_per_ip: 2,
      max_connections_per_principal: 1,
    }),
  );

describe('connection limits', () => {
  it('caps connections per address with a "don\'t reconnect as is" code, and frees on release', () => {
    const l = limits();
    const a = l.admit('192.0.2.1');
    expect(l.admit('192.0.2.1').admitted).toBe(true);
    expect(l.admit('192.0.2.1')).toMatchObject({
      admitted: false,
      closeCode: CloseCodes.TOO_MANY_CONNECTIONS_IP,
      code: 'QUOTA_EXCEEDED',
    });
    if (a.admitted) {
      a.release();
      a.release();
    }
    expect(l.admit('192.0.2.1').admitted).toBe(true);
    expect(l.connections).toBe(2);
  });

  it('caps connections per instance with a "reconnect" code', () => {
    const l = limits();
    for (const ip of ['a', 'b', 'c']) expect(l.admit(ip).admitted).toBe(true);
    expect(l.admit('d')).toMatchObject({ admitted: false, closeCode: CloseCodes.INSTANCE_FULL });
  });

  it('caps connections per principal', () => {
    const l = limits();
    const release = l.claimPrincipal('t1\nalice');
    expect(release).toBeDefined();
    expect(l.claimPrincipal('t1\nalice')).toBeUndefined();
    expect(l.claimPrincipal('t1\nbob')).toBeDefined();
    release!();
    expect(l.claimPrincipal('t1\nalice')).toBeDefined();
  });

  it('uses close codes of the documented ranges: instance full reconnects, the others do not', () => {
    expect(isReconnectCloseCode(CloseCodes.INSTANCE_FULL)).toBe(true);
    expect(isFatalCloseCode(CloseCodes.TOO_MANY_CONNECTIONS_IP)).toBe(true);
    expect(isFatalCloseCode(CloseCodes.TOO_MANY_CONNECTIONS_PRINCIPAL)).toBe(true);
  });
});
