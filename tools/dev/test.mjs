// `npm test`: lint, typecheck, build, then every project's tests against real nats-server processes.
// `npm run test:fuzz` (`test.mjs fuzz`): the property-based lane; `npm run test:chaos` (`test.mjs
// chaos`): faults under load on a 3-node cluster. Both are kept out of `npm test` for time; .ci/run
// runs all three. `test.mjs unit-e2e`: build and every project's tests only, the Node 26 lane
// (`npm run test:node26`). Stops at the first failing step; ends with one summary line
// `tests: N passed, M failed`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureClusterNatsServer } from './src/nats-server/install-nats-server.mjs';

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

/** NATS_SERVER_BIN for the lane's tests (the test helpers start that binary); one set by hand wins. */
async function useClusterNatsServer() {
  if (process.env.NATS_SERVER_BIN) return true;
  say('nats-server for the cluster');
  try {
    env.NATS_SERVER_BIN = await ensureClusterNatsServer({ log: (line) => process.stdout.write(`${line}\n`) });
  } catch (error) {
    process.stdout.write(`\x1b[31mno nats-server for the chaos lane: ${error.message}\x1b[0m\n`);
    return false;
  }
  process.stdout.write(`using ${env.NATS_SERVER_BIN}\n`);
  return true;
}

/** Each lane: the steps before its tests, and the vitest runs (project, extra arguments) it makes. */
const LANES = {
  all: {
    steps: [
      () => run('lint (biome)', bin('biome'), ['check', '.']),
      // Services apart, libraries below them, nothing on top of e2e or tools (tools/dev/src/boundaries).
      () =>
        run('module boundaries', bin('tsx'), [
          '--conditions=@idp/source',
          'tools/dev/src/boundaries/main.ts',
        ]),
      // One program over every project (tsconfig.check.json, the same options each project's own
      // tsconfig.json has): each file is checked once, where `nx run-many -t typecheck` checked the
      // shared libs again for every project that imports them (15 s instead of 90 on two cores).
      // The per-project targets stay for `npm run affected`.
      () => run('typecheck', bin('tsc'), ['-p', 'tsconfig.check.json']),
      // The console's browser modules: JavaScript checked against the DOM's types, not Node's.
      () => run('typecheck (console)', bin('tsc'), ['-p', 'tools/console/tsconfig.json']),
      () => run('build', bin('nx'), ['run-many', '-t', 'build', '--outputStyle=static']),
    ],
    runs: () => testProjects().map((project) => ({ project, args: [] })),
  },
  // Every project's tests on another runtime (`npm run test:node26`): the build they run against, and
  // no lint, boundaries or typecheck, whose answers do not depend on the Node that runs them.
  'unit-e2e': {
    steps: [() => run('build', bin('nx'), ['run-many', '-t', 'build', '--outputStyle=static'])],
    runs: () => testProjects().map((project) => ({ project, args: [] })),
  },
  fuzz: {
    steps: [],
    runs: () => [{ project: 'e2e', args: ['--config', 'vitest.fuzz.config.ts'], label: 'e2e (fuzz)' }],
  },
  chaos: {
    // The cluster runs Debian trixie's nats-server 2.10, not bookworm's 2.9.10: see install-nats-server.mjs.
    steps: [() => useClusterNatsServer()],
    runs: () => [
      { project: 'tools/dev', args: ['--config', 'vitest.cluster.config.ts'], label: 'tools/dev (cluster)' },
      { project: 'e2e', args: ['--config', 'vitest.chaos.config.ts'], label: 'e2e (chaos)' },
    ],
  },
};

/** `file › test name: first line of the error` for each failed test of a vitest JSON report. */
function failedTests(json, project) {
  return (json.testResults ?? []).flatMap((file) => {
    const where = join(project, file.name?.split(`/${project}/`).pop() ?? '?');
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    // A file that failed outside any test (a hook, an import) has no failed assertion to name.
    if (failed.length === 0 && file.status === 'failed') return [`${where}: ${firstLine(file.message)}`];
    return failed.map((test) => `${where} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
  });
}

const firstLine = (text) =>
  (text ?? '')
    .split('\n')
    .find((line) => line.trim())
    ?.trim()
    .slice(0, 300) ?? '';

function runTests(reportDir, runs) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failedProjects = [];
  const failures = [];
  for (const { project, args, label = project } of runs) {
    const report = join(reportDir, `${label.replaceAll(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}.json`);
    const ok = run(
      `tests: ${label}`,
      bin('vitest'),
      ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
      {
        cwd: join(root, project),
      },
    );
    if (!ok) failedProjects.push(label);
    if (existsSync(report)) {
      let json = {};
      try {
        json = JSON.parse(readFileSync(report, 'utf8'));
      } catch {
        process.stdout.write(`could not read the test report of ${label}\n`);
      }
      totals.passed += json.numPassedTests ?? 0;
      totals.failed += json.numFailedTests ?? 0;
      failures.push(...failedTests(json, project));
      // A run that failed without a failing test (no test files, a file that crashed on import)
      // still counts as one failure, so the summary never reads green over a red step.
      if (!ok && !json.numFailedTests) totals.failed += 1;
      totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    } else if (!ok) {
      totals.failed += 1;
    }
  }
  return { totals, failedProjects, failures };
}

const laneName = process.argv[2] ?? 'all';
const lane = LANES[laneName];
if (!lane) {
  process.stderr.write(`unknown test lane '${laneName}'; lanes: ${Object.keys(LANES).join(', ')}\n`);
  process.exit(2);
}
ensureDependencies();
ensureSystemPackages();
for (const step of lane.steps) if (!(await step())) process.exit(1);

const reportDir = mkdtempSync(join(tmpdir(), 'idp-test-'));
const { totals, failedProjects, failures } = runTests(reportDir, lane.runs());
rmSync(reportDir, { recursive: true, force: true });
// Repeated at the very end, where a log cut to its tail (as CI's often is) still shows it.
if (failedProjects.length)
  process.stdout.write(`\n\x1b[31mfailing projects: ${failedProjects.join(', ')}\x1b[0m\n`);
for (const failure of failures) process.stdout.write(`\x1b[31m  ✗ ${failure}\x1b[0m\n`);
process.stdout.write(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`,
);
process.exit(failedProjects.length || totals.failed ? 1 : 0);
