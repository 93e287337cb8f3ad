// npm run test:containers: builds the images (cached), runs the system from them, runs the e2e tests of
// e2e/containers against it (lifecycle, realtime resume, failures with podman kill), plays the local
// Kubernetes overlay with podman kube play and checks it, then removes everything and fails if anything
// is left. Installs podman, runc and debootstrap with apt-get on a fresh CI machine (root).
import { buildImages } from './images.js';
import { playLocalOverlay } from './kube/play.js';
import { smokeCheck } from './kube/smoke.js';
import { STATE_FILE } from './layout.js';
import { leftSince, podmanObjects } from './leftovers.js';
import { ROOT } from './paths.js';
import { run } from './podman.js';
import { preflight } from './preflight.js';
import { down, up } from './system.js';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const say = (line: string) => process.stdout.write(`[test:containers ${elapsed()}] ${line}\n`);

/** Short operation stages, so that a deploy takes seconds (as in e2e/test). */
const TEST_ENV = { IDP_OPERATION_STAGE_MS: '500', IDP_OPERATION_ACK_WAIT_MS: '1500', LOG_LEVEL: 'warn' };

async function e2e(): Promise<boolean> {
  const vitest = await run('npx', ['vitest', 'run', '--config', 'vitest.containers.config.ts'], {
    env: { ...process.env, IDP_CONTAINERS_STATE: STATE_FILE },
    echo: true,
    timeoutMs: 900_000,
    cwd: `${ROOT}e2e`,
  });
  return vitest.code === 0;
}

/** The system from the images, and the e2e tests against it. */
async function composeSystem(tag: string): Promise<boolean> {
  try {
    say('containers:up');
    await up(tag);
    say('e2e/containers against the containers');
    return await e2e();
  } finally {
    say('containers:down');
    await down();
  }
}

/** k8s/overlays/local through podman kube play, and its smoke check. */
async function kubePlay(tag: string): Promise<boolean> {
  say('kube play k8s/overlays/local');
  const played = await playLocalOverlay(tag);
  try {
    await smokeCheck(played);
    say('kube play: every pod ready, an authenticated request answered, user 1000 on a read-only root');
    return true;
  } catch (error) {
    say(`kube play check FAILED: ${(error as Error).message}`);
    return false;
  } finally {
    await played.stop();
  }
}

async function main(): Promise<boolean> {
  await preflight({ install: true });
  const before = await podmanObjects();
  say('images');
  const tag = await buildImages();
  Object.assign(process.env, TEST_ENV);
  const e2ePassed = await composeSystem(tag);
  const kubePassed = await kubePlay(tag);
  const left = await leftSince(before);
  if (left.length > 0) say(`left behind: ${left.join(', ')}`);
  return e2ePassed && kubePassed && left.length === 0;
}

try {
  const ok = await main();
  say(ok ? 'passed' : 'FAILED');
  process.exitCode = ok ? 0 : 1;
} catch (error) {
  say(`FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
}
