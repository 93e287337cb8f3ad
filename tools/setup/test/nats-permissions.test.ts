// The permission table is what the server enforces: each service user may publish what its row says,
// and nothing another row allows that its own does not. Checked against a real operator-mode server.
import { readFile, rm } from 'node:fs/promises';
import { DiscoverySubjects, SYSTEM_SERVICES } from '@idp/contracts';
import { SERVICE_PERMISSIONS, type ServiceUser, writeNatsSetup } from '@idp/nats-auth';
import { type NatsServerHandle, startNatsServer } from '@idp/testing';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => server?.cleanup());

/** NATS subject matching: `*` one token, `>` the rest. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** A concrete subject inside a permission pattern. */
const concrete = (pattern: string) => pattern.replaceAll('*', 'x').replace(/>$/, 'x.y');

const USERS = Object.keys(SERVICE_PERMISSIONS) as ServiceUser[];

/** Publishes each subject as `user` and answers the subjects the server refused. */
async function refusedPublishes(user: ServiceUser, subjects: string[]): Promise<Set<string>> {
  const nc = await connect(server.clientOptions(user));
  const refused = new Set<string>();
  const watching = (async () => {
    for await (const status of nc.status()) {
      const subject = /Publish to "([^"]+)"/.exec(String(status.type === 'error' && status.error))?.[1];
      if (subject) refused.add(subject);
    }
  })();
  for (const subject of subjects) nc.publish(subject);
  await nc.flush();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await nc.close();
  await watching;
  return refused;
}

/** Subscribes to each subject as `user` and answers the subjects the server refused. */
async function refusedSubscriptions(user: ServiceUser, subjects: string[]): Promise<Set<string>> {
  const nc = await connect(server.clientOptions(user));
  const refused = new Set<string>();
  for (const subject of subjects) {
    const sub = nc.subscribe(subject);
    // A refused subscription is closed with the server's error (`closed` resolves to it).
    void sub.closed.then((result) => {
      const match = /Subscription to "([^"]+)"/.exec(String(result instanceof Error && result.message));
      if (match?.[1]) refused.add(match[1]);
    });
  }
  await nc.flush();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await nc.close();
  return refused;
}

describe('the NATS permission table', () => {
  it('lets each service publish every subject of its own row', async () => {
    for (const user of USERS) {
      const subjects = SERVICE_PERMISSIONS[user].publish.map(concrete);
      expect([...(await refusedPublishes(user, subjects))], user).toEqual([]);
    }
  });

  it('refuses each service what only other rows allow', async () => {
    for (const user of USERS) {
      const own = SERVICE_PERMISSIONS[user].publish;
      const foreign = USERS.filter((other) => other !== user)
        .flatMap((other) => SERVICE_PERMISSIONS[other].publish.map(concrete))
        .filter((subject) => !own.some((pattern) => matches(pattern, subject)));
      const refused = await refusedPublishes(user, [...new Set(foreign)]);
      expect([...refused].sort(), user).toEqual([...new Set(foreign)].sort());
    }
  });

  it('lets each service hear discovery requests for its own name only, so none can answer as another', async () => {
    for (const user of SYSTEM_SERVICES) {
      const own = ['PING', 'INFO', 'STATS'].flatMap((verb) => {
        const v = verb as 'PING' | 'INFO' | 'STATS';
        return [
          DiscoverySubjects.control(v),
          DiscoverySubjects.control(v, user),
          `${DiscoverySubjects.control(v, user)}.id1`,
        ];
      });
      expect([...(await refusedSubscriptions(user, own))], user).toEqual([]);
      const others = SYSTEM_SERVICES.filter((other) => other !== user).flatMap((other) => [
        DiscoverySubjects.control('PING', other),
        `${DiscoverySubjects.control('STATS', other)}.id1`,
        DiscoverySubjects.load(other),
      ]);
      expect([...(await refusedSubscriptions(user, others))].sort(), user).toEqual(others.sort());
    }
  });

  it('lets only the platform ask for discovery, and a service posing as the platform gets no request', async () => {
    const askers = USERS.filter((user) => user !== 'platform');
    const ping = DiscoverySubjects.control('PING', 'platform');
    for (const user of askers) expect([...(await refusedPublishes(user, [ping]))], user).toEqual([ping]);

    // The edge tries to answer for the platform: its subscription is refused, so the platform's
    // per-name ping finds nobody to answer it.
    const impostor = await connect(server.clientOptions('edge'));
    const posing = impostor.subscribe(ping, {
      callback: (error, msg) => {
        if (!error) msg.respond('{"name":"platform"}');
      },
    });
    const refusal = posing.closed.then((result) => String(result instanceof Error && result.message));
    await impostor.flush();
    expect(await refusal).toMatch(/permissions violation/i);
    const asker = await connect(server.clientOptions('platform'));
    await expect(asker.request(ping, undefined, { timeout: 500 })).rejects.toThrow(/no responders|timeout/i);
    await Promise.all([asker.close(), impostor.close()]);
  });

  it('refuses a connection without credentials of this operator', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/authoriz/i);
    const other = await writeNatsSetup(`${server.storeDir}/other-operator`);
    const creds = await readFile(other.credsFile('edge'));
    await expect(
      connect({ servers: server.url, authenticator: credsAuthenticator(creds), reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
    await rm(other.dir, { recursive: true, force: true });
  });

  it('keeps every key when the setup runs again, so issued credentials stay valid', async () => {
    const before = await readFile(server.setup!.credsFile('edge'), 'utf8');
    const again = await writeNatsSetup(server.setup!.dir);
    expect(again.created).toBe(false);
    const seed = (creds: string) => creds.split('NKEY SEED-----')[1]?.trim().split('\n')[0];
    expect(seed(await readFile(again.credsFile('edge'), 'utf8'))).toBe(seed(before));
    const nc = await connect(server.clientOptions('edge'));
    await nc.close();
  });
});
