// Reconnect delays: exponential, capped, with "equal jitter" so a fleet of clients dropped by one
// instance does not come back in one wave.
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Attempts in a row before giving up (the iterators then fail with SERVICE_UNAVAILABLE). */
  maxAttempts?: number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const cap = Math.min(options.maxMs ?? 10_000, (options.initialMs ?? 200) * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
