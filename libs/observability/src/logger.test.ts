import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { childFor, createLogger } from './index.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, level name and ISO time', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'edge', destination }).info({ route: '/x' }, 'hello');
    expect(lines[0]).toMatchObject({ service: 'edge', level: 'info', msg: 'hello', route: '/x' });
    expect(Number.isNaN(Date.parse(String(lines[0]?.time)))).toBe(false);
  });

  it('redacts credentials at the top level and one level down', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'auth', destination });
    logger.info(
      { token: 'eyJsecret', headers: { authorization: 'Bearer eyJsecret', 'x-api-key': 'idpk_secret' } },
      'x',
    );
    logger.info({ request: { api_key: 'idpk_1', password: 'hunter2' } }, 'y');
    logger.info(
      {
        'x-api-key': 'idpk_top',
        deep: { inner: { token: 'eyJsecret' } },
        headers: { cookie: 'sid=hunter2' },
      },
      'z',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('eyJsecret');
    expect(text).not.toContain('idpk_');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('[redacted]');
  });

  it('adds request ids through childFor and drops the ones not given', () => {
    const { lines, destination } = capture();
    childFor(createLogger({ service: 'edge', destination }), {
      request_id: 'req_1',
      tenant_id: undefined,
    }).info('z');
    expect(lines[0]).toMatchObject({ request_id: 'req_1' });
    expect(lines[0]).not.toHaveProperty('tenant_id');
  });
});
