// `npm test`: lint, typecheck, build, then every project's tests against real nats-server processes.
// Stops at the first failing step; ends with one summary line `tests: N passed, M failed`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  FORCE_COLOR: process.env.FORCE_COLOR ?? '1',
};
const bin = (name) => join(root, 'node_modules', '.bin', name);
const say = (line) => process.stdout.write(`\n\x1b[1m== ${line}\x1b[0m\n`);

function run(label, command, args, options = {}) {
  say(label);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: options.cwd ?? root, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`\x1b[31m${label} failed after ${seconds} s\x1b[0m\n`);
    return false;
  }
  process.stdout.write(`${label}: ok (${seconds} s)\n`);
  return true;
}

const onPath = (name) =>
  [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin'].some(
    (dir) => dir && existsSync(join(dir, name)),
  );

/** nats-server for every test, openssl for the TLS tests' certificates: from apt when missing. */
function ensureSystemPackages() {
  const missing = ['nats-server', 'openssl'].filter((name) => !onPath(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      `the tests need ${missing.join(' and ')}: install with apt-get install -y ${missing.join(' ')}\n`,
    );
    process.exit(1);
  }
  say(`installing ${missing.join(', ')} (apt-get)`);
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** A fresh clone has no node_modules: install them first, as `npm start` does. */
function ensureDependencies() {
  if (existsSync(bin('vitest')) && existsSync(bin('biome')) && existsSync(bin('nx'))) return;
  say('installing dependencies (npm ci)');
  const lock = existsSync(join(root, 'package-lock.json'));
  execFileSync('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

/** Projects with tests, libraries first and the whole-system tests last. */
function testProjects() {
  const dirs = ['libs', 'services', 'tools'].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => join(group, name)),
  );
  dirs.push('e2e');
  return dirs.filter((dir) => existsSync(join(root, dir, 'vitest.config.ts')));
}

function runTests(reportDir) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failedProjects = [];
  for (const project of testProjects()) {
    const report = join(reportDir, `${project.replaceAll('/', '-')}.json`);
    const ok = run(
      `tests: ${project}`,
      bin('vitest'),
      ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
      {
        cwd: join(root, project),
      },
    );
    if (!ok) failedProjects.push(project);
    if (existsSync(report)) {
      let json = {};
      try {
        json = JSON.parse(readFileSync(report, 'utf8'));
      } catch {
        process.stdout.write(`could not read the test report of ${project}\n`);
      }
      totals.passed += json.numPassedTests ?? 0;
      totals.failed += json.numFailedTests ?? 0;
      // A run that failed without a failing test (no test files, a file that crashed on import)
      // still counts as one failure, so the summary never reads green over a red step.
      if (!ok && !json.numFailedTests) totals.failed += 1;
      totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    } else if (!ok) {
      totals.failed += 1;
    }
  }
  return { totals, failedProjects };
}

ensureDependencies();
ensureSystemPackages();
const steps = [
  () => run('lint (biome)', bin('biome'), ['check', '.']),
  () => run('typecheck', bin('nx'), ['run-many', '-t', 'typecheck', '--outputStyle=static']),
  () => run('build', bin('nx'), ['run-many', '-t', 'build', '--outputStyle=static']),
];
for (const step of steps) if (!step()) process.exit(1);

const reportDir = mkdtempSync(join(tmpdir(), 'idp-test-'));
const { totals, failedProjects } = runTests(reportDir);
rmSync(reportDir, { recursive: true, force: true });
if (failedProjects.length)
  process.stdout.write(`\n\x1b[31mfailing projects: ${failedProjects.join(', ')}\x1b[0m\n`);
process.stdout.write(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`,
);
process.exit(failedProjects.length || totals.failed ? 1 : 0);
