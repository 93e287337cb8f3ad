// The `idp` CLI as a subprocess against a whole system: login and its stored credential, commands with
// table and JSON output, exit codes (0, 1, 2 usage, 3 auth), and `deploy --follow` whose WebSocket is
// cut mid-way by killing the realtime service: it resumes from its last seq and shows every stage once;
// and the live bars on a real terminal (tmux).
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '@idp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, adminToken, apiClient, type System, startSystem } from '../system.js';
import { IDP_BIN, type IdpEnv, idp, idpEnvironment, newConfigDir, startIdp } from './idp-process.js';
import { TmuxSession } from './tmux.js';

let system: System;
let api: ApiClient;
let token: string;
let teamId: string;
/** A logged-in CLI environment (its config dir holds the admin's token). */
let env: IdpEnv;

const DEPLOY_STAGES = ['build', 'test', 'deploy', 'verify'];

async function newApp(name: string): Promise<string> {
  const app = await api.post('/applications', { name, team_id: teamId });
  await api.put(`/applications/${app.body.data.id}/desired-state`, { version: 'v1.0.0', replicas: 2 });
  return app.body.data.id;
}

beforeAll(async () => {
  // Stages long enough to cut the connection in the middle of a deploy.
  system = await startSystem({ stageMs: 800 });
  token = await adminToken('acme');
  api = apiClient(system.baseUrl, token);
  teamId = (await api.post('/teams', { name: 'web' })).body.data.id;
  env = { apiUrl: system.baseUrl, wsUrl: system.wsUrl, configDir: newConfigDir() };
  const login = await idp(['login', '--token', token], env);
  expect(login.code, login.stderr).toBe(0);
});
afterAll(async () => system?.stop());

const json = (text: string) => JSON.parse(text);

describe('idp login and whoami', () => {
  it('stores the credential readable by its owner only, and whoami reads it', async () => {
    const dir = env.configDir!;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    const [table, me] = await Promise.all([
      idp(['whoami', '--no-color'], env),
      idp(['whoami', '-o', 'json'], env),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^user\s+acme-admin$/m);
    expect(json(me.stdout)).toMatchObject({ id: 'acme-admin', tenant_id: 'acme' });
  });

  it('refuses a bad token with exit 3 and the API code, storing nothing', async () => {
    const fresh = { ...env, configDir: newConfigDir() };
    const result = await idp(['login', '--token', 'not-a-jwt'], fresh);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('UNAUTHENTICATED');
    expect(() => statSync(join(fresh.configDir!, 'config.json'))).toThrow();
    const whoami = await idp(['whoami'], fresh);
    expect(whoami.code).toBe(3);
    expect(whoami.stderr).toContain('not logged in');
  });
});

describe('idp commands', () => {
  it('creates, lists and shows applications, in table and JSON', async () => {
    const created = await idp(['apps', 'create', 'catalog', '--team', teamId, '-o', 'json'], env);
    expect(created.code, created.stderr).toBe(0);
    const app = json(created.stdout);
    expect(app).toMatchObject({ name: 'catalog', team_id: teamId });
    const set = await idp(
      ['apps', 'desired-state', 'set', 'catalog', '--version', 'v3.1.0', '--env', 'A=b'],
      env,
    );
    expect(set.code, set.stderr).toBe(0);
    const [list, table, byName] = await Promise.all([
      idp(['apps', 'list', '-o', 'json'], env),
      idp(['apps', 'list', '--no-color'], env),
      idp(['apps', 'get', 'catalog', '-o', 'json'], env),
    ]);
    expect(json(list.stdout).map((a: { id: string }) => a.id)).toContain(app.id);
    expect(table.stdout).toMatch(new RegExp(`^${app.id}\\s+catalog\\s+${teamId}\\s+\\S+\\s+v3\\.1\\.0`, 'm'));
    expect(json(byName.stdout).desired_state).toEqual({ version: 'v3.1.0', replicas: 1, env: { A: 'b' } });
  });

  it('exits 2 on usage errors, naming the mistake, with nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['apps', 'create', 'x'], /--team <team_id> is required/],
      [['deploy'], /missing <app>/],
      [['apps', 'list', '--output', 'yaml'], /--output 'yaml': one of table, json/],
      [['resources', 'list', 'printers'], /unknown resource type 'printers'/],
      [['resources', 'create', 'databases', 'db1', '--team', 't', '--spec', '{oops'], /--spec is not JSON/],
      [['apps', 'list', '--page', 'two'], /--page 'two': expected a whole number/],
    ];
    const results = await Promise.all(cases.map(([args]) => idp(args, env)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(' ')).toBe(2);
      expect(result.stderr).toMatch(cases[i]![1]);
      expect(result.stdout).toBe('');
    });
  });

  it("shows the API's error code and message: 1 for NOT_FOUND and VALIDATION_ERROR, 3 for FORBIDDEN", async () => {
    const viewer = await mintToken({
      sub: 'vic',
      tenant: 'acme',
      roles: [{ role: 'viewer', scope: 'tenant:acme' }],
    });
    const appId = await newApp('viewer-target');
    const badSpec = [
      'resources',
      'create',
      'databases',
      'orders',
      '--team',
      teamId,
      '--spec',
      '{"engine":"postgres"}',
    ];
    const [missing, invalid, forbidden] = await Promise.all([
      idp(['apps', 'get', 'app_missing'], env),
      idp(badSpec, env),
      idp(['deploy', appId], { ...env, extra: { IDP_TOKEN: viewer } }),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error NOT_FOUND: .*app_missing/);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('error VALIDATION_ERROR:');
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain('error FORBIDDEN:');
  });
});

