// Nx as the source of truth of the workflow: the affected graph marks what a change can break (and only
// that), and the GitHub workflow runs `nx affected` with the bases set the standard way.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../../', import.meta.url).pathname;
const run = promisify(execFile);

async function affectedBy(file: string): Promise<string[]> {
  const { stdout } = await run(
    join(root, 'node_modules', '.bin', 'nx'),
    ['show', 'projects', '--affected', `--files=${file}`, '--json'],
    { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, timeout: 60_000 },
  );
  return JSON.parse(stdout) as string[];
}

const SERVICES = ['@idp/auth', '@idp/edge', '@idp/platform', '@idp/ratelimit', '@idp/realtime'];

describe('the affected graph', () => {
  it('marks what a change to contracts, a service or the gateway config can break', async () => {
    const [contracts, auth, ratelimit, config] = await Promise.all([
      affectedBy('libs/contracts/src/index.ts'),
      affectedBy('services/auth/src/main.ts'),
      affectedBy('services/ratelimit/src/main.ts'),
      affectedBy('config/gateway.yaml'),
    ]);
    // e2e starts every service (its implicit dependencies), ratelimit included.
    expect(ratelimit).toContain('@idp/e2e');
    expect(contracts).toEqual(expect.arrayContaining([...SERVICES, '@idp/e2e']));

    expect(auth).toEqual(expect.arrayContaining(['@idp/auth', '@idp/e2e']));
    expect(auth).not.toContain('@idp/realtime');
    expect(auth).not.toContain('@idp/edge');

    // Every project whose tests read the gateway config, and nothing that does not.
    expect(config).toEqual(
      expect.arrayContaining(['@idp/config', ...SERVICES, '@idp/e2e', '@idp/k8s-check', '@idp/dev-tools']),
    );
    expect(config).not.toContain('@idp/contracts');
    expect(config).not.toContain('@idp/rbac');
  });
});

describe('targets', () => {
  async function targetsOf(
    project: string,
  ): Promise<Record<string, { dependsOn?: unknown[]; command?: string }>> {
    const { stdout } = await run(
      join(root, 'node_modules', '.bin', 'nx'),
      ['show', 'project', project, '--json'],
      {
        cwd: root,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
        timeout: 60_000,
      },
    );
    return JSON.parse(stdout).targets;
  }

  it('builds a service after the libraries it uses, and checks types and tests from their source', async () => {
    const edge = await targetsOf('@idp/edge');
    expect(Object.keys(edge)).toEqual(expect.arrayContaining(['lint', 'typecheck', 'build', 'test']));
    expect(edge.build?.dependsOn).toEqual(['^build']);
    // The @idp/source export condition resolves sibling libraries to their TypeScript: no build first.
    expect(edge.typecheck?.dependsOn ?? []).toEqual([]);
    expect(edge.test?.dependsOn ?? []).toEqual([]);
  });

  it('runs the end-to-end suites, on Node and under Deno, after building every service they start', async () => {
    const e2e = await targetsOf('@idp/e2e');
    expect(e2e.e2e?.dependsOn).toEqual(['^build']);
    expect(e2e['test:deno']).toMatchObject({ dependsOn: ['^build'] });
    // `nx affected -t test` includes the end-to-end suite.
    expect(e2e.test?.dependsOn).toEqual(['e2e']);
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts).toHaveProperty('test:deno');
  });
});

describe('.github/workflows/ci.yml', () => {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed workflow is walked by key
  const workflow: any = parse(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8'));
  const steps = (job: string): { uses?: string; run?: string; with?: Record<string, unknown> }[] =>
    workflow.jobs[job].steps;

  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect(workflow.on.push.branches).toEqual(['main']);
  });

  it('on a pull request: full history, nx-set-shas, then nx affected for lint, typecheck, build and test', () => {
    const pr = steps('affected');
    const checkout = pr.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.['fetch-depth']).toBe(0);
    const order = (match: (s: (typeof pr)[number]) => boolean) => pr.findIndex(match);
    const setShas = order((s) => s.uses?.startsWith('nrwl/nx-set-shas@') ?? false);
    const install = order((s) => s.run?.includes('npm ci') ?? false);
    const affected = order((s) => /nx affected -t lint typecheck build test/.test(s.run ?? ''));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(setShas).toBeGreaterThan(install);
    expect(affected).toBeGreaterThan(setShas);
    expect(pr.some((s) => s.run?.includes('apt-get install -y -q nats-server'))).toBe(true);
    expect(pr.some((s) => /npm run test:fuzz[\s\S]*npm run test:chaos/.test(s.run ?? ''))).toBe(true);
  });

  it('on a pull request: the affected tests again on Node 26, from the npm registry, after nx-set-shas', () => {
    const job = steps('node26');
    expect(workflow.jobs.node26.if).toBe("github.event_name == 'pull_request'");
    const setShas = job.findIndex((s) => s.uses?.startsWith('nrwl/nx-set-shas@'));
    const lane = job.findIndex((s) =>
      /^node tools\/dev\/src\/node-lts\/with-node\.mjs 26 -- npx nx affected -t test\b/.test(s.run ?? ''),
    );
    expect(setShas).toBeGreaterThan(job.findIndex((s) => s.run?.includes('npm ci') ?? false));
    expect(lane).toBeGreaterThan(setShas);
    expect(job.find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
  });

  it('on a pull request: the Deno lane when the end-to-end suite is affected', () => {
    const job = steps('deno');
    expect(workflow.jobs.deno.if).toBe("github.event_name == 'pull_request'");
    const setShas = job.findIndex((s) => s.uses?.startsWith('nrwl/nx-set-shas@'));
    const lane = job.findIndex((s) => /^npx nx affected -t test:deno\b/.test(s.run ?? ''));
    expect(lane).toBeGreaterThan(setShas);
    expect(setShas).toBeGreaterThan(job.findIndex((s) => s.run?.includes('npm ci') ?? false));
    expect(job.some((s) => s.run?.includes('apt-get install -y -q nats-server'))).toBe(true);
  });

  it('on main: everything, through .ci/run', () => {
    expect(steps('main').some((s) => s.run === 'bash .ci/run')).toBe(true);
  });

  it('names scripts that exist', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    const named = JSON.stringify(workflow).match(/npm run [\w:]+/g) ?? [];
    for (const command of named) expect(scripts, command).toHaveProperty(command.replace('npm run ', ''));
  });
});
