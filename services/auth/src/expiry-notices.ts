// Tells the creator of an API key on `user:notifications`, once, that the key is about to expire.
// Every auth instance scans its mirror of the credentials bucket; a marker written with KV `create`
// (which exactly one writer wins) decides which instance sends the notice, and survives restarts.
// A marker whose key is gone is removed, so markers never outnumber keys.
import {
  type ApiKey,
  AuthEvents,
  type CredentialExpiringData,
  EventSubjects,
  type PublishedEvent,
} from '@idp/contracts';
import { encodeJson } from '@idp/nats';
import type { Logger } from '@idp/observability';
import type { KV } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { ApiKeys } from './api-keys.js';
import { API_KEY_PREFIX_IN_BUCKET } from './credential-keys.js';
import type { KvMirror } from './credential-store.js';

const NOTICE_PREFIX = 'expiry_notice.';
const DAY_MS = 86_400_000;

export const expiryNoticeKey = (keyId: string) => `${NOTICE_PREFIX}${keyId}`;

interface NoticeMarker {
  key_id: string;
  tenant_id: string;
  notified_at: string;
}

/** The notice for one key (pure). */
export function expiryNotice(key: ApiKey, expiresAt: number, now: number): CredentialExpiringData {
  const days = Math.max(1, Math.ceil((expiresAt - now) / DAY_MS));
  return {
    credential_id: key.id,
    credential_type: 'api_key',
    name: key.name,
    expires_at: new Date(expiresAt).toISOString(),
    message: `API key '${key.name}' expires in ${days === 1 ? 'less than a day' : `${days} days`}`,
  };
}

export interface ExpiryNotifierDeps {
  apiKeys: ApiKeys;
  /** The mirror of the credentials bucket: keys and markers alike. */
  mirror: KvMirror<{ id?: string } | NoticeMarker>;
  kv: KV;
  /** JetStream publishes go as plain requests (the stream answers with an acknowledgement). */
  nc: NatsConnection;
  logger: Logger;
  leadMs: number;
  intervalMs: number;
}

export class ExpiryNotifier {
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<unknown> | undefined;

  constructor(private readonly deps: ExpiryNotifierDeps) {}

  start(): void {
    if (this.deps.intervalMs <= 0) return;
    const run = () => {
      this.scanning ??= this.scan()
        .catch((error) => this.deps.logger.warn({ err: error }, 'credential expiry scan failed'))
        .finally(() => (this.scanning = undefined));
    };
    run();
    this.timer = setInterval(run, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
  }

  /** Sends the notices due at `now`; resolves with how many this instance sent. */
  async scan(now = Date.now()): Promise<number> {
    const { apiKeys, mirror, kv, logger, leadMs } = this.deps;
    let sent = 0;
    for (const { key, expiresAt } of apiKeys.expiringWithin(now, leadMs)) {
      const marker = expiryNoticeKey(key.id);
      if (mirror.get(marker)) continue;
      const value: NoticeMarker = {
        key_id: key.id,
        tenant_id: key.tenant_id,
        notified_at: new Date(now).toISOString(),
      };
      try {
        await kv.create(marker, JSON.stringify(value));
      } catch {
        continue; // another instance (or an earlier scan) claimed it; or NATS failed and the next scan retries
      }
      try {
        await this.publish(key, expiryNotice(key, expiresAt, now));
        sent++;
      } catch (error) {
        logger.warn({ err: error, credential_id: key.id }, 'could not send a credential expiry notice');
        await kv.delete(marker).catch(() => undefined);
      }
    }
    await this.forgetGone();
    return sent;
  }

  /** A JetStream publish deduplicated by key, so a retried notice is stored once. */
  private async publish(key: ApiKey, data: CredentialExpiringData): Promise<void> {
    const body: PublishedEvent = {
      event: AuthEvents.credentialExpiring,
      data,
      timestamp: new Date().toISOString(),
    };
    const h = headers();
    h.set('Nats-Msg-Id', `credential-expiring:${key.tenant_id}:${key.id}`);
    const subject = EventSubjects.userNotifications(key.tenant_id, key.created_by);
    const reply = await this.deps.nc.request(subject, encodeJson(body), { timeout: 5000, headers: h });
    const ack = reply.json<{ seq?: number; error?: { description?: string } }>();
    if (ack.error || !ack.seq)
      throw new Error(`the events stream refused the notice: ${ack.error?.description}`);
  }

  private async forgetGone(): Promise<void> {
    const { mirror, kv } = this.deps;
    const keys = new Set(mirror.entries(API_KEY_PREFIX_IN_BUCKET).map((k) => (k as { id?: string }).id));
    for (const m of mirror.entries(NOTICE_PREFIX) as NoticeMarker[]) {
      if (!keys.has(m.key_id)) await kv.delete(expiryNoticeKey(m.key_id)).catch(() => undefined);
    }
  }
}