describe('idp deploy --follow', () => {
  it('survives the loss of the realtime service mid-deploy: resumes from its seq, every stage once', async () => {
    const appId = await newApp('storefront');
    const run = startIdp(['deploy', 'storefront', '--version', 'v2.0.0', '--follow'], env, 90_000);
    await run.waitForStdout(/✔ build: done/, 30_000);
    await system.services.realtime!.kill();
    await run.waitForStdout(/connection lost, resuming from seq \d+/, 10_000);
    await system.startService('realtime');
    const result = await run.done;
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const stage of DEPLOY_STAGES) {
      expect(result.stdout.match(new RegExp(`✔ ${stage}: done`, 'g')), result.stdout).toHaveLength(1);
      expect(result.stdout.match(new RegExp(`▸ ${stage}: running`, 'g'))?.length ?? 0).toBeLessThanOrEqual(1);
    }
    // Each log line of every stage once: nothing lost, nothing repeated across the resume.
    for (const line of [
      'Fetching sources for v2.0.0',
      'All tests passed',
      'New replicas scheduled',
      'Version v2.0.0 is serving traffic',
    ]) {
      expect(result.stdout.split(line).length - 1, line).toBe(1);
    }
    expect(result.stdout).toMatch(/✔ deploy succeeded in [\d.]+ s: 4\/4 stages/);
    const app = await api.get(`/applications/${appId}`);
    expect(app.body.data.actual_state.version).toBe('v2.0.0');
  });

  it('prints the operation as JSON and exits 1 when the operation is cancelled', async () => {
    await newApp('cancelled-app');
    const run = startIdp(['deploy', 'cancelled-app', '--follow', '-o', 'json'], env, 60_000);
    const ops = await waitForOperationOf(run);
    await api.post(`/operations/${ops}/cancel`, {});
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    expect(json(result.stdout)).toMatchObject({ id: ops, status: 'cancelled' });
    expect(result.stderr).toMatch(/■ \w+: cancelled/);
  });
});

describe('idp ops', () => {
  it('lists operations, shows one and prints its log', async () => {
    const list = await idp(['ops', 'list', '--kind', 'deploy', '--status', 'succeeded', '-o', 'json'], env);
    expect(list.code, list.stderr).toBe(0);
    const op = json(list.stdout)[0];
    expect(op).toMatchObject({ kind: 'deploy', status: 'succeeded' });
    const [shown, logs, followed] = await Promise.all([
      idp(['ops', 'get', op.id, '--no-color'], env),
      idp(['ops', 'logs', op.id, '--no-color'], env),
      idp(['ops', 'logs', op.id, '--follow', '--no-color'], env),
    ]);
    expect(shown.stdout).toMatch(/^status\s+succeeded$/m);
    expect(shown.stdout).toMatch(/^verify\s+succeeded/m);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/info test: All tests passed/);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('✔ verify: done');
  });
});

/** The operation id of a `deploy --follow -o json`, from the API while the CLI follows it. */
async function waitForOperationOf(run: ReturnType<typeof startIdp>): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const title = /\((op_[A-Za-z0-9_-]+)\)/.exec(run.output().stderr);
    if (title) return title[1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no operation id in the CLI's output: ${run.output().stderr}`);
}

describe('idp in a terminal', () => {
  it('draws a live bar per stage in tmux, then the summary', async () => {
    await newApp('terminal-app');
    const idpEnv = idpEnvironment(env);
    const session = TmuxSession.start(
      [process.execPath, IDP_BIN, 'deploy', 'terminal-app', '--version', 'v1.4.2', '--follow'],
      idpEnv,
    );
    try {
      // Mid-deploy: the title bar, a finished stage's full bar and a running stage's moving block.
      const live = await session.waitFor(
        (screen) => /✔ build\s+█{24} done/.test(screen) && /▸ \w+\s+░*█{6}░* running/.test(screen),
        30_000,
        'live bars',
      );
      expect(live).toMatch(/^deploy terminal-app v1\.4\.2 \(op_\S+\)\s+█+░+\s+\d+%$/m);
      const capture = process.env.IDP_CLI_CAPTURE;
      if (capture) writeFileSync(capture, session.capture(true));
      const end = await session.waitFor((screen) => /exited \d+/.test(screen), 40_000, 'exit');
      expect(end).toMatch(/✔ deploy succeeded in [\d.]+ s: 4\/4 stages/);
      expect(end).toMatch(/^exited 0$/m);
      for (const stage of DEPLOY_STAGES) expect(end).toMatch(new RegExp(`✔ ${stage}\\s+█{24} done`));
    } finally {
      session.kill();
    }
  });
});
