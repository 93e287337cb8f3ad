// `npm run cluster`: three nats-server processes as one JetStream cluster and two instances of every
// service, with prefixed logs, a round-robin entry, and a stop of everything on Ctrl-C. Wiring only:
// local-cluster.ts does the work.
import { fileURLToPath } from 'node:url';
import { LocalCluster, StoppedDuringStart } from './local-cluster.js';
import { prefixer } from './log-lines.js';
import { type ClusterSettings, readClusterSettings } from './settings.js';
import { welcomeText } from './welcome.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const out = prefixer((text) => process.stdout.write(text), process.stdout.isTTY === true);

let settings: ClusterSettings;
try {
  settings = readClusterSettings(process.env, root);
} catch (error) {
  out.say((error as Error).message);
  process.exit(2);
}

const cluster = new LocalCluster({
  ...settings,
  root,
  baseEnv: process.env,
  out,
  onNatsLost: () => void stopAndExit(1),
});

async function stopAndExit(code: number): Promise<void> {
  await cluster.stop();
  out.say('stopped');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!cluster.stopping) out.say(`${signal}: stopping every process…`);
    void stopAndExit(0);
  });
}
// However this runner ends (an error included), no process of the cluster outlives it.
process.on('exit', () => cluster.killNow());

try {
  const summary = await cluster.start();
  out.say(welcomeText(summary));
} catch (error) {
  // Ctrl-C during the start stops it on purpose: that is no failure to report.
  if (!cluster.stopping && !(error instanceof StoppedDuringStart)) {
    out.say(`the cluster did not start: ${(error as Error).message}`);
    await stopAndExit(1);
  }
}
