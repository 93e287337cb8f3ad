// The NATS cluster as rendered: operator mode from the resolver Secret, TLS for clients and routes,
// route credentials from their own Secret, JetStream on, monitoring on loopback only. Then the same
// files and environment start three real nats-server processes of the local version (2.9) that must
// form a JetStream cluster; they leave out exactly the keys only the image's newer server knows
// (src/local-server-keys.ts), and a test here proves that list exact.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNKNOWN_TO_LOCAL_SERVER, unknownFields } from '../src/local-server-keys.js';
import { withoutComments } from '../src/nats-conf.js';
import { checkNodeConfig, startNatsCluster } from '../src/nats-nodes.js';
import { find, ofKind } from '../src/objects.js';
import { type Rendered, render } from '../src/render.js';

let rendered: Rendered;
let natsConf: string;
beforeAll(async () => {
  rendered = await render();
  natsConf = ofKind(rendered.objects, 'ConfigMap').find((c) => c.data?.['nats.conf'])!.data['nats.conf'];
});

/** The first line a NATS server sends to a new connection: its INFO. */
function serverInfo(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => socket.destroy(new Error('no INFO within 5 s')), 5_000);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\r\n')[0];
      if (line && buffer.includes('\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(JSON.parse(line.replace(/^INFO /, '')));
      }
    });
    socket.on('error', reject);
  });
}

async function monitor(
  port: number,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('NATS configuration', () => {
  it('takes operator mode from the resolver Secret, included before the local settings', () => {
    const lines = natsConf.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(lines[0]).toBe('include ./resolver.conf');
    expect(natsConf).not.toMatch(/^\s*(operator|resolver|system_account)\s*:/m);
  });

  it('binds monitoring to loopback and publishes no monitoring port', () => {
    expect(natsConf).toMatch(/^http: 127\.0\.0\.1:8222$/m);
    expect(natsConf).not.toMatch(/^\s*(http_port|monitor_port|https?_host)\s*:/m);
    const ports = [
      ...ofKind(rendered.objects, 'Service').flatMap((s) =>
        s.spec.ports.map((p: { port: number }) => p.port),
      ),
      ...find(rendered.objects, 'StatefulSet', 'nats').spec.template.spec.containers.flatMap(
        (c: { ports: { containerPort: number }[] }) => c.ports.map((p) => p.containerPort),
      ),
    ];
    expect(ports).not.toContain(8222);
  });

  it('sets, among the keys the local nats-server does not know, exactly those the local run leaves out', async () => {
    const asRendered = await checkNodeConfig(rendered.objects, []);
    expect(unknownFields(asRendered.output).sort(), asRendered.output).toEqual(
      [...UNKNOWN_TO_LOCAL_SERVER].sort(),
    );
    // Each of them is a setting of nats.conf itself (not of the included resolver.conf, not a comment).
    const settingLines = withoutComments(natsConf);
    for (const key of UNKNOWN_TO_LOCAL_SERVER)
      expect(settingLines, key).toMatch(new RegExp(`^\\s*${key}\\s*[:=]`, 'm'));
  });

  it('is accepted by the local nats-server once those keys are left out', async () => {
    const local = await checkNodeConfig(rendered.objects, UNKNOWN_TO_LOCAL_SERVER);
    expect(local.output).not.toMatch(/unknown field/);
    expect(local.status, local.output).toBe(0);
  });

  it('requires TLS of clients and mutual TLS plus a user of routes', () => {
    expect(natsConf).toMatch(/^tls \{[^}]*cert_file: \/etc\/nats\/tls\/tls\.crt/m);
    const cluster = natsConf.slice(natsConf.indexOf('cluster {'));
    expect(cluster).toMatch(/authorization \{\s*user: \$NATS_ROUTE_USER\s*password: \$NATS_ROUTE_PASSWORD/);
    expect(cluster).toMatch(/tls \{[^}]*verify: true/);
    const replicas = find(rendered.objects, 'StatefulSet', 'nats').spec.replicas;
    expect(cluster.match(/\$NATS_ROUTE_\d/g)).toHaveLength(replicas);
  });
});

describe('the rendered NATS StatefulSet, run locally', () => {
  let cluster: Awaited<ReturnType<typeof startNatsCluster>>;
  beforeAll(async () => {
    cluster = await startNatsCluster(rendered.objects);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('forms a JetStream cluster over authenticated TLS routes', async () => {
    const deadline = Date.now() + 20_000;
    const state = async () =>
      Promise.all(
        cluster.nodes.map(async (node) => {
          try {
            const routes = await monitor(node.monitorPort, '/routez');
            const health = await monitor(node.monitorPort, '/healthz');
            return { routes: routes.body.num_routes, health: health.body.status };
          } catch (error) {
            return { error: (error as Error).message };
          }
        }),
      );
    let last = await state();
    while (Date.now() < deadline && !last.every((s) => s.routes === 2 && s.health === 'ok')) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = await state();
    }
    const report = cluster.nodes.map((n) => `${n.name}:\n${n.output().slice(-2_000)}`).join('\n');
    expect(last, report).toEqual(cluster.nodes.map(() => ({ routes: 2, health: 'ok' })));
    expect(report).not.toContain(rendered.secrets.env.NATS_CLUSTER_PASSWORD);
  }, 30_000);

  it('asks every client for TLS and credentials', async () => {
    for (const node of cluster.nodes) {
      const info = await serverInfo(node.clientPort);
      expect(info.tls_required, node.name).toBe(true);
      expect(info.auth_required, node.name).toBe(true);
    }
  });
});
