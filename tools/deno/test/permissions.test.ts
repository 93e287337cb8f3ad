import { describe, expect, it } from 'vitest';
import { denoArguments, denoPermissions, PROGRAMS, programOf } from '../permissions.mjs';

const root = '/repo';
const flag = (flags: string[], name: string) =>
  flags
    .find((f) => f.startsWith(`--allow-${name}=`))
    ?.slice(`--allow-${name}=`.length)
    .split(',');

describe('Deno permissions', () => {
  it('never grants everything, and never prompts', () => {
    for (const name of Object.keys(PROGRAMS)) {
      const flags = denoPermissions(name, {}, { root });
      expect(flags).toContain('--no-prompt');
      expect(
        flags.some((f) => f === '-A' || f === '--allow-all' || /^--allow-(net|read|run|write)$/.test(f)),
      ).toBe(false);
      expect(flags.some((f) => f.startsWith('--allow-run') || f.startsWith('--allow-write'))).toBe(false);
    }
  });

  it('lets the edge listen on its own address and port only, besides its probe port', () => {
    const env = {
      NATS_URL: 'nats://10.1.2.3:4222',
      IDP_HTTP_HOST: '127.0.0.1',
      IDP_HTTP_PORT: '9000',
      IDP_HEALTH_PORT: '9100',
    };
    expect(flag(denoPermissions('edge', env, { root }), 'net')).toEqual([
      '10.1.2.3',
      '127.0.0.1:9000',
      '0.0.0.0:9100',
    ]);
  });

  it('lets the edge list the interfaces only when it listens on all of them (Fastify logs each address)', () => {
    expect(denoPermissions('edge', {}, { root })).toContain('--allow-sys=hostname,cpus,networkInterfaces');
    expect(denoPermissions('edge', { IDP_HTTP_HOST: '127.0.0.1' }, { root })).toContain(
      '--allow-sys=hostname,cpus',
    );
  });

  it('lets a service reach every server of a NATS cluster, and localhost by its addresses too', () => {
    const env = { NATS_URL: 'nats://n1:4222, nats://localhost:4223' };
    expect(flag(denoPermissions('platform', env, { root }), 'net')).toEqual([
      'n1',
      'localhost',
      '127.0.0.1',
      '[::1]',
    ]);
  });

  it('lets auth call its OIDC provider and no other service do so', () => {
    const env = {
      IDP_OIDC_ISSUER: 'https://login.example.com/tenant',
      IDP_OIDC_JWKS_URI: 'https://keys.example.com:8443/jwks',
    };
    expect(flag(denoPermissions('auth', env, { root }), 'net')).toEqual(
      expect.arrayContaining(['login.example.com:443', 'keys.example.com:8443']),
    );
    expect(flag(denoPermissions('edge', env, { root }), 'net')).not.toContain('login.example.com:443');
  });

  it('reads its code, the libraries and the files its environment names, never the NATS keys beside them', () => {
    const env = {
      NATS_CREDS: '.data/nats/creds/auth.creds',
      IDP_NATS_PUBLISHER_SEED_FILE: '/keys/publisher.nk',
    };
    const read = flag(denoPermissions('auth', env, { root, cwd: '/repo' }), 'read');
    expect(read).toEqual([
      '/repo/services/auth',
      '/repo/libs',
      '/repo/node_modules',
      '/repo/package.json',
      '/repo/.data/nats/creds/auth.creds',
      '/repo/config/gateway.yaml',
      '/keys/publisher.nk',
    ]);
    expect(flag(denoPermissions('platform', env, { root }), 'read')).not.toContain('/keys/publisher.nk');
  });

  it("lets the ratelimit service watch its config's folder, which it reloads from", () => {
    const read = flag(
      denoPermissions('ratelimit', { IDP_CONFIG: '/etc/idp/gateway.yaml' }, { root }),
      'read',
    );
    expect(read).toEqual(expect.arrayContaining(['/etc/idp/gateway.yaml', '/etc/idp']));
    expect(
      flag(denoPermissions('edge', { IDP_CONFIG: '/etc/idp/gateway.yaml' }, { root }), 'read'),
    ).not.toContain('/etc/idp');
  });

  it('knows a program by its entry file, and refuses one it has no permissions for', () => {
    expect(programOf('/repo/services/realtime/dist/main.js')).toBe('realtime');
    expect(programOf('/repo/tools/setup/dist/main.js')).toBe('setup');
    expect(() => denoArguments('/repo/tools/other/main.js', {}, { root })).toThrow(/no program/);
    expect(denoArguments('/repo/services/edge/dist/main.js', {}, { root })).toEqual(
      expect.arrayContaining(['run', '--node-modules-dir=manual', '/repo/services/edge/dist/main.js']),
    );
  });

  it('lets the example publisher read its two variables and its credentials, and nothing it could listen on', () => {
    const flags = denoPermissions('deno-publisher', { NATS_CREDS: '/tmp/acme.creds' }, { root });
    expect(flags).toContain('--allow-env=NATS_URL,NATS_CREDS');
    expect(flag(flags, 'net')).toEqual(['127.0.0.1']);
    expect(flag(flags, 'read')).toContain('/tmp/acme.creds');
    expect(flags.some((f) => f.startsWith('--allow-sys'))).toBe(false);
  });

  it('names a NATS_URL that is not a URL', () => {
    expect(() => denoPermissions('edge', { NATS_URL: 'nats://[bad' }, { root })).toThrow(/not a URL/);
  });
});
