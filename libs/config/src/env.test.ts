import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { CommonEnv, ConfigError, JwtEnv, readEnv } from './index.js';

const Schema = Type.Object({
  ...CommonEnv,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
});

describe('readEnv', () => {
  it('applies defaults and coerces numbers', () => {
    const env = readEnv(Schema, { PORT: '9090' });
    expect(env.PORT).toBe(9090);
    expect(env.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(env.LOG_LEVEL).toBe('info');
  });

  it('names every bad key', () => {
    expect(() => readEnv(Schema, { PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      readEnv(Schema, { PORT: '70000' });
    } catch (error) {
      expect((error as Error).message).toContain('PORT');
    }
  });
});

describe('JwtEnv', () => {
  it('has no default secret: unset means HS256 is off', () => {
    const env = readEnv(Type.Object({ ...CommonEnv, ...JwtEnv }), {});
    expect(env.IDP_JWT_SECRET).toBeUndefined();
  });
});
