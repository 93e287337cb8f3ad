// The check of the played overlay: every pod ready on its probe, the edge answering an authenticated
// request end to end (edge → auth → platform over NATS), and every container as the manifests ask:
// user 1000 on a read-only root filesystem.
import { mintToken } from '@idp/testing';
import { SERVICES } from '../paths.js';
import { podman } from '../podman.js';
import { waitForOk } from '../wait.js';
import { KUBE_PORTS } from './layout.js';
import type { PlayedOverlay } from './play.js';

async function authenticatedRoundTrip(secret: string) {
  const token = await mintToken({ sub: 'smoke', tenant: 'acme', secret });
  const api = `http://127.0.0.1:${KUBE_PORTS.http}/api/v1`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${api}/teams`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'smoke' }),
    signal: AbortSignal.timeout(15_000),
  });
  if (created.status !== 201)
    throw new Error(`POST /teams answered ${created.status}: ${await created.text()}`);
  const refused = await fetch(`${api}/teams`, { signal: AbortSignal.timeout(15_000) });
  if (refused.status !== 401)
    throw new Error(`GET /teams without a token answered ${refused.status}, not 401`);
}

async function containersAsDeclared() {
  const names = (await podman(['ps', '--format', '{{.Names}}'])).split('\n');
  for (const service of SERVICES) {
    const name = names.find((n) => n.startsWith(`${service}-pod-`) && n.endsWith(`-${service}`));
    if (!name)
      throw new Error(`no running container of ${service} from kube play (running: ${names.join(', ')})`);
    const seen = await podman([
      'inspect',
      '--format',
      '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}',
      name,
    ]);
    if (!/^1000(:1000)? true$/.test(seen)) throw new Error(`${name}: user and read-only root are "${seen}"`);
  }
}

export async function smokeCheck(played: PlayedOverlay): Promise<void> {
  await waitForOk(`http://127.0.0.1:${KUBE_PORTS.http}/readyz`, 'edge (kube play)', 120_000);
  for (const service of SERVICES)
    await waitForOk(`http://127.0.0.1:${KUBE_PORTS.probe[service]}/readyz`, `${service} (kube play)`, 60_000);
  await authenticatedRoundTrip(played.rendered.authEnv.IDP_JWT_SECRET);
  await containersAsDeclared();
}
