import { HealthCheckData } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { healthMsgId, isChecked, simulateCheck, tickOf, unitHash } from './check.js';

const db = { id: 'db_1', tenant_id: 't1', type: 'database' };
const at = new Date('2026-01-01T00:00:00Z');
const valid = Compile(HealthCheckData);

describe('simulated health checks', () => {
  it('always fail at failure rate 1, with a payload of the contract', () => {
    for (let tick = 0; tick < 50; tick++) {
      const { event, data } = simulateCheck(db, tick, 1, at);
      expect(event).toBe('health_check_failed');
      expect(data).toMatchObject({
        resource_id: 'db_1',
        health_status: 'unhealthy',
        error: 'Connection timeout',
      });
      expect(valid.Check(data)).toBe(true);
    }
  });

  it('always pass at failure rate 0', () => {
    for (let tick = 0; tick < 50; tick++) {
      const { event, data } = simulateCheck(db, tick, 0, at);
      expect(event).toBe('health_check_passed');
      expect(data).toEqual({
        resource_id: 'db_1',
        resource_type: 'database',
        health_status: 'healthy',
        timestamp: at.toISOString(),
      });
      expect(valid.Check(data)).toBe(true);
    }
  });

  it('give every instance the same answer for a resource and interval, failing about the rate asked', () => {
    let failed = 0;
    for (let tick = 0; tick < 2000; tick++) {
      const first = simulateCheck(db, tick, 0.3, at).event;
      expect(simulateCheck(db, tick, 0.3, new Date()).event).toBe(first);
      if (first === 'health_check_failed') failed++;
    }
    expect(failed / 2000).toBeGreaterThan(0.25);
    expect(failed / 2000).toBeLessThan(0.35);
  });

  it('check only resources that exist, and name one message per resource and interval', () => {
    expect(['ready', 'updating'].map((status) => isChecked({ status: status as 'ready' }))).toEqual([
      true,
      true,
    ]);
    for (const status of ['provisioning', 'deleting', 'deleted', 'failed'] as const)
      expect(isChecked({ status })).toBe(false);
    expect(tickOf(59_999, 30_000)).toBe(1);
    expect(healthMsgId(db, 30_000, 2)).toBe('health:t1:db_1:30000:2');
    expect(healthMsgId(db, 30_000, 2)).not.toBe(healthMsgId(db, 30_000, 3));
    expect(unitHash('x')).toBeGreaterThanOrEqual(0);
    expect(unitHash('x')).toBeLessThan(1);
  });
});

describe('the hash behind simulated failures', () => {
  it('spreads consecutive intervals of one resource', () => {
    const failed = Array.from({ length: 40 }, (_, i) => simulateCheck(db, 1_000_000 + i, 0.5, at).event);
    const share = failed.filter((e) => e === 'health_check_failed').length / failed.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.8);
  });
});
