// The local cluster's life: the entry proxies first (a taken port fails before anything starts), three
// nats-server processes as one JetStream cluster (held by nats-host.ts), the setup step with three
// replicas, then two instances of every service; and the stop, services before NATS, each bounded. A
// start that fails names the process and shows its last lines; whatever had started, `stop()` stops.
import { join } from 'node:path';
import { freePort } from '@idp/testing';
import type { Prefixer } from './log-lines.js';
import { startNatsHost } from './nats-host-client.js';
import {
  type InstancePlan,
  type NatsEnv,
  planInstances,
  type ServiceName,
  setupEnv,
  sharedEnv,
} from './plan.js';
import { waitUntilDone, waitUntilReady } from './readiness.js';
import { type Backend, type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';
import { type ProcessSpec, type RunningProcess, spawnProcess } from './service-process.js';

export interface LocalClusterOptions {
  /** The repository root: every process runs there, as under `npm start`. */
  root: string;
  /** The NATS operator setup (keys and creds), kept between runs: `npm run nats:creds` reads it too. */
  natsDir: string;
  /** The entry's REST and WebSocket ports; 0 for any free port. */
  entryHttpPort: number;
  entryWsPort: number;
  baseEnv: Record<string, string | undefined>;
  /** The HS256 secret the auth instances accept (`npm run token` signs with the same). */
  jwtSecret: string;
  out: Prefixer;
  readyTimeoutMs?: number;
  /** NATS went away while the cluster ran: nothing works without it, so the runner stops everything. */
  onNatsLost?: () => void;
}

/** What the welcome shows. */
export interface ClusterSummary {
  natsUrls: string[];
  natsCredsDir: string;
  entry: { http: string; ws: string };
  instances: InstancePlan[];
}

// Ten processes start at once on what may be two busy cores.
const READY_TIMEOUT_MS = 90_000;
const SETUP_TIMEOUT_MS = 60_000;

export class StoppedDuringStart extends Error {
  constructor() {
    super('stopped while starting');
    this.name = 'StoppedDuringStart';
  }
}

export class LocalCluster {
  /** Known from its spawn on, so a stop during its start finds it. */
  private natsHost: RunningProcess | undefined;
  private readonly services: RunningProcess[] = [];
  private readonly proxies: RoundRobinProxy[] = [];
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: LocalClusterOptions) {}

  get stopping(): boolean {
    return this.stopped !== undefined;
  }

  async start(): Promise<ClusterSummary> {
    const { options } = this;
    const httpPort = options.entryHttpPort || (await freePort());
    const wsPort = options.entryWsPort || (await freePort());
    const instances = await planInstances({
      baseEnv: options.baseEnv,
      publisherSeedFile: join(options.natsDir, 'keys', 'publisher-signer.nk'),
      jwtSecret: options.jwtSecret,
      entryHttpPort: httpPort,
      freePort,
    });
    await this.startEntry(httpPort, wsPort, instances);
    options.out.say('starting three nats-server processes as one JetStream cluster…');
    const nats = await startNatsHost((spec) => this.spawn(spec), options.natsDir, sharedEnv(options.baseEnv));
    void nats.process.ended.then((how) => {
      if (this.stopping) return;
      options.out.say(`the NATS host exited unexpectedly (${how})\n${nats.process.lastLines()}`);
      options.onNatsLost?.();
    });
    options.out.say(`NATS cluster ready: ${nats.url}`);
    await this.runSetupStep({ ...setupEnv(options.baseEnv), ...nats.env('setup') });
    // All at once: none needs another to become ready, and two busy cores start them faster together.
    await Promise.all(instances.map((i) => this.startInstance(i, nats.env)));
    return {
      natsUrls: nats.url.split(','),
      natsCredsDir: join(options.natsDir, 'creds'),
      entry: { http: `http://127.0.0.1:${httpPort}/api/v1`, ws: `ws://127.0.0.1:${wsPort}/ws/v1` },
      instances,
    };
  }

  /**
   * Stops everything once (later calls wait for the same stop): the entry, every service in parallel
   * (each drains against a NATS that still runs), then NATS.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await Promise.all(this.proxies.map((proxy) => proxy.close()));
      await Promise.all(this.services.map((p) => p.stop()));
      if (this.services.length > 0) this.options.out.say('the services have stopped; stopping NATS');
      await this.natsHost?.stop();
    })();
    return this.stopped;
  }

  /** For a runner that exits right now: no process of the cluster may outlive it. */
  killNow(): void {
    for (const p of this.services) p.killNow();
    this.natsHost?.killNow();
  }

  private async startEntry(httpPort: number, wsPort: number, instances: InstancePlan[]): Promise<void> {
    const backends = (service: ServiceName, portKey: string): Backend[] =>
      instances
        .filter((i) => i.service === service)
        .map((i) => ({ host: '127.0.0.1', port: Number(i.env[portKey]) }));
    const entries = [
      { port: httpPort, key: 'IDP_HTTP_PORT', backends: backends('edge', 'IDP_HTTP_PORT') },
      { port: wsPort, key: 'IDP_WS_PORT', backends: backends('realtime', 'IDP_WS_PORT') },
    ];
    for (const entry of entries) {
      const proxy = await startRoundRobinProxy({ host: '127.0.0.1', port: entry.port }, entry.backends).catch(
        (error: Error) => {
          throw new Error(`${error.message} (another \`npm start\`? set ${entry.key}, 0 for any free port)`);
        },
      );
      this.proxies.push(proxy);
    }
  }

  private async runSetupStep(env: Record<string, string>): Promise<void> {
    const setup = this.spawn({ name: 'setup', entry: join('tools', 'setup', 'src', 'main.ts'), env });
    await waitUntilDone(setup, SETUP_TIMEOUT_MS);
    this.options.out.say('setup step done: every stream and bucket has 3 replicas');
  }

  private async startInstance(plan: InstancePlan, natsEnv: NatsEnv): Promise<void> {
    const started = this.spawn({
      name: plan.name,
      entry: plan.entry,
      env: { ...plan.env, ...natsEnv(plan.service) },
    });
    await waitUntilReady(started, plan.probeUrl, this.options.readyTimeoutMs ?? READY_TIMEOUT_MS);
    this.options.out.say(`${plan.name} is ready (${plan.probeUrl})`);
    void started.ended.then((how) => {
      if (this.stopping) return;
      this.options.out.say(
        `${plan.name} exited unexpectedly (${how}); the other instances go on.\n${started.lastLines()}`,
      );
    });
  }

  private spawn(spec: Omit<ProcessSpec, 'cwd'>): RunningProcess {
    if (this.stopping) throw new StoppedDuringStart();
    const started = spawnProcess({ ...spec, cwd: this.options.root }, this.options.out.forProcess(spec.name));
    // The NATS host goes last in a stop, after every service.
    if (spec.ownGroup) this.natsHost = started;
    else this.services.push(started);
    this.options.out.say(`started ${spec.name} (pid ${started.pid})`);
    return started;
  }
}
