// The permission table is what the server enforces: each service user may publish what its row says,
// and nothing another row allows that its own does not. Checked against a real operator-mode server.
import { readFile, rm } from 'node:fs/promises';
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
