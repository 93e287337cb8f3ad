// Refused credentials, remembered for a few seconds so that a flood repeating one bad token or key
// costs no auth round trip per request. Keyed by the SHA-256 of the credential headers (never the
// credential itself), bounded in entries (oldest dropped first) and in time (`ttl_ms`, short, so a
// token that becomes valid — `nbf` reached, a new signing key published — is not held off for long).
import { hash } from 'node:crypto';
import { ApiError, type ErrorBody } from '@idp/contracts';

interface Entry {
  error: ErrorBody;
  expiresAt: number;
}

export interface AuthFailureCacheLimits {
  ttl_ms: number;
  max_entries: number;
}

export class AuthFailureCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: () => AuthFailureCacheLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The refusal to repeat for these headers, or undefined (unknown, or expired). */
  get(fingerprint: string): ApiError | undefined {
    const entry = this.entries.get(fingerprint);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(fingerprint);
      return undefined;
    }
    return ApiError.from(entry.error);
  }

  /** Remembers an authentication refusal (401 only: a timeout or outage says nothing about the credential). */
  remember(fingerprint: string, error: unknown) {
    const { ttl_ms, max_entries } = this.limits();
    if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED') return;
    if (ttl_ms === 0 || max_entries === 0) return;
    this.entries.delete(fingerprint);
    while (this.entries.size >= max_entries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(fingerprint, { error: error.toBody(), expiresAt: this.clock() + ttl_ms });
  }

  get size() {
    return this.entries.size;
  }
}

/**
 * A digest of every header the credential can come from, so equal headers give equal answers; undefined
 * when there is no credential at all (that refusal costs no round trip anyway).
 */
export function credentialFingerprint(headers: Record<string, string | string[] | undefined>) {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  if (authorization === undefined && apiKey === undefined) return undefined;
  const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('\n') : (v ?? ''));
  return hash('sha256', `a:${text(authorization)}\u0000k:${text(apiKey)}`, 'base64url');
}
