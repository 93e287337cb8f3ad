// Credentials live in a JetStream KV bucket shared by every auth instance. Each instance mirrors the
// bucket in memory through a watch, so verifying a credential costs no NATS round trip and a
// revocation written by any instance is seen by all of them within milliseconds.
import { KvBuckets } from '@idp/contracts';
import type { Logger } from '@idp/observability';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

export class KvMirror<T> {
  private readonly values = new Map<string, T>();

  constructor(
    readonly kv: KV,
    private readonly logger: Logger,
  ) {}

  /** Starts watching and resolves once the bucket's current contents are loaded (bounded). */
  async start(): Promise<void> {
    const stored = (await this.kv.status()).values;
    const watcher = await this.kv.watch();
    const loaded = new Promise<void>((resolve) => {
      if (stored === 0) resolve();
      void (async () => {
        for await (const entry of watcher) {
          if (entry.operation === 'PUT') this.values.set(entry.key, entry.json<T>());
          else this.values.delete(entry.key);
          // delta counts the entries still pending behind this one: 0 ends the initial load.
          if (entry.delta === 0) resolve();
        }
      })().catch((error) => this.logger.error({ err: error }, 'credential watch ended'));
    });
    // Serving before the load completes would refuse valid keys: a bounded wait, then a clear failure.
    const timedOut = Symbol('timeout');
    const outcome = await Promise.race([
      loaded,
      new Promise((resolve) => setTimeout(() => resolve(timedOut), 15_000)),
    ]);
    if (outcome === timedOut)
      throw new Error('credentials could not be loaded from JetStream KV within 15 s');
  }

  get size(): number {
    return this.values.size;
  }

  get(key: string): T | undefined {
    return this.values.get(key);
  }

  entries(prefix: string): T[] {
    return [...this.values].filter(([key]) => key.startsWith(prefix)).map(([, value]) => value);
  }

  /** Writes through to the bucket and to the mirror, so this instance reads its own write at once. */
  async put(key: string, value: T): Promise<void> {
    await this.kv.put(key, JSON.stringify(value));
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
    this.values.delete(key);
  }
}

/** Opens the buckets the setup step created (the auth user may use them, not create them). */
export async function openCredentialBuckets(nc: NatsConnection) {
  const kvm = new Kvm(nc);
  const credentials = await kvm.open(KvBuckets.authCredentials);
  const revoked = await kvm.open(KvBuckets.authRevokedTokens);
  return { credentials, revoked };
}
