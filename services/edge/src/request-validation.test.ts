import { ApiError, type RouteDef, Routes, StoredDataLimits } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { compileRouteValidator } from './request-validation.js';

const validator = (name: string) =>
  compileRouteValidator((Routes as readonly RouteDef[]).find((r) => r.name === name)!);
const refusal = (name: string, raw: { params?: unknown; query?: unknown; body?: unknown }) => {
  try {
    validator(name).validate({ params: raw.params ?? {}, query: raw.query ?? {}, body: raw.body });
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('validation errors', () => {
  it('lists the allowed values of a union of literals', () => {
    const error = refusal('resources.create', {
      params: { type: 'databases' },
      body: { name: 'db', team_id: 't', spec: { engine: 'oracle', size: 's', storage_gb: 1 } },
    });
    expect(error.details).toMatchObject({ field: 'spec.engine', allowed: ['postgres', 'mysql', 'mongodb'] });
    expect(error.message).toBe(`Invalid body: 'spec.engine' must be one of "postgres", "mysql", "mongodb"`);
  });

  it('lists the allowed values of an enum-like path parameter', () => {
    const error = refusal('resources.listByType', { params: { type: 'spaceships' } });
    expect(error.details).toMatchObject({ field: 'type', location: 'params' });
    expect((error.details as { allowed: string[] }).allowed).toContain('databases');
  });

  it.each(['constructor', 'prototype', '__proto__'])('refuses an env var named %s', (key) => {
    const env = JSON.parse(`{"${key}":"x"}`);
    const error = refusal('applications.desiredState.put', {
      params: { id: 'app_1' },
      body: { version: 'v1', replicas: 1, env },
    });
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: `env.${key}` } });
    expect(error.message).toMatch(/is not an allowed key/);
  });

  it('refuses preferences over their size limit, naming the limit', () => {
    const preferences = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`k${i}`, 'x'.repeat(4 * 1024)]),
    );
    const error = refusal('users.me.update', { body: { preferences } });
    expect(error.details).toMatchObject({ field: 'preferences' });
    expect(error.message).toMatch(new RegExp(`at most ${StoredDataLimits.preferencesBytes} bytes`));
  });

  it('refuses a preference key longer than the limit', () => {
    const error = refusal('users.me.update', { body: { preferences: { ['k'.repeat(65)]: 1 } } });
    expect(error.details).toMatchObject({ field: `preferences.${'k'.repeat(65)}` });
  });

  it('refuses env over its total size, key count and value length', () => {
    const put = (env: Record<string, string>) =>
      refusal('applications.desiredState.put', {
        params: { id: 'app_1' },
        body: { version: 'v1', replicas: 1, env },
      });
    const many = Object.fromEntries(
      Array.from({ length: StoredDataLimits.envKeys + 1 }, (_, i) => [`K${i}`, '1']),
    );
    expect(put(many).details).toMatchObject({ field: 'env' });
    const big = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`K${i}`, 'v'.repeat(4000)]));
    expect(put(big).message).toMatch(new RegExp(`at most ${StoredDataLimits.envBytes} bytes`));
    expect(put({ K: 'v'.repeat(StoredDataLimits.envValueLength + 1) }).details).toMatchObject({
      field: 'env.K',
    });
  });

  it('accepts bodies within every limit', () => {
    const env = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`K${i}`, 'v'.repeat(4000)]));
    expect(() =>
      validator('applications.desiredState.put').validate({
        params: { id: 'app_1' },
        query: {},
        body: { version: 'v1', replicas: 1, env },
      }),
    ).not.toThrow();
  });
});
