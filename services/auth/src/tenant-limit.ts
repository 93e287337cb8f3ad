// Per-tenant ceilings on stored credentials: every auth instance holds every credential in memory, so
// one tenant must not be able to grow that without bound. Creations in flight on this instance count
// as held, so a burst to one instance never passes the limit; bursts spread over several instances
// can pass it by at most the creations in flight elsewhere at that moment (docs/auth.md).
import { ApiError } from '@idp/contracts';

export class TenantLimit {
  private readonly pending = new Map<string, number>();

  constructor(
    /** What is limited, for the message: "API keys", "service accounts". */
    private readonly what: string,
    private readonly max: number,
    private readonly count: (tenant: string) => number,
  ) {}

  /** Runs `create` if the tenant is under its limit; 403 QUOTA_EXCEEDED otherwise. */
  async reserve<T>(tenant: string, create: () => Promise<T>): Promise<T> {
    const inFlight = this.pending.get(tenant) ?? 0;
    const used = this.count(tenant) + inFlight;
    if (used >= this.max) {
      throw new ApiError(
        'QUOTA_EXCEEDED',
        `The tenant already holds ${this.max} ${this.what}, its limit: revoke one before creating another`,
        { limit: this.max, used: Math.min(used, this.max), resource: this.what },
      );
    }
    this.pending.set(tenant, inFlight + 1);
    try {
      return await create();
    } finally {
      const left = (this.pending.get(tenant) ?? 1) - 1;
      if (left > 0) this.pending.set(tenant, left);
      else this.pending.delete(tenant);
    }
  }
}
