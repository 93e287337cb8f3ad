// What an intruder inside the network does with NATS: connect with whatever credentials it holds (a
// service's, a tenant publisher's, forged or expired ones) and try to publish, subscribe and request.
// Every refusal the server reports is recorded, so a test can assert both "refused" and "no harm".
import { readFile } from 'node:fs/promises';
import {
  issueTenantPublisherCreds,
  issueUserCreds,
  keyPair,
  type NatsSetup,
  newTrustSeeds,
  tenantPublisherInbox,
} from '@idp/nats-auth';
import type { NatsServerHandle, NatsUser } from '@idp/testing';
import {
  connect,
  credsAuthenticator,
  type Msg,
  type NatsConnection,
  PermissionViolationError,
} from '@nats-io/transport-node';
import WebSocket from 'ws';

/** How long a test waits to see that something does NOT happen. */
export const QUIET_MS = 2_000;

const text = new TextEncoder();
export const json = (value: unknown) => text.encode(JSON.stringify(value));

export interface Attacker {
  who: string;
  nc: NatsConnection;
  /** Permission violations the server reported on this connection (nc.status()). */
  violations: PermissionViolationError[];
  close(): Promise<void>;
}

/** A service user of the system, or `tenant:<id>` for a NATS-native publisher of that tenant. */
export type Identity = NatsUser | `tenant:${string}`;

export async function connectAs(nats: NatsServerHandle, who: Identity): Promise<Attacker> {
  const options = who.startsWith('tenant:')
    ? await tenantOptions(nats, who.slice('tenant:'.length))
    : nats.clientOptions(who as NatsUser);
  const nc = await connect({ ...options, name: `attacker-${who}`, timeout: 5_000 });
  const violations: PermissionViolationError[] = [];
  void (async () => {
    for await (const status of nc.status())
      if (status.type === 'error' && status.error instanceof PermissionViolationError)
        violations.push(status.error);
  })();
  return { who, nc, violations, close: () => nc.close() };
}

async function tenantOptions(nats: NatsServerHandle, tenant: string) {
  const creds = await nats.tenantCreds(tenant);
  return {
    servers: nats.url,
    authenticator: credsAuthenticator(text.encode(creds)),
    inboxPrefix: tenantPublisherInbox(tenant),
  };
}

/** Tries to connect with a `.creds` text (or none): the refusal, or undefined when let in. */
export async function connectionRefusal(url: string, creds?: string): Promise<Error | undefined> {
  const nc = await connect({
    servers: url,
    timeout: 5_000,
    maxReconnectAttempts: 0,
    ...(creds && { authenticator: credsAuthenticator(text.encode(creds)) }),
  }).catch((error: Error) => error);
  if (nc instanceof Error) return nc;
  await nc.close();
  return undefined;
}

async function until<T>(probe: () => T | undefined, boundMs = QUIET_MS): Promise<T | undefined> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const found = probe();
    if (found !== undefined || Date.now() >= deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Publishes and returns the server's refusal of that subject (undefined if none came within 2 s). */
export async function publishRefusal(a: Attacker, subject: string, body: unknown) {
  const seen = a.violations.length;
  a.nc.publish(subject, json(body));
  await a.nc.flush();
  return until(() =>
    a.violations.slice(seen).find((v) => v.operation === 'publish' && v.subject === subject),
  );
}

export interface Sniffer {
  /** The server's refusal of the subscription, if it came. */
  refusal: Promise<Error | undefined>;
  /** Every message the subscription received. */
  received: Msg[];
}

/**
 * Subscribes (optionally in a queue group, as a responder would) and records what arrives, answering
 * each request with `fakeReply` when given; a refusal closes the subscription.
 */
export async function sniff(
  a: Attacker,
  subject: string,
  queue?: string,
  fakeReply?: unknown,
): Promise<Sniffer> {
  const received: Msg[] = [];
  const sub = a.nc.subscribe(subject, {
    ...(queue && { queue }),
    callback: (error, msg) => {
      if (error) return;
      received.push(msg);
      if (fakeReply !== undefined && msg.reply) msg.respond(json(fakeReply));
    },
  });
  await a.nc.flush();
  const timer = new Promise<undefined>((resolve) => setTimeout(resolve, QUIET_MS));
  const refusal = Promise.race([sub.closed.then((error) => error ?? undefined), timer]);
  return { refusal, received };
}

/** The permission violation behind an error (the client wraps it in a RequestError), if any. */
export function violationIn(error: unknown): PermissionViolationError | undefined {
  if (error instanceof PermissionViolationError) return error;
  return error instanceof Error && error.cause ? violationIn(error.cause) : undefined;
}

/** Sends a request; returns the refusal and how long it took (throws if the request was answered). */
export async function requestFailure(a: Attacker, subject: string, body: unknown) {
  const started = Date.now();
  const data = body === undefined ? undefined : json(body);
  const reply = await a.nc.request(subject, data, { timeout: 3_000 }).catch((error: Error) => error);
  if (!(reply instanceof Error)) throw new Error(`${a.who} got an answer on ${subject}: ${reply.string()}`);
  return { error: reply, violation: violationIn(reply), ms: Date.now() - started };
}

/** A user of an operator and account this server has never heard of. */
export async function foreignOperatorCreds(): Promise<string> {
  const seeds = newTrustSeeds();
  return issueAsAccount(keyPair(seeds.account).getPublicKey(), seeds.serviceSigner);
}

/** A user claiming the system's own account, signed by a key that is not one of its signing keys. */
export async function forgedIssuerCreds(accountPublicKey: string): Promise<string> {
  return issueAsAccount(accountPublicKey, newTrustSeeds().serviceSigner);
}

async function issueAsAccount(accountPublicKey: string, signerSeed: string) {
  const everything = { publish: ['>'], subscribe: ['>'], respond: true };
  const { creds } = await issueUserCreds({
    name: 'intruder',
    permissions: everything,
    accountPublicKey,
    signerSeed,
  });
  return creds;
}

/** Genuine tenant-publisher credentials for one minute, issued at `issuedAtMs`. */
export async function oneMinuteTenantCreds(setup: NatsSetup, tenant: string, issuedAtMs: number) {
  return issueTenantPublisherCreds({
    tenant,
    accountPublicKey: setup.trust.account.publicKey,
    publisherSignerSeed: await readFile(setup.publisherSignerFile, 'utf8'),
    ttlSeconds: 60,
    now: () => issuedAtMs,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary server frames
export type Frame = any;

/** A WebSocket client of the realtime service subscribed to one topic, recording every frame. */
export async function watchTopic(wsUrl: string, token: string, topic: string) {
  const ws = new WebSocket(wsUrl);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'auth', token }));
  ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
  const answer = await until(() => frames.find((f) => f.type === 'subscribed' || f.type === 'error'), 5_000);
  if (answer?.type !== 'subscribed' || !answer.topics.includes(topic))
    throw new Error(`subscribing to ${topic} failed: ${JSON.stringify(answer)}`);
  return {
    events: () => frames.filter((f) => f.type === 'event' && f.topic === topic),
    /** Waits up to `boundMs` for an event of the topic. */
    nextEvent: (boundMs = QUIET_MS) =>
      until(() => frames.find((f) => f.type === 'event' && f.topic === topic), boundMs),
    close: () => ws.close(),
  };
}
